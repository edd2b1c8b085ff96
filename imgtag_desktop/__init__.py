"""imgtag: an offline desktop photo tagger."""

from __future__ import annotations

import os

# The model libraries' OpenMP threads spin only briefly when idle, then sleep. A desktop app shares
# its cores (the GUI, a browser): the runtime's default (GNU: 300000 spins, a few ms) slowed
# tagging 1.5-2.2x under a competing load. Sleeping at once (OMP_WAIT_POLICY=PASSIVE) costs a
# wake-up per parallel operation instead, and the caption decoder makes thousands of small ones:
# 10000 spins (a fraction of a millisecond) was measured best both quiet and under load (see
# docs/tagging.md). GOMP_SPINCOUNT is read by GNU OpenMP (torch's on Linux); other runtimes (Intel's,
# LLVM's) sleep at once, as before. Read when torch loads; a value set by the person wins.
if "OMP_WAIT_POLICY" not in os.environ:
    os.environ.setdefault("GOMP_SPINCOUNT", "10000")
    os.environ.setdefault("KMP_BLOCKTIME", "0")

# Few malloc arenas, set before any thread starts: each tagging run's threads are new, and with an
# arena per thread each run could keep its models' working set in another one (see core/memory.py).
from .core.memory import limit_malloc_arenas

limit_malloc_arenas()

__version__ = "0.1.0"
