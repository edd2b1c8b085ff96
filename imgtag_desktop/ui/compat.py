"""Workarounds for bugs in the Qt bindings, applied once when the UI starts.

PySide6 6.12 on CPython 3.11 returns ``None`` from some C++ calls without taking a reference
(``QModelIndex.data()`` for an empty role, ``QStandardItem.child()`` past the end,
``QApplication.focusWidget()`` with no focus...). Each such call lowers ``None``'s reference
count by one; after a long session the count reaches zero and the interpreter aborts with
"none_dealloc: deallocating None". CPython 3.12 made ``None``, ``True`` and ``False`` immortal
(PEP 683), which hides the bug; on older interpreters we give these singletons a reference
count so large that no session can use it up. The UI code also avoids such calls on hot paths.
"""

from __future__ import annotations

import ctypes
import sys

_BALLAST = 1 << 40
_done = False


def guard_singleton_refcounts() -> None:
    """Make None/True/False effectively immortal on CPython < 3.12 (idempotent, no-op elsewhere)."""
    global _done
    if _done or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        _done = True
        return
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += _BALLAST
    _done = True
