"""Measure how long the GUI thread stalls: a heartbeat QTimer and the largest gap between beats."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, QTimer


class Heartbeat(QObject):
    """Ticks every ``interval_ms`` on the GUI thread; ``longest_gap_ms`` is the worst stall seen.

    Each gap over ``stall_ms`` is kept in ``stalls`` as (start, end) in ``time.perf_counter()``
    seconds with, on Linux, how much of it the GUI thread ran, waited for a CPU (the machine was
    busy) and was blocked (on the interpreter lock, a mutex or I/O): why it stalled."""

    def __init__(self, interval_ms: int = 5, *, stall_ms: float = 40.0) -> None:
        super().__init__()
        self.interval_ms = interval_ms
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._beat)
        self.gaps: list[float] = []
        self.stalls: list[Stall] = []
        self.stall_ms = stall_ms
        self._last: float | None = None
        self._schedstat = f"/proc/self/task/{threading.get_native_id()}/schedstat"
        self._sched: tuple[int, int] | None = None

    def _read_schedstat(self) -> tuple[int, int] | None:
        """(ns run on a CPU, ns waited for one) of the GUI thread so far; None where unknown."""
        try:
            with open(self._schedstat) as f:
                run, waited, _slices = f.read().split()
            return int(run), int(waited)
        except (OSError, ValueError):
            return None

    def start(self) -> None:
        self._sched = self._read_schedstat()
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _beat(self) -> None:
        now = time.perf_counter()
        sched, before = self._read_schedstat(), self._sched
        self._sched = sched
        if self._last is not None:
            gap = (now - self._last) * 1000
            self.gaps.append(gap)
            if gap > self.stall_ms:
                ran = waited = None
                if sched is not None and before is not None:
                    ran, waited = (sched[0] - before[0]) / 1e6, (sched[1] - before[1]) / 1e6
                self.stalls.append(Stall(self._last, now, ran, waited))
        self._last = now

    @property
    def longest_gap_ms(self) -> float:
        return max(self.gaps, default=0.0)

    def percentile(self, q: float) -> float:
        if not self.gaps:
            return 0.0
        ordered = sorted(self.gaps)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Stall:
    """One gap between heartbeats longer than the heartbeat's ``stall_ms``."""

    def __init__(self, start: float, end: float, ran_ms: float | None, waited_ms: float | None) -> None:
        self.start, self.end, self.ran_ms, self.waited_ms = start, end, ran_ms, waited_ms

    @property
    def ms(self) -> float:
        return (self.end - self.start) * 1000

    def why(self) -> str:
        if self.ran_ms is None or self.waited_ms is None:
            return ""
        blocked = max(0.0, self.ms - self.ran_ms - self.waited_ms)
        return (f"GUI thread ran {self.ran_ms:.0f} ms, waited {self.waited_ms:.0f} ms for a CPU, "
                f"blocked {blocked:.0f} ms")
