"""The GUI-thread catalog guard: a catalog call from ``ui/`` code on the GUI thread raises,
unless ``imgtag_desktop.ui.gui_thread.ALLOWED`` names it.

Installed once per session by the root conftest (autouse), so it is active in every test;
a call a Qt slot swallowed is still recorded and fails the test at teardown.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import imgtag_desktop
from imgtag_desktop.core import catalog as catalog_pkg
from imgtag_desktop.ui.gui_thread import ALLOWED

PACKAGE = Path(imgtag_desktop.__file__).resolve().parent
UI_DIR = str(PACKAGE / "ui") + os.sep
# The Qt-free layers: a call that passes through them on its way from ui/ still counts as ui/'s.
LOWER_DIRS = tuple(str(PACKAGE / layer) + os.sep for layer in ("core", "tagging", "services"))
THIS_FILE = str(Path(__file__).resolve())

def _repositories() -> dict[type, str]:
    """Every repository class of the catalog with the attribute it is reached by (``tags.``, ...),
    found on a real catalog, so a new repository is guarded as soon as it exists."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder, catalog_pkg.Catalog(Path(folder) / "probe.db") as catalog:
        found: dict[type, str] = {catalog_pkg.CatalogBase: "", catalog_pkg.Repository: ""}
        for name, value in vars(catalog).items():
            if isinstance(value, catalog_pkg.Repository):
                for cls in type(value).__mro__:
                    if cls is catalog_pkg.Repository:
                        break
                    found.setdefault(cls, f"{name}.")
        return found


REPOSITORIES: dict[type, str] = _repositories()
NOT_QUERIES = {"close", "schema_version", "path"}


class GuiThreadCatalogCall(AssertionError):
    """``ui/`` code asked the catalog for more than an O(1) read on the GUI thread."""


_state = threading.local()
violations: list[str] = []


def _caller_outside_core(frame: FrameType | None) -> str:
    while frame is not None:
        name = frame.f_code.co_filename
        if not (name.startswith(LOWER_DIRS) or name == THIS_FILE):
            return name
        frame = frame.f_back
    return ""


def _guarded(fn: Callable[..., Any], qualname: str) -> Callable[..., Any]:
    @functools.wraps(fn)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        depth = getattr(_state, "depth", 0)
        if depth == 0 and qualname not in ALLOWED and threading.current_thread() is threading.main_thread():
            caller = _caller_outside_core(sys._getframe(1))
            if caller.startswith(UI_DIR):
                message = (f"catalog.{qualname}() called on the GUI thread from {Path(caller).name}; "
                           "run it through session.queries.run(op, success) (see ui/gui_thread.py)")
                violations.append(message)
                raise GuiThreadCatalogCall(message)
        _state.depth = depth + 1
        try:
            return fn(*args, **kwargs)
        finally:
            _state.depth = depth

    guarded.__gui_guard__ = True  # type: ignore[attr-defined]
    return guarded


def install() -> None:
    """Wrap every public catalog method (once per process)."""
    for cls, prefix in REPOSITORIES.items():
        for name, member in list(vars(cls).items()):
            if name.startswith("_") or name in NOT_QUERIES or not inspect.isfunction(member):
                continue
            if getattr(member, "__gui_guard__", False):
                continue
            setattr(cls, name, _guarded(member, prefix + name))


def installed() -> bool:
    """Whether every public catalog method is wrapped."""
    return all(getattr(member, "__gui_guard__", False)
               for cls in REPOSITORIES for name, member in vars(cls).items()
               if not name.startswith("_") and name not in NOT_QUERIES and inspect.isfunction(member))
