"""Suggestions from stored candidates: budget, threshold both ways, self-calibration, learning, muting.

These run on a simulated library (tests/suggestion_sim.py): no model, no file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from imgtag_desktop.cli import main
from imgtag_desktop.core.catalog import Catalog, PhotoTag
from imgtag_desktop.tagging import suggest
from imgtag_desktop.tagging.calibration import MIN_PHOTOS
from imgtag_desktop.tagging.ranking import duplicate_groups
from imgtag_desktop.tagging.suggest import RankingOptions, after_decisions, maybe_calibrate, rerank
from tests.suggestion_sim import MODEL_A, SimLibrary, build_library, review, shown


def _library(tmp_path: Path, name: str, n: int = 160, **kw: object) -> tuple[Catalog, SimLibrary]:
    catalog = Catalog(tmp_path / f"{name}.db")
    return catalog, build_library(catalog, n, kw.pop("model", MODEL_A), **kw)  # type: ignore[arg-type]


def _confidences(catalog: Catalog, ids: list[int]) -> dict[int, dict[str, float | None]]:
    tags = catalog.tags.photo_tags_of(ids, states=["suggested"])
    return {pid: {t.name: t.visual_score for t in tags.get(pid, [])} for pid in ids}


@pytest.fixture
def sim(tmp_path: Path):  # type: ignore[no-untyped-def]
    catalog, lib = _library(tmp_path, "sim")
    assert maybe_calibrate(catalog, MODEL_A.key) is not None  # as a tagging run of 160 photos leaves it
    yield catalog, lib
    catalog.close()


def test_a_photo_never_shows_more_suggestions_than_the_budget(sim: tuple[Catalog, SimLibrary]) -> None:
    catalog, lib = sim
    for budget in (1, 3, 10, 50):
        rerank(catalog, RankingOptions(threshold=0.0, budget=budget))
        counts = [len(v) for v in shown(catalog, lib.photo_ids).values()]
        assert max(counts) == budget or (budget == 50 and max(counts) < 50)
        assert max(counts) <= budget


def test_a_place_from_gps_takes_one_place_of_the_budget_and_passes_any_threshold(
    sim: tuple[Catalog, SimLibrary]
) -> None:
    catalog, lib = sim
    placed, other = lib.photo_ids[0], lib.photo_ids[1]
    catalog.places.record_tags([(placed, "places|Italy|Tuscany|Arezzo")])
    rerank(catalog, RankingOptions(threshold=0.99, budget=3))
    assert "places|Italy|Tuscany|Arezzo" in shown(catalog, [placed])[placed]
    rerank(catalog, RankingOptions(threshold=0.0, budget=3))
    now = shown(catalog, [placed, other])
    assert "places|Italy|Tuscany|Arezzo" in now[placed]
    assert len(now[placed]) == 3 and len(now[other]) == 3


def test_a_scan_that_finds_a_place_after_tagging_keeps_the_photo_within_its_budget(
    sim: tuple[Catalog, SimLibrary]
) -> None:
    from imgtag_desktop.services.library import rerank_placed_photos

    catalog, lib = sim
    photo = lib.photo_ids[2]
    rerank(catalog, RankingOptions(threshold=0.0, budget=3))
    catalog.places.record_tags([(photo, "places|France|Bretagne|Brest")])  # as a later scan records it
    assert len(shown(catalog, [photo])[photo]) == 4
    assert rerank_placed_photos(catalog) == 1
    now = shown(catalog, [photo])[photo]
    assert len(now) == 3 and "places|France|Bretagne|Brest" in now


def test_threshold_below_the_tagging_threshold_shows_more_and_raising_it_back_restores(
    sim: tuple[Catalog, SimLibrary]
) -> None:
    catalog, lib = sim
    rerank(catalog, RankingOptions(threshold=0.5, budget=10))  # as the tagging run left it
    before = _confidences(catalog, lib.photo_ids)
    rerank(catalog, RankingOptions(threshold=0.2, budget=10))
    lower = _confidences(catalog, lib.photo_ids)
    assert sum(map(len, lower.values())) > sum(map(len, before.values()))
    assert all(set(before[p]) <= set(lower[p]) for p in lib.photo_ids)
    rerank(catalog, RankingOptions(threshold=0.5, budget=10))
    assert _confidences(catalog, lib.photo_ids) == before


def _calibrated_sets(catalog: Catalog, lib: SimLibrary, key: str) -> dict[int, set[str]]:
    assert maybe_calibrate(catalog, key) is not None
    rerank(catalog, RankingOptions())
    return {p: set(v) for p, v in shown(catalog, lib.photo_ids).items()}


def test_self_calibration_is_invariant_to_affine_changes_of_the_cosines(tmp_path: Path) -> None:
    n = MIN_PHOTOS + 20
    plain, lib = _library(tmp_path, "plain", n)
    shifted, lib2 = _library(tmp_path, "shifted", n, transform=lambda c: 0.37 * c + 0.41)
    stretched, lib3 = _library(tmp_path, "stretched", n, transform=lambda c: 2.5 * c - 0.3)
    # Uncalibrated (CLIP's own scale) the three libraries do not agree: the test can fail.
    rerank(plain, RankingOptions())
    rerank(shifted, RankingOptions())
    assert shown(plain, lib.photo_ids) != shown(shifted, lib2.photo_ids)
    reference = _calibrated_sets(plain, lib, MODEL_A.key)
    assert sum(map(len, reference.values())) > 0
    assert _calibrated_sets(shifted, lib2, MODEL_A.key) == reference
    assert _calibrated_sets(stretched, lib3, MODEL_A.key) == reference
    fits = [suggest.calibrations(c)[MODEL_A.key] for c in (plain, shifted, stretched)]
    assert fits[1].threshold_margin == pytest.approx(0.37 * fits[0].threshold_margin, rel=1e-6)
    assert fits[2].threshold_margin == pytest.approx(2.5 * fits[0].threshold_margin, rel=1e-6)


def test_calibration_waits_for_enough_photos(tmp_path: Path) -> None:
    catalog, _lib = _library(tmp_path, "small", MIN_PHOTOS - 1)
    assert maybe_calibrate(catalog, MODEL_A.key) is None
    report = suggest.calibration_report(catalog, RankingOptions())
    assert report["models"][0]["fit"] is None and "prior" in report["models"][0]["status"]  # type: ignore[index]


def test_a_decision_never_changes_another_approved_or_rejected_tag(sim: tuple[Catalog, SimLibrary]) -> None:
    catalog, lib = sim
    options = RankingOptions()
    rerank(catalog, options)
    for pid in lib.photo_ids[:20]:
        review(catalog, lib, pid, 4)
    after_decisions(catalog, options)

    def reviewed() -> list[PhotoTag]:
        tags = catalog.tags.photo_tags_of(lib.photo_ids, states=["approved", "rejected"])
        return sorted((t for ts in tags.values() for t in ts), key=lambda t: (t.photo_id, t.name))

    before = reviewed()
    target = lib.photo_ids[30]
    name = shown(catalog, [target])[target][0]
    catalog.tags.reject(target, name)
    after_decisions(catalog, options)
    after = [t for t in reviewed() if (t.photo_id, t.name) != (target, name)]
    assert after == before


def test_reranking_runs_no_model(sim: tuple[Catalog, SimLibrary], monkeypatch: pytest.MonkeyPatch) -> None:
    from imgtag_desktop.tagging import pipeline, roles

    def no_model(*_a: object, **_k: object) -> None:
        raise AssertionError("a model was called")

    monkeypatch.setattr(roles.RoleModel, "load", no_model)
    for name in ("load", "analyse", "score", "encode_texts", "keyword_vectors", "keyword_candidates"):
        monkeypatch.setattr(pipeline.Pipeline, name, no_model)
    catalog, lib = sim
    options = RankingOptions()
    rerank(catalog, options)
    decided = sum(review(catalog, lib, pid, 10) for pid in lib.photo_ids[:5])
    stats = after_decisions(catalog, options)
    assert decided and stats.refitted and stats.suggestions > 0
    assert suggest.explain_photo(catalog, lib.photo_ids[1], options)
    report = suggest.calibration_report(catalog, options)
    assert report["learning"]["decisions"] == decided  # type: ignore[index]


def test_muting_after_k_rejections_unmute_and_undo(sim: tuple[Catalog, SimLibrary]) -> None:
    catalog, lib = sim
    options = RankingOptions(threshold=0.0, budget=50, mute_after=3)  # only muting hides a tag
    rerank(catalog, options)
    with_tag = [p for p, names in shown(catalog, lib.photo_ids).items() if "outdoor" in names]
    assert len(with_tag) > 4
    for pid in with_tag[:2]:
        catalog.tags.reject(pid, "outdoor")
    after_decisions(catalog, options)
    assert "outdoor" not in catalog.decisions.muted_names(3)
    catalog.tags.reject(with_tag[2], "outdoor")
    after_decisions(catalog, options)
    assert [m.tag for m in catalog.decisions.mutes(3) if m.muted] == ["outdoor"]
    assert not any("outdoor" in names for names in shown(catalog, lib.photo_ids).values())
    decisions = {c.text: c.decision for c in catalog.analysis.candidates(with_tag[3])}
    assert decisions["outdoor"] == "muted"
    # Unmute: suggested again; undo the unmute: muted again.
    previous = suggest.unmute_tag(catalog, "outdoor", options)
    rerank(catalog, options)
    assert "outdoor" in shown(catalog, [with_tag[3]])[with_tag[3]]
    catalog.decisions.set_override("outdoor", previous)
    rerank(catalog, options)
    assert "outdoor" not in shown(catalog, [with_tag[3]])[with_tag[3]]
    # Undoing the rejection that muted it (the tag back as it was) lifts the mute too.
    catalog.tags.put([with_tag[2]], "outdoor", "suggested", "model")
    after_decisions(catalog, options)
    assert "outdoor" not in catalog.decisions.muted_names(3)
    assert "outdoor" in shown(catalog, [with_tag[3]])[with_tag[3]]


def test_learning_switched_off_gives_the_ranking_without_decisions(tmp_path: Path) -> None:
    learned, lib = _library(tmp_path, "learned")
    fresh, _ = _library(tmp_path, "fresh")
    options = RankingOptions(threshold=0.3)
    rerank(learned, options)
    rerank(fresh, options)
    held = lib.photo_ids[100:]
    reference = _confidences(fresh, held)
    for pid in lib.photo_ids[:40]:
        review(learned, lib, pid, 10)
    after_decisions(learned, options)
    assert _confidences(learned, held) != reference  # learning changed the ranking
    suggest.set_learning(learned, False)
    after_decisions(learned, options)
    assert _confidences(learned, held) == reference
    suggest.set_learning(learned, True)
    suggest.reset_learning(learned)
    after_decisions(learned, options)
    assert _confidences(learned, held) == reference and learned.decisions.count() == 0


def test_learning_raises_the_precision_of_what_is_shown(tmp_path: Path) -> None:
    catalog, lib = _library(tmp_path, "precision", 400)
    from tests.suggestion_sim import precision_recall

    options = RankingOptions()
    maybe_calibrate(catalog, MODEL_A.key)
    rerank(catalog, options)
    held = lib.photo_ids[:100]
    p0, r0, _ = precision_recall(catalog, lib, held)
    decided = 0
    for pid in lib.photo_ids[100:]:
        decided += review(catalog, lib, pid, 10)
        if decided >= 200:
            break
    after_decisions(catalog, options)
    p1, r1, _ = precision_recall(catalog, lib, held)
    assert p1 > p0 * 1.2 and r1 >= r0 - 0.02


def test_a_caption_phrase_outranks_a_vocabulary_term_with_the_same_visual_evidence(tmp_path: Path) -> None:
    from imgtag_desktop.core.catalog.analysis import CandidateRow

    catalog, lib = _library(tmp_path, "one", 1)
    pid = lib.photo_ids[0]
    rows = [CandidateRow("dog", "caption", 0.5, 0.8, 0.3, "pending", 0.02, 0.5, 0),
            CandidateRow("cat", "vocabulary", None, 0.8, 0.3, "pending", 0.02, 0.1, 1)]
    catalog.analysis.record(pid, caption="a dog", caption_model="c", candidates=rows, suggestions=[],
                            embedding=None, visual_model="v", models_key="k", fingerprint=None, threshold=None)
    rerank(catalog, RankingOptions(threshold=0.0))
    assert shown(catalog, [pid])[pid] == ["dog", "cat"]


def test_near_duplicates_collapse_to_the_best_and_stay_as_alternates(tmp_path: Path) -> None:
    assert duplicate_groups(["dog", "dogs", "grassy field", "field", "car"]) == [0, 0, 1, 1, 2]
    vectors = np.eye(3)[[0, 1, 1]].astype(np.float32)  # "car" and "automobile" embed alike
    assert duplicate_groups(["car", "automobile", "auto"], vectors) == [0, 1, 1]
    from imgtag_desktop.core.catalog.analysis import CandidateRow

    catalog, lib = _library(tmp_path, "dups", 1)
    pid = lib.photo_ids[0]
    rows = [CandidateRow("grassy field", "caption", 0.6, 0.9, 0.3, "pending", 0.05, 0.6, 0),
            CandidateRow("field", "caption", 0.5, 0.95, 0.3, "pending", 0.06, 0.5, 0),
            CandidateRow("dog", "caption", 0.5, 0.9, 0.3, "pending", 0.05, 0.5, 1)]
    catalog.analysis.record(pid, caption="a dog on a grassy field", caption_model="c", candidates=rows,
                            suggestions=[], embedding=None, visual_model="v", models_key="k", fingerprint=None,
                            threshold=None)
    options = RankingOptions(threshold=0.0)
    rerank(catalog, options)
    assert sorted(shown(catalog, [pid])[pid]) == ["dog", "field"]
    explained = {c["text"]: c for c in suggest.explain_photo(catalog, pid, options)}
    assert explained["grassy field"]["decision"] == "duplicate"
    assert explained["grassy field"]["alternate_of"] == "field"


def test_rejecting_a_tag_refuses_its_near_duplicates_on_that_photo_but_not_a_phrases_head(tmp_path: Path) -> None:
    """Rejecting "dog" on a photo says there is no dog: "dogs", "brown dog" and a synonym grouped with it
    ("puppy") are not shown there next. Rejecting "grassy field" leaves "field", the phrase's head,
    which it does not refuse. Other photos are untouched."""
    from imgtag_desktop.core.catalog.analysis import CandidateRow

    catalog, lib = _library(tmp_path, "variants", 2)
    first, other = lib.photo_ids[:2]
    texts = [("dog", 0), ("dogs", 0), ("brown dog", 0), ("puppy", 0), ("grassy field", 1), ("field", 1), ("car", 2)]
    for pid in (first, other):
        rows = [CandidateRow(t, "caption", 0.5, 0.9 - 0.05 * n, 0.3, "pending", 0.05, 0.5, g)
                for n, (t, g) in enumerate(texts)]
        catalog.analysis.record(pid, caption="a brown dog on a grassy field", caption_model="c", candidates=rows,
                                suggestions=[], embedding=None, visual_model="v", models_key="k", fingerprint=None,
                                threshold=None)
    options = RankingOptions(threshold=0.0, budget=10)
    rerank(catalog, options)
    assert sorted(shown(catalog, [first])[first]) == ["car", "dog", "grassy field"]
    catalog.tags.reject(first, "dog")
    catalog.tags.reject(first, "grassy field")
    rerank(catalog, options)
    assert sorted(shown(catalog, [first])[first]) == ["car", "field"]
    assert sorted(shown(catalog, [other])[other]) == ["car", "dog", "grassy field"]
    explained = {c["text"]: c for c in suggest.explain_photo(catalog, first, options)}
    for text in ("dogs", "brown dog", "puppy"):
        assert explained[text]["decision"] == "rejected-variant" and explained[text]["alternate_of"] == "dog"
    assert explained["field"]["decision"] == "suggested"


def test_an_approved_tag_hides_its_near_duplicates_even_more_confident_ones(tmp_path: Path) -> None:
    """Approving "lexington" on a photo: "lund lexington", a variant scored higher, is not suggested
    beside it (it came up first in confidence order, before the approved tag took its group)."""
    from imgtag_desktop.core.catalog.analysis import CandidateRow

    catalog, lib = _library(tmp_path, "approved-variants", 1)
    pid = lib.photo_ids[0]
    rows = [CandidateRow("lund lexington", "caption", 0.5, 0.9, 0.3, "pending", 0.05, 0.5, 0),
            CandidateRow("lexington", "caption", 0.5, 0.8, 0.3, "pending", 0.05, 0.5, 0),
            CandidateRow("car", "caption", 0.5, 0.7, 0.3, "pending", 0.05, 0.5, 1)]
    catalog.analysis.record(pid, caption="lund lexington car", caption_model="c", candidates=rows, suggestions=[],
                            embedding=None, visual_model="v", models_key="k", fingerprint=None, threshold=None)
    options = RankingOptions(threshold=0.0, budget=10)
    rerank(catalog, options)
    assert sorted(shown(catalog, [pid])[pid]) == ["car", "lund lexington"]
    catalog.tags.approve(pid, "lexington")
    rerank(catalog, options)
    assert shown(catalog, [pid])[pid] == ["car"]
    explained = {c["text"]: c for c in suggest.explain_photo(catalog, pid, options)}
    assert explained["lund lexington"]["decision"] == "duplicate"


def test_cli_review_commands_record_decisions_as_the_catalog_calls_of_the_app(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The desktop app's tag edits call catalog.tags.approve / reject / add / remove; the CLI's
    approve, reject, tag-add and tag-remove must leave the same decisions."""
    cli_catalog, lib = _library(tmp_path, "cli", 20)
    app_catalog, _ = _library(tmp_path, "app", 20)
    for c in (cli_catalog, app_catalog):
        rerank(c, RankingOptions(threshold=0.0))
    p0, p1 = lib.photo_ids[:2]
    s0, s1 = shown(cli_catalog, [p0])[p0], shown(cli_catalog, [p1])[p1]
    other = next(c.text for c in cli_catalog.analysis.candidates(p1) if c.text not in s1)
    path = lambda pid: f"/sim/p{lib.photo_ids.index(pid):05d}.jpg"  # noqa: E731
    lib_arg = ["--library", str(tmp_path / "cli.db")]
    cli_catalog.close()
    assert main([*lib_arg, "approve", path(p0), s0[0]]) == 0
    assert main([*lib_arg, "reject", path(p0), s0[1]]) == 0
    assert main([*lib_arg, "tag-remove", path(p1), s1[0]]) == 0
    assert main([*lib_arg, "tag-add", path(p1), other]) == 0
    app_catalog.tags.approve(p0, s0[0])
    app_catalog.tags.reject(p0, s0[1])
    app_catalog.tags.remove(p1, s1[0])
    app_catalog.tags.add(p1, other)
    with Catalog(tmp_path / "cli.db") as cli:
        got = [(d.photo_id, d.tag, d.label, d.action, d.margin) for d in cli.decisions.effective()]
    want = [(d.photo_id, d.tag, d.label, d.action, d.margin) for d in app_catalog.decisions.effective()]
    assert got == want and [g[2] for g in got] == [1, 0, 0, 1]
    assert all(g[4] is not None for g in got)  # each built from the candidate's stored features
    assert main([*lib_arg, "calibration", "--json"]) == 0
    assert '"decisions": 4' in capsys.readouterr().out


