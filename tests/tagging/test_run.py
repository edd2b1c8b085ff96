"""tag_photos: batches committed as they go, resumable, broken photos fail alone, rejections stick."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.scanner import scan_folder
from imgtag_desktop.tagging import Pipeline, tag_photos
from imgtag_desktop.tagging.ranking import DEFAULT_BUDGET, STORED_PER_PHOTO
from tests.helpers import make_photo


def library(catalog: Catalog, folder: Path, n: int, *, broken: int | None = None) -> list[int]:
    for i in range(n):
        make_photo(folder / f"img{i:02d}.jpg", (320 + 10 * i, 240), seed=i)
    scan_folder(catalog, folder)
    if broken is not None:
        # The file changes after the scan: its header is fine but the pixel data is cut short.
        path = folder / f"img{broken:02d}.jpg"
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])
    return [p.id for p in catalog.photos.all()]


@pytest.mark.slow
def test_every_photo_gets_caption_candidates_embedding_and_analysis(
    catalog: Catalog, tiny_pipeline: Pipeline, tmp_path: Path
) -> None:
    ids = library(catalog, tmp_path / "photos", 5)
    assert catalog.analysis.pending(tiny_pipeline.models_key) == ids
    seen: list[int] = []
    progress: list[tuple[int, int]] = []
    stats = tag_photos(catalog, ids, tiny_pipeline, threshold=0.0, batch_size=2, on_result=seen.append,
                       progress=lambda d, t, _p: progress.append((d, t)))
    assert stats.analysed == 5 and stats.failed == 0 and seen == ids
    assert progress[-1] == (5, 5)
    emb_ids, matrix = catalog.analysis.image_embeddings(tiny_pipeline.visual_version)
    assert emb_ids == ids
    np.testing.assert_allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)
    for pid in ids:
        assert catalog.analysis.caption(pid)
        cands = catalog.analysis.candidates(pid)
        assert cands and {c.origin for c in cands} <= {"caption", "vocabulary", "library"}
        assert len(cands) <= STORED_PER_PHOTO
        # threshold 0: every candidate passes, the budget and near-duplicates decide
        assert {c.decision for c in cands} <= {"suggested", "over-budget", "duplicate"}
        info = catalog.analysis.info(pid)
        assert info is not None and info.models_key == tiny_pipeline.models_key and info.threshold == 0.0
        suggested = {t.name for t in catalog.tags.photo_tags(pid, states=["suggested"])}
        assert suggested == {c.text for c in cands if c.decision == "suggested"}
        assert len(suggested) == min(DEFAULT_BUDGET, len({c.duplicate_group for c in cands}))
    assert catalog.analysis.pending(tiny_pipeline.models_key) == []
    assert catalog.analysis.pending("other-models") == ids


def test_threshold_and_budget_decide_and_explanations_keep_features(
    catalog: Catalog, tiny_pipeline: Pipeline, tmp_path: Path
) -> None:
    ids = library(catalog, tmp_path / "photos", 2)
    tag_photos(catalog, ids, tiny_pipeline, threshold=0.5, budget=3)
    for pid in ids:
        cands = catalog.analysis.candidates(pid)
        for c in cands:
            assert c.visual_score is not None and c.raw_score is not None and c.margin is not None
            assert c.confidence is not None and c.caption_similarity is not None
            if c.decision == "suggested":
                assert c.confidence >= 0.5
            if c.decision == "below-threshold":
                assert c.confidence < 0.5
        suggested = {t.name: t for t in catalog.tags.photo_tags(pid, states=["suggested"])}
        assert set(suggested) == {c.text for c in cands if c.decision == "suggested"}
        assert len(suggested) <= 3
        for c in cands:
            if c.text in suggested:  # the score a suggestion shows is its confidence
                assert suggested[c.text].visual_score == c.confidence
                assert suggested[c.text].source == "model"


def test_rejected_tags_are_never_suggested_again_and_approved_stay(
    catalog: Catalog, tiny_pipeline: Pipeline, tmp_path: Path
) -> None:
    ids = library(catalog, tmp_path / "photos", 1)
    pid = ids[0]
    tag_photos(catalog, ids, tiny_pipeline, threshold=0.0)
    names = [t.name for t in catalog.tags.photo_tags(pid, states=["suggested"])]
    assert len(names) >= 2
    rejected, approved = names[0], names[1]
    catalog.tags.reject(pid, rejected)
    catalog.tags.approve(pid, approved)
    tag_photos(catalog, ids, tiny_pipeline, threshold=0.0)  # a second run, everything above threshold
    states = {t.name: t.state for t in catalog.tags.photo_tags(pid)}
    assert states[rejected] == "rejected"
    assert states[approved] == "approved"
    decisions = {c.text: c.decision for c in catalog.analysis.candidates(pid)}
    assert decisions[rejected] == "rejected-before"
    assert decisions[approved] == "approved-before"


@pytest.mark.slow
def test_stale_suggestions_are_withdrawn(catalog: Catalog, tiny_pipeline: Pipeline, tmp_path: Path) -> None:
    ids = library(catalog, tmp_path / "photos", 1)
    tag_photos(catalog, ids, tiny_pipeline, threshold=0.0)
    assert catalog.tags.photo_tags(ids[0], states=["suggested"])
    tag_photos(catalog, ids, tiny_pipeline, threshold=1.01)  # nothing can pass now
    assert catalog.tags.photo_tags(ids[0], states=["suggested"]) == []


def test_broken_photo_fails_alone_and_the_batch_goes_on(
    catalog: Catalog, tiny_pipeline: Pipeline, tmp_path: Path
) -> None:
    ids = library(catalog, tmp_path / "photos", 4, broken=1)
    errors: list[tuple[int, str, str]] = []
    stats = tag_photos(catalog, ids, tiny_pipeline, threshold=0.5, batch_size=4,
                       on_error=lambda *e: errors.append(e))
    assert stats.analysed == 3 and stats.failed == 1
    assert [e[0] for e in errors] == [ids[1]] and errors[0][2]
    photo = catalog.photos.get(ids[1])
    assert photo is not None and photo.status == "broken" and photo.error == errors[0][2]
    assert catalog.analysis.caption(ids[1]) is None
    assert all(catalog.analysis.caption(pid) for pid in (ids[0], ids[2], ids[3]))
    assert catalog.analysis.pending(tiny_pipeline.models_key) == []


@pytest.mark.slow
@pytest.mark.parametrize("workers", [0, 2])
def test_cancel_keeps_committed_batches_and_the_next_run_resumes(
    catalog: Catalog, tiny_pipeline: Pipeline, tmp_path: Path, workers: int
) -> None:
    ids = library(catalog, tmp_path / "photos", 5)
    done: list[int] = []
    stats = tag_photos(catalog, ids, tiny_pipeline, threshold=0.5, batch_size=2, on_result=done.append,
                       cancelled=lambda: len(done) >= 2, workers=workers)
    # One step after another, the run stops right after the first batch; overlapped, the batch
    # that was in the models when the cancel came is committed too, and nothing after it.
    assert stats.cancelled
    assert done == ids[:2] if workers == 0 else done in (ids[:2], ids[:4])
    left = catalog.analysis.pending(tiny_pipeline.models_key)
    assert left == ids[len(done):]
    tag_photos(catalog, left, tiny_pipeline, threshold=0.5)
    assert catalog.analysis.pending(tiny_pipeline.models_key) == []


def test_a_changed_file_needs_analysis_again(catalog: Catalog, tiny_pipeline: Pipeline, tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    ids = library(catalog, folder, 2)
    tag_photos(catalog, ids, tiny_pipeline, threshold=0.5)
    make_photo(folder / "img00.jpg", (500, 300), seed=42)
    scan_folder(catalog, folder)
    assert catalog.analysis.pending(tiny_pipeline.models_key) == [ids[0]]
    assert catalog.analysis.pending(tiny_pipeline.models_key, [ids[1]]) == []


def test_library_tags_become_candidates(catalog: Catalog, tiny_pipeline: Pipeline, tmp_path: Path) -> None:
    ids = library(catalog, tmp_path / "photos", 2)
    catalog.tags.add(ids[0], "places|grandma's garden")
    tag_photos(catalog, [ids[1]], tiny_pipeline, threshold=0.0)
    # Every vocabulary and library text is scored on every photo (only the best are stored).
    photo = catalog.photos.get(ids[1])
    assert photo is not None
    analysis = tiny_pipeline.analyse([tiny_pipeline.decode(photo.path)], vocabulary_keep=100_000,
                                     vocabulary_origin={"places|grandma's garden": "library"})[0]
    origins = {c.text: c.origin for c in analysis.candidates}
    assert origins.get("places|grandma's garden") == "library"


def test_a_vanished_file_is_reported_not_marked_broken(
    catalog: Catalog, tiny_pipeline: Pipeline, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    ids = library(catalog, folder, 2)
    (folder / "img00.jpg").unlink()
    errors: list[tuple[int, str, str]] = []
    stats = tag_photos(catalog, ids, tiny_pipeline, threshold=0.5, on_error=lambda *e: errors.append(e))
    assert stats.analysed == 1 and [e[0] for e in errors] == [ids[0]] and "not found" in errors[0][2]
    photo = catalog.photos.get(ids[0])
    assert photo is not None and photo.status == "ok"
    assert catalog.analysis.pending(tiny_pipeline.models_key) == [ids[0]]


def test_progress_counts_failed_photos_too(catalog: Catalog, tiny_pipeline: Pipeline, tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    ids = library(catalog, folder, 3, broken=1)
    (folder / "img02.jpg").unlink()  # the last photo vanished: the run ends on a failure
    progress: list[tuple[int, int]] = []
    stats = tag_photos(catalog, ids, tiny_pipeline, threshold=0.5, batch_size=2,
                       progress=lambda d, t, _p: progress.append((d, t)))
    assert stats.analysed == 1 and stats.failed == 2
    assert progress[-1] == (3, 3) and [d for d, _t in progress] == [1, 2, 3]
