"""The window imports the model libraries in the background once it is shown and has settled with
photos to tag, off the GUI thread, so a later Tag all finds them ready (ui/warmup.py). The real
import is checked in a fresh process by test_startup_imports.py; here the import is a stand-in
that records where and when it ran."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from imgtag_desktop.core.settings import load_settings, save_settings
from tests.ui.test_ui_tagging import _folder


def _window(qtbot, tmp_path: Path, tiny_models: dict[str, Path], monkeypatch, *, missing_model: bool = False,
            enabled: bool = True):  # type: ignore[no-untyped-def]
    from imgtag_desktop.ui.app import create_window

    captioner = tmp_path / "no-such-model" if missing_model else tiny_models["captioner"]
    monkeypatch.setenv("IMGTAG_CAPTIONER", str(captioner))
    monkeypatch.setenv("IMGTAG_VISUAL_MODEL", str(tiny_models["visual"]))
    monkeypatch.setenv("IMGTAG_KEYWORD_MODEL", str(tiny_models["keywords"]))
    settings = load_settings()
    settings.warm_up_model_libraries = enabled
    save_settings(settings)
    window = create_window(_folder(tmp_path, 3), tmp_path / "library.db", prompt=False)
    qtbot.addWidget(window)
    imported = threading.Event()
    threads: list[threading.Thread] = []

    def importer() -> None:  # stands for import_model_libraries
        threads.append(threading.current_thread())
        imported.set()

    window.warm_up.importer = importer
    window.warm_up.imported = imported.is_set
    return window, threads


def test_the_libraries_warm_up_off_the_gui_thread_after_the_window_is_shown_and_settled(
        qtbot, tmp_path, tiny_models, monkeypatch):  # type: ignore[no-untyped-def]
    window, threads = _window(qtbot, tmp_path, tiny_models, monkeypatch)
    seen: list[tuple[bool, bool, int]] = []  # on the GUI thread when it starts: shown, a job running, photos
    window.warm_up.started.connect(lambda: seen.append((window.isVisible(), window.jobs.busy,
                                                        window.grid.model.rowCount())))
    # Not shown: the scan runs and ends, the window stays quiet well past the settling time, nothing warms up.
    qtbot.waitUntil(lambda: not window.jobs.busy and window.grid.model.rowCount() == 3, timeout=30000)
    qtbot.wait(int(window.warm_up.SETTLE_S * 1000 * 2 + 500))
    assert threads == [] and seen == []

    window.show()
    with qtbot.waitSignal(window.warm_up.finished, timeout=30000):
        pass
    assert seen == [(True, False, 3)]  # shown, the scan over, the photos listed
    assert len(threads) == 1 and threads[0] is not threading.main_thread()
    assert threads[0].name == "imgtag-warm-up"
    assert window.warm_up.state == "done"

    window.jobs.scan(tmp_path / "photos")  # a later job: already warm, nothing more
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=30000)
    qtbot.wait(int(window.warm_up.SETTLE_S * 1000 + 500))
    assert len(threads) == 1


@pytest.mark.parametrize("case", ["setting off", "models missing"])
def test_no_warm_up_when_it_is_off_or_tag_all_could_not_start(qtbot, tmp_path, tiny_models, monkeypatch,
                                                              case):  # type: ignore[no-untyped-def]
    window, threads = _window(qtbot, tmp_path, tiny_models, monkeypatch, enabled=case != "setting off",
                              missing_model=case == "models missing")
    window.show()
    qtbot.waitUntil(lambda: not window.jobs.busy and window.grid.model.rowCount() == 3, timeout=30000)
    qtbot.wait(int(window.warm_up.SETTLE_S * 1000 * 2 + 1000))
    qtbot.waitUntil(lambda: not window.session.queries.busy(), timeout=10000)
    assert threads == []
    assert window.warm_up.state == "waiting"
