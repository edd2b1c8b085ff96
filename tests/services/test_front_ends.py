"""One use case, one implementation: each use case run through the CLI and through the GUI's job
gives the same catalog (and the same files).

Two copies of the same photo folder, two libraries: one driven by ``imgtag ...`` (in process),
the other by the jobs the window starts (run synchronously here, on the test's thread).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from imgtag_desktop.cli import main
from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.settings import load_settings
from imgtag_desktop.jobs import ScanJob, TaggingJob
from imgtag_desktop.jobs.base import Job, JobStats
from imgtag_desktop.jobs.write_job import WriteJob
from imgtag_desktop.services import choose_photos_to_write
from tests.helpers import make_photo

SIDECAR = """<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:subject><rdf:Bag><rdf:li>lighthouse</rdf:li><rdf:li>coast</rdf:li></rdf:Bag></dc:subject>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>
"""


def dump(library: Path, root: Path) -> dict[str, object]:
    """Everything a use case can change, with paths relative to the photo folder."""
    with Catalog(library, read_only=True) as catalog:
        photos = {p.id: p for p in catalog.photos.all()}
        rel = {pid: str(p.path.relative_to(root)) for pid, p in photos.items()}
        tags = catalog.tags.photo_tags_of(list(photos))
        return {
            "photos": sorted((rel[p.id], p.status, p.fingerprint) for p in photos.values()),
            "tags": sorted((rel[pid], t.name, t.state, t.source,
                            None if t.visual_score is None else round(t.visual_score, 4))
                           for pid, found in tags.items() for t in found),
            "captions": sorted((rel[pid], catalog.analysis.caption(pid)) for pid in photos),
            "file_keywords": sorted((rel[pid], tuple(catalog.writes.file_keywords(pid) or ())) for pid in photos),
            "last_write": [(str(Path(r.target).relative_to(root)), r.mode, r.undone_at is not None)
                           for r in catalog.writes.in_batch(b)] if (b := catalog.writes.last_batch()) else None,
        }


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run_job(job: Job) -> JobStats:
    """What the window's jobs controller does on the job's thread, here on the test's."""
    stats = job.execute()
    assert isinstance(stats, JobStats) and stats.error is None, stats.error
    return stats


