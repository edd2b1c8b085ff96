"""The layer rule: core/ and tagging/ never import PySide6; core/ never imports torch."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "imgtag_desktop"
FORBIDDEN = {"core": ("PySide6", "torch", "transformers", "sentence_transformers", "keybert"), "tagging": ("PySide6",)}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_has_no_forbidden_imports(layer: str) -> None:
    files = sorted((PACKAGE / layer).rglob("*.py"))
    if not files:
        pytest.skip(f"no sources under {layer}/ yet")
    offenders = {
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in files
        for name in _imports(path)
        if name in FORBIDDEN[layer]
    }
    assert not offenders, sorted(offenders)


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
