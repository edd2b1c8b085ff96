"""The layer rule: core/, tagging/ and services/ never import Qt; core/ never imports torch; ui/ never
imports cli/; core/ never imports the layers above it. Relative imports count as much as absolute ones."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "imgtag_desktop"
QT = ("PySide6", "PyQt5", "PyQt6", "shiboken6")
ML = ("torch", "transformers", "sentence_transformers", "keybert")
# What each layer must not import: third-party top-level names and our own packages (imgtag_desktop.X).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "core": (*QT, *ML, "imgtag_desktop.tagging", "imgtag_desktop.services", "imgtag_desktop.jobs",
             "imgtag_desktop.ui", "imgtag_desktop.cli"),
    "tagging": (*QT, "imgtag_desktop.services", "imgtag_desktop.jobs", "imgtag_desktop.ui", "imgtag_desktop.cli"),
    "services": (*QT, "imgtag_desktop.jobs", "imgtag_desktop.ui", "imgtag_desktop.cli"),
    "jobs": ("imgtag_desktop.ui", "imgtag_desktop.cli"),
    "cli": (*QT, "imgtag_desktop.jobs", "imgtag_desktop.ui"),
    "ui": ("imgtag_desktop.cli",),
}


def _module_of(path: Path, root: Path) -> list[str]:
    parts = ["imgtag_desktop", *path.relative_to(root).with_suffix("").parts]
    return parts[:-1] if parts[-1] == "__init__" else parts


def imports(path: Path, root: Path = PACKAGE) -> set[str]:
    """Every module ``path`` imports, absolute (relative imports resolved against its package)."""
    here = _module_of(path, root)
    package = here if path.name == "__init__.py" else here[:-1]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)  # from . import cli
    return names


def _matches(name: str, forbidden: str) -> bool:
    return name == forbidden or name.startswith(forbidden + ".")


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_has_no_forbidden_imports(layer: str) -> None:
    files = sorted((PACKAGE / layer).rglob("*.py"))
    assert files, f"no sources under {layer}/"
    offenders = {
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in files
        for name in imports(path)
        for bad in FORBIDDEN[layer]
        if _matches(name, bad)
    }
    assert not offenders, sorted(offenders)


def test_relative_imports_are_resolved(tmp_path: Path) -> None:
    """The checker sees through ``from ..cli import x`` and ``from .. import cli``."""
    probe = tmp_path / "imgtag_desktop" / "ui" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("from ..cli import common\nfrom .. import cli\nfrom .session import Session\n")
    found = imports(probe, tmp_path / "imgtag_desktop")
    assert {"imgtag_desktop.cli", "imgtag_desktop.cli.common", "imgtag_desktop.ui.session"} <= found
    assert any(_matches(n, "imgtag_desktop.cli") for n in found)


def test_importing_core_and_cli_loads_no_qt_or_torch() -> None:
    code = (
        "import sys, imgtag_desktop.core.catalog, imgtag_desktop.core.scanner, imgtag_desktop.core.thumbnails, "
        "imgtag_desktop.cli; bad = [m for m in ('PySide6', 'torch') if m in sys.modules]; print(bad); "
        "sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_window_and_jobs_import_tagging_without_torch() -> None:
    """Jobs and the GUI import the tagging package directly (typed); torch loads with a model only."""
    code = (
        "import sys, imgtag_desktop.tagging, imgtag_desktop.jobs, imgtag_desktop.ui.main_window; "
        "bad = [m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules]; print(bad); "
        "sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent)
    assert result.returncode == 0, result.stdout + result.stderr
