"""Tagging from the window with tiny models, end to end (GUI stalls are measured in tests/bench)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.settings import load_settings, save_settings
from imgtag_desktop.jobs import TaggingJob, start_job
from tests.helpers import make_photo


@pytest.fixture
def tiny_settings(tiny_models, monkeypatch):
    monkeypatch.setenv("IMGTAG_CAPTIONER", str(tiny_models["captioner"]))
    monkeypatch.setenv("IMGTAG_VISUAL_MODEL", str(tiny_models["visual"]))
    monkeypatch.setenv("IMGTAG_KEYWORD_MODEL", str(tiny_models["keywords"]))
    settings = load_settings()
    settings.threshold = 0.0  # tiny random models score low: let every suggestion through
    save_settings(settings)
    return settings


def _folder(tmp_path: Path, n: int) -> Path:
    folder = tmp_path / "photos"
    for i in range(n):
        make_photo(folder / f"t{i:03d}.jpg", (320, 240), seed=100 + i)
    return folder


def test_tagging_without_pipeline_says_how_to_enable(qtbot, library, monkeypatch):
    import imgtag_desktop.jobs.tagging_job as tj

    def missing():
        raise RuntimeError(f"the tagging pipeline is not installed (No module). {tj.ENABLE_HINT}")

    monkeypatch.setattr(tj, "check_model_libraries", missing)  # the boundary: an install without the ML extra
    job = TaggingJob(library, [1, 2], load_settings())
    with qtbot.waitSignal(job.finished, timeout=10000) as blocker:
        handle = start_job(job)
    handle.wait()
    assert "Models" in blocker.args[0].error and "browsing and editing" in blocker.args[0].error


@pytest.mark.slow
def test_tag_all_then_review_from_keyboard(qtbot, tmp_path, tiny_settings):
    from imgtag_desktop.ui.app import create_window
    from imgtag_desktop.ui.photo_model import PhotoRoles

    folder = _folder(tmp_path, 6)
    library = tmp_path / "library.db"
    window = create_window(folder, library, prompt=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.jobs.busy and window.grid.model.rowCount() == 6, timeout=30000)
    assert window.banner.isHidden()  # models found: no 'tagging is off' notice
    with qtbot.waitSignal(window.jobs.job_finished, timeout=120000) as blocker:
        window.registry["tag_all"].trigger()
    stats = blocker.args[0]
    assert stats.error is None, stats.error
    cat = window.session.catalog
    ids = [p.id for p in cat.photos.all(status="ok")]
    suggested = {pid: [t.name for t in cat.tags.photo_tags(pid, states=["suggested"])] for pid in ids}
    assert all(suggested.values()), suggested
    # The grid's badges came with the results.
    qtbot.waitUntil(lambda: all(window.grid.model.index_of(pid).data(PhotoRoles.Suggested) == len(suggested[pid])
                                for pid in ids), timeout=5000)
    window.grid.select_photo(ids[0])
    caption = cat.analysis.caption(ids[0])
    assert caption and caption in window.detail_panel.caption.text()  # the model's caption is shown
    grid = window.grid_view
    grid.setFocus()
    # A and R act on the current chip (a photo on screen while its tags arrive keeps its chip).
    first = window.detail.current_tag_name()
    assert first in suggested[ids[0]]
    qtbot.keyClick(grid, Qt.Key.Key_A)
    states = {t.name: t.state for t in cat.tags.photo_tags(ids[0])}
    assert states[first] == "approved"
    if len(suggested[ids[0]]) > 1:
        following = window.detail.current_tag_name()  # A moved on to the next suggestion
        assert following in suggested[ids[0]] and following != first
        qtbot.keyClick(grid, Qt.Key.Key_R)
        assert {t.name: t.state for t in cat.tags.photo_tags(ids[0])}[following] == "rejected"
        qtbot.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert {t.name: t.state for t in cat.tags.photo_tags(ids[0])}[following] == "suggested"
    qtbot.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert {t.name: t.state for t in cat.tags.photo_tags(ids[0])}[first] == "suggested"
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    qtbot.keyClick(grid, Qt.Key.Key_Return)  # approve all >= 0.0 on the second photo
    assert not cat.tags.photo_tags(ids[1], states=["suggested"])
    window.close()
    with Catalog(library) as fresh:  # saved at once, visible to another connection
        assert not fresh.tags.photo_tags(ids[1], states=["suggested"])
        assert {t.name: t.state for t in fresh.tags.photo_tags(ids[0])}[first] == "suggested"


def test_models_dialog_reports_tiny_models(qtbot, tiny_settings):
    from imgtag_desktop.ui.dialogs import ModelsDialog, models_missing

    assert models_missing(tiny_settings) == ""
    dialog = ModelsDialog(tiny_settings)
    qtbot.addWidget(dialog)
    lines = dialog.status.text().splitlines()
    assert len(lines) == 3 and all(line.startswith("✔") for line in lines), lines
    dialog.fields["visual_model"].setText(str(Path(tiny_settings.visual_model).parent / "nowhere"))
    dialog.refresh()
    assert any(line.startswith("✘ visual") for line in dialog.status.text().splitlines())
    assert "visual" in models_missing(dialog.values())


@pytest.mark.slow
def test_tagging_takes_the_photos_scrolled_to_before_the_rest(qtbot, tmp_path, tiny_settings, monkeypatch):
    """Scroll to the end of the grid while tagging runs: the photos shown there are tagged next,
    before the photos above them that catalog order would take first."""
    import threading

    import imgtag_desktop.jobs.tagging_job as tj
    from imgtag_desktop.ui.app import create_window
    from tests.fake_pipeline import FakePipeline

    first_batch_running, go_on = threading.Event(), threading.Event()

    def hold_the_first_batch(number: int) -> None:
        if number == 0:
            first_batch_running.set()
            go_on.wait(60)

    fake = FakePipeline(before_batch=hold_the_first_batch)  # the order of work is under test, not the models
    monkeypatch.setattr(tj, "load_pipeline", lambda _settings: fake)
    tiny_settings.batch_size = 4
    save_settings(tiny_settings)
    n = 60
    window = create_window(_folder(tmp_path, n), tmp_path / "library.db", prompt=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.jobs.busy and window.grid.model.rowCount() == n, timeout=30000)
    grid, model = window.grid_view, window.grid.model
    bar = grid.verticalScrollBar()
    assert bar.maximum() > 0  # more photos than the grid shows
    by_name = {model.item(row).name: model.item(row).id for row in range(n)}
    current = model.item(0).name  # the photo in the detail pane

    def scroll_to(value: int) -> list[str]:
        """Scroll; the photos the grid shows then, from each cell's rectangle."""
        bar.setValue(value)
        qtbot.waitUntil(lambda: bar.value() == value)
        viewport = grid.viewport().rect()
        return [model.item(row).name for row in range(n) if grid.visualRect(model.index(row, 0)).intersects(viewport)]

    middle = scroll_to(bar.maximum() // 2)
    assert middle and current not in middle
    looked_at = [by_name[name] for name in [current, *middle]]
    assert window.grid.focus_photo_ids() == looked_at  # the detail pane's photo first, then the grid's
    qtbot.waitUntil(lambda: window.jobs._focus == looked_at)  # told within ~100 ms of the scroll

    window.registry["tag_all"].trigger()  # the job starts with what is on screen
    qtbot.waitUntil(first_batch_running.is_set, timeout=30000)
    assert fake.batches[0] == [current]  # the photo in the detail pane first, alone
    bottom = scroll_to(bar.maximum())
    assert model.item(n - 1).name in bottom and not set(bottom) & set(middle)
    job = window.jobs.handle.job
    qtbot.waitUntil(lambda: job.focus.get() == tuple(by_name[name] for name in [current, *bottom]))
    with qtbot.waitSignal(window.jobs.job_finished, timeout=60000) as blocker:
        go_on.set()
    assert blocker.args[0].error is None and blocker.args[0].done == n
    order = fake.analysed
    assert sorted(order) == sorted(by_name)  # every photo once
    at = {name: i for i, name in enumerate(order)}
    # Next come the photos shown at the end; only a batch chosen ahead of the scroll (more of the
    # middle) may come before them; then the rest, in library order.
    chosen_ahead = set(fake.batches[0]) | set(middle[:4])
    rest = [name for name in by_name if name not in bottom and name not in chosen_ahead]
    assert rest and max(at[name] for name in bottom) < min(at[name] for name in rest)
    assert [name for name in order if name in rest] == rest


@pytest.mark.slow
def test_the_photo_on_screen_keeps_its_suggestions_while_the_vocabulary_arrives(
    qtbot, tmp_path, tiny_settings, monkeypatch
):
    """Tag all with the vocabulary not encoded yet: the photo in the detail pane is tagged first (its
    caption's phrases), the vocabulary comes later in the run and re-ranks the photos tagged before it.
    The photo on screen keeps the suggestions it shows until the person moves on; the run's message
    says the others were re-ranked, and why."""
    from imgtag_desktop.tagging import staged
    from imgtag_desktop.tagging.cache import evict_models
    from imgtag_desktop.ui.app import create_window

    monkeypatch.setenv("IMGTAG_CACHE_DIR", str(tmp_path / "cold-cache"))  # no text embeddings cached
    monkeypatch.setattr(staged, "VOCABULARY_CHUNK", 64)
    evict_models()  # no pipeline with the vocabulary in memory either
    tiny_settings.suggestion_budget = 50
    save_settings(tiny_settings)
    folder = _folder(tmp_path, 5)
    window = create_window(folder, tmp_path / "library.db", prompt=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.jobs.busy and window.grid.model.rowCount() == 5, timeout=30000)
    cat = window.session.catalog
    ids = [p.id for p in cat.photos.all(status="ok")]
    shown_id = ids[0]
    assert window.grid.select_photo(shown_id)
    qtbot.waitUntil(lambda: window.detail.photo_id == shown_id, timeout=5000)
    with qtbot.waitSignal(window.jobs.job_finished, timeout=180000) as blocker:
        window.registry["tag_all"].trigger()
    stats = blocker.args[0]
    assert stats.error is None, stats.error
    assert stats.detail["held"] == [shown_id] and stats.detail["reranked"] > 0
    message = window.jobs.panel.message.text()
    assert "re-ranked with the tag vocabulary" in message
    # The hold is said for a while, not in the run's lasting message: that would still claim it after
    # the person moved on and the photo was ranked.
    assert "keeps its suggestions" not in message
    assert "keeps its suggestions until you move on" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not window.suggestions.busy() and not window.session.queries.busy(), timeout=20000)

    def origins(pid: int) -> dict[str, str]:
        return {c.tag_name: c.origin for c in cat.analysis.candidates(pid)}

    assert "vocabulary" in origins(shown_id).values()  # its vocabulary candidates are stored
    chips = {t.name for t in window.detail.model.tags() if t.state == "suggested"}
    stored = {t.name for t in cat.tags.photo_tags(shown_id, states=["suggested"])}
    assert chips == stored and chips and all(origins(shown_id)[n] == "caption" for n in chips)
    assert "re-ranked suggestions come when you move on" in window.detail_panel.summary.text()
    window.grid.select_photo(ids[1])  # the person moves on: the photo left is ranked as the others were
    qtbot.waitUntil(lambda: shown_id not in window.suggestions.stale, timeout=20000)
    now = {t.name for t in cat.tags.photo_tags(shown_id, states=["suggested"])}
    assert now > stored and any(origins(shown_id)[n] == "vocabulary" for n in now)
    window.close()
    evict_models()


