"""The access log of `citygraph serve`: Apache's combined format, written in batches.

gunicorn's logger makes an atom for every request header, response header and WSGI environ
entry, formats the line through the logging module and flushes the stream after each request:
together a sixth of what a cached answer costs. For the default format this logger makes only
the atoms the line names and gathers the lines of a worker, writing them at most
FLUSH_SECONDS after the first of them or once BATCH_BYTES have gathered, as nginx's
``access_log … buffer= flush=`` does. The lines and their order are gunicorn's; a worker
killed outright (SIGKILL) loses at most FLUSH_SECONDS of lines, a worker that stops writes
them before it exits. Any other format or handler keeps gunicorn's own path.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any, TextIO

from gunicorn.config import AccessLogFormat
from gunicorn.glogging import Logger

FLUSH_SECONDS = 0.5
BATCH_BYTES = 64 * 1024


class Batch:
    """Lines for one stream, written together by the request that passes a limit or by a
    timer thread of the process (started after gunicorn forks the worker)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._lines: list[str] = []
        self._size = 0
        self._first = 0.0
        self._lock = threading.Lock()
        self._timer_pid = 0

    def add(self, line: str) -> None:
        with self._lock:
            now = time.monotonic()
            if not self._lines:
                self._first = now
            self._lines.append(line)
            self._size += len(line)
            due = self._size >= BATCH_BYTES or now - self._first >= FLUSH_SECONDS
            if due:
                self._write()
            elif self._timer_pid != os.getpid():
                self._timer_pid = os.getpid()
                threading.Thread(target=self._tick, daemon=True,
                                 name="citygraph-access-log").start()

    def flush(self) -> None:
        with self._lock:
            self._write()

    def _write(self) -> None:
        """Under the lock, so batches reach the stream in the order their lines were made."""
        lines, self._lines, self._size = self._lines, [], 0
        if lines:
            try:
                self.stream.write("".join(lines))
                self.stream.flush()
            except (OSError, ValueError):  # a closed or broken log: requests go on
                pass

    def _tick(self) -> None:
        while True:
            time.sleep(FLUSH_SECONDS)
            self.flush()


class AccessLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger; the default access line is made and written as described above."""

    _batch: Batch | None = None

    def setup(self, cfg: Any) -> None:
        if self._batch is not None:
            self._batch.flush()
        super().setup(cfg)
        handlers = self.access_log.handlers
        stream = getattr(handlers[0], "stream", None) if len(handlers) == 1 else None
        plain = type(handlers[0]) in (logging.StreamHandler, logging.FileHandler) \
            if handlers else False
        self._batch = Batch(stream) if plain and stream is not None else None

    def flush_access(self) -> None:
        if self._batch is not None:
            self._batch.flush()

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        if self._batch is None or self.cfg.access_log_format != AccessLogFormat.default:
            super().access(resp, req, environ, request_time)
            return
        # As gunicorn's SafeAtoms: a quote inside a value is escaped, so fields stay apart.
        a = {k: v.replace('"', '\\"') for k, v in self.atoms(resp, req, environ,
                                                               request_time).items()}
        self._batch.add(f'{a["h"]} {a["l"]} {a["u"]} {a["t"]} "{a["r"]}" {a["s"]} {a["b"]} '
                        f'"{a["f"]}" "{a["a"]}"\n')

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any
              ) -> dict[str, Any]:
        """For the default format only the atoms that line names (as strings)."""
        if self.cfg.access_log_format != AccessLogFormat.default:
            return super().atoms(resp, req, environ, request_time)  # type: ignore[no-any-return]
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        sent = getattr(resp, "sent", None)
        return {"h": environ.get("REMOTE_ADDR", "-"), "l": "-",
                "u": self._get_user(environ) or "-", "t": self.now(),
                "r": f"{environ['REQUEST_METHOD']} {environ['RAW_URI']} "
                     f"{environ['SERVER_PROTOCOL']}",
                "s": str(status), "b": "-" if sent is None else str(sent),
                "f": environ.get("HTTP_REFERER", "-"), "a": environ.get("HTTP_USER_AGENT", "-")}
