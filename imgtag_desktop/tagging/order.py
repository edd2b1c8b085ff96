"""The order a tagging run takes its photos in: what the person is looking at first.

Two small objects, no Qt:

- :class:`Focus` holds the photos the person is looking at now (the photo in the detail pane,
  the photos visible in the grid). The window replaces them whenever the view changes; setting
  them is cheap and thread-safe, so it can be called from the GUI thread while a run goes on.
- :class:`WorkOrder` hands a run its next batch: the photos of the focus that the run still has
  to do, in the focus's order, then the rest in the run's own order. It lives on the run's
  thread and is asked once per batch, so a scroll changes what comes next, never a batch in
  flight. Each photo is handed out exactly once.

Without a focus (the command line), a run keeps its given (catalog) order.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence

__all__ = ["Focus", "WorkOrder"]

# More than any screen shows; a focus larger than this is cut (a run only needs its head).
MAX_FOCUS = 2000


class Focus:
    """The photos the person is looking at, most important first (thread-safe)."""

    def __init__(self, photo_ids: Iterable[int] = ()) -> None:
        self._lock = threading.Lock()
        self._ids: tuple[int, ...] = ()
        self.set(photo_ids)

    def set(self, photo_ids: Iterable[int]) -> None:
        """Replace what the person looks at (the previous focus is forgotten). Cheap: no I/O."""
        ids: list[int] = []
        for pid in photo_ids:
            if len(ids) >= MAX_FOCUS:
                break
            ids.append(int(pid))
        with self._lock:
            self._ids = tuple(ids)

    def get(self) -> tuple[int, ...]:
        with self._lock:
            return self._ids


class WorkOrder:
    """The photos of one run, handed out batch by batch: the focus first, then the given order."""

    def __init__(self, photo_ids: Sequence[int], focus: Focus | None = None) -> None:
        self._order = list(dict.fromkeys(int(pid) for pid in photo_ids))  # the run's order, each photo once
        self._pending = set(self._order)
        self._next = 0  # every photo before this position of _order has been handed out
        self.focus = focus

    def __len__(self) -> int:
        """How many photos are still to be handed out."""
        return len(self._pending)

    def take(self, count: int) -> list[int]:
        """The next ``count`` photos (fewer at the end; [] when all were handed out)."""
        count = max(1, int(count))
        batch: list[int] = []
        for pid in self.focus.get() if self.focus is not None else ():
            if len(batch) >= count:
                break
            if pid in self._pending:
                self._pending.discard(pid)
                batch.append(pid)
        while len(batch) < count and self._next < len(self._order):
            pid = self._order[self._next]
            self._next += 1
            if pid in self._pending:
                self._pending.discard(pid)
                batch.append(pid)
        return batch

    def remaining(self) -> list[int]:
        """The photos not handed out yet, in the run's order (hands out nothing)."""
        return [pid for pid in self._order[self._next :] if pid in self._pending]

    def batches(self, size: int) -> Iterator[list[int]]:
        """Batches of ``size`` until every photo was handed out; each is chosen when asked for."""
        while batch := self.take(size):
            yield batch