def test_a_calibration_that_would_invert_the_ranking_is_refused(tmp_path: Path) -> None:
    """Margins where caption phrases score lower than unrelated terms (no signal, e.g. random weights)."""
    catalog, _lib = _library(tmp_path, "inverted", MIN_PHOTOS + 20, transform=lambda c: -c)
    assert maybe_calibrate(catalog, MODEL_A.key) is None
    assert suggest.calibrations(catalog) == {}
    status = suggest.calibration_report(catalog, RankingOptions())["models"][0]["status"]  # type: ignore[index]
    assert "refused" in status and "slope -" in status


def test_cli_review_decides_on_a_candidate_not_shown_now_and_refuses_what_is_no_candidate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A suggestion seen a moment ago may be pushed over the budget by the re-ranking after the
    next decision: rejecting it must still work (it is a candidate of the photo's analysis)."""
    catalog, lib = _library(tmp_path, "cli", 20)
    rerank(catalog, RankingOptions(threshold=0.0))
    p0 = lib.photo_ids[0]
    hidden = next(c.text for c in catalog.analysis.candidates(p0) if c.text not in shown(catalog, [p0])[p0])
    catalog.close()
    lib_arg = ["--library", str(tmp_path / "cli.db")]
    path = f"/sim/p{0:05d}.jpg"
    assert main([*lib_arg, "reject", path, hidden.upper()]) == 0
    assert f"rejected '{hidden}'" in capsys.readouterr().out
    assert main([*lib_arg, "reject", path, "no such candidate"]) != 0
    assert "has no tag 'no such candidate'" in capsys.readouterr().err
    with Catalog(tmp_path / "cli.db") as cli:
        states = {t.tag.name: t.state for t in cli.tags.photo_tags(p0)}
        decisions = [(d.tag, d.label) for d in cli.decisions.effective() if d.photo_id == p0]
    assert states[hidden] == "rejected" and (hidden, 0) in decisions
