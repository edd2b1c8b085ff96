from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from imgtag_desktop.cli import main
from tests.helpers import make_photo


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_scan_photos_tags_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib = str(tmp_path / "lib" / "library.db")
    photo = make_photo(tmp_path / "pics" / "one.jpg")
    make_photo(tmp_path / "pics" / "two.png")
    code, out, _ = run(capsys, "--library", lib, "scan", str(tmp_path / "pics"), "--json")
    assert code == 0 and json.loads(out)["new"] == 2
    code, out, _ = run(capsys, "--library", lib, "photos", "--json")
    assert sorted(Path(p["path"]).name for p in json.loads(out)) == ["one.jpg", "two.png"]
    assert run(capsys, "--library", lib, "tag-add", str(photo), "places|paris")[0] == 0
    assert run(capsys, "--library", lib, "tag-add", str(photo), "dog")[0] == 0
    code, out, _ = run(capsys, "--library", lib, "tags", "--json")
    assert {t["name"]: t["approved"] for t in json.loads(out)} == {"dog": 1, "places|paris": 1}
    assert run(capsys, "--library", lib, "tag-remove", str(photo), "dog")[0] == 0
    code, out, _ = run(capsys, "--library", lib, "tags", "--json", "--photo", str(photo))
    assert [(t["name"], t["state"], t["source"]) for t in json.loads(out)] == [("places|paris", "approved", "manual")]


def test_errors_are_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib = tmp_path / "library.db"
    code, _, err = run(capsys, "--library", str(lib), "tag-add", str(tmp_path / "nope.jpg"), "dog")
    assert code == 2 and "there is no library" in err and "scan FOLDER" in err and not lib.exists()
    code, _, err = run(capsys, "--library", str(lib), "scan", str(tmp_path / "missing"))
    assert code == 2 and "cannot open folder" in err and not lib.exists()
    make_photo(tmp_path / "pics" / "one.jpg")
    code, _, err = run(capsys, "--library", str(lib), "scan", str(tmp_path / "pics"))
    assert code == 0 and f"created a new library at {lib}" in err
    code, _, err = run(capsys, "--library", str(lib), "tag-add", str(tmp_path / "nope.jpg"), "dog")
    assert code == 2 and "not in the library" in err and "imgtag scan" in err
    bogus = tmp_path / "bogus.db"
    bogus.write_text("not sqlite at all " * 50)
    code, _, err = run(capsys, "--library", str(bogus), "photos")
    assert code == 2 and "not an imgtag catalog" in err


def test_console_script_runs_as_a_process(tmp_path: Path) -> None:
    make_photo(tmp_path / "pics" / "one.jpg")
    result = subprocess.run(
        [sys.executable, "-m", "imgtag_desktop.cli", "--library", str(tmp_path / "l.db"),
         "scan", str(tmp_path / "pics")],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("1 new")
