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
