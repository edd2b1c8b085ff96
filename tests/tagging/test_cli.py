"""The tagging subcommands, run in-process through imgtag's main()."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from imgtag_desktop.cli import main
from imgtag_desktop.core.catalog import Catalog
from tests.helpers import make_photo


@pytest.fixture
def tiny_env(tiny_models: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    monkeypatch.setenv("IMGTAG_CAPTIONER", str(tiny_models["captioner"]))
    monkeypatch.setenv("IMGTAG_KEYWORD_MODEL", str(tiny_models["keywords"]))
    monkeypatch.setenv("IMGTAG_VISUAL_MODEL", str(tiny_models["visual"]))
    monkeypatch.setenv("IMGTAG_DEVICE", "cpu")
    return tiny_models


def test_keywords_reads_captions_from_stdin(
    tiny_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a dog running across a grassy field on a sunny day\n\nthe cat\n"))
    assert main(["keywords"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [x["caption"] for x in lines] == ["a dog running across a grassy field on a sunny day", "the cat"]
    first = {t["tag"]: t["score"] for t in lines[0]["tags"]}
    assert {"dog", "grassy field", "sunny day"} <= set(first)
    assert all(-1.0 <= s <= 1.0 for s in first.values())
    assert [t["tag"] for t in lines[1]["tags"]] == ["cat"]


def test_tag_then_explain_then_nothing_left(
    tiny_env: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "photos"
    for i in range(3):
        make_photo(folder / f"p{i}.jpg", seed=i)
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    lib = str(tmp_path / "lib.db")
    assert main(["--library", lib, "tag", str(folder), "--json", "--threshold", "0.3"]) == 0
    out = capsys.readouterr().out.strip().splitlines()[-1]
    summary = json.loads(out)
    assert summary["analysed"] == 3 and summary["cancelled"] is False
    assert main(["--library", lib, "explain", str(folder / "p0.jpg"), "--json"]) == 0
    explained = json.loads(capsys.readouterr().out)
    assert explained["caption"] and explained["threshold"] == 0.3 and explained["candidates"]
    assert main(["--library", lib, "explain", str(folder / "p1.jpg")]) == 0
    text = capsys.readouterr().out
    assert "caption:" in text and ("suggested (#" in text or "not shown" in text) and "log-odds" in text
    assert main(["--library", lib, "tag", str(folder)]) == 0
    assert "nothing to do" in capsys.readouterr().out
    with Catalog(lib) as catalog:
        assert all(catalog.analysis.caption(p.id) for p in catalog.photos.all(status="ok"))


def test_models_status_and_use(tiny_env: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "status", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["role"] for r in rows] == ["captioner", "keywords", "visual"]
    assert all(r["usable"] for r in rows)
    assert main(["models", "use", "visual", str(tmp_path / "missing")]) == 2
    assert "imgtag models download" in capsys.readouterr().err
    assert main(["models", "use", "captioner", str(tiny_env["captioner"])]) == 0
    from imgtag_desktop.core.settings import load_settings

    assert load_settings(apply_env=False).captioner == str(tiny_env["captioner"].resolve())


def test_tag_with_a_missing_model_says_what_to_do(
    tiny_env: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IMGTAG_VISUAL_MODEL", str(tmp_path / "nowhere"))
    make_photo(tmp_path / "photos" / "a.jpg")
    assert main(["--library", str(tmp_path / "lib.db"), "tag", str(tmp_path / "photos")]) == 2
    err = capsys.readouterr().err
    assert "imgtag models download" in err and "imgtag models use visual FOLDER" in err


@pytest.mark.shared_data
@pytest.mark.slow
def test_tag_shared_images(tiny_env: dict[str, Path], shared_images: Path, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    lib = str(tmp_path / "lib.db")
    assert main(["--library", lib, "tag", str(shared_images), "--json"]) == 0
    with Catalog(lib) as catalog:
        photos = catalog.photos.all()
        ok = [p for p in photos if p.status == "ok"]
        assert ok and len(ok) < len(photos)
        emb_ids, _ = catalog.analysis.image_embeddings()
        for p in ok:
            assert catalog.analysis.caption(p.id) is not None, p.display_path
            assert catalog.analysis.candidates(p.id), p.display_path
        assert set(emb_ids) == {p.id for p in ok}
        for p in photos:
            if p.status != "ok":
                assert p.error, p.display_path


def test_device_option_is_never_taken_for_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    from imgtag_desktop.cli.tagging import settings_from_args

    monkeypatch.chdir(tmp_path)
    (tmp_path / "cpu").mkdir()
    (tmp_path / "clip").mkdir()
    settings = settings_from_args(argparse.Namespace(device="cpu", visual_model="clip"))
    assert settings.device == "cpu"  # a choice, even with a folder of that name here
    assert settings.visual_model == str(tmp_path / "clip")  # a model folder is made absolute
