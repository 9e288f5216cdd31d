"""`citygraph serve` refuses limits it cannot keep: no empty network namespace for the query
processes (unless allow_query_network), a memory budget too small for its processes."""

from __future__ import annotations

import pytest

from citygraph.config import Config
from citygraph.errors import ConfigError
from citygraph.server import can_isolate_network, check_startup


def test_serve_refuses_to_start_without_network_isolation(monkeypatch: pytest.MonkeyPatch,
                                                          config: Config) -> None:
    # as on a host without user namespaces: unshare(2) fails in the probe (a forked child)
    monkeypatch.setattr("citygraph.sparql.isolation.isolate_network", lambda: False)
    assert not can_isolate_network()
    with pytest.raises(ConfigError, match="allow_query_network"):
        check_startup(config)
    check_startup(config.replace(allow_query_network=True))  # the operator's explicit choice


def test_a_budget_too_small_for_the_processes_is_refused(config: Config) -> None:
    with pytest.raises(ConfigError, match="memory_budget 1000 MB leaves"):
        check_startup(config.replace(memory_budget=1000, workers=4, threads=8))
    check_startup(config.replace(memory_budget=1000, workers=1, threads=2))
