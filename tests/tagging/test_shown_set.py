"""One shown set per photo: the threshold judges confidences as shown, a ranking can keep the photo
the person looks at as it is, and what the ranking shows is what `explain` says and the views count."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from imgtag_desktop.core.catalog import Catalog, PhotoFacts
from imgtag_desktop.core.catalog.analysis import CandidateRow
from imgtag_desktop.core.confidence import passes, shown_confidence
from imgtag_desktop.tagging import suggest
from imgtag_desktop.tagging.ranking import select
from imgtag_desktop.tagging.suggest import RankingOptions, after_decisions, rerank
from tests.suggestion_sim import MODEL_A, build_library, shown


def test_the_threshold_judges_the_confidence_as_shown() -> None:
    assert shown_confidence(0.4951) == 0.50 and passes(0.4951, 0.50)
    assert shown_confidence(0.4949) == 0.49 and not passes(0.4949, 0.50)
    assert passes(0.5, 0.5) and passes(0.731, 0.73) and not passes(0.7249, 0.73)
    assert not passes(None, 0.0) and not passes(float("nan"), 0.0)
    assert f"{shown_confidence(0.125):.2f}" == "0.13"  # the chip's number is the rounded one


def test_a_wobble_of_a_thousandth_around_the_threshold_flips_no_suggestion() -> None:
    """Scores that sit at the threshold (an image model without signal puts many at 0.50) move a
    little with every refit or recalibration; the photo's suggestions must not come and go with them."""
    rng = np.random.default_rng(3)
    n = 12
    photo_ids = np.zeros(n, dtype=np.int64)
    names = [f"term{i}" for i in range(n)]
    groups = np.arange(n, dtype=np.int64)
    base = np.full(n, 0.5)
    counts = set()
    for _ in range(200):
        confidence = base + rng.uniform(-1e-3, 1e-3, n)
        ranked = select(photo_ids, names, groups, confidence, threshold=0.5, budget=50, reviewed={}, muted=set())
        counts.add(sum(r.decision == "suggested" for r in ranked))
    assert counts == {n}


def _one_photo(catalog: Catalog, visual: list[float]) -> int:
    """One analysed photo whose vocabulary candidates have these visual scores (no caption bonus)."""
    folder = catalog.photos.add_folder("/w")
    (pid,) = catalog.photos.add(folder.id, [PhotoFacts(b"/w/a.jpg", "", 1000, 1, "fp", "jpeg", 640, 480)])
    rows = [CandidateRow(f"term{i}", "vocabulary", None, v, 0.2, "pending", None, 0.1, i) for i, v in enumerate(visual)]
    catalog.analysis.record(pid, caption="a photo", caption_model="c", candidates=rows, suggestions=None,
                            embedding=None, visual_model="v", models_key="k", fingerprint=None, threshold=None)
    return pid


def test_rerank_after_a_wobble_shows_the_same_count(tmp_path: Path) -> None:
    """The same through the catalog: stored visual scores a thousandth either side of 0.50."""
    rng = np.random.default_rng(5)
    counts = set()
    for k in range(6):
        with Catalog(tmp_path / f"w{k}.db") as catalog:
            pid = _one_photo(catalog, list(0.5 + rng.uniform(-1e-3, 1e-3, 8)))
            rerank(catalog, RankingOptions(threshold=0.5, budget=10))
            counts.add(len(shown(catalog, [pid])[pid]))
    assert counts == {8}


@pytest.fixture
def library(tmp_path: Path):  # type: ignore[no-untyped-def]
    catalog = Catalog(tmp_path / "lib.db")
    lib = build_library(catalog, 24, MODEL_A)
    yield catalog, lib
    catalog.close()


def test_explain_says_what_the_ranking_shows_when_a_place_takes_part_of_the_budget(library) -> None:  # type: ignore[no-untyped-def]
    catalog, lib = library
    pid = lib.photo_ids[0]
    catalog.places.record_tags([(pid, "places|Italy|Tuscany|Arezzo")])
    options = RankingOptions(threshold=0.0, budget=3)
    rerank(catalog, options)
    stored = [n for n in shown(catalog, [pid])[pid] if not n.startswith("places|")]
    explained = [c["name"] for c in suggest.explain_photo(catalog, pid, options) if c["decision"] == "suggested"]
    assert len(stored) == 2 and sorted(explained) == sorted(stored)


def test_a_held_photo_keeps_its_suggestions_and_is_ranked_as_any_other_afterwards(tmp_path: Path) -> None:
    options = RankingOptions(threshold=0.5, budget=10)
    with Catalog(tmp_path / "lib.db") as catalog:
        lib = build_library(catalog, 24, MODEL_A)
        rerank(catalog, options)
        held = lib.photo_ids[0]
        name = shown(catalog, [held])[held][0]
        for pid in lib.photo_ids[1:]:  # the person rejects the held photo's first suggestion elsewhere
            if name in shown(catalog, [pid])[pid]:
                catalog.tags.reject(pid, name)
    shutil.copy(tmp_path / "lib.db", tmp_path / "twin.db")

    def scores(catalog: Catalog) -> dict[int, dict[str, float]]:  # as shown
        tags = catalog.tags.photo_tags_of(lib.photo_ids, states=["suggested"])
        return {p: {t.name: shown_confidence(t.visual_score or 0.0) for t in tags.get(p, [])} for p in lib.photo_ids}

    with Catalog(tmp_path / "lib.db") as catalog:
        before = scores(catalog)
        stats = after_decisions(catalog, options, hold=[held])
        after = scores(catalog)
        assert stats.held == [held] and held not in stats.changed
        assert after[held] == before[held]
        assert sorted(stats.changed) == sorted(p for p in lib.photo_ids if after[p] != before[p])
        # Once the person moves on, the photo is ranked: as if it had never been held.
        assert rerank(catalog, options, [held]).changed == [held]
        with Catalog(tmp_path / "twin.db") as twin:
            after_decisions(twin, options)
            assert scores(catalog) == scores(twin)
