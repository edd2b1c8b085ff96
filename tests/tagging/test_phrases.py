"""The caption stage's candidates: contiguous noun phrases, normalised, no fragments."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from imgtag_desktop.tagging.phrases import BREAKERS, caption_phrases, singular, tokenize
from tests.tagging.captions import CAPTIONS


def is_contiguous(tag: str, caption: str) -> bool:
    """The issue's definition: a tag is a contiguous run of the caption's words, after singularising."""
    words = tag.split()
    tokens = tokenize(caption)
    for i in range(len(tokens) - len(words) + 1):
        if all(w in (tokens[i + k], singular(tokens[i + k])) for k, w in enumerate(words)):
            return True
    return False


def tags(caption: str) -> list[str]:
    return [p.text for p in caption_phrases(caption)]


def test_seed_examples_give_no_fragments() -> None:
    expectations = {
        "the players are all smiles as they walk on the field": {"player", "field"},
        "a dog running across a grassy field on a sunny day": {"dog", "grassy field", "field", "sunny day"},
        "A group of friends hiking in the mountains during sunset": {"friend", "mountain", "sunset"},
    }
    for caption, wanted in expectations.items():
        found = tags(caption)
        assert all(is_contiguous(t, caption) for t in found), found
        assert wanted <= set(found), (caption, found)
        # The notebook's fragments must not appear.
        assert not {"smiles walk", "running grassy", "field sunny", "friends hiking"} & set(found)


def test_fragment_rate_and_recall_on_human_captions() -> None:
    total = fragments = named = recalled = 0
    missed = []
    for caption, concepts in CAPTIONS:
        found = tags(caption)
        total += len(found)
        fragments += sum(not is_contiguous(t, caption) for t in found)
        for concept in concepts:
            named += 1
            if concept in found:
                recalled += 1
            else:
                missed.append((concept, caption))
    assert len(CAPTIONS) >= 50
    assert total > 150
    assert fragments / total <= 0.02
    assert recalled / named >= 0.95, missed


def test_no_lone_stop_words_determiners_or_verbs() -> None:
    for caption, _ in CAPTIONS:
        for t in tags(caption):
            words = t.split()
            assert not (len(words) == 1 and words[0] in BREAKERS), (t, caption)
            assert words[0] not in {"a", "an", "the", "and", "of", "with"}, (t, caption)
            assert t == t.lower() and t.strip() == t


def test_heads_are_singular_and_modifiers_kept() -> None:
    assert "pine tree" in tags("Fresh snow covering the pine trees behind our cabin")
    assert "child" in tags("two children playing in the snow")
    assert "hot air balloon" in tags("Hot air balloons floating over the valley")
    assert singular("benches") == "bench"
    assert singular("puppies") == "puppy"
    assert singular("glasses") == "glasses"
    assert singular("grass") == "grass"
    assert singular("waves") == "wave"
    assert singular("women") == "woman"


def test_possessives_and_blip_artefacts_are_not_tags() -> None:
    found = tags("arafed man riding a horse next to his father's truck")
    assert "arafed" not in " ".join(found)
    assert "man" in found and "horse" in found and "truck" in found
    assert not any(t.endswith("'s") or "'s " in t for t in found)


WORDS = sorted(
    {w for caption, _ in CAPTIONS for w in tokenize(caption)}
    | {"the", "a", "of", "and", "is", "running", "quickly", "two", "red", "tall"}
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14))
def test_any_word_sequence_gives_only_contiguous_non_stopword_tags(words: list[str]) -> None:
    caption = " ".join(words)
    for phrase in caption_phrases(caption):
        assert is_contiguous(phrase.text, caption), (phrase, caption)
        assert phrase.text.split()[-1] not in BREAKERS
        assert 1 <= len(phrase.text.split()) <= 3
