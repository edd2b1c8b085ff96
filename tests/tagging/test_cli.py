"""The tagging subcommands, run in-process through imgtag's main()."""

from __future__ import annotations

import io
import json
import os
import re
import signal
from pathlib import Path

import pytest

from imgtag_desktop.cli import main
from imgtag_desktop.cli.common import Progress
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


@pytest.mark.slow
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

    assert load_settings(apply_env=False).captioner == os.path.abspath(tiny_env["captioner"])
    # A link is kept as the link, so that repointing it later takes effect.
    link = tmp_path / "current-captioner"
    link.symlink_to(tiny_env["captioner"], target_is_directory=True)
    assert main(["models", "use", "captioner", str(link)]) == 0
    assert load_settings(apply_env=False).captioner == str(link)


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


def _lines(stream_text: str) -> list[str]:
    """What a terminal shows last on each line: the bar redraws its line with \\r."""
    return [part.strip() for part in re.split(r"[\r\n]", stream_text) if part.strip()]


@pytest.fixture
def cold_vocabulary(tiny_env: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first run with these models: no text embeddings in memory or on disk, so the vocabulary is
    encoded between batches of photos (a few chunks) and added to those photos afterwards."""
    from imgtag_desktop.tagging import evict_models, staged

    evict_models()
    monkeypatch.setenv("IMGTAG_CACHE_DIR", str(tmp_path / "cold-cache"))
    monkeypatch.setattr(staged, "VOCABULARY_CHUNK", 64)


def test_progress_close_draws_the_newest_count() -> None:
    stream = io.StringIO()
    bar = Progress(4, "tag", stream=stream, force=True)
    for done in (1, 2, 3):  # a batch's photos come within 0.1 s: only the first is drawn at once
        bar.update(done, f"p{done}.jpg")
    bar.note("Adding the tag vocabulary (0/3 photos)…", now=True)
    assert _lines(stream.getvalue())[-1] == "tag: Adding the tag vocabulary (0/3 photos)…"
    bar.update(3, "p3.jpg")
    bar.close()
    assert stream.getvalue().endswith("\n")
    assert _lines(stream.getvalue())[-1].startswith("tag [")
    assert " 3/4 " in _lines(stream.getvalue())[-1]


@pytest.mark.slow
def test_tag_shows_the_vocabulary_steps_with_their_counts(
    cold_vocabulary: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "photos"
    for i in range(6):
        make_photo(folder / f"p{i}.jpg", seed=i)
    lib = str(tmp_path / "lib.db")
    assert main(["--library", lib, "tag", str(folder), "--progress", "--batch-size", "2"]) == 0
    lines = _lines(capsys.readouterr().err)
    assert any(line.startswith("tag: Preparing the tag vocabulary for the visual model (") for line in lines)
    adding = [line for line in lines if line.startswith("tag: Adding the tag vocabulary to the photos tagged before")]
    counts = [tuple(map(int, m.groups())) for line in adding if (m := re.search(r"\((\d+)/(\d+) photos\)", line))]
    assert counts and counts[0][0] == 0 and counts[-1][0] == counts[-1][1]  # from 0 to all of them
    waiting = counts[-1][1]
    assert 1 <= waiting <= 6 and all(total == waiting for _, total in counts)
    assert [done for done, _ in counts] == sorted(done for done, _ in counts)
    with Catalog(lib) as catalog:  # the photos it named did get their vocabulary candidates
        assert all(any(c.origin == "vocabulary" for c in catalog.analysis.candidates(p.id))
                   for p in catalog.photos.all())


SUMMARY = re.compile(r"stopped: (\d+) photos tagged, (\d+) tags suggested, (\d+) failed .*; (\d+) of the (\d+) photos "
                     r"not done(?: \((\d+) of them tagged before the tag vocabulary was ready[^)]*\))?: "
                     r"run the same command again to continue$")


@pytest.mark.slow
@pytest.mark.parametrize("interrupt_at", [3, 7])  # the models' 3rd batch (vocabulary still encoding), 7th (after)
def test_ctrl_c_says_what_is_done_and_what_is_left_and_running_again_continues(
    cold_vocabulary: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    interrupt_at: int
) -> None:
    from imgtag_desktop.tagging import Pipeline
    from imgtag_desktop.tagging.staged import VOCABULARY_PENDING

    folder = tmp_path / "photos"
    for i in range(14):
        make_photo(folder / f"p{i:02d}.jpg", seed=i)
    lib = str(tmp_path / "lib.db")
    calls = 0
    analyse = Pipeline.analyse_inputs

    def pressed_during_a_batch(self: Pipeline, *args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == interrupt_at:  # Ctrl-C while the models run this batch: it is finished and committed
            signal.raise_signal(signal.SIGINT)
        return analyse(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Pipeline, "analyse_inputs", pressed_during_a_batch)
    assert main(["--library", lib, "tag", str(folder), "--progress", "--batch-size", "2"]) == 130
    captured = capsys.readouterr()
    summary = SUMMARY.search(captured.out.strip())
    assert summary, captured.out
    tagged, _suggested, failed, left, total, unfinished = (int(g or 0) for g in summary.groups())
    with Catalog(lib) as catalog:
        infos = [catalog.analysis.info(p.id) for p in catalog.photos.all()]
    complete = sum(1 for i in infos if i is not None and i.error is None)
    waiting = sum(1 for i in infos if i is not None and i.error == VOCABULARY_PENDING)
    assert (tagged, failed, total) == (complete, 0, 14) and 0 < complete + waiting < 14
    assert (left, unfinished) == (14 - complete, waiting)
    bar = [line for line in _lines(captured.err) if line.startswith("tag [")]
    assert f" {complete + waiting}/14 " in bar[-1]  # the last line counts the batch that was in flight
    assert main(["--library", lib, "tag", str(folder)]) == 0  # continues with what is left
    assert capsys.readouterr().out.startswith(f"{left} photos tagged,")
    with Catalog(lib) as catalog:
        assert all((i := catalog.analysis.info(p.id)) is not None and i.error is None for p in catalog.photos.all())


def test_the_summary_counts_the_runs_suggestions_not_the_places_of_the_scan(
    tiny_env: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "photos"
    make_photo(folder / "arezzo.jpg", seed=1, gps=(43.4674, 11.8851))
    make_photo(folder / "plain.jpg", seed=2)
    lib = str(tmp_path / "lib.db")
    assert main(["--library", lib, "tag", str(folder), "--threshold", "0"]) == 0
    printed = int(re.match(r"2 photos tagged, (\d+) tags suggested, 0 failed", capsys.readouterr().out).group(1))
    with Catalog(lib) as catalog:
        shown = [t for p in catalog.photos.all() for t in catalog.tags.photo_tags(p.id, states=["suggested"])]
    assert [t.name for t in shown if t.source == "gps"] == ["places|Italy|Tuscany|Arezzo"]
    assert printed == sum(t.source == "model" for t in shown) > 0
