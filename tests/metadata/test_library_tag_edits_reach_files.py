"""Library-wide tag edits (delete, merge, rename) reach every place imgtag wrote the keyword,
embedded and sidecar, whatever order the writes come in; exiftool is the judge."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from imgtag_desktop.cli import main
from tests.helpers import make_photo
from tests.metadata.oracle import exiftool_json, exiftool_keywords


def run(capsys: pytest.CaptureFixture[str], lib: Path, *args: str) -> str:
    code = main(["--library", str(lib), *args])
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def embedded_and_sidecar(photo: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    return exiftool_keywords(photo), exiftool_keywords(photo.with_name(photo.name + ".xmp"))


def touch(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def lowered(fields: dict[str, list[str]]) -> set[str]:
    return {v.casefold() for values in fields.values() for v in values}


def test_deleted_tag_leaves_embedded_keywords_after_a_sidecar_write_and_import_keeps_it_gone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib = tmp_path / "lib.db"
    photos = tmp_path / "photos"
    a = make_photo(photos / "a.jpg")
    exiftool_json(a)
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-XMP-dc:Subject=.jpg", "-XMP-dc:Subject=keep",
                    "-IPTC:Keywords=.jpg", "-IPTC:Keywords=keep", str(a)], check=True)
    run(capsys, lib, "scan", str(photos))
    # a keyword another program adds after the scan: imgtag never read nor wrote it
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-XMP-dc:Subject+=foreign",
                    "-IPTC:Keywords+=foreign", str(a)], check=True)
    run(capsys, lib, "scan", str(photos))
    run(capsys, lib, "tags", "delete", ".jpg")
    run(capsys, lib, "tag-add", str(a), "dog")
    run(capsys, lib, "write", "--mode", "sidecar")
    embedded, sidecar = embedded_and_sidecar(a)
    assert ".jpg" in lowered(embedded) and ".jpg" not in lowered(sidecar)
    touch(a)  # read again before the embedded write: the deleted tag still in the file stays deleted
    run(capsys, lib, "scan", str(photos))
    run(capsys, lib, "import", str(photos))
    assert ".jpg" not in run(capsys, lib, "tags")
    out = run(capsys, lib, "write", "--mode", "embedded", "--dry-run")
    assert "-.jpg" in out
    run(capsys, lib, "write", "--mode", "embedded")
    embedded, sidecar = embedded_and_sidecar(a)
    assert ".jpg" not in lowered(embedded) | lowered(sidecar)
    assert embedded["subject"] == embedded["iptc"] == ["keep", "foreign", "dog"]
    touch(a)
    run(capsys, lib, "scan", str(photos))
    run(capsys, lib, "import", str(photos))
    tags = run(capsys, lib, "tags")
    assert ".jpg" not in tags and "foreign" in tags and "keep" in tags


def test_tag_deleted_after_both_writes_leaves_both_whichever_is_written_first(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib = tmp_path / "lib.db"
    photos = tmp_path / "photos"
    a = make_photo(photos / "a.jpg")
    exiftool_json(a)
    run(capsys, lib, "scan", str(photos))
    run(capsys, lib, "tag-add", str(a), "squirrel")
    run(capsys, lib, "tag-add", str(a), "tree")
    run(capsys, lib, "write", "--mode", "embedded")
    run(capsys, lib, "write", "--mode", "sidecar")
    run(capsys, lib, "tags", "merge", "squirrel", "tree")
    run(capsys, lib, "write", "--mode", "sidecar")
    embedded, sidecar = embedded_and_sidecar(a)
    assert "squirrel" in lowered(embedded) and "squirrel" not in lowered(sidecar)
    run(capsys, lib, "write", "--mode", "embedded")
    embedded, sidecar = embedded_and_sidecar(a)
    assert "squirrel" not in lowered(embedded) | lowered(sidecar)
    assert embedded["iptc"] == embedded["subject"] == ["tree"]


def test_case_only_rename_reaches_every_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib = tmp_path / "lib.db"
    photos = tmp_path / "photos"
    a = make_photo(photos / "a.jpg")
    exiftool_json(a)
    run(capsys, lib, "scan", str(photos))
    run(capsys, lib, "tag-add", str(a), "test file")
    run(capsys, lib, "write", "--mode", "embedded")
    assert exiftool_keywords(a)["iptc"] == ["test file"]
    run(capsys, lib, "tags", "rename", "test file", "Test File")
    run(capsys, lib, "write", "--mode", "embedded")
    assert exiftool_keywords(a) == {"subject": ["Test File"], "hierarchical": ["Test File"],
                                    "iptc": ["Test File"], "xp": ["Test File"]}
