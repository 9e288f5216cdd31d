"""Helpers of the tests: paths, the command line (in-process with click's CliRunner, or as a
real subprocess where a crash or a kill is tested), live servers and the one HTML checker.

Imported by the test modules and by conftest.py (which only defines fixtures).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import requests
from click.testing import CliRunner

from citygraph.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
W3C_DIR = Path(__file__).resolve().parent / "w3c_protocol"


def run_cli(*args: str, env: dict[str, str] | None = None, check: bool = False,
            input: str | None = None, timeout: float = 300, process: bool = False
            ) -> subprocess.CompletedProcess[str]:
    """Run the ``citygraph`` command line: in this process with click's CliRunner (the same
    code from argument parsing to exit status, without starting an interpreter), or with
    ``process=True`` as a real subprocess, where a crash, a kill or a resource limit is tested.
    """
    if process:
        full_env = {**os.environ, **(env or {})}
        result = subprocess.run([sys.executable, "-m", "citygraph", *args], capture_output=True,
                                text=True, env=full_env, cwd=ROOT, input=input, timeout=timeout)
    else:
        ran = CliRunner().invoke(main, list(args), env=env, input=input)
        if ran.exception is not None and not isinstance(ran.exception, SystemExit):
            raise ran.exception  # a traceback in a test is a bug; show it as one
        result = subprocess.CompletedProcess(["citygraph", *args], ran.exit_code, ran.stdout,
                                             ran.stderr)
    if check and result.returncode != 0:
        raise AssertionError(f"citygraph {' '.join(args)} failed:\n{result.stderr}")
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    store: Path

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"


def start_server(store: Path, **env: str) -> LiveServer:
    port = free_port()
    full_env = {**os.environ, "CITYGRAPH_QUERY_TIMEOUT": "3", **env}
    process = subprocess.Popen(
        [sys.executable, "-m", "citygraph", "serve", "--store", str(store), "--port",
         str(port), "--workers", env.get("CITYGRAPH_WORKERS", "2")], env=full_env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/healthz", timeout=1).status_code == 200:
                return LiveServer(url, process, store)
        except (requests.ConnectionError, requests.Timeout):
            pass  # gunicorn accepts connections before its workers are ready
        if process.poll() is not None:
            raise RuntimeError(f"citygraph serve exited with {process.returncode}")
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("citygraph serve did not become healthy within 60 s")


def serve_logged(store: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`citygraph serve` with one worker of two threads, everything it prints going to
    ``log``; returns the process and its URL once /healthz answers (or 90 s have passed)."""
    port = free_port()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "citygraph", "serve", "--store", str(store), "--port",
             str(port), "--workers", "1"], env={**os.environ, "CITYGRAPH_THREADS": "2"},
            cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                break
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    return process, url


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()


# HTML elements without an end tag (https://html.spec.whatwg.org/#void-elements).
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                 "source", "track", "wbr"}


class TagBalance(HTMLParser):
    """Records tags that are closed out of order or never closed (void elements excepted)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID_ELEMENTS:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass  # <x/> opens and closes

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> at {self.getpos()} closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()


def assert_well_formed(html: str) -> None:
    """The one HTML checker: every element closed, in order."""
    parser = TagBalance()
    parser.feed(html)
    parser.close()
    assert not parser.errors, parser.errors[:5]
    assert not parser.stack, f"never closed: {parser.stack}"
