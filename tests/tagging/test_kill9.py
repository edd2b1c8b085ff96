"""kill -9 during a tag run, then a resumed run: the same catalog as an uninterrupted run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.scanner import scan_folder
from imgtag_desktop.tagging import Pipeline, tag_photos
from tests.helpers import make_photo
from tests.kill9 import run_trials, trial_count


def tag_fixture(base: Path) -> tuple[Path, Path]:
    folder = base / "photos"
    for i in range(6):
        make_photo(folder / f"p{i}.jpg", (64, 48), seed=i)
    db = base / "library.db"
    with Catalog(db) as cat:
        scan_folder(cat, folder)
    return db, folder


@pytest.mark.slow
def test_kill9_during_tagging_resumes_to_the_same_catalog(tmp_path: Path, tiny_models: dict[str, Path],
                                                          tiny_pipeline: Pipeline) -> None:
    models = json.dumps({k: str(v) for k, v in tiny_models.items()})

    def local(db: Path, _folder: Path) -> int:
        """The run in this process (reference and resumes), counting its SQL statements."""
        count = 0

        def point(_sql: str) -> None:
            nonlocal count
            count += 1

        with Catalog(db) as cat:
            cat._conn.set_trace_callback(point)
            tag_photos(cat, cat.analysis.pending(tiny_pipeline.models_key), tiny_pipeline, threshold=0.0,
                       batch_size=1)
        return count

    result = run_trials("tag", tag_fixture, tmp_path, trials=trial_count(1), seed=11, extra=models, local=local)
    print(f"kill -9 tag: {result.trials} trials, {result.killed} killed, {len(result.failures)} failures")
    assert result.killed >= 1
    assert result.failures == []
