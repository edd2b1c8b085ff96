"""The UI language: Qt translators for imgtag's own strings and Qt's standard dialogs.

The language is the ``ui_language`` setting, or the system locale when it is ``auto``.
Translations ship as ``.ts`` sources in ``imgtag_desktop/i18n``; the compiled ``.qm``
files are built by the bundle step (``python -m imgtag_desktop.ui.i18n --build``, which runs
``pyside6-lrelease`` from PySide6-Essentials), or on first use into the cache folder when
running from a source checkout. A string without a translation, or a language without a
``.qm``, shows in English. ``python -m imgtag_desktop.ui.i18n --update`` refreshes the
``.ts`` files from the source code, keeping existing translations.
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


def N_(text: str) -> str:
    """Mark a string in a table for translation (context ``imgtag``); show it through :func:`tr_`."""
    return text


def tr_(text: str) -> str:
    """The translation of a string marked with :func:`N_` (or listed in the action table)."""
    return QCoreApplication.translate("imgtag", text) if text else text


def qm_path(language: str) -> Path:
    """The compiled translation: shipped next to the ``.ts`` (bundles, wheels), else compiled once
    into the cache folder (a source checkout), else the shipped path (which may not exist)."""
    ts = I18N_DIR / f"imgtag_{language}.ts"
    shipped = ts.with_suffix(".qm")
    if shipped.exists() and (getattr(sys, "frozen", False) or not ts.exists()
                             or shipped.stat().st_mtime >= ts.stat().st_mtime):
        return shipped  # a bundle's copies carry no meaningful times: its .qm were built with it
    if not ts.exists():
        return shipped
    from ..core.paths import cache_dir

    cached = cache_dir() / "i18n" / shipped.name
    if not cached.exists() or cached.stat().st_mtime < ts.stat().st_mtime:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            _lrelease(ts, cached)
        except (OSError, subprocess.CalledProcessError) as exc:
            log.warning("UI translation %s cannot be compiled (%s); showing English", ts, exc)
            return shipped
    return cached


def _lrelease(ts: Path, qm: Path, tool: str | None = None) -> None:
    tool = tool or shutil.which("pyside6-lrelease") or str(Path(sys.executable).with_name("pyside6-lrelease"))
    subprocess.run([tool, "-silent", str(ts), "-qm", str(qm)], check=True, capture_output=True)


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
    app._imgtag_language = language  # type: ignore[attr-defined]
    return language


def number_text(value: float, decimals: int) -> str:
    """A number as the UI language writes it (``0,5`` in German), whatever the system locale."""
    language = getattr(QCoreApplication.instance(), "_imgtag_language", "en")
    return QLocale(language).toString(float(value), "f", decimals)


def build_qm(lrelease: str | None = None) -> list[Path]:
    """Compile every ``.ts`` in :data:`I18N_DIR` to ``.qm`` with pyside6-lrelease."""
    built = []
    for ts in sorted(I18N_DIR.glob("imgtag_*.ts")):
        qm = ts.with_suffix(".qm")
        _lrelease(ts, qm, lrelease)
        built.append(qm)
    return built


# -- .ts sources ----------------------------------------------------------------------------------


def extract_messages(ui_dir: Path | None = None) -> dict[str, dict[str, bool]]:
    """{context: {source text: numerus}} of every translatable string of the UI.

    Finds ``self.tr("...")`` (context: the class), ``QCoreApplication.translate("ctx", "...")``,
    ``N_("...")`` and the texts of the action table (context ``imgtag``). This is what
    ``pyside6-lupdate`` finds too, plus the marked tables it cannot see.
    """
    import ast

    found: dict[str, dict[str, bool]] = {}

    def add(context: str, node: ast.expr, numerus: bool = False) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
            found.setdefault(context, {})[node.value] = numerus or found.get(context, {}).get(node.value, False)

    for path in sorted((ui_dir or Path(__file__).resolve().parent).glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        classes: list[str] = []

        def visit(node: ast.AST, classes: list[str] = classes, tree: ast.Module = tree) -> None:
            if isinstance(node, ast.ClassDef):
                classes.append(node.name)
                for child in ast.iter_child_nodes(node):
                    visit(child)
                classes.pop()
                return
            if isinstance(node, ast.Call):
                f = node.func
                args = node.args
                if isinstance(f, ast.Attribute) and f.attr == "tr" and args and classes:
                    add(classes[-1], args[0], len(args) >= 3)
                elif isinstance(f, ast.Attribute) and f.attr == "translate" and len(args) >= 2:
                    if isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                        add(args[0].value, args[1], len(args) >= 4)
                elif isinstance(f, ast.Name) and f.id == "N_" and args:
                    add("imgtag", args[0])
                elif isinstance(f, ast.Name) and f.id == "ActionSpec":
                    for i in (1, 2, 4):
                        if len(args) > i:
                            add("imgtag", args[i])
                    for kw in node.keywords:
                        if kw.arg in ("text", "menu", "tip"):
                            add("imgtag", kw.value)
                elif isinstance(f, ast.Name) and f.id == "_tr" and args:  # module helpers over translate()
                    add(_helper_context(tree), args[0], len(args) >= 2)
            for child in ast.iter_child_nodes(node):
                visit(child)

        visit(tree)
    return found


def _helper_context(tree: object) -> str:
    import ast

    for node in ast.walk(tree):  # type: ignore[arg-type]
        if isinstance(node, ast.FunctionDef) and node.name == "_tr":
            for call in ast.walk(node):
                if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                        and call.func.attr == "translate" and call.args
                        and isinstance(call.args[0], ast.Constant)):
                    return str(call.args[0].value)
    return "imgtag"


def update_ts(language: str, ui_dir: Path | None = None) -> Path:
    """Write ``imgtag_<language>.ts`` with every current string, keeping the translations it had."""
    import xml.etree.ElementTree as ET

    path = I18N_DIR / f"imgtag_{language}.ts"
    old: dict[tuple[str, str], list[str]] = {}
    if path.exists():
        for ctx in ET.parse(path).getroot().iter("context"):
            name = ctx.findtext("name") or ""
            for msg in ctx.iter("message"):
                tr = msg.find("translation")
                if tr is None or tr.get("type") in ("unfinished", "vanished", "obsolete"):
                    continue
                forms = [f.text or "" for f in tr.iter("numerusform")] or [tr.text or ""]
                if any(forms):
                    old[(name, msg.findtext("source") or "")] = forms
    root = ET.Element("TS", version="2.1", language=language)
    for context, messages in sorted(extract_messages(ui_dir).items()):
        ctx = ET.SubElement(root, "context")
        ET.SubElement(ctx, "name").text = context
        for source, numerus in sorted(messages.items()):
            msg = ET.SubElement(ctx, "message", numerus="yes") if numerus else ET.SubElement(ctx, "message")
            ET.SubElement(msg, "source").text = source
            kept = old.get((context, source))
            tr = ET.SubElement(msg, "translation")
            if not kept:
                tr.set("type", "unfinished")
            if numerus:
                for form in kept or ["", ""]:
                    ET.SubElement(tr, "numerusform").text = form
            elif kept:
                tr.text = kept[0]
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'
                    + ET.tostring(root, encoding="unicode") + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    if "--update" in sys.argv:
        for lang in UI_LANGUAGES[1:]:
            print(update_ts(lang))
    if "--build" in sys.argv:
        for path in build_qm():
            print(path)
