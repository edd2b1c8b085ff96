"""The UI in the person's language: German and French translations, English fallback, the setting."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QToolBar, QToolButton

from imgtag_desktop.core.i18n import resolve_language, system_language
from imgtag_desktop.ui.i18n import I18N_DIR, extract_messages, install_translators, tr_
from tests.ui.conftest import settle


@pytest.fixture
def app(qapp):  # type: ignore[no-untyped-def]
    yield qapp
    install_translators(qapp, "en")


def test_language_from_setting_and_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "fr_CH.UTF-8")
    assert system_language() == "fr"
    assert resolve_language("auto", ("en", "de", "fr")) == "fr"
    assert resolve_language("de", ("en", "de", "fr")) == "de"
    assert resolve_language("ja", ("en", "de", "fr")) == "en"  # no Japanese UI: English
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("LC_ALL", "C")
    assert resolve_language("auto", ("en", "de", "fr")) in ("en", "de", "fr")


def test_german_window_offscreen(qtbot, app, library, photo_dir) -> None:  # type: ignore[no-untyped-def]
    from imgtag_desktop.ui.app import create_window

    assert install_translators(app, "de") == "de"
    window = create_window(photo_dir, library, prompt=False)
    qtbot.addWidget(window)
    window.show()
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus[:3] == ["&Datei", "&Bearbeiten", "&Prüfen"]
    assert window.registry["duplicates"].text() == "&Duplikate…"
    # the toolbar shows the short labels, translated too (no mnemonic, no ellipsis)
    toolbar = window.findChild(QToolBar, "mainToolbar")
    buttons = [a.iconText() for a in toolbar.actions() if a.objectName() in window.registry.specs]
    assert buttons == [tr_(window.registry.specs[a].text).replace("&", "").rstrip("…")
                       for a in ("open_folder", "tag_all", "stop", "review_tag", "undo", "redo")]
    assert buttons[:2] == ["Ordner öffnen", "Alle Fotos taggen"]
    labels = {b.text() for b in toolbar.findChildren(QToolButton) if b.defaultAction() in toolbar.actions()}
    assert set(buttons) <= labels and not labels & {"Open folder", "Tag all photos", "Stop", "Undo", "Redo"}
    for action in window.registry.actions.values():  # every action's label, menu or toolbar, is German
        spec = window.registry.specs[action.objectName()]
        if tr_(spec.text) != spec.text:
            assert action.iconText() != spec.text.replace("&", "").rstrip("…"), spec.id
    assert "schreiben" in window.registry["write_metadata"].text()
    settle(qtbot, window.session)  # the sidebar's counts are read off the GUI thread
    sections = [window.sidebar.model.item(r).text() for r in range(window.sidebar.model.rowCount())]
    assert sections == ["Bibliothek", "Intelligente Alben", "Tags", "Nur Vorschläge  (2)"]
    # a string without a translation falls back to English
    assert QCoreApplication.translate("MainWindow", "A sentence nobody translated") == "A sentence nobody translated"
    window.close()


def test_job_summaries_write_numbers_as_the_ui_language_does(app) -> None:  # type: ignore[no-untyped-def]
    from imgtag_desktop.jobs import JobStats
    from imgtag_desktop.ui.status import JobsController

    stats = JobStats("tag", done=3, total=4, seconds=2.54)
    install_translators(app, "de")
    assert JobsController.describe(stats).endswith(" in 2,5 s")
    install_translators(app, "fr")
    assert JobsController.describe(stats).endswith(" en 2,5 s")
    install_translators(app, "en")
    assert JobsController.describe(stats).endswith(" in 2.5 s")


def test_a_running_jobs_panel_speaks_the_ui_language(app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The loading steps and the job's name beside each photo were English in a German window."""
    from imgtag_desktop.core.settings import Settings
    from imgtag_desktop.jobs import ScanJob, TaggingJob
    from imgtag_desktop.jobs.tagging_job import LOAD_MESSAGES
    from imgtag_desktop.ui.status import JobsController

    tagging, scan = TaggingJob(tmp_path / "l.db", [1], Settings()), ScanJob(tmp_path / "l.db", tmp_path / "Urlaub")
    install_translators(app, "de")
    try:
        assert JobsController.load_text("keywords", 3, 3) == "Das Stichwortmodell wird geladen (3/3)…"
        assert JobsController.job_title(tagging) == "Taggen"
        assert JobsController.job_title(scan) == "Urlaub wird eingelesen"
        # Every loading step the job names has its own sentence, in German as in English.
        for step in LOAD_MESSAGES:
            german = JobsController.load_text(step, 1, 3)
            assert german != LOAD_MESSAGES[step].format(number=1, count=3) and "geladen" in german
    finally:
        install_translators(app, "en")
    assert JobsController.load_text("keywords", 3, 3) == LOAD_MESSAGES["keywords"].format(number=3, count=3)


def test_french_and_back_to_english(app) -> None:  # type: ignore[no-untyped-def]
    install_translators(app, "fr")
    assert tr_("&File") == "&Fichier"
    assert QCoreApplication.translate("DuplicatesDialog", "Group %1 — %n photo(s)", None, 3) == "Groupe %1 — 3 photos"
    install_translators(app, "en")
    assert tr_("&File") == "&File"


def test_every_ui_string_is_in_the_ts_files() -> None:
    messages = {(ctx, src) for ctx, msgs in extract_messages().items() for src in msgs}
    for lang in ("de", "fr"):
        root = ET.parse(I18N_DIR / f"imgtag_{lang}.ts").getroot()
        in_ts = {(c.findtext("name"), m.findtext("source")) for c in root.iter("context") for m in c.iter("message")}
        assert messages <= in_ts, f"run python -m imgtag_desktop.ui.i18n --update: {sorted(messages - in_ts)[:5]}"
        unfinished = [m.findtext("source") for m in root.iter("message")
                      if m.find("translation").get("type") == "unfinished"]  # type: ignore[union-attr]
        assert len(unfinished) <= 2, unfinished  # only untranslatable markup may stay unfinished
    assert QApplication.instance() is not None
