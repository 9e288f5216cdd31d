"""One query process: the loop of the spawned child and the web process's handle on it.

The child opens the store read-only, is cut off from the network and limited in address
space (SECURITY.md), and answers jobs over a pipe with the answer and its CPU time; the
executor (executor.py) decides when it is killed.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import select
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from citygraph.errors import CitygraphError
from citygraph.sparql.engine import QueryJob, evaluate
from citygraph.sparql.isolation import die_with_parent, isolate_network
from citygraph.sparql.memory import (
    anon_rss,
    lift_address_space_limit,
    limit_address_space,
    peak_rss,
)
from citygraph.sparql.remote import RemoteSettings, RemoteStore

_CONTEXT = multiprocessing.get_context("spawn")
log = logging.getLogger("citygraph.query")


@dataclass(frozen=True)
class ExecutorSettings:
    store_root: Path
    prefixes: dict[str, str]
    timeout: float
    remote: RemoteSettings | None = None  # set: evaluate on a remote SPARQL server
    memory_limit: int = 0  # bytes a query process may hold (0: no limit), see memory.py
    inline_jobs: int = 0  # cheap jobs remembered for evaluation in this process (inline.py)


def _child(conn: Connection, settings: ExecutorSettings) -> None:
    """Child loop: reopen the store when ``current`` moves, evaluate, reply."""
    from citygraph.store import StoreDir, open_read_only

    die_with_parent()

    store_dir = StoreDir(settings.store_root)
    remote = RemoteStore(settings.remote) if settings.remote else None
    if remote is None and not isolate_network():
        log.warning(
            "query process not isolated from the network (unshare unavailable)")
    target, store = "", None
    if remote is None:  # open the store before saying ready: a query's budget is for the query
        with contextlib.suppress(CitygraphError, OSError):
            target = str(store_dir.current_build().path)
            store = open_read_only(Path(target))
    limit_address_space(settings.memory_limit)
    conn.send(("ready", None))
    while True:
        try:
            job: QueryJob = conn.recv()
        except EOFError:
            return
        try:
            started = time.process_time()  # the job's CPU time: what inline.py learns from
            if remote is not None:
                answer = remote.evaluate(job, settings.prefixes)
                conn.send(("ok", (answer, time.process_time() - started)))
                continue
            # The build named by the job, so an answer never mixes a build swapped in
            # meanwhile with the ETag of the one the web process saw.
            wanted = job.build_path or str(store_dir.current_build().path)
            if store is None or wanted != target:
                store, target = None, wanted
                lift_address_space_limit()
                store = open_read_only(Path(wanted))
                limit_address_space(settings.memory_limit)
            answer = evaluate(store, job, settings.prefixes)
            conn.send(("ok", (answer, time.process_time() - started)))
        except CitygraphError as exc:
            # Type, status, code and headers (Retry-After…) survive the pipe.
            conn.send(("error", (type(exc).__name__, exc.message, exc.status, exc.code,
                                 exc.headers)))
        except Exception as exc:  # reported as a 500 without details
            conn.send(("crash", f"{type(exc).__name__}: {exc}"))
        except BaseException as exc:  # a Rust panic in Oxigraph (pyo3 PanicException)
            if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
                raise
            conn.send(("crash", f"{type(exc).__name__}: {exc}"))


class QueryProcess:
    def __init__(self, settings: ExecutorSettings) -> None:
        parent, child = _CONTEXT.Pipe()
        self.conn = parent
        # One poll object per process: Connection.poll builds a selector on every call.
        self._poller = select.poll()
        self._poller.register(parent.fileno(), select.POLLIN)
        self.process: BaseProcess = _CONTEXT.Process(
            target=_child, args=(child, settings), daemon=True, name="citygraph-query")
        self.process.start()
        child.close()
        self.ready = False
        self.baseline = 0  # anonymous bytes once ready: a query's memory is what it adds
        self.baseline_peak = 0  # peak resident bytes once ready

    def wait_ready(self, seconds: float) -> bool:
        """Wait until the child has started and opened the store (its first message)."""
        try:
            if not self.ready and self.conn.poll(seconds):
                self.ready = self.conn.recv()[0] == "ready"
                self.baseline = anon_rss(self.process.pid or 0)
                self.baseline_peak = peak_rss(self.process.pid or 0)
        except (EOFError, OSError):
            return False  # the child died while starting
        return self.ready

    def memory_used(self) -> int:
        """Anonymous bytes beyond the process's own at start: what its queries hold."""
        return max(anon_rss(self.process.pid or 0) - self.baseline, 0)

    def peak_used(self) -> int:
        """How far its peak resident size (VmHWM) rose above the peak it had when ready.
        Read from /proc: getrusage(2)'s ru_maxrss would also count the parent's memory at the
        fork before the child's exec."""
        return max(peak_rss(self.process.pid or 0) - self.baseline_peak, 0)

    def answered(self, seconds: float) -> bool:
        """Whether the answer (or the end of the pipe) arrives within ``seconds``."""
        return bool(self._poller.poll(max(seconds, 0) * 1000))

    def set_priority(self, niceness: int) -> bool:
        """Renice the query process; False when that is not allowed (raising needs root)."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid or 0, niceness)
        except OSError:
            return False
        return True

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()
