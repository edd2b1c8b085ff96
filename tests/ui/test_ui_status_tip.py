"""A job's messages stay visible when the status tip of the button just clicked is showing."""

from __future__ import annotations

from imgtag_desktop.ui.app import create_window


def test_a_job_message_replaces_the_hover_tip(qtbot, tmp_path):
    window = create_window(None, tmp_path / "library.db", prompt=False)
    qtbot.addWidget(window)
    window.show()
    panel = window.jobs.panel
    bar = window.statusBar()
    bar.showMessage("Suggest tags for every photo not yet analysed with the current models")  # what a hover shows
    assert not panel.message.isVisible()  # Qt hides the status bar's normal widgets under a tip
    panel.show_job_message("Loading the caption model (1/3)…")
    assert bar.currentMessage() == ""
    qtbot.waitUntil(panel.message.isVisible)
    assert panel.message.text() == "Loading the caption model (1/3)…"
    window.close()
