"""Tagging shows the first photo first; a cold vocabulary is encoded between photos and the photos
tagged meanwhile end up exactly as a one-pass run leaves them."""

from __future__ import annotations

from pathlib import Path

import pytest

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.settings import Settings
from imgtag_desktop.tagging import Pipeline, staged, tag_photos
from imgtag_desktop.tagging.run import vocabulary_origins
from imgtag_desktop.tagging.staged import STEP_TEXTS, VOCABULARY_PENDING, RunStep, tag_photos_staged
from tests.tagging.test_run import library


def _stored(catalog: Catalog, photo_id: int) -> tuple[dict[str, tuple[object, ...]], set[str]]:
    rows = {c.text: (c.origin, c.keyword_score, c.decision, c.visual_score, c.raw_score)
            for c in catalog.analysis.candidates(photo_id)}
    return rows, {t.name for t in catalog.tags.photo_tags(photo_id, states=["suggested"])}


@pytest.fixture
def cold_pipeline(tiny_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Pipeline:
    """A pipeline of its own (no text embeddings in memory) and an empty disk cache: a cold start."""
    monkeypatch.setenv("IMGTAG_CACHE_DIR", str(tmp_path / "cold-cache"))
    monkeypatch.setattr(staged, "VOCABULARY_CHUNK", 64)  # a few chunks, with photos between them
    pipeline = Pipeline(tiny_settings)
    pipeline.load()
    return pipeline


@pytest.mark.slow
def test_cold_vocabulary_first_photo_first_then_same_result_as_one_pass(cold_pipeline: Pipeline, tmp_path: Path
                                                                        ) -> None:
    staged_catalog = Catalog(tmp_path / "staged.db")
    ids = library(staged_catalog, tmp_path / "a", 6)
    events: list[tuple[str, object]] = []
    stats = tag_photos_staged(staged_catalog, ids, cold_pipeline, threshold=0.0, batch_size=2,
                              on_result=lambda pid: events.append(("result", pid)),
                              step=lambda step: events.append(("step", step)))
    assert stats.analysed == 6 and not stats.cancelled and stats.unfinished == 0 and stats.remaining == 0
    assert events[0] == ("result", ids[0])  # the first photo is done before any vocabulary encoding
    steps = [(i, e) for i, (kind, e) in enumerate(events) if isinstance(e, RunStep)]
    preparing = [i for i, e in steps if e.kind == "vocabulary"]
    assert len(preparing) >= 3
    between = [e for e in events[preparing[0]:preparing[-1]] if e[0] == "result"]
    assert between, "photos are tagged between vocabulary chunks"
    # Step 3 reports its photos one by one, from 0 to those tagged before the vocabulary was complete.
    waiting = {e[1] for e in events[: preparing[-1]] if e[0] == "result"}
    adding = [e for _, e in steps if e.kind == "vocabulary-candidates"]
    assert [(e.done, e.total) for e in adding] == [(n, len(waiting)) for n in range(len(waiting) + 1)]
    assert adding[-1].text == f"Adding the tag vocabulary to the photos tagged before it was ready " \
                              f"({len(waiting)}/{len(waiting)} photos)…"
    assert all(i > preparing[-1] for i, e in steps if e.kind == "vocabulary-candidates")
    assert staged_catalog.analysis.pending(cold_pipeline.models_key) == []
    assert cold_pipeline.vocabulary_ready(list(vocabulary_origins(staged_catalog)))  # cached for the next run

    one_pass = Catalog(tmp_path / "one-pass.db")
    other_ids = library(one_pass, tmp_path / "b", 6)
    tag_photos(one_pass, other_ids, cold_pipeline, threshold=0.0, batch_size=2)
    for a, b in zip(ids, other_ids, strict=True):
        rows_a, suggested_a = _stored(staged_catalog, a)
        rows_b, suggested_b = _stored(one_pass, b)
        assert any(row[0] == "vocabulary" for row in rows_a.values())
        assert rows_a.keys() == rows_b.keys() and suggested_a == suggested_b
        for text, row in rows_a.items():  # the stored embedding is the one scored in memory, to float rounding
            assert row[:3] == rows_b[text][:3]
            assert row[3:] == pytest.approx(rows_b[text][3:], abs=1e-4)
    staged_catalog.close()
    one_pass.close()


@pytest.mark.slow
def test_a_run_stopped_before_the_vocabulary_is_ready_tags_those_photos_again(
    cold_pipeline: Pipeline, catalog: Catalog, tmp_path: Path
) -> None:
    ids = library(catalog, tmp_path / "photos", 5)
    results: list[int] = []
    stop = lambda: len(results) >= 3  # noqa: E731 - stopped while the vocabulary is still being encoded
    stats = tag_photos_staged(catalog, ids, cold_pipeline, threshold=0.0, batch_size=2, on_result=results.append,
                              cancelled=stop)
    assert stats.cancelled and results[0] == ids[0]
    # each photo tagged so far still misses its vocabulary candidates: none counts as done
    assert stats.unfinished == stats.analysed == len(results) and stats.remaining == len(ids)
    assert all(catalog.tags.photo_tags(pid, states=["suggested"]) for pid in results)  # shown meanwhile
    info = catalog.analysis.info(results[0])
    assert info is not None and info.error == VOCABULARY_PENDING
    assert catalog.analysis.pending(cold_pipeline.models_key) == ids  # all of them again next time
    stats = tag_photos_staged(catalog, ids, cold_pipeline, threshold=0.0, batch_size=2)
    assert stats.analysed == 5 and catalog.analysis.pending(cold_pipeline.models_key) == []
    assert stats.unfinished == 0 and stats.remaining == 0
    assert all(any(c.origin == "vocabulary" for c in catalog.analysis.candidates(pid)) for pid in ids)


def test_warm_vocabulary_first_photo_alone_with_its_vocabulary(tiny_pipeline: Pipeline, catalog: Catalog,
                                                               tmp_path: Path) -> None:
    ids = library(catalog, tmp_path / "photos", 3)
    tiny_pipeline.set_vocabulary(list(vocabulary_origins(catalog)))  # encoded (or read from the cache) once
    seen: list[tuple[int, bool]] = []
    steps: list[RunStep] = []

    def on_result(pid: int) -> None:
        seen.append((pid, any(c.origin == "vocabulary" for c in catalog.analysis.candidates(pid))))

    stats = tag_photos_staged(catalog, ids, tiny_pipeline, threshold=0.0, batch_size=8, on_result=on_result,
                              step=steps.append)
    assert stats.analysed == 3 and seen == [(pid, True) for pid in ids] and steps == []


def test_the_run_counts_its_own_suggestions_not_the_places_of_the_scan(tiny_pipeline: Pipeline, catalog: Catalog,
                                                                      tmp_path: Path) -> None:
    ids = library(catalog, tmp_path / "photos", 3)
    catalog.places.record_tags([(ids[0], "places|Italy|Tuscany|Arezzo"), (ids[2], "places|France")])  # GPS
    stats = tag_photos_staged(catalog, ids, tiny_pipeline, threshold=0.0, batch_size=2)
    shown = [t for pid in ids for t in catalog.tags.photo_tags(pid, states=["suggested"])]
    assert {t.name for t in shown if t.source == "gps"} == {"places|Italy|Tuscany|Arezzo", "places|France"}
    assert stats.suggested == sum(t.source == "model" for t in shown) > 0


def test_each_step_says_what_it_does_with_its_count() -> None:
    assert set(STEP_TEXTS) == {"vocabulary", "vocabulary-candidates"}
    assert RunStep("vocabulary", 64, 306).text == "Preparing the tag vocabulary for the visual model (64/306)…"
    assert "(3/12 photos)" in RunStep("vocabulary-candidates", 3, 12).text


@pytest.mark.slow
def test_the_photo_on_screen_keeps_its_suggestions_when_the_vocabulary_arrives(
    cold_pipeline: Pipeline, catalog: Catalog, tmp_path: Path
) -> None:
    """A photo tagged before the vocabulary was ready gains vocabulary candidates later in the run;
    the photo the person is looking at keeps the suggestions it shows (the run reports it as held),
    the others are re-ranked and counted; ranking the held photo afterwards gives it the same
    suggestions as the others got."""
    from imgtag_desktop.tagging.suggest import Hold, RankingOptions, rerank

    ids = library(catalog, tmp_path / "photos", 4)
    hold = Hold([ids[0]])
    first: dict[int, set[str]] = {}

    def on_result(pid: int) -> None:
        if pid not in first:  # its first suggestions, before the vocabulary
            first[pid] = {t.name for t in catalog.tags.photo_tags(pid, states=["suggested"])}

    stats = tag_photos_staged(catalog, ids, cold_pipeline, threshold=0.0, batch_size=2, budget=50,
                              on_result=on_result, hold=hold)
    assert stats.analysed == 4 and not stats.cancelled
    assert any(c.origin == "vocabulary" for c in catalog.analysis.candidates(ids[0]))  # its candidates came
    assert {t.name for t in catalog.tags.photo_tags(ids[0], states=["suggested"])} == first[ids[0]]
    assert stats.held == {ids[0]} and ids[0] not in stats.reranked
    assert stats.reranked and stats.reranked <= set(first)  # the others tagged before it were re-ranked
    assert stats.to_json()["reranked"] == len(stats.reranked)
    rerank(catalog, RankingOptions(threshold=0.0, budget=50), [ids[0]])
    now = {t.name for t in catalog.tags.photo_tags(ids[0], states=["suggested"])}
    assert now > first[ids[0]]  # the vocabulary's suggestions join once the person moves on
