"""The corrupt-catalog matrix: every catalog problem is one line that says what to do (exit 2),
never a traceback, and imgtag never writes into a file that is not its own."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from imgtag_desktop.cli import main
from imgtag_desktop.core.catalog import Catalog, CatalogError
from tests.helpers import make_photo, run_unprivileged, world_tmpdir


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def library(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    photos = tmp_path / "photos"
    for i in range(40):
        make_photo(photos / f"p{i:02d}.jpg", (32, 24), seed=i)
    db = tmp_path / "library.db"
    assert run(capsys, "--library", str(db), "scan", str(photos))[0] == 0
    with Catalog(db) as cat:
        cat.tags.add([p.id for p in cat.photos.all()], "dog")
        cat._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db, photos / "p00.jpg"


def one_line_error(code: int, err: str, *words: str) -> None:
    assert code == 2, err
    assert err.startswith("imgtag: error: ") and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1, err
    for w in words:
        assert w in err, (w, err)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_locked_by_another_process_names_it(library: tuple[Path, Path], capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    db, photo = library
    monkeypatch.setattr("imgtag_desktop.core.catalog.base.BUSY_TIMEOUT_S", 0.2)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
        "c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(30)"), str(db)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        code, _, err = run(capsys, "--library", str(db), "tag-add", str(photo), "cat")
        one_line_error(code, err, "busy", f"process {holder.pid}", "try again")
    finally:
        holder.kill()
        holder.wait()


def test_locked_rollback_journal_catalog_is_busy_not_foreign(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "l.db"
    Catalog(db).close()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr("imgtag_desktop.core.catalog.base.BUSY_TIMEOUT_S", 0.2)
    try:
        code, _, err = run(capsys, "--library", str(db), "photos")
        one_line_error(code, err, "busy")
        assert "not an imgtag" not in err
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def test_disk_full_is_one_line_and_nothing_half_written(library: tuple[Path, Path]) -> None:
    db, _ = library
    with Catalog(db) as cat:
        pages = cat._conn.execute("PRAGMA page_count").fetchone()[0]
        cat._conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "database or disk is full"
        ids = [p.id for p in cat.photos.all()]
        with pytest.raises(CatalogError, match="is full; free some space"):
            cat.tags.add(ids, "x" * 3000)
        assert {t.name for t in cat.tags.photo_tags(ids[0])} == {"dog"}


def test_damaged_catalog_says_run_doctor_and_doctor_salvages(library: tuple[Path, Path],
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    db, photo = library
    data = bytearray(db.read_bytes())
    page = 4096
    assert len(data) > 6 * page
    for offset in range(2 * page, len(data) - page, 3 * page):  # garble a few pages, keep the header
        data[offset : offset + 200] = os.urandom(200)
    db.write_bytes(bytes(data))
    before = sha(db)
    for argv in (("tag-add", str(photo), "cat"), ("write", "--dry-run"), ("photos",), ("search", "dog")):
        code, _, err = run(capsys, "--library", str(db), *argv)
        one_line_error(code, err, "damaged", "doctor")
    code, out, err = run(capsys, "--library", str(db), "doctor")
    assert code == 1 and "repaired copy" in out, out + err
    assert sha(db) == before  # the original is kept as it was
    copies = list(db.parent.glob("library.db.recovered-*.db"))
    assert len(copies) == 1
    conn = sqlite3.connect(copies[0])
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with Catalog(copies[0]) as cat:  # the copy is an imgtag catalog again
        assert cat.schema_version > 0
    healthy = db.with_name("healthy.db")
    Catalog(healthy).close()
    assert run(capsys, "--library", str(healthy), "doctor")[0] == 0


def test_foreign_databases_are_never_changed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")  # another program's 'photos'
    conn.commit()
    conn.close()
    appdb = tmp_path / "app.db"
    conn = sqlite3.connect(appdb)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    weird = tmp_path / "weird.db"
    Catalog(weird).close()
    conn = sqlite3.connect(weird)
    conn.execute("PRAGMA user_version = -1")
    conn.close()
    newer = tmp_path / "newer.db"
    Catalog(newer).close()
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    photos = tmp_path / "photos"
    make_photo(photos / "a.jpg")
    for path, words in ((other, ["another program's"]), (appdb, ["another program's"]),
                        (weird, ["unknown schema version"]), (newer, ["newer imgtag", "update imgtag"])):
        digest = sha(path)
        for argv in (("photos",), ("scan", str(photos)), ("tag-add", str(photos / "a.jpg"), "x")):
            code, _, err = run(capsys, "--library", str(path), *argv)
            one_line_error(code, err, *words)
        assert sha(path) == digest, path


def test_a_file_that_is_no_database_is_never_repaired(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--library given a text file (a slip of the path): the message says to choose another path, and
    the doctor neither makes a 'repaired' copy nor advises moving it over the file."""
    text = tmp_path / "passwd"
    text.write_text("root:x:0:0:root:/root:/bin/bash\n")
    digest = sha(text)
    for argv in (("photos",), ("doctor",), ("tag-add", str(text), "x")):
        code, out, err = run(capsys, "--library", str(text), *argv)
        one_line_error(code, err, "not an imgtag catalog", "--library PATH")
        assert "doctor" not in err and "mv " not in out + err
    assert sha(text) == digest and sorted(p.name for p in tmp_path.iterdir()) == ["passwd"]


