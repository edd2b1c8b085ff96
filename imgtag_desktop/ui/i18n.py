"""The UI language: Qt translators for imgtag's own strings and Qt's standard dialogs.

The language is the ``ui_language`` setting, or the system locale when it is ``auto``.
Translations ship as ``.ts`` sources in ``imgtag_desktop/i18n``; the compiled ``.qm``
files are built by the install/bundle step (``python -m imgtag_desktop.ui.i18n --build``,
which runs ``pyside6-lrelease``). A string without a translation, or a language without a
``.qm``, shows in English.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from ..core.i18n import UI_LANGUAGES, resolve_language

log = logging.getLogger(__name__)

I18N_DIR = Path(__file__).resolve().parent.parent / "i18n"


def qm_path(language: str) -> Path:
    return I18N_DIR / f"imgtag_{language}.qm"


def install_translators(app: QCoreApplication, setting: str) -> str:
    """Load the translators for ``setting`` ("auto" or a code) into ``app``; returns the language used."""
    language = resolve_language(setting, UI_LANGUAGES)
    for old in getattr(app, "_imgtag_translators", []):
        app.removeTranslator(old)
    translators: list[QTranslator] = []
    if language != "en":
        ours = QTranslator(app)
        if ours.load(str(qm_path(language))):
            translators.append(ours)
        else:
            log.warning("no compiled UI translation for %s at %s; showing English", language, qm_path(language))
        qt = QTranslator(app)  # Qt's own strings (standard buttons, file dialogs)
        if qt.load(QLocale(language), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            translators.append(qt)
    for t in translators:
        app.installTranslator(t)
    app._imgtag_translators = translators  # type: ignore[attr-defined]
    return language


def build_qm(lrelease: str | None = None) -> list[Path]:
    """Compile every ``.ts`` in :data:`I18N_DIR` to ``.qm`` with pyside6-lrelease."""
    tool = lrelease or shutil.which("pyside6-lrelease") or str(Path(sys.executable).with_name("pyside6-lrelease"))
    built = []
    for ts in sorted(I18N_DIR.glob("imgtag_*.ts")):
        qm = ts.with_suffix(".qm")
        subprocess.run([tool, "-silent", str(ts), "-qm", str(qm)], check=True)
        built.append(qm)
    return built


if __name__ == "__main__":
    if "--build" in sys.argv:
        for path in build_qm():
            print(path)
