"""The SQL compiler agrees with the plain-Python reference evaluator on random catalogs."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imgtag_desktop.core.catalog import Catalog, PhotoFacts, PhotoTag, Tag
from imgtag_desktop.core.query import parse, to_text

from .reference import RefLibrary, RefPhoto
from .strategies import leaves, trees

DIM = 4
VOCABULARY = ["dog", "cat", "beach", "places", "places|paris", "places|paris|louvre", "places|rome",
              "city skyline", "a%b", "x_y"]
QUERY_NAMES = [*VOCABULARY, "DOG", "Places", "PLACES|Paris", "plac", "zebra", "places|", "a%", "x_"]
REL_DIRS = ["", "a", "a/b", "ab", "b", "a/b/c"]
TAKEN = [None, "2023-12-31T23:59:59", "2024-01-01T00:00:00", "2024-06-15T10:00:00", "2024-08-31T12:00:00",
         "2024-09-01T00:00:00", "2025-02-03T04:05:06"]
CAMERAS = [None, "Canon EOS R5", "NIKON D750", "canon 50%_x", "Sony"]
FORMATS = [None, "jpeg", "heif", "png"]
CAPTIONS = [None, "a dog on a beach", "A CAT", "50% off_sale", "city at night"]
TEXTS = ["dog", "cat", "beach", "sunset"]


def encoder(text: str) -> np.ndarray:
    """A fake CLIP text tower: a fixed unit vector per text (the encoder is a boundary)."""
    v = np.random.default_rng(sum(text.encode()) * 7919).standard_normal(DIM).astype(np.float32)
    return v / np.linalg.norm(v)


photo_strategy = st.fixed_dictionaries({
    "rel_dir": st.sampled_from(REL_DIRS),
    "taken_at": st.sampled_from(TAKEN),
    "camera": st.sampled_from(CAMERAS),
    "format": st.sampled_from(FORMATS),
    "caption": st.sampled_from(CAPTIONS),
    "embedding": st.booleans(),
    "tags": st.lists(
        st.tuples(st.sampled_from(VOCABULARY), st.sampled_from(["approved", "suggested", "rejected"]),
                  st.none() | st.sampled_from([0.1, 0.3, 0.5, 0.7, 0.9])),
        max_size=4, unique_by=lambda t: t[0].lower(),
    ),
})

query_leaves = leaves(
    tag_names=st.sampled_from(QUERY_NAMES),
    values=st.sampled_from(["dog", "CAT", "%", "_", "50%", "off_", "on a", "canon", "nikon", "zzz"]),
    semantic_texts=st.sampled_from(TEXTS),
    folders=st.sampled_from(["a", "a/b", "b", "/lib/a", "/lib/a/b/", "/lib", "c", "", "/lib/ab"]),
    cameras=st.sampled_from(["canon", "CANON", "50%_", "d7", "%", "son"]),
)


def build(photos: list[dict], seed: int, top_k: int) -> tuple[Catalog, RefLibrary, str]:
    folder = tempfile.mkdtemp(prefix="imgtag-q-")
    cat = Catalog(Path(folder) / "library.db")
    lib = cat.photos.add_folder("/lib")
    facts = [
        PhotoFacts(os.fsencode(f"/lib/{p['rel_dir']}/{i:03d}.jpg".replace("//", "/")), p["rel_dir"], 100, 1, None,
                   p["format"], taken_at=p["taken_at"], camera=p["camera"])
        for i, p in enumerate(photos)
    ]
    ids = cat.photos.add(lib.id, facts)
    rng = np.random.default_rng(seed)
    vectors = []
    for pid, p in zip(ids, photos, strict=True):
        for name, state, score in p["tags"]:
            cat.tags.restore(PhotoTag(pid, Tag(0, name, name, None), state, "model", None, score))
        if p["embedding"]:
            vectors.append((pid, rng.standard_normal(DIM).astype(np.float32)))
    cat.bulk_insert("captions", ("photo_id", "caption", "model_version", "created_at"),
                    [(pid, p["caption"], "t", 0.0) for pid, p in zip(ids, photos, strict=True) if p["caption"]])
    cat.analysis.set_embeddings(vectors, "test")
    stored_ids, matrix = cat.analysis.image_embeddings()
    stored = dict(zip(stored_ids, matrix, strict=True))
    ref = RefLibrary(
        [RefPhoto(pid, f.path_bytes.decode(), p["rel_dir"], p["taken_at"], p["camera"], p["format"],
                  list(p["tags"]), p["caption"], stored.get(pid))
         for pid, f, p in zip(ids, facts, photos, strict=True)],
        top_k, encoder,
    )
    return cat, ref, folder


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    photos=st.lists(photo_strategy, max_size=14),
    seed=st.integers(0, 2**16),
    top_k=st.integers(1, 6),
    queries=st.lists(trees(query_leaves, max_leaves=6), min_size=1, max_size=15),
)
def test_sql_agrees_with_reference(photos, seed, top_k, queries):
    cat, ref, folder = build(photos, seed, top_k)
    try:
        for node in queries:
            expected = ref.search(node)
            assert cat.albums.search(node, text_encoder=encoder, top_k=top_k) == expected, to_text(node)
            # Through the text form too (what albums store).
            assert cat.albums.search(to_text(node), text_encoder=encoder, top_k=top_k) == expected
            assert cat.albums.count(node, text_encoder=encoder, top_k=top_k) == len(expected)
    finally:
        cat.close()
        shutil.rmtree(folder, ignore_errors=True)


def test_reference_and_sql_on_a_known_library():
    photos = [
        {"rel_dir": "a", "taken_at": "2024-06-15T10:00:00", "camera": "Canon EOS R5", "format": "jpeg",
         "caption": "a dog on a beach", "embedding": True,
         "tags": [("dog", "approved", 0.9), ("places|paris", "approved", None), ("cat", "suggested", 0.3)]},
        {"rel_dir": "a/b", "taken_at": None, "camera": None, "format": "heif", "caption": None, "embedding": False,
         "tags": [("cat", "approved", None), ("dog", "rejected", 0.8)]},
        {"rel_dir": "b", "taken_at": "2023-12-31T23:59:59", "camera": "NIKON D750", "format": "png",
         "caption": None, "embedding": True, "tags": []},
    ]
    cat, ref, folder = build(photos, 1, 5)
    try:
        ids = [p.id for p in ref.photos]
        cases = {
            "dog": [ids[0]],
            "places": [ids[0]],
            "state:rejected dog": [ids[1]],
            "state:suggested": [ids[0]],
            "-dog": [ids[1], ids[2]],
            "dog OR cat": [ids[0], ids[1]],
            "dog>0.5": [ids[0]],
            "dog>0.95": [],
            "untagged": [ids[2]],
            "folder:a": [ids[0], ids[1]],
            "folder:a/b": [ids[1]],
            "date:2024": [ids[0]],
            "-date:2024": [ids[1], ids[2]],
            "camera:canon": [ids[0]],
            "-camera:canon": [ids[1], ids[2]],
            "format:heic": [ids[1]],
            "has:caption": [ids[0]],
            "caption:DOG": [ids[0]],
            "has:embedding": [ids[0], ids[2]],
        }
        for query, expected in cases.items():
            assert ref.search(parse(query)) == expected, query
            assert cat.albums.search(query, text_encoder=encoder) == expected, query
    finally:
        cat.close()
        shutil.rmtree(folder, ignore_errors=True)


def test_avif_photos_match_format_heif_and_its_avif_alias(catalog: Catalog, tmp_path: Path) -> None:
    folder = catalog.photos.add_folder(tmp_path)
    facts = [PhotoFacts(path_bytes=bytes(tmp_path / f"p.{ext}"), rel_dir="", size=1, mtime_ns=1, fingerprint=ext,
                        format=fmt) for ext, fmt in (("avif", "avif"), ("heic", "heif"), ("jpg", "jpeg"))]
    avif, heic, _jpeg = catalog.photos.add(folder.id, facts)
    for query in ("format:avif", "format:heif", "format:heic"):
        assert sorted(catalog.albums.search(query)) == sorted([avif, heic]), query
    assert catalog.albums.count("-format:avif") == 1
