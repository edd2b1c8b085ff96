"""A job's messages stay visible when the status tip of the button just clicked is showing."""

from __future__ import annotations

from imgtag_desktop.core.settings import Settings
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


def test_a_long_message_ends_in_an_ellipsis_and_shows_in_full_in_its_tooltip(qtbot, tmp_path):
    """A message longer than the status bar's room is cut with a visible '…', the whole in the tooltip;
    with room it shows whole, without a tooltip."""
    from imgtag_desktop.ui.status import ElidedLabel

    label = ElidedLabel()
    qtbot.addWidget(label)
    label.show()  # a hidden widget hears of its resizes only when shown
    text = "Tagging finished: 27 of 27 photos, 243 tags suggested in 61.2 s · " + "a long clause " * 20
    label.resize(300, 20)
    label.setText(text)
    shown = label.fontMetrics()
    assert label.text() == text
    cut = super(ElidedLabel, label).text()  # what is drawn
    assert cut.endswith("…") and len(cut) < len(text) and label.toolTip() == text
    assert shown.horizontalAdvance(cut) <= 300
    label.resize(shown.horizontalAdvance(text) + 20, 20)
    qtbot.waitUntil(lambda: label.width() > 300)
    assert super(ElidedLabel, label).text() == text and label.toolTip() == ""


def test_a_run_stopped_in_its_last_batch_says_it_finished() -> None:
    """Stop pressed while the last batch runs: that batch is still committed, every photo is done."""
    from imgtag_desktop.jobs import JobStats
    from imgtag_desktop.ui.status import JobsController

    def said(done: int) -> str:
        return JobsController.describe(JobStats(kind="tagging", done=done, total=27, cancelled=True))

    assert said(27).startswith("Tagging finished: 27 of 27 photos")
    assert said(12).startswith("Tagging stopped: 12 of 27 photos")


def test_a_photo_that_cannot_be_shown_says_why_in_full_at_a_narrow_width(qtbot) -> None:
    """The preview's reason for a broken photo wraps onto more lines instead of being cut at the edge."""
    from imgtag_desktop.ui.detail import PreviewLabel

    label = PreviewLabel()
    qtbot.addWidget(label)
    reason = "This photo cannot be shown: cannot be decoded: Truncated File Read (the file ends early)"
    label.set_image(None, reason)
    width = 220
    assert label.fontMetrics().horizontalAdvance(reason) > width  # would not fit on one line
    assert label.minimumSizeHint().width() <= width  # it needs no more: the lines wrap


def test_a_long_passing_message_ends_in_an_ellipsis_with_the_whole_in_the_tooltip(qtbot, tmp_path):
    """The status bar's passing messages (a re-ranking's news, an error) are cut with a visible '…'
    before the permanent widgets when the window is narrow, the whole in the bar's tooltip; they were
    clipped mid-word, without a sign and without a tooltip."""
    window = create_window(None, tmp_path / "library.db", prompt=False)
    qtbot.addWidget(window)
    window.show()
    window.resize(700, 600)
    bar = window.statusBar()
    window.jobs.panel.set_failures(3)  # a permanent widget on the right takes its room
    text = ("Suggestions re-ranked after learning from your decisions: 23 photos changed; "
            "the photo shown keeps its suggestions until you move on")
    qtbot.waitUntil(lambda: bar.width() < 720)
    bar.showMessage(text, 60000)
    shown = bar.shown_message()
    metrics = bar.fontMetrics()
    room = window.jobs.panel.failures.x() - 6
    assert shown.endswith("…") and len(shown) < len(text)
    assert metrics.horizontalAdvance(shown) <= room
    assert bar.message_tip() == text
    bar.showMessage("Learned", 60000)
    assert bar.shown_message() == "Learned" and bar.message_tip() == ""
    bar.clearMessage()
    assert bar.message_tip() == ""
    window.close()


