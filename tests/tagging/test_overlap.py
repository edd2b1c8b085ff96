"""Overlapped tagging runs: decode threads and a commit thread change the speed, never the results.

Every photo's failure stays that photo's, a cancel stops the run and its threads, and the catalog
ends up exactly as after a run that does one step after another (``workers=0``)."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.scanner import scan_folder
from imgtag_desktop.core.settings import Settings, load_settings
from imgtag_desktop.tagging import Pipeline, tag_photos
from imgtag_desktop.tagging.overlap import (
    BatchWriter,
    Prefetcher,
    decode_workers,
    default_batch_size,
)
from tests.helpers import bench_models_folder, make_decoder_raise, make_photo

THREAD_NAMES = ("imgtag-decode", "imgtag-commit")


def run_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith(THREAD_NAMES)]


def photo_folder(folder: Path, n: int) -> None:
    for i in range(n):
        make_photo(folder / f"img{i:02d}.jpg", (300 + 13 * i, 220 + 7 * i), seed=i)


def scanned_photos(catalog: Catalog, folder: Path, n: int) -> list[int]:
    """``n`` photos made in ``folder`` and scanned into ``catalog``: their ids."""
    photo_folder(folder, n)
    scan_folder(catalog, folder)
    return [p.id for p in catalog.photos.all()]


def catalog_contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, without the columns that hold the time of a change."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        contents: dict[str, list[tuple[object, ...]]] = {}
        for table in tables:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if not r[1].endswith("_at")]
            rows = conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
            contents[table] = sorted(rows, key=repr)
        return contents
    finally:
        conn.close()


def test_overlapped_run_stores_exactly_what_a_step_by_step_run_stores(
    tiny_pipeline: Pipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "photos"
    photo_folder(folder, 9)
    libraries = [tmp_path / "step-by-step.db", tmp_path / "overlapped.db"]
    for library in libraries:
        with Catalog(library) as catalog:
            scan_folder(catalog, folder)
    # After the scans: one photo cut short, one gone, one whose decoder raises something undocumented.
    data = (folder / "img01.jpg").read_bytes()
    (folder / "img01.jpg").write_bytes(data[: len(data) // 3])
    (folder / "img04.jpg").unlink()
    make_decoder_raise(monkeypatch, "load", "img06.jpg")
    reports = []
    for library, workers in zip(libraries, (0, 3), strict=True):
        errors: list[tuple[int, str, str]] = []
        progress: list[int] = []
        with Catalog(library) as catalog:
            ids = [p.id for p in catalog.photos.all()]
            stats = tag_photos(catalog, ids, tiny_pipeline, threshold=0.0, batch_size=2, workers=workers,
                               on_error=lambda *e, errors=errors: errors.append(e),
                               progress=lambda d, _t, _p, progress=progress: progress.append(d))
        assert stats.decode_workers == workers and stats.analysed == 6 and stats.failed == 3
        assert progress == list(range(1, 10))
        reports.append((sorted(errors), stats.suggested))
    assert reports[0] == reports[1]
    reasons = {path.rsplit("/", 1)[-1]: reason for _id, path, reason in reports[0][0]}
    assert set(reasons) == {"img01.jpg", "img04.jpg", "img06.jpg"}
    assert "not found" in reasons["img04.jpg"] and "DecoderSurprise" in reasons["img06.jpg"]
    step, overlapped = (catalog_contents(library) for library in libraries)
    assert step["captions"] and step["candidates"] and step["embeddings"] and step["photo_tags"]
    for table in step:
        assert step[table] == overlapped[table], table
    with Catalog(libraries[1]) as catalog:
        statuses = {p.path.name: p.status for p in catalog.photos.all()}
    assert statuses["img01.jpg"] == statuses["img06.jpg"] == "broken" and statuses["img04.jpg"] == "ok"


def test_a_photo_that_fails_in_a_decode_thread_fails_alone(
    catalog: Catalog, tiny_pipeline: Pipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "photos"
    photo_folder(folder, 5)
    scan_folder(catalog, folder)
    ids = [p.id for p in catalog.photos.all()]
    make_decoder_raise(monkeypatch, "open", "img02.jpg")
    errors: list[tuple[int, str, str]] = []
    done: list[int] = []
    stats = tag_photos(catalog, ids, tiny_pipeline, threshold=0.5, batch_size=4, workers=4,
                       on_error=lambda *e: errors.append(e), on_result=done.append)
    assert stats.analysed == 4 and stats.failed == 1 and done == [i for i in ids if i != ids[2]]
    assert [e[0] for e in errors] == [ids[2]] and "DecoderSurprise" in errors[0][2]
    assert run_threads() == []


@pytest.mark.parametrize("workers", [0, 2])
def test_cancel_while_photos_decode_stops_at_once_and_ends_every_thread(
    catalog: Catalog, tiny_pipeline: Pipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    folder = tmp_path / "photos"
    photo_folder(folder, 8)
    scan_folder(catalog, folder)
    ids = [p.id for p in catalog.photos.all()]
    cancel = threading.Event()
    decoded: list[str] = []
    decode = tiny_pipeline.decode

    def slow_decode(path: object) -> object:  # a slow disk: the third photo's read is where the person cancels
        decoded.append(str(path))
        if len(decoded) == 3:
            cancel.set()
        time.sleep(0.05)
        return decode(path)

    monkeypatch.setattr(tiny_pipeline, "decode", slow_decode)
    stats = tag_photos(catalog, ids, tiny_pipeline, threshold=0.5, batch_size=2, workers=workers,
                       cancelled=cancel.is_set)
    assert stats.cancelled and run_threads() == []
    # The first batch was committed before the cancel; the photos decoding then never reach the models.
    assert stats.analysed <= 2 and len(decoded) <= 4
    left = catalog.analysis.pending(tiny_pipeline.models_key)
    assert left == ids[stats.analysed:]


def test_an_error_while_committing_reaches_the_caller_and_ends_every_thread(
    catalog: Catalog, tiny_pipeline: Pipeline, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    photo_folder(folder, 6)
    scan_folder(catalog, folder)
    ids = [p.id for p in catalog.photos.all()]

    def refuse(_photo_id: int) -> None:
        raise RuntimeError("the window went away")

    with pytest.raises(RuntimeError, match="went away"):
        tag_photos(catalog, ids, tiny_pipeline, threshold=0.5, batch_size=2, workers=2, on_result=refuse)
    assert run_threads() == []
    # The failing batch was committed before its report; later batches were not.
    assert len(catalog.analysis.pending(tiny_pipeline.models_key)) >= 2


def test_prefetcher_keeps_each_items_error_and_order() -> None:
    def work(x: int) -> int:
        if x == 3:
            raise ZeroDivisionError("three")
        time.sleep(0.01 * (5 - x))  # later items finish first
        return x * 10

    for workers in (0, 3):
        with Prefetcher(work, workers) as prefetch:
            outcomes = prefetch.collect(prefetch.submit([1, 2, 3, 4]))
        assert outcomes is not None
        assert [o.value for o in outcomes] == [10, 20, None, 40]
        assert isinstance(outcomes[2].error, ZeroDivisionError)
        assert prefetch.busy_s > 0
    assert run_threads() == []


def test_prefetcher_close_drops_the_work_not_started() -> None:
    started: list[int] = []
    gate = threading.Event()

    def work(x: int) -> int:
        started.append(x)
        gate.wait(5)
        return x

    prefetch: Prefetcher[int, int] = Prefetcher(work, 1)
    pending = prefetch.submit(list(range(10)))
    assert prefetch.collect(pending, lambda: bool(started)) is None  # cancelled while waiting
    closing = threading.Thread(target=prefetch.close)
    closing.start()
    while not all(f.cancelled() for f in pending[1:]):
        time.sleep(0.01)
    gate.set()  # the running item ends; nothing else starts
    closing.join(5)
    assert started == [0] and run_threads() == []


def test_batch_writer_commits_in_order_and_stops_after_an_error() -> None:
    done: list[int] = []

    def job(i: int) -> None:
        if i == 2:
            raise ValueError("disk full")
        done.append(i)

    writer = BatchWriter(threaded=True, depth=1)
    with pytest.raises(ValueError, match="disk full"):
        for i in range(6):
            writer.put(lambda i=i: job(i))
            time.sleep(0.01)
        writer.close()
    writer.close(raise_error=False)
    assert done == [0, 1] and run_threads() == []


def test_pool_and_batch_size_follow_the_machine() -> None:
    import os

    assert 1 <= decode_workers() <= 8
    assert decode_workers() == min(8, len(os.sched_getaffinity(0)))
    assert default_batch_size("cpu") == 16 and default_batch_size("mps") == 16
    assert 32 <= default_batch_size("cuda") <= 64 and default_batch_size("cuda:1") == default_batch_size("cuda")


def test_the_old_fixed_batch_size_becomes_the_devices_choice(tmp_path: Path) -> None:
    import json

    old = tmp_path / "old.json"
    old.write_text(json.dumps({"version": 1, "batch_size": 8}))
    chosen = tmp_path / "chosen.json"
    chosen.write_text(json.dumps({"version": 1, "batch_size": 16}))
    assert load_settings(old, apply_env=False).batch_size == 0
    assert load_settings(chosen, apply_env=False).batch_size == 16
    assert Settings().batch_size == 0


@pytest.mark.parametrize("device", ["cpu", pytest.param("cuda", marks=pytest.mark.skipif(
    not __import__("torch").cuda.is_available(), reason="needs a CUDA GPU"))])
def test_to_device_gives_the_same_values_on_the_device(device: str) -> None:
    import torch

    from imgtag_desktop.tagging.roles import to_device

    host = torch.from_numpy(np.random.default_rng(0).standard_normal((2, 3, 8, 8)).astype(np.float32))
    for dtype in (None, torch.float32, torch.bfloat16):
        moved = to_device(host, device, dtype)
        assert moved.device.type == device and moved.dtype == (dtype or torch.float32)
        assert torch.equal(moved.cpu(), host.to(dtype or torch.float32))
    assert not host.is_pinned()  # the caller's tensor is left as it was


@pytest.mark.skipif(not __import__("torch").cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_vision_encoder_batch_matches_one_photo_at_a_time(tiny_settings: Settings, tmp_path: Path) -> None:
    import dataclasses

    import torch

    from imgtag_desktop.tagging.roles import Captioner

    photo_folder(tmp_path, 4)
    captioner = Captioner(dataclasses.replace(tiny_settings, device="cuda", dtype="float32"))
    images = [Pipeline.decode(p) for p in sorted(tmp_path.glob("*.jpg"))]
    pixels = captioner.pixels(images)
    batched = captioner.vision_states(pixels)
    with torch.inference_mode():
        single = torch.cat([captioner.model.vision_model(pixel_values=pixels[i : i + 1])[0] for i in range(4)])
    torch.testing.assert_close(batched, single, rtol=1e-3, atol=1e-3)


def test_a_run_with_the_default_settings_lets_the_device_choose_the_batch(
    catalog: Catalog, tiny_pipeline: Pipeline, tiny_settings: Settings, tmp_path: Path
) -> None:
    from imgtag_desktop.services import run_tagging

    ids = scanned_photos(catalog, tmp_path / "photos", 3)
    stats = run_tagging(catalog, ids, tiny_pipeline, tiny_settings)
    assert tiny_settings.batch_size == 0 and stats.batch_size == default_batch_size(tiny_pipeline.device) == 16
    assert stats.analysed == 3 and stats.decode_workers == decode_workers()
    # Each part's time is its own: the decode threads', the models', the writer's, and the waits.
    assert stats.decode_s > 0 and stats.models_s > 0 and stats.commit_s > 0
    assert 0 <= stats.input_wait_s < stats.seconds and 0 <= stats.commit_wait_s < stats.seconds
    assert stats.to_json()["decode_workers"] == decode_workers()
    assert run_tagging(catalog, ids, tiny_pipeline, tiny_settings, batch_size=2).batch_size == 2


def test_a_run_gives_the_memory_its_batches_freed_back_once_its_threads_are_done(
    catalog: Catalog, tiny_pipeline: Pipeline, tiny_settings: Settings, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import imgtag_desktop.services.tagging as service

    ids = scanned_photos(catalog, tmp_path / "photos", 3)
    seen: list[tuple[list[str], int]] = []  # at each release: the run's threads alive, the photos still to do
    monkeypatch.setattr(service, "trim_heap",
                        lambda: seen.append((run_threads(), len(catalog.analysis.pending(tiny_pipeline.models_key)))))
    assert service.run_tagging(catalog, ids, tiny_pipeline, tiny_settings, batch_size=2).analysed == 3
    assert seen == [([], 0)]


def test_bench_reports_the_overlapped_stages(
    tiny_models: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from imgtag_desktop.cli import main

    models = bench_models_folder(tiny_models, tmp_path / "models")
    photo_folder(tmp_path / "photos", 5)
    results = []
    for workers in ("0", "2"):
        argv = ["bench", "--models", str(models), "--images", str(tmp_path / "photos"), "--device", "cpu",
                "--batch-size", "2", "--workers", workers]
        assert main(argv) == 0
        results.append(json.loads(capsys.readouterr().out.strip().splitlines()[-1]))
    for result, workers in zip(results, (0, 2), strict=True):
        assert result["decode_workers"] == workers and result["batch_size"] == 2 and result["images"] == 5
        stages = result["stages_s_per_image"]
        assert {"decode", "input_wait", "transfer", "caption_vision", "caption_text", "visual"} <= set(stages)
        assert stages["decode"] > 0 and result["images_per_s"] > 0 and result["peak_rss_mb"] > 100
    # One step after the other, the models wait for all of decoding; overlapped, only for what is not done yet.
    assert results[0]["stages_s_per_image"]["input_wait"] >= results[0]["stages_s_per_image"]["decode"] * 0.99
    assert results[0]["suggested_per_image"] == results[1]["suggested_per_image"]
    assert run_threads() == []


def test_a_batch_keeps_its_photos_pixels_in_memory_once(
    catalog: Catalog, tiny_pipeline: Pipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import weakref

    ids = scanned_photos(catalog, tmp_path / "photos", 3)
    made: list[weakref.ref[object]] = []  # each photo's own input tensors, as the decode threads made them
    alive_at_analysis: list[int] = []
    host_inputs, analyse_inputs = tiny_pipeline.host_inputs, tiny_pipeline.analyse_inputs

    def recording_host_inputs(image: object) -> object:
        inputs = host_inputs(image)  # type: ignore[arg-type]
        made.extend([weakref.ref(inputs.caption), weakref.ref(inputs.visual)])
        return inputs

    def counting_analyse_inputs(inputs: object, **options: object) -> object:
        alive_at_analysis.append(sum(ref() is not None for ref in made) // 2)
        return analyse_inputs(inputs, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(tiny_pipeline, "host_inputs", recording_host_inputs)
    monkeypatch.setattr(tiny_pipeline, "analyse_inputs", counting_analyse_inputs)
    stats = tag_photos(catalog, ids, tiny_pipeline, threshold=0.5, batch_size=2, workers=2)
    assert stats.analysed == 3 and len(made) == 6
    # While a batch is analysed, its photos' own tensors are gone (the batch holds their pixels); at
    # most the next batch's one photo, decoding beside it, has its own.
    assert len(alive_at_analysis) == 2 and alive_at_analysis[0] <= 1 and alive_at_analysis[1] == 0
