"""Vocabulary suggestions in the tag language; the person's approved and rejected tags win."""

from __future__ import annotations

import numpy as np

from imgtag_desktop.tagging.pipeline import ImageAnalysis, ScoredCandidate
from imgtag_desktop.tagging.run import candidate_rows
from imgtag_desktop.tagging.suggest import RankingOptions, prior_suggestions
from imgtag_desktop.tagging.vocabulary import builtin_vocabulary, vocabulary_names


def _analysis(*cands: tuple[str, str, float]) -> ImageAnalysis:
    return ImageAnalysis("a dog on a beach", np.zeros(4, dtype=np.float32),
                         [ScoredCandidate(t, o, None, s, s) for t, o, s in cands])


def test_every_concept_has_a_distinct_name_in_five_languages() -> None:
    concepts = set(builtin_vocabulary())
    for lang in ("de", "fr", "es", "it", "nl"):
        names = vocabulary_names(lang)
        assert set(names) == concepts, lang
        assert len({n.lower() for n in names.values()}) == len(concepts), f"{lang}: two concepts share a name"
    assert vocabulary_names("en") == {} and vocabulary_names("ja") == {}
    assert vocabulary_names("de")["dog"] == "Hund" and vocabulary_names("fr")["beach"] == "plage"


def test_suggestions_in_the_tag_language() -> None:
    analysis = _analysis(("dog", "vocabulary", 0.9), ("beach", "caption", 0.8), ("golden retriever", "caption", 0.7),
                         ("sunset", "library", 0.9))
    rows = candidate_rows(analysis, {}, vocabulary_names("de"))
    # vocabulary concepts and caption phrases equal to one are translated; other caption phrases and
    # the person's own tags keep their names; the explanation keeps the concept CLIP scored
    assert sorted(prior_suggestions(rows, RankingOptions(threshold=0.5))) == sorted(
        ["Hund", "Strand", "golden retriever", "sunset"])
    assert [r.text for r in rows] == ["beach", "golden retriever", "dog", "sunset"]  # caption phrases first
    assert [r.tag_name for r in rows] == ["Strand", "golden retriever", "Hund", "sunset"]


def test_approved_or_rejected_under_either_name_is_never_suggested_again() -> None:
    analysis = _analysis(("dog", "vocabulary", 0.9), ("cat", "vocabulary", 0.9), ("tree", "vocabulary", 0.9))
    states = {"dog": "approved", "katze": "rejected"}  # approved in English earlier, rejected in German
    rows = candidate_rows(analysis, states, vocabulary_names("de"))
    assert prior_suggestions(rows, RankingOptions(threshold=0.5), states) == ["Baum"]
    assert [r.decision for r in rows] == ["approved-before", "rejected-before", "pending"]