@pytest.mark.slow
def test_tag_all_reads_the_model_folders_off_the_gui_thread_and_checks_again_after_a_miss(
    qtbot, tmp_path, tiny_settings, monkeypatch
):
    import dataclasses
    import threading

    from imgtag_desktop.tagging import models
    from imgtag_desktop.ui.app import create_window

    on_gui_thread: list[bool] = []
    real = models.resolve_model

    def resolving(*args, **kwargs):  # type: ignore[no-untyped-def]
        on_gui_thread.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(models, "resolve_model", resolving)
    window = create_window(_folder(tmp_path, 3), tmp_path / "library.db", prompt=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.jobs.busy and window.grid.model.rowCount() == 3, timeout=30000)
    qtbot.waitUntil(lambda: window._tagging_ok is True, timeout=10000)
    good = dataclasses.replace(window.session.settings)
    # The captioner's folder goes away: the banner says so, and Tag all starts nothing.
    window.session.settings.captioner = str(tmp_path / "gone")
    window._check_tagging()
    qtbot.waitUntil(lambda: not window.banner.isHidden(), timeout=10000)
    assert window._tagging_ok is False and "Models" in window.banner.label.text()
    window.registry["tag_all"].trigger()
    qtbot.waitUntil(lambda: not window.session.queries.busy(), timeout=10000)
    assert not window.jobs.busy and "Tagging cannot start" in window.statusBar().currentMessage()
    # It is back: Tag all checks again, hides the banner and tags.
    window.session.settings = good
    with qtbot.waitSignal(window.jobs.job_finished, timeout=120000) as blocker:
        window.registry["tag_all"].trigger()
    assert blocker.args[0].done == 3 and window.banner.isHidden()
    assert on_gui_thread and not any(on_gui_thread)  # every check read the folders on a worker


