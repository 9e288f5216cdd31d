"""Shared fixtures: a store built from the project's real data, apps and live servers (the
helpers they use live in tests/helpers.py).

Stores and servers are built once per session in temporary directories; servers listen on
127.0.0.1 only and are stopped at the end of the session.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from citygraph.app import create_app
from citygraph.config import Config, load_config
from tests.helpers import ROOT, W3C_DIR, LiveServer, run_cli, start_server, stop_server


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
def make_app(config: Config) -> Iterator[Callable[..., Any]]:
    """Apps with some settings changed; their query processes are closed after the test."""
    apps: list[Any] = []

    def make(**changes: Any) -> Any:
        application = create_app(config.replace(**changes))
        apps.append(application)
        return application

    yield make
    for application in apps:
        application.extensions["citygraph"].executor.close()


@pytest.fixture()
def client(app: object) -> object:
    return app.test_client()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def module_app(config: Config) -> Iterator[object]:
    """One app for a module whose tests only read: a new app per test starts a new query
    process per test. Such a module's ``client`` fixture takes a fresh test client (its own
    cookies) of this app."""
    application = create_app(config)
    yield application
    application.extensions["citygraph"].executor.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for every browser test (tests/browser_harness.py)."""
    from tests.browser_harness import open_browser

    with open_browser() as driver:
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
