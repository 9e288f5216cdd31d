"""Run the app under gunicorn: worker processes over one read-only on-disk store.

pyoxigraph holds the GIL while it evaluates, so throughput scales with processes, not threads.
Each worker builds its own app after the fork (no store or query process is shared).
"""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from citygraph.config import Config


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
    """Start and warm the query processes and the store before the worker takes requests
    (gunicorn calls this before the worker's loop), so the first query is not the slow one."""
    app = worker.wsgi
    runtime = getattr(app, "extensions", {}).get("citygraph")
    if runtime is not None:
        runtime.warm_up()
        worker.log.info("citygraph: query processes and store warmed up")


def serve(config: Config) -> None:
    Server(config).run()
