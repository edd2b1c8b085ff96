"""Measure how long the GUI thread stalls: a heartbeat QTimer and the largest gap between beats."""

from __future__ import annotations

import faulthandler
import os
import threading
import time
from typing import TextIO

from PySide6.QtCore import QObject, QTimer


class Heartbeat(QObject):
    """Ticks every ``interval_ms`` on the GUI thread; ``longest_gap_ms`` is the worst stall seen.

    With ``trace`` (an open file) and ``trace_after_ms``, a stall that lasts longer than that has
    every thread's Python stack written to the file while it lasts (:func:`faulthandler.dump_traceback_later`
    runs on a watchdog thread of its own, without the interpreter lock), followed by a line saying
    how long the stall was, when it ended, and (Linux) how much of it the GUI thread ran, waited for
    a CPU (the machine was busy), or was blocked (on the interpreter lock, or I/O): what the other
    threads did while the GUI thread waited, and why it waited."""

    def __init__(self, interval_ms: int = 5, *, trace: TextIO | None = None, trace_after_ms: float = 40.0) -> None:
        super().__init__()
        self.interval_ms = interval_ms
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._beat)
        self.gaps: list[float] = []
        self._last: float | None = None
        self._started = 0.0
        self._trace = trace
        self._trace_after_s = trace_after_ms / 1000
        self._schedstat = f"/proc/self/task/{threading.get_native_id()}/schedstat"
        self._sched: tuple[int, int] | None = None

    def _read_schedstat(self) -> tuple[int, int] | None:
        """(ns run on a CPU, ns waited for one) of this thread so far; None where unknown."""
        try:
            with open(self._schedstat) as f:
                run, waited, _slices = f.read().split()
            return int(run), int(waited)
        except (OSError, ValueError):
            return None

    def start(self) -> None:
        if self._trace is not None:
            self._sched = self._read_schedstat()
        self._last = self._started = time.perf_counter()
        self.timer.start()
        self._arm()

    def stop(self) -> None:
        self.timer.stop()
        if self._trace is not None:
            faulthandler.cancel_dump_traceback_later()

    def _arm(self) -> None:
        if self._trace is not None:  # replaces the previous watchdog: it fires only if no beat comes
            faulthandler.dump_traceback_later(self._trace_after_s, repeat=False, file=self._trace)

    def _beat(self) -> None:
        now = time.perf_counter()
        self._arm()
        if self._last is not None:
            gap = (now - self._last) * 1000
            self.gaps.append(gap)
            if self._trace is not None:
                sched, before = self._read_schedstat(), self._sched
                self._sched = sched
                if gap > self._trace_after_s * 1000:
                    why = ""
                    if sched is not None and before is not None:
                        ran, waited = (sched[0] - before[0]) / 1e6, (sched[1] - before[1]) / 1e6
                        why = (f"; the GUI thread ran {ran:.1f} ms, waited {waited:.1f} ms for a CPU, was blocked "
                               f"{max(0.0, gap - ran - waited):.1f} ms")
                    os.write(self._trace.fileno(), f"^^^ GUI stall of {gap:.1f} ms, ended {now - self._started:.2f} s "
                                                   f"after the heartbeat started{why}\n\n".encode())
        self._last = now

    @property
    def longest_gap_ms(self) -> float:
        return max(self.gaps, default=0.0)

    def percentile(self, q: float) -> float:
        if not self.gaps:
            return 0.0
        ordered = sorted(self.gaps)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
