"""Colours that follow the system's light or dark palette (no hard-coded window colours)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def state_color(state: str, palette: QPalette) -> QColor:
    """The accent of a tag state: approved green, suggested blue, rejected grey."""
    dark = is_dark(palette)
    if state == "approved":
        return QColor("#66bb6a" if dark else "#2e7d32")
    if state == "suggested":
        return QColor("#64b5f6" if dark else "#1565c0")
    return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)


def chip_background(state: str, palette: QPalette, *, below_threshold: bool = False) -> QColor:
    c = QColor(state_color(state, palette))
    c.setAlpha(40 if state == "rejected" or below_threshold else 70)
    return c


def placeholder_color(palette: QPalette) -> QColor:
    c = QColor(palette.color(QPalette.ColorRole.Mid))
    c.setAlpha(90)
    return c