def test_a_run_with_nothing_to_tag_says_so_and_loads_no_model(qtbot, tmp_path, monkeypatch) -> None:
    """Tag all when every photo is tagged with the current models: said at once, in the lasting
    message, without loading the models first (seconds and 1.5 GB for nothing)."""
    from imgtag_desktop.core.catalog import Catalog
    from imgtag_desktop.jobs import JobStats, TaggingJob, start_job, tagging_job
    from imgtag_desktop.tagging import cache
    from imgtag_desktop.ui.status import JobsController

    loads: list[str] = []
    monkeypatch.setattr(tagging_job, "photos_to_tag", lambda *_a, **_k: [])
    monkeypatch.setattr(tagging_job, "check_model_libraries", lambda: None)
    pipeline = cache.load_pipeline(Settings())
    monkeypatch.setattr(type(pipeline), "models_key", property(lambda _self: "models"))
    monkeypatch.setattr(type(pipeline), "load", lambda _self, **_k: loads.append("load"))
    monkeypatch.setattr(tagging_job, "load_pipeline", lambda _settings: pipeline)
    Catalog(tmp_path / "library.db").close()
    job = TaggingJob(tmp_path / "library.db", [1, 2], Settings())
    messages: list[str] = []
    job.message.connect(messages.append)
    with qtbot.waitSignal(job.finished, timeout=10000) as done:
        handle = start_job(job)
    handle.wait(5000)
    stats: JobStats = done.args[0]
    assert loads == [] and stats.error is None and stats.total == 0
    assert messages == ["Every photo is already tagged with the current models."]
    assert JobsController.describe(stats) == "Every photo is already tagged with the current models"


def test_a_message_said_a_moment_ago_stays_in_front_of_the_next(qtbot, tmp_path) -> None:
    """"Undone: …" and, a second later, the re-ranking the undo caused: both stay readable (joined).
    The person's next action has its message alone; news long after an action replaces it."""
    window = create_window(None, tmp_path / "library.db", prompt=False)
    qtbot.addWidget(window)
    window.show()
    bar, status, news = window.statusBar(), window.session.status, window.session.news
    status.emit("Undone: Approve 'sport' on 1 photo")
    news.emit("Suggestions re-ranked after learning from your decisions: 3 photos changed")
    assert bar.currentMessage() == ("Undone: Approve 'sport' on 1 photo · "
                                    "Suggestions re-ranked after learning from your decisions: 3 photos changed")
    news.emit("Learned from your decisions")  # only the person's message stays in front
    assert bar.currentMessage() == "Learned from your decisions"
    status.emit("Approved 'dog'")  # the person's next action: its own message, alone
    assert bar.currentMessage() == "Approved 'dog'"
    window.status_bar._said_at -= window.status_bar.JOIN_S + 1  # long ago
    news.emit("Suggestions re-ranked after learning from your decisions: 1 photo changed")
    assert bar.currentMessage() == "Suggestions re-ranked after learning from your decisions: 1 photo changed"
    window.close()


def test_the_persons_message_comes_back_when_the_pointer_leaves_a_button(qtbot, tmp_path):
    """Pressing a toolbar button shows its hover tip over what the press said; when the pointer leaves
    (an empty status tip), the press's message is shown again for the rest of its time."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QStatusTipEvent

    window = create_window(None, tmp_path / "library.db", prompt=False)
    qtbot.addWidget(window)
    window.show()
    bar = window.status_bar
    bar.say("Tagging cannot start: automatic tagging is off", 8000)
    QCoreApplication.sendEvent(window, QStatusTipEvent("Suggest tags for every photo"))
    assert bar.currentMessage() == "Suggest tags for every photo"
    QCoreApplication.sendEvent(window, QStatusTipEvent(""))
    assert bar.currentMessage() == "Tagging cannot start: automatic tagging is off"
    bar.say("Undone", 1)  # a message whose time is up goes with the tip
    qtbot.wait(20)
    QCoreApplication.sendEvent(window, QStatusTipEvent("tip"))
    QCoreApplication.sendEvent(window, QStatusTipEvent(""))
    assert bar.currentMessage() == ""
    window.close()


def test_a_writes_summary_counts_what_was_not_written_as_the_write_dialog_does() -> None:
    """A file skipped by a write (vanished, read-only) is not 'failed' in the status bar when the write
    dialog's own count says '1 skipped, 0 failed': the summary says what was not written."""
    from imgtag_desktop.jobs import JobStats
    from imgtag_desktop.ui.status import JobsController

    write = JobsController.describe(JobStats(kind="write", done=7, total=7, failures=1))
    assert write == "Writing finished: 7 of 7 files · 1 not written (Ctrl+L for why)"
    tagging = JobsController.describe(JobStats(kind="tagging", done=7, total=7, failures=1))
    assert "1 failed" in tagging and "not written" not in tagging
