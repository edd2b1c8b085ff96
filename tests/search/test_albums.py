"""Saved smart albums: create, rename, edit, delete, live counts; the schema 4 migration."""

from __future__ import annotations

import os
import sqlite3

import pytest

from imgtag_desktop.core.catalog import Catalog, CatalogError, PhotoFacts
from imgtag_desktop.core.query import QueryError


def add_photos(cat: Catalog, n: int) -> list[int]:
    folder = cat.photos.add_folder("/lib")
    return cat.photos.add(folder.id, [PhotoFacts(os.fsencode(f"/lib/{i:03d}.jpg"), "", 1, 1, None, "jpeg")
                                      for i in range(n)])


def test_album_crud(catalog):
    a = catalog.albums.add("  Dogs  at  home ", "dog -outdoor")
    assert a.name == "Dogs at home" and a.query == "dog -outdoor"
    catalog.albums.add("beach", "beach")
    assert [x.name for x in catalog.albums.all()] == ["beach", "Dogs at home"]
    with pytest.raises(CatalogError, match="already an album named"):
        catalog.albums.add("beach", "sea")
    with pytest.raises(QueryError, match="column"):
        catalog.albums.add("broken", "dog AND (")
    with pytest.raises(CatalogError, match="needs a name"):
        catalog.albums.add("  ", "dog")
    renamed = catalog.albums.update(a.id, name="Dogs")
    assert renamed.name == "Dogs" and renamed.query == "dog -outdoor"
    edited = catalog.albums.update(a.id, query="dog OR puppy")
    assert catalog.albums.get("Dogs") == edited and edited.query == "dog OR puppy"
    with pytest.raises(CatalogError, match="already an album"):
        catalog.albums.update(a.id, name="beach")
    with pytest.raises(QueryError):
        catalog.albums.update(a.id, query="OR")
    assert catalog.albums.remove("Dogs") is True
    assert catalog.albums.remove("Dogs") is False
    assert [x.name for x in catalog.albums.all()] == ["beach"]


def test_counts_are_live(catalog):
    ids = add_photos(catalog, 5)
    dogs = catalog.albums.add("dogs", "dog")
    untagged = catalog.albums.add("to do", "untagged")
    review = catalog.albums.add("review", "state:suggested")
    visual = catalog.albums.add("visual", '~"dog">0.5')
    counts = catalog.albums.counts()
    assert counts == {dogs.id: 0, untagged.id: 5, review.id: 0, visual.id: None}
    token = catalog.change_token()
    catalog.tags.add(ids[:2], "dog")
    catalog.tags.put(ids[4:], "cat", "suggested", "model")
    assert catalog.change_token() != token
    counts = catalog.albums.counts()
    assert (counts[dogs.id], counts[untagged.id], counts[review.id]) == (2, 3, 1)
    catalog.tags.reject(ids[0], "dog")
    assert catalog.albums.counts()[dogs.id] == 1


def test_change_token_sees_other_connections(catalog, tmp_path):
    add_photos(catalog, 1)
    token = catalog.change_token()
    other = Catalog(catalog.path)
    try:
        other.tags.add(1, "dog")
    finally:
        other.close()
    assert catalog.change_token() != token


def test_blank_query_lists_everything_by_path(catalog):
    ids = add_photos(catalog, 3)
    assert catalog.albums.search("  ") == ids
    assert catalog.albums.search("", limit=2) == ids[:2]
    assert catalog.albums.count("") == 3


def test_search_limit(catalog):
    ids = add_photos(catalog, 4)
    catalog.tags.add(ids, "dog")
    assert catalog.albums.search("dog", limit=3) == ids[:3]


def test_migration_4_adds_indexes_and_the_embedding_counter(catalog):
    conn = sqlite3.connect(catalog.path)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert {"photos_rel_dir", "photos_format", "photos_camera", "change_counters",
                "embeddings_counter_insert"} <= names
    finally:
        conn.close()
    assert catalog.schema_version >= 4


def test_bulk_insert_only_into_known_tables(catalog):
    with pytest.raises(CatalogError, match="does not support"):
        catalog.bulk_insert("settings", ("key", "value"), [("a", "1")])