def test_an_imgtag_catalog_with_a_damaged_header_is_still_the_doctors_case(
        library: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """Its first bytes gone, a catalog is still recognised by its application id: 'damaged, run the
    doctor', not 'not a database at all, choose another path'."""
    db, _photos = library
    with open(db, "r+b") as f:
        f.write(b"\0" * 16)
    code, _, err = run(capsys, "--library", str(db), "photos")
    one_line_error(code, err, "damaged", "doctor")
    assert "not a database at all" not in err


def test_empty_or_missing_library_is_created_only_by_scan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    code, _, err = run(capsys, "--library", str(empty), "photos")
    one_line_error(code, err, "empty file", "scan FOLDER")
    assert empty.stat().st_size == 0
    missing = tmp_path / "new" / "folder" / "l.db"
    code, _, err = run(capsys, "--library", str(missing), "search", "dog")
    one_line_error(code, err, "no library")
    assert not missing.parent.exists()
    photos = tmp_path / "photos"
    make_photo(photos / "a.jpg")
    for db in (empty, missing):
        code, out, err = run(capsys, "--library", str(db), "scan", str(photos))
        assert code == 0 and f"created a new library at {db}" in err and out.startswith("1 new")


def test_read_only_library_opens_for_browsing_and_search(capsys: pytest.CaptureFixture[str]) -> None:
    base = world_tmpdir()
    photos = base / "photos"
    make_photo(photos / "a.jpg")
    db = base / "lib" / "library.db"
    assert run(capsys, "--library", str(db), "scan", str(photos))[0] == 0
    with Catalog(db) as cat:
        cat.tags.add([p.id for p in cat.photos.all()], "dog")
    for p in (base, photos, photos / "a.jpg"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    db.chmod(0o444)
    for extra in db.parent.glob("library.db-*"):
        extra.chmod(0o444)
    db.parent.chmod(0o555)

    def browse() -> list[tuple[int, str, str]]:
        results = []
        for argv in (("photos",), ("search", "dog", "--count"), ("tags",),
                     ("tag-add", str(photos / "a.jpg"), "cat")):
            code = main(["--library", str(db), *argv])
            out, err = capsys.readouterr()
            results.append((code, out, err))
        return results

    try:
        results = run_unprivileged(browse)
    finally:
        db.parent.chmod(0o755)
    assert isinstance(results, list)
    (c1, o1, e1), (c2, o2, e2), (c3, o3, _), (c4, _, e4) = results
    assert c1 == 0 and "a.jpg" in o1, e1
    assert c2 == 0 and o2.strip() == "1", e2
    assert c3 == 0 and "dog" in o3
    one_line_error(c4, e4, "read-only")
