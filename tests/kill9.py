"""kill -9 at seeded random points: an interrupted run, resumed, must leave the catalog (and the
files) exactly as one uninterrupted run does.

The operation runs in a child process whose every SQL statement (``sqlite3`` trace callback)
and every rename of a written file counts as a kill point; the child SIGKILLs itself at point
``N``, a seeded random draw over the points an uninterrupted run passes. The parent then runs
the operation again to the end and compares a path-independent dump of the catalog with the
reference run's.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DRIVER = r'''
import json, os, signal, sys
sys.path.insert(0, sys.argv[1])
op, library, folder, kill_at, extra = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]
count = 0

def point(*_args):
    global count
    count += 1
    if count == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)

from imgtag_desktop.core.catalog import base as _base
_open = _base.CatalogBase._open
def _traced(uri, read_only):
    conn = _open(uri, read_only)
    conn.set_trace_callback(point)
    return conn
_base.CatalogBase._open = staticmethod(_traced)
from imgtag_desktop.core.metadata import staged as _staged
_commit = _staged._commit
def _counted_commit(temp, target):
    point()
    _commit(temp, target)
    point()
_staged._commit = _counted_commit

from imgtag_desktop.core.catalog import Catalog
with Catalog(library) as catalog:
    if op == "scan":
        from imgtag_desktop.core.scan_import import scan_and_import
        scan_and_import(catalog, folder)
    elif op == "write":
        from imgtag_desktop.core.metadata import photos_to_write, write_photos
        report = write_photos(catalog, photos_to_write(catalog), mode="embedded", use_exiftool=extra == "exiftool")
        bad = [(str(r.path), r.status, r.reason) for r in report.results if r.status in ("skipped", "failed")]
        if bad:
            print(json.dumps(bad), file=sys.stderr)
            sys.exit(3)
    elif op == "tag":
        from imgtag_desktop.core.settings import Settings
        from imgtag_desktop.tagging import load_pipeline, tag_photos
        models = json.loads(extra)
        pipeline = load_pipeline(Settings(captioner=models["captioner"], keyword_model=models["keywords"],
                                          visual_model=models["visual"], device="cpu"))
        pipeline.load()
        todo = catalog.analysis.pending(pipeline.models_key)
        tag_photos(catalog, todo, pipeline, threshold=0.0, batch_size=1)
print(count)
'''


@dataclass
class Trials:
    """What the kill trials found (figures for the report)."""

    op: str
    trials: int = 0
    killed: int = 0
    failures: list[str] = field(default_factory=list)


def run_op(op: str, library: Path, folder: Path, kill_at: int = 0, extra: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", DRIVER, str(ROOT), op, str(library), str(folder), str(kill_at), extra],
                          capture_output=True, text=True, timeout=300)


def dump(library: Path, root: Path) -> dict[str, object]:
    """The catalog's content without ids, times or absolute paths (rows keyed by relative path)."""
    conn = sqlite3.connect(library)
    prefix = str(root) + "/"

    def rel(p: object) -> str:
        return (os.fsdecode(p) if isinstance(p, bytes) else str(p)).replace(prefix, "")

    paths = {pid: rel(pb) for pid, pb in conn.execute("SELECT id, path_bytes FROM photos")}
    out: dict[str, object] = {
        "photos": sorted((paths[i], size, fp, fmt, status, kp, merr) for i, size, fp, fmt, status, kp, merr in
                         conn.execute("SELECT id, size, fingerprint, format, status, keywords_pending, metadata_error"
                                      " FROM photos")),
        "tags": sorted((paths[p], name, state, source) for p, name, state, source in conn.execute(
            "SELECT pt.photo_id, t.name, pt.state, pt.source FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id")),
        "file_keywords": sorted((paths[p], sorted(json.loads(k))) for p, k in conn.execute(
            "SELECT photo_id, keywords FROM file_keywords")),
        "captions": sorted((paths[p], c) for p, c in conn.execute("SELECT photo_id, caption FROM captions")),
        "candidates": sorted((paths[p], t, d, round(s or 0, 4)) for p, t, d, s in conn.execute(
            "SELECT photo_id, text, decision, visual_score FROM candidates")),
        "analyses": sorted((paths[p], k) for p, k in conn.execute("SELECT photo_id, models_key FROM analyses")),
        "writes": sorted((paths[p], rel(t), m, u is None, e is None) for p, t, m, u, e in conn.execute(
            "SELECT photo_id, target, mode, undone_at, expected_state FROM metadata_writes")),
    }
    conn.close()
    return out


def run_trials(op: str, fixture: Callable[[Path], tuple[Path, Path]], workdir: Path, *, trials: int, seed: int,
               extra: str = "", check: Callable[[Path, Path], list[str]] | None = None,
               normalise: Callable[[dict[str, object]], dict[str, object]] | None = None,
               local: Callable[[Path, Path], int] | None = None) -> Trials:
    """``fixture(dir)`` makes a library and a folder under ``dir``; returns (library, folder).

    ``local(library, folder)``, when given, runs the operation in this process (the reference
    run and the resumes) and returns its number of kill points; only the killed run then
    pays for a new process (models load once)."""
    result = Trials(op)
    ref_dir = workdir / "reference"
    library, folder = fixture(ref_dir)
    if local is not None:
        points = local(library, folder)
    else:
        done = run_op(op, library, folder, extra=extra)
        assert done.returncode == 0, done.stderr
        points = int(done.stdout.strip().splitlines()[-1])
    expected = dump(library, ref_dir)
    if normalise:
        expected = normalise(expected)
    rng = random.Random(seed)
    for t in range(trials):
        trial_dir = workdir / f"trial{t}"
        library, folder = fixture(trial_dir)
        kill_at = rng.randint(1, points)
        killed = run_op(op, library, folder, kill_at, extra)
        result.trials += 1
        if killed.returncode == -signal.SIGKILL:
            result.killed += 1
        elif killed.returncode != 0:
            result.failures.append(f"trial {t} (kill at {kill_at}/{points}): exit {killed.returncode}: "
                                   f"{killed.stderr[-300:]}")
            continue
        if local is not None:
            local(library, folder)
            resumed = subprocess.CompletedProcess([], 0, "", "")
        else:
            resumed = run_op(op, library, folder, extra=extra)
        if resumed.returncode != 0:
            result.failures.append(f"trial {t} (kill at {kill_at}/{points}): resume exit {resumed.returncode}: "
                                   f"{resumed.stderr[-300:]}")
            continue
        got = dump(library, trial_dir)
        if normalise:
            got = normalise(got)
        for key in expected:
            if got[key] != expected[key]:
                result.failures.append(f"trial {t} (kill at {kill_at}/{points}): {key} differs: "
                                       f"{_first_difference(got[key], expected[key])}")
        if check:
            result.failures += [f"trial {t} (kill at {kill_at}/{points}): {m}" for m in check(library, folder)]
        shutil.rmtree(trial_dir, ignore_errors=True)
    return result


def _first_difference(got: object, expected: object) -> str:
    if isinstance(got, list) and isinstance(expected, list):
        missing = [x for x in expected if x not in got][:2]
        extra = [x for x in got if x not in expected][:2]
        return f"missing {missing}, unexpected {extra}"
    return f"{got!r} != {expected!r}"


def trial_count(default: int) -> int:
    """Trials per operation: a handful in CI, more with IMGTAG_KILL_TRIALS=N."""
    return int(os.environ.get("IMGTAG_KILL_TRIALS", default))
