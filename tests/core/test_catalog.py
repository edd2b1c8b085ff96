from __future__ import annotations

import inspect
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from imgtag_desktop.core.catalog import SCHEMA_VERSION, Catalog, CatalogError, PhotoFacts, Repository
from imgtag_desktop.core.catalog import schema as schema_module
from tests.helpers import run_unprivileged, world_tmpdir


def _facts(path: Path, size: int = 10) -> PhotoFacts:
    return PhotoFacts(path_bytes=bytes(path), rel_dir="", size=size, mtime_ns=1, fingerprint=f"fp{path.name}",
                      format="jpeg", width=4, height=3)


def _photo(catalog: Catalog, tmp_path: Path, name: str = "a.jpg") -> int:
    folder = catalog.photos.add_folder(tmp_path)
    return catalog.photos.add(folder.id, [_facts(tmp_path / name)])[0]


def test_new_catalog_is_wal_with_foreign_keys_and_current_schema(catalog: Catalog) -> None:
    conn = sqlite3.connect(catalog.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert catalog._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"folders", "photos", "tags", "photo_tags", "captions", "embeddings", "albums"} <= tables


def test_not_sqlite_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    bogus = tmp_path / "library.db"
    bogus.write_bytes(b"this is not a database" * 100)
    before = bogus.read_bytes()
    with pytest.raises(CatalogError, match="not an imgtag catalog"):
        Catalog(bogus)
    assert bogus.read_bytes() == before


