"""Each panel with its controller, on a real catalog (offscreen)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from imgtag_desktop.core.settings import Settings
from imgtag_desktop.jobs import ScanJob, start_job
from imgtag_desktop.ui.detail import DetailController, DetailPanel
from imgtag_desktop.ui.dialogs import ModelsDialog, SettingsDialog, TagPickerDialog
from imgtag_desktop.ui.grid import GridController, PhotoGrid
from imgtag_desktop.ui.photo_model import PhotoRoles
from imgtag_desktop.ui.review import ReviewBar, ReviewController
from imgtag_desktop.ui.sidebar import SidebarController, make_sidebar
from imgtag_desktop.ui.sources import ALL_PHOTOS, ReviewSource, TagSource
from imgtag_desktop.ui.status import JobsController, StatusPanel, format_eta
from imgtag_desktop.ui.threshold import ThresholdController, ThresholdWidget
from tests.ui.conftest import settle


def _grid(qtbot, session):
    view = PhotoGrid()
    qtbot.addWidget(view)
    grid = GridController(session, view, 96)
    grid.reload()
    settle(qtbot, session)
    return grid


def test_grid_sources_and_live_badges(qtbot, session):
    grid = _grid(qtbot, session)
    ok_ids = [p.id for p in session.catalog.photos.all(status="ok")]
    assert grid.model.rowCount() == len(ok_ids) + 1  # the broken file is shown too, marked
    grid.show_source(TagSource("holiday"))
    settle(qtbot, session)
    assert grid.model.photo_ids() == [ok_ids[0]]
    grid.show_source(ReviewSource("dog"))
    settle(qtbot, session)
    assert grid.model.photo_ids() == ok_ids  # best score first
    assert grid.model.data(grid.model.index(0, 0), PhotoRoles.Score) == 0.9
    grid.show_source(ALL_PHOTOS)
    settle(qtbot, session)
    pid = ok_ids[2]
    session.catalog.tags.approve(pid, "dog")
    session.announce([pid])
    settle(qtbot, session)
    idx = grid.model.index_of(pid)
    assert idx.data(PhotoRoles.Approved) == 1 and idx.data(PhotoRoles.Suggested) == 2


def test_grid_selection_and_move(qtbot, session):
    grid = _grid(qtbot, session)
    grid.view.show()
    assert grid.current_photo_id() == grid.model.item(0).id
    assert grid.move(1) and grid.current_photo_id() == grid.model.item(1).id
    grid.view.selectAll()
    assert len(grid.selected_photo_ids()) == grid.model.rowCount()


def test_detail_review_edits(qtbot, session):
    panel = DetailPanel()
    qtbot.addWidget(panel)
    detail = DetailController(session, panel)
    pid = session.catalog.photos.all(status="ok")[1].id
    detail.show_photo(pid, [pid])
    assert detail.current_tag_name() == "dog"  # the first suggestion is current
    assert detail.approve()
    assert detail.current_tag_name() == "grass"  # moved on to the next suggestion
    assert detail.reject()
    states = {t.name: t.state for t in session.catalog.tags.photo_tags(pid)}
    assert states == {"dog": "approved", "grass": "rejected", "animal|cat": "suggested"}
    assert detail.approve_all_above() == 0  # 0.3 < threshold 0.5
    session.set_threshold(0.25)
    assert "1 at or above 0.25" in panel.summary.text()
    assert detail.approve_all_above() == 1
    detail.panel.chips.setCurrentIndex(detail.model.index(detail.model.row_of("dog"), 0))
    assert detail.rename_current("puppy")
    assert {t.name for t in session.catalog.tags.photo_tags(pid)} == {"puppy", "grass", "animal|cat"}
    assert detail.remove()  # the current tag, puppy
    assert "puppy" not in {t.name for t in session.catalog.tags.photo_tags(pid)}
    # Add-tag field with completion applies to the whole selection.
    ids = [p.id for p in session.catalog.photos.all(status="ok")][:3]
    detail.show_photo(ids[0], ids)
    settle(qtbot, session)
    assert "holiday" in panel.completer_model.stringList()
    panel.add_field.setText("beach|sunset")
    qtbot.keyClick(panel.add_field, Qt.Key.Key_Return)
    assert panel.add_field.text() == ""
    for i in ids:
        assert "beach|sunset" in {t.name for t in session.catalog.tags.photo_tags(i, states=["approved"])}
    for _ in range(session.undo_stack.count()):
        session.undo_stack.undo()
    assert {t.name: t.state for t in session.catalog.tags.photo_tags(pid)} == {
        "dog": "suggested", "grass": "suggested", "animal|cat": "suggested"}


def test_detail_shows_oriented_preview(qtbot, session):
    panel = DetailPanel()
    qtbot.addWidget(panel)
    detail = DetailController(session, panel)
    photo = session.catalog.photos.all(status="ok")[1]  # p1.jpg has EXIF orientation 6: 320x240 -> 240x320
    assert photo.orientation == 6
    with qtbot.waitSignal(session.loader.loaded, timeout=10000) as blocker:
        detail.show_photo(photo.id, [photo.id])
    image = blocker.args[1]
    assert (image.width(), image.height()) == (240, 320)
    assert panel.preview.has_image()
    broken = next(p for p in session.catalog.photos.all() if p.status != "ok")
    detail.show_photo(broken.id, [broken.id])
    assert "cannot be shown" in panel.preview.text()


def test_sidebar_emits_sources_and_refreshes(qtbot, session):
    view = make_sidebar()
    qtbot.addWidget(view)
    sidebar = SidebarController(session, view)
    settle(qtbot, session)
    item = sidebar.model.tag_item("dog")
    with qtbot.waitSignal(sidebar.source_selected) as blocker:
        view.setCurrentIndex(item.index())
    assert blocker.args[0] == TagSource("dog")
    with qtbot.waitSignal(sidebar.review_requested) as blocker:
        view.doubleClicked.emit(item.index())
    assert blocker.args == ["dog"]
    session.catalog.tags.add([session.catalog.photos.all()[0].id], "zebra")
    session.announce([session.catalog.photos.all()[0].id])
    qtbot.waitUntil(lambda: sidebar.model.tag_item("zebra") is not None, timeout=3000)


def _review(qtbot, session, tag: str):  # type: ignore[no-untyped-def]
    """The grid reviewing ``tag``, with its bar and controller."""
    grid = _grid(qtbot, session)
    bar = ReviewBar()
    qtbot.addWidget(bar)
    review = ReviewController(session, grid, bar)
    review.start(tag)
    settle(qtbot, session)
    return grid, bar, review


def test_review_by_tag(qtbot, session):
    grid, bar, review = _review(qtbot, session, "dog")
    assert review.active and isinstance(grid.source, ReviewSource)
    ids = grid.model.photo_ids()
    assert grid.current_photo_id() == ids[0]
    assert review.approve() and grid.current_photo_id() == ids[1]
    assert review.reject() and grid.current_photo_id() == ids[2]
    cat = session.catalog
    assert {t.name: t.state for t in cat.tags.photo_tags(ids[0])}["dog"] == "approved"
    assert {t.name: t.state for t in cat.tags.photo_tags(ids[1])}["dog"] == "rejected"
    settle(qtbot, session)
    assert "4 left" in bar.label.text()
    with qtbot.waitSignal(review.approved_all) as approved:
        review.approve_all_above(0.55)
    assert approved.args == [2]  # scores 0.7 and 0.6 remain above 0.55
    assert len(cat.review.photos_with_tag("dog", ("approved",))) == 3
    session.undo_stack.undo()
    assert len(cat.review.photos_with_tag("dog", ("approved",))) == 1
    review.stop()
    assert not review.active and bar.isHidden()


def test_review_by_tag_says_when_it_judged_the_last_photo(qtbot, session):
    """On the last photo listed, a judgement cannot move on: the next key would act on the same photo
    (the one shown), so the status bar says so, and only there."""
    grid, bar, review = _review(qtbot, session, "dog")
    said: list[str] = []
    session.status.connect(said.append)
    ids = grid.model.photo_ids()
    assert review.approve() and grid.current_photo_id() == ids[1]
    assert not any("last photo" in s for s in said)
    grid.view.setCurrentIndex(grid.model.index(len(ids) - 1, 0))
    assert review.approve() and grid.current_photo_id() == ids[-1]
    assert "last photo" in said[-1] and "“dog”" in said[-1]


def test_threshold_live_preview(qtbot, session):
    widget = ThresholdWidget()
    qtbot.addWidget(widget)
    ctrl = ThresholdController(session, widget)
    pid = session.catalog.photos.all(status="ok")[0].id
    ctrl.set_photo(pid)
    qtbot.waitUntil(lambda: ctrl.counts()[1] == 18, timeout=5000)  # library histogram, computed off-thread
    n = len(session.catalog.photos.all(status="ok"))
    assert n == 6
    assert ctrl.counts() == (5 + 6, 18, 2, 3)  # dog scores 0.9..0.4 (5 pass 0.5), grass 0.6 on all, cat 0.3
    widget.slider.setValue(95)
    assert session.threshold == 0.95
    assert ctrl.counts()[0] == 0 and ctrl.counts()[2] == 0
    assert "0/18 pass" in widget.preview.text() and "photo 0/3" in widget.preview.text()
    assert "0 of 18 suggestions pass" in widget.preview.toolTip() and "this photo 0 of 3" in widget.preview.toolTip()
    widget.slider.setValue(0)
    assert ctrl.counts() == (3 * n, 3 * n, 3, 3)
    ctrl.set_photo(10_000)  # a photo without suggestions: nothing said of it ("photo 0/0" said nothing)
    qtbot.waitUntil(lambda: ctrl.counts()[3] == 0, timeout=5000)
    assert "shown" in widget.preview.text() and "photo" not in widget.preview.text()


def test_scan_job_and_status_bar(qtbot, session, tmp_path):
    from tests.helpers import make_photo

    folder = tmp_path / "more"
    for i in range(3):
        make_photo(folder / f"m{i}.jpg", seed=20 + i)
    (folder / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n not a png body")
    from PySide6.QtWidgets import QStatusBar

    bar = QStatusBar()
    qtbot.addWidget(bar)
    jobs = JobsController(session, StatusPanel(bar))
    before = session.catalog.photos.count()
    with qtbot.waitSignal(session.library_changed, timeout=20000):
        with qtbot.waitSignal(jobs.job_finished, timeout=20000) as blocker:
            jobs.scan(folder)
    stats = blocker.args[0]
    assert stats.error is None and stats.detail["new"] == 4
    assert session.catalog.photos.count() == before + 4
    assert stats.failures == 1 and len(jobs.failures) == 1 and "bad.png" in jobs.failures[0].path
    assert "⚠ Problems: 1" in jobs.panel.failures.text() and not jobs.panel.failures.isHidden()
    assert "4 new" in jobs.panel.message.text()
    # A folder that vanished: the job fails with a message saying what to do.
    with qtbot.waitSignal(jobs.job_finished, timeout=20000) as blocker:
        jobs.scan(tmp_path / "gone")
    assert "not a folder" in blocker.args[0].error and "File > Open" in blocker.args[0].error


def test_scan_job_cancel(qtbot, library, tmp_path):
    from tests.helpers import make_photo

    folder = tmp_path / "many"
    for i in range(40):
        make_photo(folder / f"x{i}.jpg", (64, 64), seed=i)
    job = ScanJob(library, folder)
    job.cancel()  # cancelled before it starts: reads nothing
    with qtbot.waitSignal(job.finished, timeout=20000) as blocker:
        handle = start_job(job)
    handle.wait()
    assert blocker.args[0].cancelled and blocker.args[0].done == 0


def test_format_eta():
    assert format_eta(5.2) == "5 s"
    assert format_eta(125) == "2 min 05 s"
    assert format_eta(3 * 3600 + 120) == "3 h 02 min"


def test_dialogs(qtbot):
    settings = Settings(threshold=0.4, grid_thumbnail_size=128)
    dialog = SettingsDialog(settings, "sidecar")
    qtbot.addWidget(dialog)
    dialog.threshold.setValue(0.65)
    dialog.vocabulary.setChecked(False)
    dialog.thumb.setValue(200)
    assert dialog.warm_up.isChecked()  # the default
    dialog.warm_up.setChecked(False)
    new, mode = dialog.values()
    assert (new.threshold, new.use_vocabulary, new.grid_thumbnail_size, mode) == (0.65, False, 200, "sidecar")
    assert new.warm_up_model_libraries is False
    assert settings.threshold == 0.4  # the dialog edits a copy
    models = ModelsDialog(Settings(captioner="/models/blip"))
    qtbot.addWidget(models)
    assert models.fields["captioner"].text() == "/models/blip"
    assert models.status.text()  # says what the models' state is, or how to enable tagging
    models.fields["visual_model"].setText("/models/clip")
    assert models.values().visual_model == "/models/clip"
    picker = TagPickerDialog("t", "pick", ["dog", "cat"])
    qtbot.addWidget(picker)
    # Nothing pre-filled: Enter on the untouched prompt picks nothing and does not close it.
    assert picker.name() == "" and not picker.ok.isEnabled()
    picker.accept()
    assert picker.result() == 0
    picker.combo.setEditText("cat")
    assert picker.ok.isEnabled() and picker.name() == "cat"


def test_grid_reads_its_rows_off_the_gui_thread(qtbot, session):
    view = PhotoGrid()
    qtbot.addWidget(view)
    grid = GridController(session, view, 96)
    with qtbot.waitSignal(grid.loaded, timeout=10000):
        grid.show_source(TagSource("holiday"))
        assert grid.loading  # nothing read on the GUI thread yet
    assert grid.model.photo_ids() == [session.catalog.photos.all(status="ok")[0].id] and not grid.loading
    # A newer request wins over one still in flight.
    with qtbot.waitSignal(grid.loaded, timeout=10000):
        grid.show_source(TagSource("dog"))
        grid.show_source(ALL_PHOTOS)
    settle(qtbot, session)
    assert grid.model.rowCount() == session.catalog.photos.count()


def test_grid_tells_what_the_person_looks_at(qtbot, session, tmp_path):
    """The visible rows come from the view's geometry (checked against each cell's rectangle) at any
    scroll position and size; a scroll tells the new focus once it settles; the selection counts."""
    from PySide6.QtCore import QItemSelection, QItemSelectionModel

    from imgtag_desktop.ui.photo_model import PhotoItem

    grid = _grid(qtbot, session)
    view = grid.view
    view.resize(520, 410)
    view.show()
    grid._apply([PhotoItem(1000 + i, tmp_path / f"x{i}.jpg", f"x{i}.jpg", None, "ok") for i in range(300)])
    model = grid.model

    def shown() -> list[int]:
        viewport = view.viewport().rect()
        return [model.item(r).id for r in range(model.rowCount())
                if view.visualRect(model.index(r, 0)).intersects(viewport)]

    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    for size in (96, 160):
        grid.set_thumb_size(size)
        qtbot.waitUntil(lambda: bar.maximum() > 0)
        for value in (0, 1, bar.maximum() // 3 + 7, bar.maximum() - 5, bar.maximum()):
            bar.setValue(value)
            expected = shown()
            assert 0 < len(expected) < 300
            assert [model.item(r).id for r in view.visible_rows()] == expected, (size, value)
    bar.setValue(0)
    view.setCurrentIndex(model.index(0, 0))
    with qtbot.waitSignal(grid.focus_changed, timeout=5000) as told:
        bar.setValue(bar.maximum())
    assert told.args[0] == [1000, *shown()]  # the current photo first, then what the grid shows
    assert grid._focus_timer.interval() == grid.FOCUS_DELAY_MS  # a scroll position is no delay
    selection = QItemSelection(model.index(150, 0), model.index(151, 0))
    with qtbot.waitSignal(grid.focus_changed, timeout=5000) as told:
        view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.Select)
    assert told.args[0] == list(dict.fromkeys([1000, 1150, 1151, *shown()]))
    view.resize(300, 600)
    with qtbot.waitSignal(grid.focus_changed, timeout=5000) as told:
        pass
    assert told.args[0] == list(dict.fromkeys([1000, 1150, 1151, *shown()]))
    view.selectAll()  # a select-all is no focus: only its first photos come first
    with qtbot.waitSignal(grid.focus_changed, timeout=5000) as told:
        pass
    assert told.args[0] == list(dict.fromkeys([1000, *range(1000, 1100), *shown()]))


def test_reviewing_a_tag_keeps_the_order_of_the_list_when_scores_change(qtbot, session):
    """A re-ranking during a review (new scores) does not reorder the photos the person works down:
    the ones done drop out, the rest keep their places, a photo new to the list comes last, one that
    comes back (an approval undone) takes its old place; starting the review again lists them best
    first."""
    from tests.ui.conftest import suggest

    grid, _bar, review = _review(qtbot, session, "dog")
    first = grid.model.photo_ids()
    assert len(first) >= 4
    cat = session.catalog
    for n, pid in enumerate(first):  # the scores reversed: the last is now the best
        suggest(cat, pid, "dog", 0.3 + 0.1 * n)
    newcomer = next(p.id for p in cat.photos.all() if p.id not in first)
    suggest(cat, newcomer, "dog", 0.99)
    assert review.approve()  # the first photo is done: it leaves the list
    grid.reload()
    settle(qtbot, session)
    assert grid.model.photo_ids() == [*first[1:], newcomer]
    session.undo_stack.undo()  # the approval undone: the photo comes back to its place, not last
    grid.reload()
    settle(qtbot, session)
    assert grid.model.photo_ids() == [*first, newcomer]
    review.start("dog")
    settle(qtbot, session)
    assert grid.model.photo_ids() == [newcomer, *reversed(first)]


def test_the_next_photo_takes_the_place_of_one_that_leaves_the_list(qtbot, session):
    """The current photo leaves the list under the person (its reviewed tag renamed or removed with F2
    or Del): the photo after it becomes current, not the first of the list."""
    grid, _bar, _review_ctrl = _review(qtbot, session, "dog")
    listed = grid.model.photo_ids()
    assert len(listed) >= 4
    assert grid.select_photo(listed[2])
    session.catalog.tags.remove(listed[2], "dog")
    grid.reload()
    settle(qtbot, session)
    assert grid.model.photo_ids() == [p for p in listed if p != listed[2]]
    assert grid.current_photo_id() == listed[3]


def test_the_review_bar_puts_its_count_above_the_buttons_when_narrow(qtbot, session):
    """In a narrow window the bar's count goes above its buttons, with the whole width, instead of
    getting no width beside them; wide, it sits beside them on one line."""
    _grid_ctrl, bar, review = _review(qtbot, session, "dog")
    bar.show()
    for width, beside in ((1000, True), (380, False)):
        bar.resize(width, bar.sizeHint().height())
        qtbot.waitUntil(lambda w=width: bar.width() == w)
        bar.layout().activate()
        label, button = bar.label.geometry(), bar.done.geometry()
        assert label.width() >= (150 if beside else width - 20), (width, label)
        assert (label.right() < button.left()) if beside else (label.bottom() < button.top()), (width, label, button)
