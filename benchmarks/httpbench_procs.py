"""Processes of the HTTP benchmark: each started in a session of its own and stopped by its
process group id (server, workers, query children), also on Ctrl-C or an error."""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from httpbench_queries import Query, Target, fetch, to_request


class Skip(Exception):
    """A server or tool that cannot run here; the run goes on without it."""


@dataclass
class Server:
    target: Target
    process: subprocess.Popen[bytes]
    log: Path
    prepare: Callable[[], str] | None = None  # after it is ready: load data; returns a note
    shutdown: Callable[[], None] | None = None  # a clean stop before the signal
    owned: bool = True  # False: a shared process (Virtuoso), stopped by its owner

    def stop(self) -> None:
        if not self.owned:
            return
        if self.shutdown is not None and self.process.poll() is None:
            with contextlib.suppress(Exception):
                self.shutdown()
                self.process.wait(timeout=20)
        _stop_group(self.process)

    def rss_mb(self) -> float:
        return group_rss_mb(self.process.pid)


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the group this script created (server, workers, query children), then KILL."""
    for sig, wait in ((signal.SIGTERM, 15.0), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=wait)
            if not _group_alive(process.pid):
                return


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def group_rss_mb(pgid: int) -> float:
    """Resident memory of every process in the group (Linux /proc)."""
    total = 0
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(stat[2]) == pgid:  # field 5 (pgrp), counted after the command name
                total += int((entry / "statm").read_text().split()[1]) * page
    return total / 1e6


def launch(cmd: list[str], log: Path, env: dict[str, str] | None = None,
           cwd: Path | None = None) -> subprocess.Popen[bytes]:
    with open(log, "ab") as handle:
        return subprocess.Popen(cmd, stdout=handle, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                                start_new_session=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_ready(server: Server, seconds: float) -> None:
    probe = to_request(server.target, Query("ask", "ASK { ?s ?p ?o }", "GET"))
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise Skip(f"exited with status {server.process.returncode}; see {server.log.name}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if fetch(server.target.port, probe, timeout=5)[0] == 200:
                return
        time.sleep(0.3)
    raise Skip(f"not ready after {seconds:.0f} s; see {server.log.name}")


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without the caller's CITYGRAPH_* settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITYGRAPH_")}
    return {**env, **extra}



def ensure_tool(binary: str, package: str, install: bool) -> str:
    """Path of a Debian tool; apt-get installs it when allowed, else Skip."""
    found = shutil.which(binary)
    if found or not install or os.geteuid() != 0 or not shutil.which("apt-get"):
        if found:
            return found
        raise Skip(f"{binary} not found (apt-get install -y {package})")
    print(f"installing {package} with apt-get (--no-install to skip)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    result = subprocess.run(["apt-get", "install", "-y", "-q", package], env=env,
                            capture_output=True, timeout=600)
    found = shutil.which(binary)
    if result.returncode != 0 or not found:
        raise Skip(f"apt-get install {package} failed: {result.stderr.decode()[-200:].strip()}")
    return found