def test_read_only_folder_gives_clear_error() -> None:
    root = world_tmpdir()
    try:
        folder = root / "ro"
        folder.mkdir()
        folder.chmod(0o555)

        def open_it() -> str:
            try:
                Catalog(folder / "library.db")
            except CatalogError as exc:
                return str(exc)
            return "opened"

        message = run_unprivileged(open_it)
        assert isinstance(message, str) and "read-only location" in message and "--library" in message
        assert not (folder / "library.db").exists()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_migration_backs_up_and_runs_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "library.db"
    with Catalog(path) as cat:
        pid = _photo(cat, tmp_path)
        cat.tags.add(pid, "dog")
    extra = dict(schema_module.MIGRATIONS)
    new_version = SCHEMA_VERSION + 100
    extra[new_version] = "CREATE TABLE migration_probe (x INTEGER);"
    monkeypatch.setattr("imgtag_desktop.core.catalog.base.MIGRATIONS", extra)
    monkeypatch.setattr("imgtag_desktop.core.catalog.base.SCHEMA_VERSION", new_version)
    with Catalog(path) as cat:
        assert cat.schema_version == new_version
        assert [t.name for t in cat.tags.photo_tags(pid)] == ["dog"]
    backups = list(tmp_path.glob("library.db.v*.bak"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as old:
        assert old.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert old.execute("SELECT count(*) FROM photo_tags").fetchone()[0] == 1


def test_failed_migration_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "library.db"
    Catalog(path).close()
    extra = dict(schema_module.MIGRATIONS)
    extra[SCHEMA_VERSION + 1] = "CREATE TABLE half_done (x INTEGER); THIS IS NOT SQL;"
    monkeypatch.setattr("imgtag_desktop.core.catalog.base.MIGRATIONS", extra)
    monkeypatch.setattr("imgtag_desktop.core.catalog.base.SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(sqlite3.OperationalError):
        Catalog(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert not conn.execute("SELECT name FROM sqlite_master WHERE name = 'half_done'").fetchall()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    Catalog(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    with pytest.raises(CatalogError, match="newer imgtag"):
        Catalog(path)


def test_hierarchical_tags_create_parents(catalog: Catalog) -> None:
    tag = catalog.tags.ensure(" places | paris ")
    assert tag.name == "places|paris" and tag.leaf == "paris"
    parent = catalog.tags.by_name("places")
    assert parent is not None and tag.parent_id == parent.id
    with pytest.raises(CatalogError):
        catalog.tags.ensure("a||b")


def test_manual_tags_are_approved_and_states_change(catalog: Catalog, tmp_path: Path) -> None:
    pid = _photo(catalog, tmp_path)
    catalog.tags.add(pid, "dog")
    catalog.tags.put([pid], "beach", "suggested", "model")
    catalog.tags.reject(pid, "beach")
    states = {t.name: (t.state, t.source) for t in catalog.tags.photo_tags(pid)}
    assert states == {"dog": ("approved", "manual"), "beach": ("rejected", "model")}
    counts = {c.tag.name: (c.approved, c.suggested, c.rejected) for c in catalog.tags.with_counts()}
    assert counts == {"beach": (0, 0, 1), "dog": (1, 0, 0)}
    assert catalog.tags.remove(pid, "dog") == 1
    assert [t.name for t in catalog.tags.photo_tags(pid)] == ["beach"]


def test_rename_merges_keeping_the_stronger_state(catalog: Catalog, tmp_path: Path) -> None:
    a = _photo(catalog, tmp_path, "a.jpg")
    b = _photo(catalog, tmp_path, "b.jpg")
    catalog.tags.put([a, b], "puppy", "suggested", "model")
    catalog.tags.add(a, "dog")
    catalog.tags.rename("puppy", "dog")
    assert catalog.tags.by_name("puppy") is None
    states = {(t.photo_id, t.state) for p in (a, b) for t in catalog.tags.photo_tags(p)}
    assert states == {(a, "approved"), (b, "suggested")}


def test_deleting_a_folder_cascades(catalog: Catalog, tmp_path: Path) -> None:
    pid = _photo(catalog, tmp_path)
    catalog.tags.add(pid, "dog")
    catalog.photos.remove_folder(catalog.photos.folders()[0].id)
    assert catalog.photos.get(pid) is None
    assert catalog.tags.with_counts() == []


def test_non_utf8_paths_round_trip(catalog: Catalog, tmp_path: Path) -> None:
    raw = bytes(tmp_path) + b"/caf\xe9.jpg"
    folder = catalog.photos.add_folder(tmp_path)
    pid = catalog.photos.add(folder.id, [PhotoFacts(raw, "", 1, 1, "x", "jpeg")])[0]
    photo = catalog.photos.get(pid)
    assert photo is not None
    assert bytes(photo.path) == raw
    assert photo.display_path.endswith("caf\ufffd.jpg")
    assert catalog.photos.by_path(raw) == photo


def test_embeddings_are_normalised_float32(catalog: Catalog, tmp_path: Path) -> None:
    a = _photo(catalog, tmp_path, "a.jpg")
    b = _photo(catalog, tmp_path, "b.jpg")
    catalog.analysis.set_embeddings([(a, np.array([3.0, 4.0])), (b, np.array([0.0, 2.0]))], "clip-test")
    ids, matrix = catalog.analysis.image_embeddings("clip-test")
    assert ids == [a, b]
    assert matrix.dtype == np.float32
    np.testing.assert_allclose(matrix, [[0.6, 0.8], [0.0, 1.0]], rtol=1e-6)
    assert catalog.analysis.image_embeddings("other")[0] == []


def test_per_library_settings(catalog: Catalog) -> None:
    assert catalog.get_setting("metadata_mode", "off") == "off"
    catalog.set_setting("metadata_mode", "sidecar")
    assert catalog.get_setting("metadata_mode") == "sidecar"


def test_transaction_rolls_back_on_error(catalog: Catalog, tmp_path: Path) -> None:
    pid = _photo(catalog, tmp_path)
    with pytest.raises(RuntimeError), catalog.transaction():
        catalog.tags.add(pid, "dog")
        raise RuntimeError("boom")
    assert catalog.tags.photo_tags(pid) == []


def test_repositories_share_the_connection_and_get_their_dependencies_from_the_catalog(catalog: Catalog) -> None:
    """Every area works on the catalog's one connection, and an area that needs another gets
    the catalog's own instance of it through its constructor (named like the attribute)."""
    repos = {name: value for name, value in vars(catalog).items() if isinstance(value, Repository)}
    assert set(repos) == {"photos", "tags", "review", "analysis", "albums", "writes", "journal", "places",
                          "duplicates", "suggestions", "decisions", "tag_admin", "problems"}
    for name, repo in repos.items():
        assert repo._conn is catalog._conn, name
        for dep in list(inspect.signature(type(repo).__init__).parameters)[2:]:
            assert getattr(repo, f"_{dep}") is repos[dep], f"{name} needs {dep}"


def test_one_transaction_spans_the_areas(catalog: Catalog, tmp_path: Path) -> None:
    """A failure inside an outer transaction undoes what every area wrote in it."""
    pid = _photo(catalog, tmp_path)
    with pytest.raises(RuntimeError), catalog.transaction():
        catalog.tags.add(pid, "dog")
        catalog.writes.import_keywords(pid, ["cat"])
        catalog.albums.add("dogs", "dog")
        raise RuntimeError("boom")
    assert catalog.tags.photo_tags(pid) == [] and catalog.tags.names() == [] and catalog.albums.all() == []


def test_approved_tag_count_follows_every_kind_of_change(catalog: Catalog, tmp_path: Path) -> None:
    """photos.approved_tags is kept by triggers: check it against a count after each kind of edit."""
    a = _photo(catalog, tmp_path, "a.jpg")
    b = _photo(catalog, tmp_path, "b.jpg")

    def check() -> None:
        rows = catalog._conn.execute(
            "SELECT p.id, p.approved_tags, (SELECT count(*) FROM photo_tags pt"
            " WHERE pt.photo_id = p.id AND pt.state = 'approved') FROM photos p"
        ).fetchall()
        assert all(kept == actual for _, kept, actual in rows), rows

    catalog.tags.add([a, b], "dog")
    check()
    catalog.tags.put([a], "beach", "suggested", "model")
    catalog.tags.approve(a, "beach")
    check()
    catalog.tags.reject(a, "dog")
    check()
    saved = catalog.tags.photo_tags(b)[0]
    catalog.tags.remove(b, "dog")
    check()
    catalog.tags.restore(saved)  # INSERT OR REPLACE
    catalog.tags.restore(saved)
    check()
    catalog.tags.add([a], "puppy")
    catalog.tags.rename("puppy", "beach")  # merge: upsert then cascade delete
    check()
    catalog.photos.remove_folder(catalog.photos.folders()[0].id)
    check()


def test_photos_with_tag_matches_children_case_insensitively_like_search(catalog: Catalog, tmp_path: Path) -> None:
    pid = _photo(catalog, tmp_path)
    catalog.tags.add(pid, "Animal|Dog")
    assert catalog.albums.search("animal") == [pid]  # tag names compare case-insensitively everywhere
    assert [t.photo_id for t in catalog.review.photos_with_tag("animal", ("approved",))] == [pid]
    assert [t.photo_id for t in catalog.review.photos_with_tag("ANIMAL|dog", ("approved",))] == [pid]
    assert catalog.review.photos_with_tag("animal", ("approved",), include_children=False) == []


def test_catalog_path_with_uri_characters_opens_that_file(tmp_path: Path) -> None:
    path = tmp_path / "My#Photos?100%" / "library.db"
    with Catalog(path) as cat:
        cat.set_setting("k", 1)
    assert path.is_file() and sorted(p.name for p in tmp_path.iterdir()) == ["My#Photos?100%"]
    with Catalog(path, read_only=True) as cat:
        assert cat.get_setting("k") == 1


def test_read_only_catalog_that_does_not_exist_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="no catalog at .*scan a folder into it first"):
        Catalog(tmp_path / "none.db", read_only=True)
    assert not (tmp_path / "none.db").exists()


def test_renaming_a_parent_tag_moves_its_children_instead_of_deleting_them(catalog: Catalog, tmp_path: Path) -> None:
    a = _photo(catalog, tmp_path, "a.jpg")
    b = _photo(catalog, tmp_path, "b.jpg")
    catalog.tags.add(a, "places|paris|louvre")
    catalog.tags.put([b], "places|paris", "suggested", "model")
    catalog.tags.add(b, "places")
    catalog.tags.rename("places", "Locations")
    assert [t.name for t in catalog.tags.photo_tags(a)] == ["Locations|paris|louvre"]
    assert {(t.name, t.state) for t in catalog.tags.photo_tags(b)} == {("Locations", "approved"),
                                                                   ("Locations|paris", "suggested")}
    assert not [n for n in catalog.tags.names() if n.startswith("places")]
    with pytest.raises(CatalogError, match="below itself"):
        catalog.tags.rename("Locations", "locations|old")
    assert [t.name for t in catalog.tags.photo_tags(a)] == ["Locations|paris|louvre"]


def test_error_after_sqlite_rolled_back_by_itself_is_not_hidden(catalog: Catalog, tmp_path: Path) -> None:
    pid = _photo(catalog, tmp_path)
    with pytest.raises(ValueError, match="the real error"), catalog.transaction() as conn:
        catalog.tags.add(pid, "dog")
        conn.execute("ROLLBACK")  # what SQLite does on its own after a full disk or an I/O error
        raise ValueError("the real error")
    assert catalog.tags.photo_tags(pid) == []
    catalog.tags.add(pid, "cat")  # the connection is usable again
    assert [t.name for t in catalog.tags.photo_tags(pid)] == ["cat"]
