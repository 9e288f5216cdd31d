"""Queries run in child processes that can be killed: the only real query timeout for Oxigraph.

pyoxigraph has no cancellation API, so a runaway query in the web process would hold a
thread, its memory and a core for good. Each executor is a spawned child that opens the
store read-only and answers jobs over a pipe; when a job overruns its time the child is killed
(SIGKILL) and a fresh one is started for the next job. Only a job a child has already answered
cheaply, on the same build, is evaluated in the web process (inline.py).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import replace

from citygraph.errors import CitygraphError, ErrorCode, QueryTimeout, StoreError, error_class
from citygraph.sparql.engine import Answer, QueryJob
from citygraph.sparql.inline import CheapJobs
from citygraph.sparql.memory import RECYCLE_SHARE, died_of_memory, over_limit
from citygraph.sparql.ordering import total_order
from citygraph.sparql.qprocess import ExecutorSettings, QueryProcess

__all__ = ["Executor", "ExecutorSettings", "InternalQueryError"]

# A query still running after DEMOTE_AFTER seconds is reniced to the lowest CPU priority: on a
# machine with few cores, runaway queries (until they are killed at the time limit) must not
# take the CPU from the short queries of other clients.
DEMOTE_AFTER = 0.25
LOW_PRIORITY = 19  # no fork of a process that may hold threads
log = logging.getLogger("citygraph.query")
# A child starts an interpreter and opens the store; under load that can take seconds.
# Waiting for it counts against the client's time limit, but leaves the query at least
# MIN_BUDGET to run, so a slow start does not cost a short query its answer.
STARTUP_LIMIT = 60.0
MIN_BUDGET = 0.5
MEMORY_POLL = 0.05  # seconds between two looks at a running query's memory


class InternalQueryError(Exception):
    """A query crashed the engine in an unexpected way; details go to the log only."""


class _ProcessDied(Exception):
    """The query process ended without an answer (killed, or aborted by the engine).
    ``aborted``: by a signal an allocation over the memory limit also ends in (SIGABRT); an
    engine panic does too, so the ORDER BY retry comes first."""

    def __init__(self, message: str, aborted: bool) -> None:
        super().__init__(message)
        self.aborted = aborted


class Executor:
    """A pool of killable query processes (one per concurrent request thread)."""

    def __init__(self, settings: ExecutorSettings, size: int = 4,
                 on_inline: Callable[[], None] | None = None) -> None:
        self.settings = settings
        self._on_inline = on_inline  # told of each job evaluated in this process (metrics)
        self._idle: list[QueryProcess] = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(size)
        self._size = size
        self._closed = False
        self._pid = os.getpid()
        self.cheap = CheapJobs(settings.prefixes,
                               settings.inline_jobs if settings.remote is None else 0)

    def run(self, job: QueryJob, timeout: float | None = None) -> tuple[Answer, float]:
        """Evaluate in a child; (answer, seconds). QueryTimeout after timeout seconds."""
        limit = self.settings.timeout if timeout is None else timeout
        started = time.monotonic()  # the client's clock: a retry runs in the time left
        inline = self.cheap.run(job)
        if inline is not None:
            if self._on_inline is not None:
                self._on_inline()
            return inline, time.monotonic() - started
        try:
            return self._run_once(job, limit, started)
        except (_ProcessDied, InternalQueryError) as failure:
            # Oxigraph 0.5.13 panics (caught, or aborting the process) when ORDER BY meets
            # values it cannot order consistently (ordering.py): retry once with a total
            # order, in the time left.
            retry = total_order(job.query)
            if retry is None and isinstance(failure, _ProcessDied):
                self._raise_death(failure)
            if retry is None:
                raise
            log.warning("query engine failed (%s); retrying with a total ORDER BY", failure)
            return self._retry(replace(job, query=retry), limit, started)

    def _raise_death(self, death: _ProcessDied) -> None:
        if death.aborted and self.settings.memory_limit:
            raise over_limit(self.settings.memory_limit) from None
        raise StoreError("the query process stopped unexpectedly; try again") from None

    def _retry(self, job: QueryJob, limit: float, started: float) -> tuple[Answer, float]:
        try:
            return self._run_once(job, limit, started)
        except _ProcessDied as exc:
            if exc.aborted and self.settings.memory_limit:
                raise over_limit(self.settings.memory_limit) from None
            raise InternalQueryError(f"the engine failed on the query twice: {exc}") from None
        except CitygraphError as exc:
            if exc.status != 400:  # a timeout stays a timeout
                raise
            # the original query was valid: a rejected rewrite is our failure, not the client's
            raise InternalQueryError(f"the ORDER BY rewrite was refused: {exc}") from None

    def _run_once(self, job: QueryJob, limit: float, started: float) -> tuple[Answer, float]:
        """One attempt; the time since ``started`` counts against ``limit``."""
        with self._slots:
            worker = self._take()
            if not worker.wait_ready(STARTUP_LIMIT):
                self._retire(worker)
                raise StoreError("no query process could be started; try again")
            # The limit is the client's: a wait for a starting process counts, but a query
            # always gets MIN_BUDGET to run (a short one needs far less).
            budget = max(limit - (time.monotonic() - started), MIN_BUDGET)
            try:
                worker.conn.send(job)
                demoted = not self._wait(worker, min(DEMOTE_AFTER, budget))
                if demoted:
                    worker.set_priority(LOW_PRIORITY)
                if demoted and not self._wait(worker, max(budget - DEMOTE_AFTER, 0)):
                    self._retire(worker)
                    raise QueryTimeout(
                        f"the query was stopped after {limit:g} s, the time limit of this "
                        "endpoint; narrow it down (LIMIT, more specific patterns)",
                        headers={"Retry-After": "10"})
                status, payload = worker.conn.recv()
            except (EOFError, OSError, BrokenPipeError):
                worker.process.join(1)
                self._retire(worker)
                raise _ProcessDied("the query process died",
                                   died_of_memory(worker.process.exitcode)) from None
            elapsed = time.monotonic() - started
            # A large query's memory is not always returned after it: replace the process.
            peak = worker.peak_used()
            large = peak > self.settings.memory_limit * RECYCLE_SHARE
            if (not demoted or worker.set_priority(0)) and not (
                    self.settings.memory_limit and large):
                self._give_back(worker)
            else:
                self._retire(worker)  # cannot be raised again without privileges, or large
        answer, cpu_seconds = self._unpack(status, payload)
        self.cheap.learn(job, answer, cpu_seconds, peak)
        return answer, elapsed

    def _wait(self, worker: QueryProcess, seconds: float) -> bool:
        """Wait for the answer up to ``seconds``, watching the process's resident size."""
        limit = self.settings.memory_limit
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if worker.answered(min(left, MEMORY_POLL) if limit else left):
                return True
            if limit and worker.memory_used() > limit:
                self._retire(worker)
                raise over_limit(limit)
            if left <= 0 or not limit:
                return False

    @staticmethod
    def _unpack(status: str, payload: object) -> tuple[Answer, float]:
        if status == "ok" and isinstance(payload, tuple):
            answer, cpu_seconds = payload
            assert isinstance(answer, Answer)
            return answer, float(cpu_seconds)
        if status == "error" and isinstance(payload, tuple):
            name, message, code_status, code, headers = payload
            raise error_class(str(name))(str(message), status=int(code_status),
                                         code=ErrorCode(code), headers=dict(headers))
        raise InternalQueryError(str(payload))

    def _take(self) -> QueryProcess:
        with self._lock:
            if os.getpid() != self._pid:  # forked: the children belong to the parent
                self._idle, self._pid = [], os.getpid()
            while self._idle:
                # The most recently used ready process first (its caches are warm); a
                # successor that is still opening the store only when no other is idle.
                index = next((i for i in range(len(self._idle) - 1, -1, -1)
                              if self._idle[i].wait_ready(0)), 0)
                worker = self._idle.pop(index)
                if worker.process.is_alive():  # only the one taken: one waitpid per query
                    return worker
        return QueryProcess(self.settings)

    def _give_back(self, worker: QueryProcess) -> None:
        with self._lock:
            # Never more idle processes than slots: a successor started in the background
            # and a process started for a request meanwhile would otherwise both stay.
            if not self._closed and len(self._idle) < self._size:
                self._idle.append(worker)
                return
        worker.kill()  # surplus, or started after close()

    def _retire(self, worker: QueryProcess) -> None:
        """Kill a worker; reap it and start its successor in the background, so the client
        waits for neither. A killed query frees its memory at the low CPU priority it was
        demoted to, which can take seconds on a busy machine."""
        with contextlib.suppress(OSError, ValueError):
            worker.process.kill()
        threading.Thread(target=self._replace, args=(worker,), daemon=True,
                         name="citygraph-query-start").start()

    def _replace(self, worker: QueryProcess) -> None:
        worker.kill()
        with contextlib.suppress(OSError):
            self._give_back(QueryProcess(self.settings))

    def warm_up(self, jobs: tuple[QueryJob, ...] = ()) -> None:
        """Start the whole pool ahead of the first request: no request waits for a child to
        start, and the memory the server needs is taken at start, not as traffic grows. The
        first child then runs all ``jobs`` and every other child the last one (each within the
        time limit): the page cache is shared, the loaded code paths are not."""
        with self._lock:
            missing = self._size - len(self._idle)
        for _ in range(missing):
            self._give_back(QueryProcess(self.settings))
        with self._lock:
            workers = list(self._idle)
        for index, worker in enumerate(workers):
            if not worker.wait_ready(STARTUP_LIMIT):
                continue
            for job in jobs if index == 0 else jobs[-1:]:
                with contextlib.suppress(EOFError, OSError):
                    worker.conn.send(job)
                    if worker.conn.poll(self.settings.timeout):
                        worker.conn.recv()
                        continue
                with self._lock:  # too slow or died: a fresh child takes its place
                    if worker in self._idle:
                        self._idle.remove(worker)
                self._retire(worker)
                break

    def close(self) -> None:
        with self._lock:
            workers, self._idle, self._closed = self._idle, [], True
        for worker in workers:
            worker.kill()
