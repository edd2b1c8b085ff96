"""The status bar during a tagging run's steps between photos, and the Stop button's promise, in the UI language."""

from __future__ import annotations

import threading

import pytest

from imgtag_desktop.core.settings import Settings
from imgtag_desktop.jobs import JobStats, TaggingJob
from imgtag_desktop.tagging.staged import STEP_TEXTS, RunStep
from imgtag_desktop.ui.i18n import install_translators
from imgtag_desktop.ui.status import JobsController


class StepsJob(TaggingJob):
    """A tagging job at the boundary: reports the steps it is given, then waits to be let go (no models)."""

    def __init__(self, library: object, steps: list[RunStep]) -> None:
        super().__init__(library, [], Settings())  # type: ignore[arg-type]
        self.steps = steps
        self.let_go = threading.Event()

    def work(self, stats: JobStats) -> None:
        for step in self.steps:
            self.step.emit(step)
        self.let_go.wait(10)


@pytest.fixture
def app(qapp):  # type: ignore[no-untyped-def]
    yield qapp
    install_translators(qapp, "en")


@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_the_status_bar_shows_each_step_with_its_count(qtbot, app, tmp_path, language) -> None:  # type: ignore[no-untyped-def]
    from imgtag_desktop.ui.app import create_window

    install_translators(app, language)
    window = create_window(None, tmp_path / "library.db", prompt=False)
    qtbot.addWidget(window)
    window.show()
    panel = window.jobs.panel
    job = StepsJob(tmp_path / "library.db", [RunStep("vocabulary", 256, 306),
                                             RunStep("vocabulary-candidates", 0, 9),
                                             RunStep("vocabulary-candidates", 4, 9)])
    with qtbot.waitSignal(window.jobs.job_finished, timeout=20000):
        window.jobs.submit(job)
        qtbot.waitUntil(lambda: panel.message.text() == JobsController.step_text(job.steps[-1]), timeout=10000)
        shown = panel.message.text()
        job.let_go.set()
    assert "(4/9" in shown
    if language == "en":  # the window says what the CLI says
        assert shown == job.steps[-1].text
        assert panel.cancel.toolTip() == "Stop the running job after the batch in flight (Ctrl+.)"
        assert window.registry["stop"].toolTip().startswith("Stop the running job after the batch in flight")
    else:  # in the UI language: every step, and the Stop button's promise
        for kind in STEP_TEXTS:
            step = RunStep(kind, 1, 2)
            assert JobsController.step_text(step) != step.text and "1/2" in JobsController.step_text(step)
        assert shown != job.steps[-1].text
        assert {"de": "Stapel", "fr": "lot"}[language] in panel.cancel.toolTip()
        assert {"de": "Stapel", "fr": "lot"}[language] in window.registry["stop"].toolTip()
    window.close()


class PhotosThenStepsJob(StepsJob):
    """Tags all its photos (progress 2/2), then runs steps: what a run does when the vocabulary is the
    last work left."""

    def work(self, stats: JobStats) -> None:
        self.progress.emit(1, 2, "a.jpg")
        self.progress.emit(2, 2, "b.jpg")
        super().work(stats)


def _bar_at_last_step(qtbot, tmp_path, job: StepsJob) -> tuple[tuple[int, int], str]:  # type: ignore[no-untyped-def]
    """The progress bar (value, maximum) and the rate text while ``job``'s last step shows."""
    from imgtag_desktop.ui.app import create_window

    window = create_window(None, tmp_path / "library.db", prompt=False)
    qtbot.addWidget(window)
    window.show()
    panel = window.jobs.panel
    with qtbot.waitSignal(window.jobs.job_finished, timeout=20000):
        window.jobs.submit(job)
        qtbot.waitUntil(lambda: panel.message.text() == JobsController.step_text(job.steps[-1]), timeout=10000)
        seen = (panel.progress.value(), panel.progress.maximum()), panel.rate.text()
        job.let_go.set()
    window.close()
    return seen


def test_a_step_after_the_last_photo_shows_its_own_progress_and_no_eta(qtbot, app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    job = PhotosThenStepsJob(tmp_path / "library.db", [RunStep("vocabulary", 96, 306), RunStep("vocabulary", 128, 306)])
    bar, rate = _bar_at_last_step(qtbot, tmp_path, job)
    assert bar == (128, 306)  # not a full photo bar while the vocabulary is still being prepared
    assert "ETA" not in rate


class StepBetweenPhotosJob(StepsJob):
    def work(self, stats: JobStats) -> None:
        self.progress.emit(1, 4, "a.jpg")
        super().work(stats)


def test_a_step_between_photos_keeps_the_photo_bar(qtbot, app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bar, _rate = _bar_at_last_step(qtbot, tmp_path, StepBetweenPhotosJob(tmp_path / "library.db",
                                                                          [RunStep("vocabulary", 32, 306)]))
    assert bar == (1, 4)
