"""kill -9 during a tag run, then a resumed run: the same catalog as an uninterrupted run."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.scanner import scan_folder
from imgtag_desktop.tagging import Pipeline, tag_photos
from tests.helpers import make_photo
from tests.kill9 import run_trials, trial_count


def tag_fixture(base: Path) -> tuple[Path, Path]:
    folder = base / "photos"
    for i in range(4):
        make_photo(folder / f"p{i}.jpg", (64, 48), seed=i)
    db = base / "library.db"
    with Catalog(db) as cat:
        scan_folder(cat, folder)
    return db, folder


@pytest.mark.slow
def test_kill9_during_tagging_resumes_to_the_same_catalog(tmp_path: Path, tiny_pipeline: Pipeline) -> None:
    def local(db: Path, _folder: Path, kill_at: int) -> int:
        """The run (reference and resumes in this process, the killed one in a fork), counting
        its SQL statements; the process SIGKILLs itself at statement ``kill_at``."""
        count = 0

        def point(_sql: str) -> None:
            nonlocal count
            count += 1
            if count == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)

        with Catalog(db) as cat:
            cat._conn.set_trace_callback(point)
            tag_photos(cat, cat.analysis.pending(tiny_pipeline.models_key), tiny_pipeline, threshold=0.0,
                       batch_size=1)
        return count

    result = run_trials("tag", tag_fixture, tmp_path, trials=trial_count(2), seed=11, local=local)
    print(f"kill -9 tag: {result.trials} trials, {result.killed} killed, {len(result.failures)} failures")
    assert result.killed >= 1
    assert result.failures == []