def test_the_models_loading_steps_show_in_the_job_panel_from_the_gui_thread(qtbot, tmp_path, tiny_settings):
    """The loading steps come from the job's thread; the panel is only ever touched on the GUI thread
    (a slot not owned by a QObject ran on the job's thread, and a widget changed there crashed Qt)."""
    import threading

    from imgtag_desktop.tagging.cache import evict_models
    from imgtag_desktop.ui.app import create_window

    evict_models()  # so this run loads the models and says each step
    window = create_window(_folder(tmp_path, 2), tmp_path / "library.db", prompt=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.jobs.busy and window.grid.model.rowCount() == 2, timeout=30000)
    label = window.jobs.panel.message  # what the panel's methods, connected to the job, set
    shown: list[tuple[str, bool]] = []
    own = label.setText

    def recorded(text: str) -> None:
        shown.append((text, threading.current_thread() is threading.main_thread()))
        own(text)

    label.setText = recorded  # type: ignore[method-assign]
    with qtbot.waitSignal(window.jobs.job_finished, timeout=120000) as blocker:
        window.registry["tag_all"].trigger()
    assert blocker.args[0].error is None
    loading = [text for text, _ in shown if text.startswith("Loading the caption model")]
    assert loading and all(on_gui for _, on_gui in shown), shown
    window.close()
