"""imgtag: an offline desktop photo tagger."""

from __future__ import annotations

import os

# The model libraries' OpenMP threads sleep when idle instead of spinning: a desktop app shares
# its cores (the GUI, a browser), and spinning workers then slow every small operation down
# several times. Read by the OpenMP runtime when torch loads; a value set by the person wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# Few malloc arenas, set before any thread starts: each tagging run's threads are new, and with an
# arena per thread each run could keep its models' working set in another one (see core/memory.py).
from .core.memory import limit_malloc_arenas

limit_malloc_arenas()

__version__ = "0.1.0"
