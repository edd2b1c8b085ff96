from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from imgtag_desktop.core.catalog import SCHEMA_VERSION, Catalog, CatalogError, PhotoFacts
from imgtag_desktop.core.catalog import schema as schema_module
from tests.helpers import run_unprivileged, world_tmpdir


def _facts(path: Path, size: int = 10) -> PhotoFacts:
    return PhotoFacts(path_bytes=bytes(path), rel_dir="", size=size, mtime_ns=1, fingerprint=f"fp{path.name}",
                      format="jpeg", width=4, height=3)


def _photo(catalog: Catalog, tmp_path: Path, name: str = "a.jpg") -> int:
    folder = catalog.add_folder(tmp_path)
    return catalog.add_photos(folder.id, [_facts(tmp_path / name)])[0]


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
        cat.add_manual_tag(pid, "dog")
    extra = dict(schema_module.MIGRATIONS)
    new_version = SCHEMA_VERSION + 100
    extra[new_version] = "CREATE TABLE migration_probe (x INTEGER);"
    monkeypatch.setattr("imgtag_desktop.core.catalog.base.MIGRATIONS", extra)
    monkeypatch.setattr("imgtag_desktop.core.catalog.base.SCHEMA_VERSION", new_version)
    with Catalog(path) as cat:
        assert cat.schema_version == new_version
        assert [t.name for t in cat.photo_tags(pid)] == ["dog"]
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
    tag = catalog.ensure_tag(" places | paris ")
    assert tag.name == "places|paris" and tag.leaf == "paris"
    parent = catalog.tag_by_name("places")
    assert parent is not None and tag.parent_id == parent.id
    with pytest.raises(CatalogError):
        catalog.ensure_tag("a||b")


def test_manual_tags_are_approved_and_states_change(catalog: Catalog, tmp_path: Path) -> None:
    pid = _photo(catalog, tmp_path)
    catalog.add_manual_tag(pid, "dog")
    catalog.set_tag([pid], "beach", "suggested", "model")
    catalog.reject_tag(pid, "beach")
    states = {t.name: (t.state, t.source) for t in catalog.photo_tags(pid)}
    assert states == {"dog": ("approved", "manual"), "beach": ("rejected", "model")}
    counts = {c.tag.name: (c.approved, c.suggested, c.rejected) for c in catalog.tags_with_counts()}
    assert counts == {"beach": (0, 0, 1), "dog": (1, 0, 0)}
    assert catalog.remove_tag(pid, "dog") == 1
    assert [t.name for t in catalog.photo_tags(pid)] == ["beach"]


def test_rename_merges_keeping_the_stronger_state(catalog: Catalog, tmp_path: Path) -> None:
    a = _photo(catalog, tmp_path, "a.jpg")
    b = _photo(catalog, tmp_path, "b.jpg")
    catalog.set_tag([a, b], "puppy", "suggested", "model")
    catalog.add_manual_tag(a, "dog")
    catalog.rename_tag("puppy", "dog")
    assert catalog.tag_by_name("puppy") is None
    assert {(t.photo_id, t.state) for p in (a, b) for t in catalog.photo_tags(p)} == {(a, "approved"), (b, "suggested")}


def test_deleting_a_folder_cascades(catalog: Catalog, tmp_path: Path) -> None:
    pid = _photo(catalog, tmp_path)
    catalog.add_manual_tag(pid, "dog")
    catalog.remove_folder(catalog.folders()[0].id)
    assert catalog.photo(pid) is None
    assert catalog.tags_with_counts() == []


def test_non_utf8_paths_round_trip(catalog: Catalog, tmp_path: Path) -> None:
    raw = bytes(tmp_path) + b"/caf\xe9.jpg"
    folder = catalog.add_folder(tmp_path)
    pid = catalog.add_photos(folder.id, [PhotoFacts(raw, "", 1, 1, "x", "jpeg")])[0]
    photo = catalog.photo(pid)
    assert photo is not None
    assert bytes(photo.path) == raw
    assert photo.display_path.endswith("caf\ufffd.jpg")
    assert catalog.photo_by_path(raw) == photo


