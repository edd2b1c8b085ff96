"""The process's heap: few malloc arenas, and freed memory given back to the system.

glibc's malloc gives each thread that allocates its own arena, up to eight per core, and keeps
what is freed in an arena for that arena's next allocations instead of returning it. The models'
activations are large and short-lived, and every tagging run of the window runs on new threads
(the job's thread, the decode pool, the writer), so each run could leave its working set (a few
hundred MB with the full-size models) in another arena: the window kept 250-400 MB of freed
memory resident after a run, more after more runs, and freeing the models after the idle
timeout returned their file-backed pages but kept the anonymous ones.
:func:`limit_malloc_arenas` (applied when the package is imported, before any thread starts)
keeps the arenas to :data:`ARENA_MAX`, and :func:`release_free_memory` returns the free pages
at the end of a run and after the models are freed.

Elsewhere than glibc (macOS, Windows, musl) both do nothing and say so.
"""

from __future__ import annotations

import ctypes
import os
from typing import Any

__all__ = ["ARENA_MAX", "limit_malloc_arenas", "release_free_memory"]

ARENA_MAX = 2  # malloc arenas for the whole process (glibc's default: 8 per core)
_M_ARENA_MAX = -8  # mallopt's parameter number (malloc.h)

_libc: Any = None
_libc_looked = False


def _glibc() -> Any:
    """The C library when it is glibc (has mallopt and malloc_trim), else None."""
    global _libc, _libc_looked
    if not _libc_looked:
        _libc_looked = True
        try:
            libc = ctypes.CDLL(None)
            if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") and hasattr(libc, "gnu_get_libc_version"):
                libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
                libc.malloc_trim.argtypes = [ctypes.c_size_t]
                _libc = libc
        except (OSError, TypeError):  # no C library to look in (Windows)
            _libc = None
    return _libc


def limit_malloc_arenas(count: int = ARENA_MAX) -> bool:
    """Let malloc use at most ``count`` arenas from now on; returns whether it applies.

    A ``MALLOC_ARENA_MAX`` the person set in the environment wins (glibc read it at start)."""
    libc = _glibc()
    if libc is None or os.environ.get("MALLOC_ARENA_MAX"):
        return False
    return bool(libc.mallopt(_M_ARENA_MAX, max(1, int(count))))


def release_free_memory() -> bool:
    """Give the free pages of every malloc arena back to the system (glibc's ``malloc_trim``).

    Takes 10-20 ms per 100 MB given back: call it off the GUI thread, after much was freed.
    Returns whether any memory was returned."""
    libc = _glibc()
    return bool(libc.malloc_trim(0)) if libc is not None else False
