"""The process's heap: few malloc arenas.

glibc's malloc gives each thread that allocates its own arena, up to eight per core, and keeps
what is freed in an arena for that arena's next allocations instead of returning it. The models'
activations are large and short-lived, and every tagging run of the window runs on new threads
(the job's thread, the decode pool, the writer), so each run could leave its working set (a few
hundred MB with the full-size models) in another arena: the window kept 250-400 MB of freed
memory resident after a run, more after more runs, and freeing the models after the idle
timeout returned their file-backed pages but kept the anonymous ones.
:func:`limit_malloc_arenas` (applied when the package is imported, before any thread starts)
keeps the arenas to :data:`ARENA_MAX`; the free pages go back to the system at the end of a run
and after the models are freed (:func:`trim_heap`, glibc's ``malloc_trim``).

Elsewhere than glibc (macOS, Windows, musl) it does nothing and says so.
"""

from __future__ import annotations

import ctypes
import functools
import os
from typing import Any

__all__ = ["ARENA_MAX", "limit_malloc_arenas", "trim_heap"]

ARENA_MAX = 2  # malloc arenas for the whole process (glibc's default: 8 per core)
_M_ARENA_MAX = -8  # mallopt's parameter number (malloc.h)


@functools.cache
def _glibc() -> Any:
    """The C library when it is glibc (has mallopt and malloc_trim), else None."""
    try:
        libc = ctypes.CDLL(None)
    except (OSError, TypeError):  # no C library to look in (Windows)
        return None
    if not all(hasattr(libc, name) for name in ("mallopt", "malloc_trim", "gnu_get_libc_version")):
        return None
    libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    libc.malloc_trim.argtypes = [ctypes.c_size_t]
    libc.malloc_trim.restype = ctypes.c_int
    return libc


def limit_malloc_arenas(count: int = ARENA_MAX) -> bool:
    """Let malloc use at most ``count`` arenas from now on; returns whether it applies.

    A ``MALLOC_ARENA_MAX`` the person set in the environment wins (glibc read it at start)."""
    libc = _glibc()
    if libc is None or os.environ.get("MALLOC_ARENA_MAX"):
        return False
    return bool(libc.mallopt(_M_ARENA_MAX, max(1, int(count))))


def trim_heap() -> None:
    """Give the C heap's free pages back to the system. glibc keeps memory freed by the models'
    temporaries (quantizing at load, a batch's activations) in its heaps, counted in the process's
    memory until reused; after a load, after each batch and after the models are freed it goes back
    instead (glibc's ``malloc_trim``; elsewhere nothing)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
