"""The window paints itself before the start-up scan begins (the scan competed with the first paint)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtGui import QExposeEvent, QPaintEvent, QRegion
from PySide6.QtWidgets import QWidget

from imgtag_desktop.ui import app as app_module
from imgtag_desktop.ui.app import FIRST_PAINT_WAIT_MS, after_first_paint


class Painted(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def paintEvent(self, event: QPaintEvent) -> None:
        self.paints += 1
        super().paintEvent(event)


def test_work_starts_once_the_window_has_painted(qtbot) -> None:  # type: ignore[no-untyped-def]
    window = Painted()
    qtbot.addWidget(window)
    paints_at_start: list[int] = []
    after_first_paint(window, lambda: paints_at_start.append(window.paints))
    assert paints_at_start == []  # not before the event loop has run
    window.show()
    qtbot.waitUntil(lambda: bool(paints_at_start), timeout=FIRST_PAINT_WAIT_MS - 100)
    qtbot.wait(FIRST_PAINT_WAIT_MS + 100)
    assert paints_at_start[0] >= 1  # painted first
    assert len(paints_at_start) == 1  # and started once


def test_a_window_never_shown_starts_its_work_anyway(qtbot) -> None:  # type: ignore[no-untyped-def]
    window = Painted()
    qtbot.addWidget(window)
    started: list[int] = []
    after_first_paint(window, lambda: started.append(window.paints))
    qtbot.waitUntil(lambda: bool(started), timeout=FIRST_PAINT_WAIT_MS + 2000)
    qtbot.wait(200)
    assert started == [0]


class HeldExpose(QObject):
    """Holds back a window's exposes, as a compositor does until it has placed the window: it is
    shown and has asked to paint, but is not on screen yet and paints nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.held = 0
        self.holding = True

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Expose and self.holding:
            self.held += 1
            return True
        return False


def test_work_waits_for_a_paint_not_for_a_request_to_paint(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(app_module, "FIRST_PAINT_WAIT_MS", 60_000)  # no start by the fallback meanwhile
    window = Painted()
    qtbot.addWidget(window)
    started: list[int] = []
    after_first_paint(window, lambda: started.append(window.paints))
    hold = HeldExpose()
    window.winId()  # its native window exists: the expose can be held before show()
    handle = window.windowHandle()
    handle.installEventFilter(hold)
    window.show()
    qtbot.waitUntil(lambda: hold.held >= 1, timeout=2000)
    qtbot.wait(100)  # the window asked to paint meanwhile, but is not on screen
    assert window.paints == 0
    assert started == []
    hold.holding = False
    QCoreApplication.sendEvent(handle, QExposeEvent(QRegion(window.rect())))  # now it is placed
    qtbot.waitUntil(lambda: bool(started), timeout=5000)
    assert started[0] >= 1
