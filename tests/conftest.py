"""Shared fixtures: a store built from the project's real data, apps and live servers.

Stores and servers are built once per session in temporary directories; servers listen on
127.0.0.1 only and are stopped at the end of the session.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from citygraph.app import create_app
from citygraph.config import Config, load_config

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
W3C_DIR = Path(__file__).resolve().parent / "w3c_protocol"


def run_cli(*args: str, env: dict[str, str] | None = None, check: bool = False,
            input: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the real ``citygraph`` command line in a subprocess."""
    full_env = {**os.environ, **(env or {})}
    result = subprocess.run([sys.executable, "-m", "citygraph", *args], capture_output=True,
                            text=True, env=full_env, cwd=ROOT, input=input, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"citygraph {' '.join(args)} failed:\n{result.stderr}")
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built from ontology/, data/ and shapes/ with `citygraph build`."""
    store = tmp_path_factory.mktemp("store") / "store"
    run_cli("build", "--store", str(store), check=True)
    return store


@pytest.fixture(scope="session")
def config(store_dir: Path) -> Config:
    return load_config(env={}, store=store_dir, project_dir=ROOT, fair_use_loopback=False,
                       query_timeout=5.0)


@pytest.fixture()
def app(config: Config) -> Iterator[object]:
    application = create_app(config)
    yield application
    application.extensions["citygraph"].executor.close()


@pytest.fixture()
def client(app: object) -> object:
    return app.test_client()  # type: ignore[attr-defined]


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
         str(port), "--workers", "2"], env=full_env, cwd=ROOT,
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


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for every browser test (tests/browser_harness.py)."""
    from tests.browser_harness import browser_session

    with browser_session() as driver:
        yield driver


@pytest.fixture(scope="session")
def live_server(store_dir: Path) -> Iterator[LiveServer]:
    server = start_server(store_dir)
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def protocol_server(store_dir: Path, tmp_path_factory: pytest.TempPathFactory
                    ) -> Iterator[LiveServer]:
    """A server whose store also holds the W3C protocol test data as named graphs."""
    if not W3C_DIR.is_dir():
        pytest.skip(f"W3C protocol test data not found at {W3C_DIR}")
    store = tmp_path_factory.mktemp("protocol") / "store"
    shutil.copytree(store_dir, store, symlinks=True)
    for name in ("data1", "data2", "data3"):
        run_cli("add", "--graph", f"http://kasei.us/2009/09/sparql/data/{name}.rdf",
                str(W3C_DIR / f"{name}.nt"), "--store", str(store), check=True)
    server = start_server(store)
    yield server
    stop_server(server)
