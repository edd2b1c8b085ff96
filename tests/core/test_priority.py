"""Model work at a lower CPU priority than the window (core/priority.py)."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from imgtag_desktop.core.priority import BACKGROUND_NICE, lower_thread_priority, thread_nice
from tests.helpers import make_photo

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a per-thread nice is Linux's")


def lowered() -> int:
    return min(19, os.getpriority(os.PRIO_PROCESS, os.getpid()) + BACKGROUND_NICE)


# The process runs so nice already that a thread cannot go lower (e.g. under ``nice -n 19``).
room_to_lower = pytest.mark.skipif(
    sys.platform.startswith("linux") and lowered() == os.getpriority(os.PRIO_PROCESS, os.getpid()),
    reason="the process is as nice as a thread can be: nothing to lower")


@linux_only
@room_to_lower
def test_a_lowered_thread_and_the_threads_it_starts_run_nicer_and_no_other() -> None:
    seen: dict[str, object] = {}
    before = thread_nice()

    def child() -> None:
        seen["child"] = thread_nice()

    def work() -> None:
        seen["lowered"] = lower_thread_priority()
        seen["self"] = thread_nice()
        started = threading.Thread(target=child)
        started.start()
        started.join()
        seen["again"] = lower_thread_priority()  # once is enough: no further step down
        seen["self again"] = thread_nice()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    neighbour: list[int | None] = []
    other = threading.Thread(target=lambda: neighbour.append(thread_nice()))
    other.start()
    other.join()
    assert seen["lowered"] is True and seen["self"] == lowered() and seen["child"] == lowered()
    assert seen["again"] is True and seen["self again"] == lowered()
    assert thread_nice() == before and neighbour == [before]  # the calling thread and a new one of it: untouched


@linux_only
@room_to_lower
def test_a_tagging_job_runs_its_models_and_its_decoding_below_the_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import imgtag_desktop.jobs.tagging_job as tj
    from imgtag_desktop.core.catalog import Catalog
    from imgtag_desktop.core.scanner import scan_folder
    from imgtag_desktop.core.settings import Settings
    from tests.fake_pipeline import FakePipeline

    for i in range(5):
        make_photo(tmp_path / "photos" / f"p{i}.jpg", (200 + 10 * i, 150), seed=i)
    with Catalog(tmp_path / "library.db") as catalog:
        scan_folder(catalog, tmp_path / "photos")
    fake = FakePipeline()
    monkeypatch.setattr(tj, "load_pipeline", lambda _settings: fake)
    monkeypatch.setattr(tj, "check_model_libraries", lambda: None)
    job = tj.TaggingJob(tmp_path / "library.db", None, Settings(batch_size=2))
    results: list[object] = []
    worker = threading.Thread(target=lambda: results.append(job.execute()))  # as the job's own thread
    window = thread_nice()
    worker.start()
    worker.join(60)
    assert results and getattr(results[0], "error", "x") is None and len(fake.analysed) == 5
    assert fake.nice["analyse"] == {lowered()} and fake.nice["decode"] == {lowered()}
    assert thread_nice() == window != lowered()


def test_the_window_takes_the_interpreter_lock_back_within_a_millisecond() -> None:
    from imgtag_desktop.core.priority import SWITCH_INTERVAL_S, prompt_lock_handover

    before = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.005)  # Python's default
        prompt_lock_handover()
        assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL_S) and SWITCH_INTERVAL_S <= 0.001
        sys.setswitchinterval(0.0002)  # already quicker: left as it is
        prompt_lock_handover()
        assert sys.getswitchinterval() == pytest.approx(0.0002)
    finally:
        sys.setswitchinterval(before)
