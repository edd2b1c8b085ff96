"""Background work yields to the window: a core when the GUI thread needs one, and the interpreter lock.

A tagging run keeps every core busy (torch's worker threads, the decode threads). When the GUI
thread wakes up to repaint or to answer a click, the kernel may leave it waiting for a core until a
model thread's time slice ends: measured on a 2-core machine, 24 ms of a 54 ms GUI stall at the
first suggestion was the GUI thread waiting for a CPU. With the run's threads a few steps "nicer"
than the GUI thread, the kernel hands it a core at once, and the run loses nothing on an idle
machine (a priority only matters when threads compete). It also makes a run yield to the person's
other programs, as background work should.

The same holds for the interpreter lock. The GUI thread calls into Python many times per repaint
(item delegates, models, slots), and each call must take the lock back from a busy worker thread.
A waiting thread asks for the lock only after the interpreter's switch interval (5 ms by default),
so a repaint of ten Python calls beside a busy worker can stall for tens of milliseconds.
:func:`prompt_lock_handover` makes that wait 1 ms for the window's process (measured, five runs
each, pressing Tag all at once: the longest GUI gap after the press 20-39 ms against 36-52 ms).

Nice values are Linux only: there a thread has its own nice value, and the threads it starts afterwards (torch's
OpenMP workers, the decode pool, the writer) inherit it. macOS and Windows have no per-thread nice
through Python; there the job threads keep Qt's low thread priority.
"""

from __future__ import annotations

import logging
import os
import sys
import threading

log = logging.getLogger(__name__)

# The interpreter's switch interval in the window's process: how long a thread waits for the lock
# before asking the holder to hand it over (Python's default is 5 ms).
SWITCH_INTERVAL_S = 0.001
# Nice steps below the window's for background work (each step is about 1.25x less CPU weight: 10
# steps give the GUI thread about 9x the weight of a model thread when both want a core).
BACKGROUND_NICE = 10


def thread_nice() -> int | None:
    """This thread's nice value (None where threads have none of their own)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    except OSError:
        return None


def lower_thread_priority(steps: int = BACKGROUND_NICE) -> bool:
    """Make this thread (and the threads it starts from now on) ``steps`` nicer than the process
    started, at most 19. Call it at the start of a background thread's model work, before torch
    starts its worker threads. Returns whether the priority is lowered (False where threads have
    no nice value of their own, or the system refused; the work runs as it would have)."""
    current = thread_nice()
    if current is None:
        return False
    wanted = min(19, os.getpriority(os.PRIO_PROCESS, os.getpid()) + steps)
    if current >= wanted:
        return True
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), wanted)
    except OSError:  # a sandbox may refuse it: the work runs as it would have
        log.debug("could not lower the thread's priority", exc_info=True)
        return False
    return True


def prompt_lock_handover() -> None:
    """Let the window's Python calls take the interpreter lock from busy worker threads within
    :data:`SWITCH_INTERVAL_S` (call once in the window's process; workers lose almost nothing: the
    lock changes hands this often only while two threads want it)."""
    if sys.getswitchinterval() > SWITCH_INTERVAL_S:
        sys.setswitchinterval(SWITCH_INTERVAL_S)
