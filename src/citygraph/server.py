"""Run the app under gunicorn: worker processes over one read-only on-disk store.

pyoxigraph holds the GIL while it evaluates, so throughput scales with processes, not threads.
Each worker builds its own app after the fork (no store or query process is shared).
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.app.base import BaseApplication

from citygraph.config import Config
from citygraph.errors import ConfigError
from citygraph.sparql.memory import MB, MIN_QUERY_BYTES


class Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, config: Config) -> None:
        self.citygraph_config = config
        super().__init__()

    def load_config(self) -> None:
        settings = {
            "bind": f"{self.citygraph_config.host}:{self.citygraph_config.port}",
            "workers": self.citygraph_config.workers,
            # Threads only wait on query processes (evaluation happens there, outside the
            # GIL of the web process), so a few runaway queries cannot occupy every worker.
            "worker_class": "gthread",
            "threads": self.citygraph_config.threads,
            "timeout": int(self.citygraph_config.query_timeout) + 30,
            "graceful_timeout": 10,
            # Long GET queries: up to 8 KB of request line; longer ones go by POST.
            "limit_request_line": 8190,
            "accesslog": "-",
            "errorlog": "-",
            "loglevel": "info",
            "post_worker_init": _warm_up,
            "control_socket_disable": True,  # several servers on one host must not share it
        }
        for key, value in settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from citygraph.app import create_app

        return create_app(self.citygraph_config)


def _warm_up(worker: Any) -> None:
    """Start the query process before the first request arrives."""
    app = worker.wsgi
    runtime = getattr(app, "extensions", {}).get("citygraph")
    if runtime is not None:
        runtime.executor.warm_up()


def can_isolate_network() -> bool:
    """Whether a query process here can get a network namespace of its own: tried in a
    forked child, so this process keeps its network."""
    from citygraph.sparql.executor import isolate_network

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
