"""The command line: imgtag write (dry run, write, undo), imgtag import, import on scan."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from imgtag_desktop.cli import main
from tests.helpers import make_photo
from tests.metadata.oracle import digest, exiftool_json, exiftool_keywords


def run(capsys: pytest.CaptureFixture[str], lib: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--library", str(lib), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_scan_imports_keywords_then_write_dry_run_write_undo(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    lib = tmp_path / "lib.db"
    photos = tmp_path / "photos"
    a = make_photo(photos / "a.jpg")
    b = make_photo(photos / "b.jpg", seed=2)
    exiftool_json(a)
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-XMP-dc:Subject=old", "-IPTC:Keywords=old",
                    str(a)], check=True)
    code, out, _ = run(capsys, lib, "scan", str(photos))
    assert code == 0 and "1 tags imported" in out
    run(capsys, lib, "tag-add", str(b), "places|Zürich")
    run(capsys, lib, "tag-remove", str(a), "old")
    code, _, err = run(capsys, lib, "write")
    assert code == 2 and "--mode" in err  # writing is off by default: the message says how to turn it on
    before_a, before_b = digest(a), digest(b)
    code, out, _ = run(capsys, lib, "write", "--mode", "embedded", "--dry-run")
    assert code == 0 and "-old" in out and "+places|Zürich" in out and "2 file(s) would change" in out
    assert (digest(a), digest(b)) == (before_a, before_b)
    code, out, _ = run(capsys, lib, "write", "--mode", "embedded", "--save", "--json")
    report = json.loads(out)
    assert code == 0 and report["written"] == 2
    assert exiftool_keywords(a)["subject"] == [] and exiftool_keywords(a)["iptc"] == []
    assert exiftool_keywords(b)["hierarchical"] == ["places|Zürich"]
    code, out, _ = run(capsys, lib, "write")  # the saved mode; nothing left to do
    assert code == 0 and "0 written, 2 already up to date" in out
    code, out, _ = run(capsys, lib, "scan", str(photos))
    assert "0 changed" in out
    code, out, _ = run(capsys, lib, "write", "--undo")
    assert code == 0 and "2 restored" in out
    assert exiftool_keywords(a)["subject"] == ["old"] and exiftool_keywords(b)["hierarchical"] == []


def test_write_query_by_tag_and_sidecar_style(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    lib = tmp_path / "lib.db"
    photos = tmp_path / "photos"
    a = make_photo(photos / "a.jpg")
    make_photo(photos / "b.jpg", seed=2)
    run(capsys, lib, "scan", str(photos))
    run(capsys, lib, "tag-add", str(a), "café")
    run(capsys, lib, "tag-add", str(photos / "b.jpg"), "dog")
    code, out, _ = run(capsys, lib, "write", "--mode", "sidecar", "--sidecar-style", "replace", "café")
    assert code == 0 and "1 written" in out
    assert sorted(p.name for p in photos.iterdir()) == ["a.jpg", "a.xmp", "b.jpg"]
    code, _, err = run(capsys, lib, "write", "--mode", "sidecar", "no such tag")
    assert code == 2 and "imgtag tags" in err


def test_import_command(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    lib = tmp_path / "lib.db"
    photos = tmp_path / "photos"
    a = make_photo(photos / "a.jpg")
    run(capsys, lib, "scan", str(photos))
    exiftool_json(a)
    subprocess.run(["exiftool", "-q", "-o", str(photos / "a.jpg.xmp"), "-XMP-lr:HierarchicalSubject=x|東京",
                    str(a)], check=True)
    code, out, _ = run(capsys, lib, "import", str(photos), "--json")
    assert code == 0 and json.loads(out)["tags_added"] == 1
    code, out, _ = run(capsys, lib, "tags", "--photo", str(a), "--json")
    assert json.loads(out) == [{"name": "x|東京", "state": "approved", "source": "imported",
                                "keyword_score": None, "visual_score": None}]
