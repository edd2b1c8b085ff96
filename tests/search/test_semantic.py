"""Free-text visual search over stored image embeddings (the text encoder is a fake at the boundary)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from imgtag_desktop.core.catalog import Catalog, CatalogError, PhotoFacts
from imgtag_desktop.core.catalog.albums import SemanticSearchUnavailable

DIM = 16
WORDS = ["dog", "beach", "sunset", "mountain", "city", "snow"]


def concept(word: str) -> np.ndarray:
    v = np.zeros(DIM, dtype=np.float32)
    v[WORDS.index(word)] = 1.0
    return v


class FakeTextEncoder:
    """Maps a phrase to the mean of its known words' axes; counts calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, text: str) -> np.ndarray:
        self.calls += 1
        v = sum((concept(w) for w in text.split() if w in WORDS), np.zeros(DIM, dtype=np.float32))
        return v / (np.linalg.norm(v) or 1.0)


def add_photos(cat: Catalog, n: int) -> list[int]:
    folder = cat.photos.add_folder("/lib")
    return cat.photos.add(folder.id, [PhotoFacts(os.fsencode(f"/lib/{i:03d}.jpg"), "", 1, 1, None, "jpeg")
                                      for i in range(n)])


@pytest.fixture
def library(catalog: Catalog) -> tuple[Catalog, list[int]]:
    ids = add_photos(catalog, 8)
    rng = np.random.default_rng(3)
    # Each photo is mostly one concept plus noise; photo 5 is "dog on a beach".
    recipes = ["dog", "beach", "sunset", "mountain", "city", "dog beach", "snow", "dog"]
    vectors = []
    for pid, recipe in zip(ids, recipes, strict=True):
        v = sum(concept(w) for w in recipe.split()) + 0.15 * rng.standard_normal(DIM).astype(np.float32)
        vectors.append((pid, v.astype(np.float32)))
    catalog.analysis.set_embeddings(vectors, "fake-clip")
    return catalog, ids


def test_the_matching_photo_ranks_first(library):
    cat, ids = library
    enc = FakeTextEncoder()
    assert cat.albums.search('~"dog on a beach"', text_encoder=enc)[0] == ids[5]
    assert cat.albums.search('~"snow"', text_encoder=enc, top_k=1) == [ids[6]]
    assert cat.albums.search('~"sunset"', text_encoder=enc, limit=2)[0] == ids[2]


def test_top_k_applies_after_the_rest_of_the_query(library):
    cat, ids = library
    enc = FakeTextEncoder()
    cat.tags.add([ids[1], ids[3]], "favourite")
    # The best "dog" photos overall are 0, 5, 7; restricted to favourites only 1 and 3 compete.
    result = cat.albums.search('~"dog" favourite', text_encoder=enc, top_k=1)
    assert len(result) == 1 and result[0] in (ids[1], ids[3])
    assert set(cat.albums.search('~"dog" favourite', text_encoder=enc)) == {ids[1], ids[3]}
    best = cat.albums.search('~"dog" AND NOT favourite', text_encoder=enc, top_k=3)[:1]
    assert best in ([ids[0]], [ids[5]], [ids[7]])
    assert set(cat.albums.search('~"dog" AND NOT favourite', text_encoder=enc, top_k=3)) == {ids[0], ids[5], ids[7]}


def test_a_floor_is_a_plain_condition(library):
    cat, ids = library
    enc = FakeTextEncoder()
    assert set(cat.albums.search('~"dog">0.6', text_encoder=enc)) == {ids[0], ids[7], ids[5]}
    assert set(cat.albums.search('~"dog">0.6 OR ~"snow">0.6', text_encoder=enc)) == {ids[0], ids[5], ids[6], ids[7]}
    assert ids[0] not in cat.albums.search('-~"dog">0.6', text_encoder=enc)
    assert cat.albums.count('~"dog">0.6', text_encoder=enc) == 3


def test_text_vectors_and_the_matrix_are_cached_until_embeddings_change(library):
    cat, ids = library
    enc = FakeTextEncoder()
    cat.albums.search('~"city"', text_encoder=enc)
    cat.albums.search('~"city"', text_encoder=enc)
    assert enc.calls == 1
    index = cat.albums._embedding_index()
    assert cat.albums._embedding_index() is index
    # Replacing an embedding bumps the change counter: the next query sees the new vector.
    cat.analysis.set_embeddings([(ids[6], concept("city") * 3)], "fake-clip")
    assert cat.albums._embedding_index() is not index
    assert cat.albums.search('~"city"', text_encoder=enc, top_k=2) in ([ids[4], ids[6]], [ids[6], ids[4]])


def test_without_an_encoder_the_error_says_what_to_do(library):
    cat, _ = library
    with pytest.raises(SemanticSearchUnavailable, match="needs the CLIP model"):
        cat.albums.search('~"dog" AND beach')
    # Counting a ranking term needs no encoder: it is min(top_k, candidates with embeddings).
    assert cat.albums.count('~"dog"', top_k=5) == 5
    assert cat.albums.needs_text_encoder('dog ~"x"') and not cat.albums.needs_text_encoder("dog")


def test_dimension_mismatch_is_explained(library):
    cat, _ = library
    with pytest.raises(CatalogError, match="re-run tagging"):
        cat.albums.search('~"dog"', text_encoder=lambda text: np.ones(DIM + 1, dtype=np.float32))


def test_no_embeddings_means_no_semantic_hits(catalog):
    add_photos(catalog, 3)
    assert catalog.albums.search('~"dog"', text_encoder=FakeTextEncoder()) == []
    assert catalog.albums.count('~"dog"') == 0