def test_embeddings_are_normalised_float32(catalog: Catalog, tmp_path: Path) -> None:
    a = _photo(catalog, tmp_path, "a.jpg")
    b = _photo(catalog, tmp_path, "b.jpg")
    catalog.set_embeddings([(a, np.array([3.0, 4.0])), (b, np.array([0.0, 2.0]))], "clip-test")
    ids, matrix = catalog.image_embeddings("clip-test")
    assert ids == [a, b]
    assert matrix.dtype == np.float32
    np.testing.assert_allclose(matrix, [[0.6, 0.8], [0.0, 1.0]], rtol=1e-6)
    assert catalog.image_embeddings("other")[0] == []


def test_per_library_settings(catalog: Catalog) -> None:
    assert catalog.get_setting("metadata_mode", "off") == "off"
    catalog.set_setting("metadata_mode", "sidecar")
    assert catalog.get_setting("metadata_mode") == "sidecar"


def test_transaction_rolls_back_on_error(catalog: Catalog, tmp_path: Path) -> None:
    pid = _photo(catalog, tmp_path)
    with pytest.raises(RuntimeError), catalog.transaction():
        catalog.add_manual_tag(pid, "dog")
        raise RuntimeError("boom")
    assert catalog.photo_tags(pid) == []


def test_catalog_mixins_do_not_shadow_each_other() -> None:
    """Each area's mixin adds its own methods; a name defined twice would silently hide one."""
    seen: dict[str, str] = {}
    clashes = []
    for mixin in Catalog.__mro__[1:]:
        if mixin is object:
            continue
        for name in vars(mixin):
            if name.startswith("__"):
                continue
            if name in seen:
                clashes.append(f"{name}: {seen[name]} and {mixin.__name__}")
            seen[name] = mixin.__name__
    assert clashes == []


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

    catalog.add_manual_tag([a, b], "dog")
    check()
    catalog.set_tag([a], "beach", "suggested", "model")
    catalog.approve_tag(a, "beach")
    check()
    catalog.reject_tag(a, "dog")
    check()
    saved = catalog.photo_tags(b)[0]
    catalog.remove_tag(b, "dog")
    check()
    catalog.restore_photo_tag(saved)  # INSERT OR REPLACE
    catalog.restore_photo_tag(saved)
    check()
    catalog.add_manual_tag([a], "puppy")
    catalog.rename_tag("puppy", "beach")  # merge: upsert then cascade delete
    check()
    catalog.remove_folder(catalog.folders()[0].id)
    check()


def test_photos_with_tag_matches_children_case_insensitively_like_search(catalog: Catalog, tmp_path: Path) -> None:
    pid = _photo(catalog, tmp_path)
    catalog.add_manual_tag(pid, "Animal|Dog")
    assert catalog.search("animal") == [pid]  # tag names compare case-insensitively everywhere
    assert [t.photo_id for t in catalog.photos_with_tag("animal", ("approved",))] == [pid]
    assert [t.photo_id for t in catalog.photos_with_tag("ANIMAL|dog", ("approved",))] == [pid]
    assert catalog.photos_with_tag("animal", ("approved",), include_children=False) == []


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
    catalog.add_manual_tag(a, "places|paris|louvre")
    catalog.set_tag([b], "places|paris", "suggested", "model")
    catalog.add_manual_tag(b, "places")
    catalog.rename_tag("places", "Locations")
    assert [t.name for t in catalog.photo_tags(a)] == ["Locations|paris|louvre"]
    assert {(t.name, t.state) for t in catalog.photo_tags(b)} == {("Locations", "approved"),
                                                                   ("Locations|paris", "suggested")}
    assert not [n for n in catalog.tag_names() if n.startswith("places")]
    with pytest.raises(CatalogError, match="below itself"):
        catalog.rename_tag("Locations", "locations|old")
    assert [t.name for t in catalog.photo_tags(a)] == ["Locations|paris|louvre"]


def test_error_after_sqlite_rolled_back_by_itself_is_not_hidden(catalog: Catalog, tmp_path: Path) -> None:
    pid = _photo(catalog, tmp_path)
    with pytest.raises(ValueError, match="the real error"), catalog.transaction() as conn:
        catalog.add_manual_tag(pid, "dog")
        conn.execute("ROLLBACK")  # what SQLite does on its own after a full disk or an I/O error
        raise ValueError("the real error")
    assert catalog.photo_tags(pid) == []
    catalog.add_manual_tag(pid, "cat")  # the connection is usable again
    assert [t.name for t in catalog.photo_tags(pid)] == ["cat"]
