"""Least-connections accepting across the worker processes of `citygraph serve`.

gunicorn's workers share one listening socket, and the first to call accept() takes the
connection; a kept-alive connection then stays with that worker. A reverse proxy keeping a pool
of connections open (or a benchmark) can so end with three of four connections on one worker,
whose Python runs on one core at a time while another worker idles. Each worker publishes how
many connections it holds in a table shared by all workers; a worker holding more than the
least loaded live peer stops polling the listener until that changes, so the peers take the
next connections (nginx's ``least_conn`` idea, applied to accepting). A peer that has not
published for STALE_SECONDS (hung or gone) does not count, so the listener is never left
without a worker that takes connections.
"""

from __future__ import annotations

import mmap
import multiprocessing
import time

SLOTS = 64  # workers one table can hold; a worker without a slot accepts as gunicorn does
STALE_SECONDS = 3.0  # a live worker publishes at least once a second (its poll timeout)
_FIELDS = 3  # pid, connections, time of publication (CLOCK_MONOTONIC, the same in all)


class Table:
    """Made in the server process before gunicorn forks its workers, which inherit it."""

    def __init__(self) -> None:
        self._memory = mmap.mmap(-1, SLOTS * _FIELDS * 8)  # anonymous and shared across fork
        self._cells = memoryview(self._memory).cast("d")
        self._lock = multiprocessing.get_context("fork").Lock()

    def claim(self, pid: int) -> int:
        """A free (or stale) slot for the worker ``pid``; -1 when the table is full."""
        with self._lock:
            now = time.monotonic()
            for slot in range(SLOTS):
                base = slot * _FIELDS
                if self._cells[base] == 0 or now - self._cells[base + 2] > STALE_SECONDS:
                    self._cells[base], self._cells[base + 1], self._cells[base + 2] = pid, 0, now
                    return slot
        return -1

    def publish(self, slot: int, connections: int) -> None:
        base = slot * _FIELDS
        self._cells[base + 1] = connections
        self._cells[base + 2] = time.monotonic()

    def release(self, slot: int) -> None:
        with self._lock:
            self._cells[slot * _FIELDS] = 0

    def least_other(self, slot: int) -> float | None:
        """The fewest connections a live peer holds; None without live peers."""
        now, least = time.monotonic(), None
        for other in range(SLOTS):
            base = other * _FIELDS
            if other == slot or self._cells[base] == 0 \
                    or now - self._cells[base + 2] > STALE_SECONDS:
                continue
            count = self._cells[base + 1]
            least = count if least is None else min(least, count)
        return least


class Seat:
    """One worker's slot in the table (none when the table is full: it then accepts as
    gunicorn does)."""

    def __init__(self, table: Table, pid: int) -> None:
        self.table, self.slot = table, table.claim(pid)

    def publish(self, connections: int) -> None:
        if self.slot >= 0:
            self.table.publish(self.slot, connections)

    def may_accept(self, connections: int) -> bool:
        """Whether a worker holding ``connections`` takes new ones: no live peer holds fewer."""
        least = self.table.least_other(self.slot) if self.slot >= 0 else None
        return least is None or connections <= least

    def release(self) -> None:
        if self.slot >= 0:
            self.table.release(self.slot)
