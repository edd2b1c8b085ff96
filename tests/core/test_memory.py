"""The process's heap: imgtag keeps glibc's malloc arenas few, and gives freed memory back
(``core.memory.trim_heap``, called at the end of a run and after the models are freed).

Each check runs in a fresh interpreter, so the arenas and the heap it looks at are its own."""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

glibc_only = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not hasattr(ctypes.CDLL(None), "gnu_get_libc_version"),
    reason="malloc arenas and malloc_trim are glibc's",
)

# Starts THREADS threads that each allocate while all are alive (a new thread gets a new arena
# until the limit), then prints how many arenas malloc_stats reports.
COUNT_ARENAS = textwrap.dedent("""
    import ctypes, os, sys, threading
    if sys.argv[1] == "imgtag":
        import imgtag_desktop
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    THREADS = 12
    barrier = threading.Barrier(THREADS + 1)
    def work():
        blocks = [libc.malloc(4096) for _ in range(64)]
        barrier.wait()
        barrier.wait()
        for b in blocks:
            libc.free(b)
    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    barrier.wait()
    r, w = os.pipe()
    saved = os.dup(2)
    os.dup2(w, 2)
    libc.malloc_stats()  # prints one "Arena N:" block per arena to stderr
    os.dup2(saved, 2)
    os.close(w)
    report = os.read(r, 1 << 20).decode()
    barrier.wait()
    for t in threads:
        t.join()
    print(report.count("Arena "))
""")


def _arenas(mode: str, env: dict[str, str] | None = None) -> int:
    environ = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    environ.update(env or {}, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", COUNT_ARENAS, mode], capture_output=True, text=True, env=environ,
                         timeout=60, check=True)
    return int(out.stdout.strip())


@glibc_only
def test_importing_imgtag_keeps_the_malloc_arenas_few() -> None:
    from imgtag_desktop.core.memory import ARENA_MAX

    assert _arenas("plain") > ARENA_MAX  # what glibc does by itself: an arena per thread, up to 8 per core
    assert _arenas("imgtag") <= ARENA_MAX


@glibc_only
def test_the_persons_own_malloc_arena_max_wins() -> None:
    assert _arenas("imgtag", {"MALLOC_ARENA_MAX": "5"}) == 5


# Fills a heap with 100 KB blocks (below malloc's mmap threshold, so they stay in the arena), frees
# all but the last (which pins the top of the heap, so free() alone cannot give the space back),
# and reports the anonymous memory before and after trim_heap().
FREE_AND_RELEASE = textwrap.dedent("""
    import ctypes, json, threading
    from imgtag_desktop.core.memory import trim_heap
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    def anon_mb():
        for line in open("/proc/self/status"):
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) // 1024
    def fill_and_free():
        blocks = [libc.malloc(100_000) for _ in range(3000)]
        for b in blocks:
            ctypes.memset(b, 1, 100_000)
        for b in blocks[:-1]:
            libc.free(b)
    worker = threading.Thread(target=fill_and_free)  # as on a tagging run's own thread
    worker.start()
    worker.join()
    before = anon_mb()
    trim_heap()
    print(json.dumps({"before": before, "after": anon_mb()}))
""")


@glibc_only
def test_trim_heap_gives_freed_heap_back_to_the_system() -> None:
    environ = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    environ["PYTHONPATH"] = str(ROOT)
    out = subprocess.run([sys.executable, "-c", FREE_AND_RELEASE], capture_output=True, text=True, env=environ,
                         timeout=60, check=True)
    result = json.loads(out.stdout)
    # About 300 MB were freed but kept by malloc; nearly all of it goes back.
    assert result["before"] - result["after"] >= 200, result


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({}, {"GOMP_SPINCOUNT": "10000", "KMP_BLOCKTIME": "0", "OMP_WAIT_POLICY": None}),
        ({"OMP_WAIT_POLICY": "PASSIVE"}, {"GOMP_SPINCOUNT": None, "KMP_BLOCKTIME": None, "OMP_WAIT_POLICY": "PASSIVE"}),
        ({"GOMP_SPINCOUNT": "5"}, {"GOMP_SPINCOUNT": "5", "KMP_BLOCKTIME": "0", "OMP_WAIT_POLICY": None}),
        ({"KMP_BLOCKTIME": "200"}, {"GOMP_SPINCOUNT": "10000", "KMP_BLOCKTIME": "200", "OMP_WAIT_POLICY": None}),
    ],
)
def test_openmp_threads_spin_briefly_unless_the_person_chose(
    given: dict[str, str], expected: dict[str, str | None]
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in expected}
    names = sorted(expected)
    code = f"import json, os, imgtag_desktop; print(json.dumps({{k: os.environ.get(k) for k in {names!r}}}))"
    out = subprocess.run([sys.executable, "-c", code], env={**env, **given}, cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert json.loads(out.stdout) == expected