@pytest.fixture
def two_copies(tmp_path: Path, tiny_models: dict[str, Path], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("IMGTAG_CAPTIONER", str(tiny_models["captioner"]))
    monkeypatch.setenv("IMGTAG_KEYWORD_MODEL", str(tiny_models["keywords"]))
    monkeypatch.setenv("IMGTAG_VISUAL_MODEL", str(tiny_models["visual"]))
    monkeypatch.setenv("IMGTAG_DEVICE", "cpu")
    original = tmp_path / "original"
    make_photo(original / "coast" / "a.jpg", seed=1)
    (original / "coast" / "a.jpg.xmp").write_text(SIDECAR, encoding="utf-8")
    make_photo(original / "b.jpg", seed=2)
    make_photo(original / "c.png", seed=3)
    (original / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a jpeg")
    cli_root, job_root = tmp_path / "cli" / "photos", tmp_path / "job" / "photos"
    shutil.copytree(original, cli_root)
    shutil.copytree(original, job_root)
    return (cli_root, tmp_path / "cli" / "library.db"), (job_root, tmp_path / "job" / "library.db")


def cli(library: Path, *args: str) -> None:
    assert main(["--library", str(library), *args]) == 0


@pytest.mark.slow
def test_every_use_case_gives_the_same_catalog_through_the_cli_and_the_jobs(two_copies, capsys) -> None:  # type: ignore[no-untyped-def]
    (cli_root, cli_lib), (job_root, job_lib) = two_copies

    def same() -> dict[str, object]:
        a, b = dump(cli_lib, cli_root), dump(job_lib, job_root)
        assert a == b
        return a

    # Scanning a folder includes importing the keywords its files hold.
    cli(cli_lib, "scan", str(cli_root))
    run_job(ScanJob(job_lib, job_root))
    state = same()
    assert ("coast/a.jpg", "lighthouse", "approved", "imported", None) in state["tags"]  # type: ignore[operator]

    # Choosing the photos to tag and tagging them (every readable photo not tagged by these models).
    cli(cli_lib, "tag", "--threshold", "0")
    settings = load_settings()
    settings.threshold = 0.0
    stats = run_job(TaggingJob(job_lib, None, settings))
    assert stats.done == 3
    state = same()
    assert {c for _, c in state["captions"] if c} and any(  # type: ignore[union-attr]
        s == "model" for _, _, _, s, _ in state["tags"])  # type: ignore[union-attr]
    cli(cli_lib, "tag", "--threshold", "0")  # nothing left to do
    assert "nothing to do" in capsys.readouterr().out
    run_job(TaggingJob(job_lib, None, settings))
    same()

    # Manual tags, then writing the approved tags (the photos a write visits are chosen the same way).
    for lib, root in ((cli_lib, cli_root), (job_lib, job_root)):
        cli(lib, "tag-add", str(root / "b.jpg"), "places|Zürich")
        cli(lib, "tag-remove", str(root / "coast" / "a.jpg"), "coast")
    cli(cli_lib, "write", "--mode", "sidecar", "--no-exiftool")
    with Catalog(job_lib, read_only=True) as catalog:
        ids = choose_photos_to_write(catalog)
    run_job(WriteJob(job_lib, ids, mode="sidecar", use_exiftool=False))
    state = same()
    assert state["last_write"] and files(cli_root) == files(job_root)
    assert "lighthouse" in (cli_root / "coast" / "a.jpg.xmp").read_text(encoding="utf-8")
    assert "coast" not in (cli_root / "coast" / "a.jpg.xmp").read_text(encoding="utf-8")

    # Undoing the write.
    cli(cli_lib, "write", "--undo", "--no-exiftool")
    run_job(WriteJob(job_lib, undo=True, use_exiftool=False))
    state = same()
    assert state["last_write"] is None  # nothing left to undo
    assert files(cli_root) == files(job_root)
    assert "coast" in (cli_root / "coast" / "a.jpg.xmp").read_text(encoding="utf-8")


def test_tag_management_gives_the_same_catalog_through_the_cli_and_the_window(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QWidget

    from imgtag_desktop.core.settings import Settings
    from imgtag_desktop.ui.session import Session
    from imgtag_desktop.ui.tag_manager import TagManagerController

    original = tmp_path / "original"
    for i in range(4):
        make_photo(original / f"p{i}.jpg", seed=i)
    roots, libs = [], []
    for side in ("cli", "window"):
        root = tmp_path / side / "photos"
        shutil.copytree(original, root)
        lib = tmp_path / side / "library.db"
        cli(lib, "scan", str(root))
        with Catalog(lib) as catalog:
            ids = [p.id for p in catalog.photos.all(status="ok")]
            catalog.tags.add(ids[:3], "dog")
            catalog.tags.add(ids[1:], "puppy")
            catalog.tags.add(ids[:2], "Zürich")
            catalog.tags.add(ids[3], "cat")
        roots.append(root)
        libs.append(lib)
    edits = [("rename", "dog", "canine"), ("merge", "puppy", "canine"), ("move", "Zürich", "places"),
             ("delete", "cat", "")]
    for op, name, other in edits:
        cli(libs[0], "tags", op, name, *([other] if other else []))
    session = Session(libs[1], Settings())
    parent = QWidget()
    qtbot.addWidget(parent)
    controller = TagManagerController(session, parent)
    for op, name, other in edits:
        with qtbot.waitSignal(controller.applied) as applied:
            controller.apply(op, name, other)
        assert applied.args[0] is not None
    assert dump(libs[0], roots[0]) == dump(libs[1], roots[1])
    assert {t for _, t, *_ in dump(libs[1], roots[1])["tags"]} == {"canine", "places|Zürich"}  # type: ignore[union-attr]
    # Undo in the window restores the catalog the CLI started from, step by step.
    for _ in edits:
        session.undo_stack.undo()
    qtbot.waitUntil(lambda: not session.queries.busy())
    assert {t for _, t, *_ in dump(libs[1], roots[1])["tags"]} == {"dog", "puppy", "Zürich", "cat"}  # type: ignore[union-attr]
    session.close()


@pytest.mark.slow
def test_a_first_tagging_run_reports_the_same_steps_and_suggestions_through_the_cli_and_the_job(
    tmp_path: Path, tiny_models: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A first run with new models: the vocabulary is encoded between photos, then added to the photos
    tagged meanwhile. Both front ends show that step with the same count, and count the same suggestions:
    the run's own, not the place the scan suggested from GPS."""
    import dataclasses
    import re

    from imgtag_desktop.tagging import evict_models, staged
    from imgtag_desktop.tagging.staged import RunStep
    from imgtag_desktop.ui.status import JobsController

    for var, role in (("IMGTAG_CAPTIONER", "captioner"), ("IMGTAG_KEYWORD_MODEL", "keywords"),
                      ("IMGTAG_VISUAL_MODEL", "visual")):
        monkeypatch.setenv(var, str(tiny_models[role]))
    monkeypatch.setenv("IMGTAG_DEVICE", "cpu")
    monkeypatch.setattr(staged, "VOCABULARY_CHUNK", 64)
    original = tmp_path / "original"
    make_photo(original / "arezzo.jpg", seed=1, gps=(43.4674, 11.8851))
    for i in range(4):
        make_photo(original / f"p{i}.jpg", seed=10 + i)
    roots = {side: tmp_path / side / "photos" for side in ("cli", "job")}
    libs = {side: tmp_path / side / "library.db" for side in ("cli", "job")}
    for side, root in roots.items():
        shutil.copytree(original, root)
        cli(libs[side], "scan", str(root))

    def cold(side: str) -> None:  # nothing encoded yet: no text embeddings in memory or on disk
        evict_models()
        monkeypatch.setenv("IMGTAG_CACHE_DIR", str(tmp_path / side / "cache"))

    cold("cli")
    capsys.readouterr()
    assert main(["--library", str(libs["cli"]), "tag", "--json", "--progress", "--batch-size", "2"]) == 0
    out, err = capsys.readouterr()
    cli_summary = json.loads(out.strip().splitlines()[-1])
    shown = [m.groups() for m in re.finditer(r"tag: Adding the tag vocabulary to the photos tagged before it was "
                                             r"ready \((\d+)/(\d+) photos\)…", err)]

    cold("job")
    steps: list[RunStep] = []
    job = TaggingJob(libs["job"], None, dataclasses.replace(load_settings(), batch_size=2))
    job.step.connect(steps.append)
    stats = run_job(job)

    adding = [(s.done, s.total) for s in steps if s.kind == "vocabulary-candidates"]
    assert adding and adding[-1][0] == adding[-1][1] >= 1
    assert [(int(a), int(b)) for a, b in shown][-1] == adding[-1]  # the CLI's last count is the job's
    assert any(s.kind == "vocabulary" for s in steps) and "tag: Preparing the tag vocabulary" in err
    with Catalog(libs["job"], read_only=True) as catalog:
        tags = [t for p in catalog.photos.all() for t in catalog.tags.photo_tags(p.id, states=["suggested"])]
    assert [t.name for t in tags if t.source == "gps"] == ["places|Italy|Tuscany|Arezzo"]
    model = sum(t.source == "model" for t in tags)
    assert cli_summary["suggested"] == stats.detail["suggested"] == model > 0
    assert f", {model} tags suggested" in JobsController.describe(stats)
    assert dump(libs["cli"], roots["cli"]) == dump(libs["job"], roots["job"])
