"""Run the app under gunicorn: worker processes over one read-only on-disk store.

Python code holds the GIL, so throughput scales with processes, not threads (Oxigraph
releases it while it evaluates, and queries run in query processes anyway).
Each worker builds its own app after the fork (no store or query process is shared).
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import sys
import threading
import time
from collections import Counter
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import ThreadWorker

from citygraph.balance import Seat, Table
from citygraph.config import Config
from citygraph.errors import ConfigError
from citygraph.sparql.memory import MB, MIN_QUERY_BYTES
from citygraph.web.query import is_loopback


class RequestReadTimeout(TimeoutError):
    """The client did not send its request within its read deadline."""


class DeadlineSocket:
    """A client socket whose reads share one deadline per request; writes are not limited.

    The socket stays blocking: a read takes what has arrived at once (one system call, the
    usual case on a kept-alive connection) and otherwise waits for more with poll(2), only
    until the deadline. Switching the socket's timeout on and off around each read cost four
    more system calls per read, each a chance for another thread to take the GIL."""

    def __init__(self, sock: socket.socket, seconds: float) -> None:
        self._sock, self.seconds = sock, seconds
        self.deadline = time.monotonic() + seconds

    def restart(self) -> None:
        self.deadline = time.monotonic() + self.seconds

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.deadline

    def _left(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise RequestReadTimeout(f"request not received within {self.seconds:g} s")
        return left

    def recv(self, size: int, *flags: int) -> bytes:
        flag = flags[0] if flags else 0
        try:
            return self._sock.recv(size, flag | socket.MSG_DONTWAIT)
        except BlockingIOError:
            pass
        poller = select.poll()
        poller.register(self._sock.fileno(), select.POLLIN)
        if not poller.poll(self._left() * 1000):
            raise RequestReadTimeout(f"request not received within {self.seconds:g} s")
        return self._sock.recv(size, flag)  # readable (data, end or error): does not block

    def recv_into(self, buffer: Any, *args: int) -> int:
        data = self.recv(len(buffer) if not args or not args[0] else args[0])
        buffer[:len(data)] = data
        return len(data)

    def __getattr__(self, name: str) -> Any:  # fileno, sendall, close, setblocking …
        return getattr(self._sock, name)


BUSY = (b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Type: text/plain\r\n"
        b"Content-Length: 53\r\nConnection: close\r\n\r\n"
        b"429 too_many_requests: too many requests in progress\n")


# After answering on a kept-alive connection, a request thread waits this long for the
# connection's next request before handing it back to the poller: a client sending requests
# one after another (a script, a harvester, a load generator) then skips the hand-over to the
# main loop and back to a thread (a pipe write, two poller registrations, a future and two
# thread wake-ups per request). Not when another connection waits for a thread, and not for
# more than KEEPALIVE_RUN requests in a row.
LINGER = 0.002
KEEPALIVE_RUN = 100
PAUSE_POLL = 0.01


class ReadLimitedWorker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's threaded worker with a deadline for reading each request (config
    request_read_seconds) and a limit on the requests one address has in progress
    (max_client_connections): a slow sender (one byte every few seconds) would otherwise hold
    request threads for as long as it likes, reconnecting when cut off."""

    def init_process(self) -> None:
        self._config = getattr(self.app, "citygraph_config", None) or Config()
        self._in_progress: Counter[str] = Counter()
        self._count_lock = threading.Lock()
        table: Table | None = getattr(self.app, "citygraph_balance", None)
        self._seat = Seat(table, os.getpid()) if table is not None else None
        self._held_back = False  # not taking connections while a peer holds fewer
        super().init_process()

    def notify(self) -> None:
        """Called on every turn of the worker's loop: publish the connections held, and stop
        taking new ones while a live peer holds fewer (balance.py)."""
        super().notify()
        if self._seat is not None:
            self._seat.publish(self.nr_conns)
            if self._accepting:
                self.set_accept_enabled(True)  # held back now if a peer holds fewer

    def set_accept_enabled(self, enabled: bool) -> None:
        self._held_back = (enabled and self._seat is not None
                           and not self._seat.may_accept(self.nr_conns))
        super().set_accept_enabled(enabled and not self._held_back)

    def accept(self, listener: Any) -> None:
        super().accept(listener)
        if self._seat is not None:  # at once: peers compare with it
            self._seat.publish(self.nr_conns)

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        """A worker held back looks again every PAUSE_POLL seconds, not once a second: its
        peers may meanwhile have taken more connections than it holds."""
        super().wait_for_and_dispatch_events(PAUSE_POLL if self._held_back else timeout)

    def run(self) -> None:
        try:
            super().run()
        finally:
            if self._seat is not None:
                self._seat.release()

    def finish_request(self, conn: Any, fs: Any) -> None:
        """A refused connection, or one whose sender ran out of time, is closed at once:
        gunicorn's graceful close waits up to 2 s for the client to stop sending, in the
        worker's main loop, which a slow sender would otherwise stall for everyone."""
        done = not fs.cancelled() and fs.exception() is None and not fs.result()
        if done and (getattr(conn, "refused", False) or conn.sock.expired):
            self.nr_conns -= 1
            conn.close(graceful=False)
            return
        super().finish_request(conn, fs)

    def _limit(self, peer: str) -> int:
        """No limit behind trusted proxies (every connection comes from one) and, as for fair
        use, for loopback clients unless fair_use_loopback is set."""
        if self._config.proxy_hops:
            return 0
        if is_loopback(peer) and not self._config.fair_use_loopback:
            return 0
        return self._config.max_client_connections

    def enqueue_req(self, conn: Any) -> None:
        if not isinstance(conn.sock, DeadlineSocket):
            conn.sock = DeadlineSocket(conn.sock, self._config.request_read_seconds)
        super().enqueue_req(conn)

    def handle(self, conn: Any) -> Any:
        """Serve the request, then the next ones on the same kept-alive connection while they
        follow at once (LINGER) and no other connection waits for a thread."""
        result = self._handle_one(conn)
        served = 1
        while result is True and served < KEEPALIVE_RUN and self.alive and self._next_soon(conn):
            result = self._handle_one(conn)
            served += 1
        return result

    def _next_soon(self, conn: Any) -> bool:
        if conn.parser.unreader.buf.getvalue():
            return False  # finish_request hands buffered bytes on
        queue = getattr(self.tpool, "_work_queue", None)
        if queue is not None and not queue.empty():
            return False
        poller = select.poll()
        poller.register(conn.sock.fileno(), select.POLLIN)
        return bool(poller.poll(LINGER * 1000))

    def _handle_one(self, conn: Any) -> Any:
        peer = str(conn.client[0]) if isinstance(conn.client, tuple) else str(conn.client)
        limit = self._limit(peer)
        with self._count_lock:
            busy = bool(limit) and self._in_progress[peer] >= limit
            if not busy:
                self._in_progress[peer] += 1
        if busy:
            with contextlib.suppress(OSError):
                conn.sock.sendall(BUSY)
            conn.refused = True
            return False  # closed by finish_request
        conn.sock.restart()  # a new request (or the next one on a kept-alive connection)
        try:
            return super().handle(conn)
        finally:
            with self._count_lock:
                self._in_progress[peer] -= 1
                if self._in_progress[peer] <= 0:
                    del self._in_progress[peer]


class Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, config: Config) -> None:
        self.citygraph_config = config
        self.citygraph_balance = Table()  # before the fork: every worker shares it
        super().__init__()

    def load_config(self) -> None:
        settings = {
            "bind": f"{self.citygraph_config.host}:{self.citygraph_config.port}",
            "workers": self.citygraph_config.workers,
            # Threads only wait on query processes (evaluation happens there, outside the
            # GIL of the web process), so a few runaway queries cannot occupy every worker.
            "worker_class": "citygraph.server.ReadLimitedWorker",
            "threads": self.citygraph_config.threads,
            "timeout": int(self.citygraph_config.query_timeout) + 30,
            "graceful_timeout": 10,
            # Long GET queries: up to 8 KB of request line; longer ones go by POST.
            "limit_request_line": 8190,
            "accesslog": "-",
            "logger_class": "citygraph.accesslog.AccessLogger",
            "errorlog": "-",
            "loglevel": "info",
            "post_worker_init": _warm_up,
            "worker_exit": _end_worker,
            "control_socket_disable": True,  # several servers on one host must not share it
            # X-Forwarded-Proto and a SCRIPT_NAME header are trusted from no address here;
            # behind proxy_hops trusted proxies, ProxyFix in the app reads X-Forwarded-*.
            # Links never follow a header that is not part of the cache key (SECURITY.md).
            "forwarded_allow_ips": "",
        }
        for key, value in settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from citygraph.app import create_app

        return create_app(self.citygraph_config)


def _warm_up(worker: Any) -> None:
    """Start and warm the query processes and the store before the worker takes requests
    (gunicorn calls this before the worker's loop), so the first query is not the slow one."""
    app = worker.wsgi
    runtime = getattr(app, "extensions", {}).get("citygraph")
    if runtime is not None:
        runtime.warm_up()
        worker.log.info("citygraph: query processes and store warmed up")


def _end_worker(server: Any, worker: Any) -> None:
    """A stopping worker writes the access lines it still holds (accesslog.py) and its
    output, then ends at once: in the interpreter's own shutdown, the native code the worker
    has loaded (Oxigraph's RocksDB) crashed the process (SIGSEGV, SIGABRT) after its work was
    done. Its query processes end with it (``isolation.die_with_parent``)."""
    flush = getattr(worker.log, "flush_access", None)
    if flush is not None:
        flush()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(0)


def can_isolate_network() -> bool:
    """Whether a query process here can get a network namespace of its own: tried in a
    forked child, so this process keeps its network."""
    from citygraph.sparql.isolation import isolate_network

    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os._exit(0 if isolate_network() else 1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def check_startup(config: Config) -> None:
    """Refuse to start with limits that cannot hold (SECURITY.md)."""
    share = config.query_memory_bytes
    if share < MIN_QUERY_BYTES:
        raise ConfigError(
            f"memory_budget {config.memory_budget} MB leaves {share // MB} MB per query process "
            f"for {config.workers} workers x {config.threads} threads; at least "
            f"{MIN_QUERY_BYTES // MB} MB are needed: raise memory_budget or lower workers/threads")
    if config.backend == "oxigraph" and not config.allow_query_network \
            and not can_isolate_network():
        raise ConfigError(
            "query processes cannot be cut off from the network here (no network namespace: "
            "unshare(2) needs root or unprivileged user namespaces); set allow_query_network "
            "= true to rely on the SERVICE check alone")


def serve(config: Config) -> None:
    check_startup(config)
    Server(config).run()
