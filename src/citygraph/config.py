"""Configuration: defaults, then a TOML file, then ``CITYGRAPH_*`` environment variables."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citygraph.errors import ConfigError

ENV_PREFIX = "CITYGRAPH_"
PACKAGE_DIR = Path(__file__).resolve().parent


def default_store_dir() -> Path:
    """The per-user data directory (XDG Base Directory Specification)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "citygraph" / "store"


def default_project_dir() -> Path:
    """Where ontology/, data/ and shapes/ live: the wheel's bundled copy, else the source tree."""
    bundled = PACKAGE_DIR / "_graph"
    if (bundled / "ontology").is_dir():
        return bundled
    source_tree = PACKAGE_DIR.parent.parent
    if (source_tree / "ontology").is_dir():
        return source_tree
    return Path.cwd()


def _help(text: str) -> dict[str, str]:
    return {"help": text}


@dataclass(frozen=True)
class Config:
    """Every setting of citygraph. Each field documents itself in its metadata."""

    store: Path = field(default_factory=default_store_dir,
                        metadata=_help("Directory of the embedded Oxigraph store."))
    project_dir: Path = field(default_factory=default_project_dir,
                              metadata=_help("Directory holding ontology/, data/ and shapes/."))
    data_dir: Path | None = field(default=None, metadata=_help(
        "Directory of the data files (one dataset description and the facts); default: "
        "data/ of project_dir. The ontology and the shapes are always the project's own."))
    base_iri: str = field(default="https://w3id.org/citygraph/",
                          metadata=_help("Base IRI of all data IRIs (ends with '/')."))
    public_url: str = field(default="",
                            metadata=_help("Public URL of the server; empty: taken from requests."))
    host: str = field(default="127.0.0.1", metadata=_help("Interface the server listens on."))
    port: int = field(default=8000, metadata=_help("TCP port the server listens on."))
    workers: int = field(default=2, metadata=_help("Number of server worker processes."))
    threads: int = field(default=8, metadata=_help(
        "Request threads per worker; each waits on its own query process, so a runaway "
        "query does not block the worker."))
    query_timeout: float = field(default=30.0,
                                 metadata=_help("Seconds after which a query is stopped."))
    max_query_length: int = field(default=20_000,
                                  metadata=_help("Longest accepted query, in characters."))
    max_triple_patterns: int = field(default=120,
                                     metadata=_help("Most triple patterns accepted in one query."))
    max_rows: int = field(default=10_000,
                          metadata=_help("Most result rows or triples returned for one query."))
    cache_entries: int = field(default=512,
                               metadata=_help("Query results kept per worker (0 disables)."))
    inline_jobs: int = field(default=1024, metadata=_help(
        "Queries per worker remembered as cheap (a query process answered the same query on "
        "the same build in at most 10 ms of CPU and 8 MB, query of at most 2,000 characters); "
        "these are evaluated in the web "
        "process, without the round trip to a query process (0: always a query process)."))
    fair_use_seconds: float = field(
        default=120.0, metadata=_help("Query seconds one client may use per window (0: off)."))
    fair_use_window: float = field(default=60.0,
                                   metadata=_help("Length of the fair-use window, in seconds."))
    memory_budget: int = field(default=3072, metadata=_help(
        "MB all citygraph processes of `serve` may hold together in the worst case (workers, "
        "their caches and bodies, one query process per thread); the default fits a 4 GB host."))
    query_memory: int = field(default=0, metadata=_help(
        "MB one query process may hold; 0: its share of memory_budget. A query over it is "
        "stopped (503 query_memory_limit) and its process replaced."))
    cache_mb: int = field(default=32, metadata=_help(
        "MB of query results cached per worker (keys and bodies; 0 disables)."))
    max_body_bytes: int = field(default=262_144, metadata=_help(
        "Largest request body accepted, in bytes (413 beyond)."))
    allow_query_network: bool = field(default=False, metadata=_help(
        "Let `serve` start where query processes cannot be cut off from the network (no "
        "network namespace); SERVICE is then refused by the query check alone."))
    request_read_seconds: float = field(default=10.0, metadata=_help(
        "Seconds a client has to send one request (line, headers, body); slower ones are cut "
        "off (408 once the body is being read), so slow senders cannot hold request threads."))
    max_client_connections: int = field(default=4, metadata=_help(
        "Requests one client address may have in progress per worker process (0: no limit; "
        "not applied behind proxy_hops, nor to loopback unless fair_use_loopback); more are "
        "answered 429 at once."))
    max_client_queries: int = field(default=2, metadata=_help(
        "Queries one client may run at once per worker process (0: no limit); more are "
        "answered 429 at once."))
    fair_use_loopback: bool = field(
        default=False, metadata=_help("Apply fair use to loopback clients too."))
    proxy_hops: int = field(default=0, metadata=_help(
        "Reverse proxies in front of the server whose X-Forwarded-For/-Proto/-Host headers "
        "are trusted (0: none; clients could forge them)."))
    metrics_networks: str = field(default="127.0.0.0/8,::1/128", metadata=_help(
        "Comma-separated networks (CIDR) whose clients may read /metrics; others get 403."))
    slow_query_seconds: float = field(
        default=1.0, metadata=_help("Queries slower than this are logged."))
    backend: str = field(default="oxigraph",
                         metadata=_help("'oxigraph' (embedded store) or 'sparql' (remote server)."))
    sparql_query_url: str = field(default="",
                                  metadata=_help("Remote backend: SPARQL query endpoint URL."))
    sparql_update_url: str = field(default="",
                                   metadata=_help("Remote backend: SPARQL update endpoint URL."))
    sparql_graph_store_url: str = field(
        default="", metadata=_help("Remote backend: Graph Store Protocol URL for uploads "
                                   "(e.g. Virtuoso's /sparql-graph-crud)."))
    sparql_user: str = field(default="", metadata=_help("Remote backend: user name."))
    sparql_password: str = field(default="", metadata=_help("Remote backend: password."))
    map_tile_url: str = field(default="", metadata=_help(
        "Online map tiles under the points, e.g. https://tile.example.org/{z}/{x}/{y}.png "
        "(placeholders {z}, {x}, {y}); empty (default): only the offline basemap, and no page "
        "contacts another host. When set, visitors' browsers fetch tiles from that host."))
    map_tile_attribution: str = field(default="", metadata=_help(
        "Attribution shown under maps drawn over map_tile_url (required with it), e.g. "
        "'© OpenStreetMap contributors'."))
    changes_kept: int = field(default=10, metadata=_help(
        "Change sets of the last builds kept and published under /changes (at least 3)."))
    changes_max_triples: int = field(default=2_000_000, metadata=_help(
        "Builds larger than this get no change set (it would need both builds in memory); "
        "harvesters fetch the dumps instead."))

    @property
    def query_memory_bytes(self) -> int:
        """Bytes one query process may hold: query_memory, else its share of the budget."""
        from citygraph.sparql.memory import MB, query_share

        if self.query_memory > 0:
            return self.query_memory * MB
        return query_share(self.memory_budget, self.workers, max(self.threads, 1),
                           self.cache_mb * MB, self.max_body_bytes)

    @property
    def ontology_dir(self) -> Path:
        return self.project_dir / "ontology"

    @property
    def data_path(self) -> Path:
        """The data files' directory in effect: ``data_dir``, else ``project_dir/data``."""
        return self.data_dir if self.data_dir is not None else self.project_dir / "data"

    @property
    def shapes_dir(self) -> Path:
        return self.project_dir / "shapes"

    def replace(self, **changes: Any) -> Config:
        """A copy with some fields changed (values are converted like environment values)."""
        return dataclasses.replace(self, **_convert_all(changes))


def _convert(name: str, raw: Any) -> Any:
    fields = {f.name: f for f in dataclasses.fields(Config)}
    if name not in fields:
        raise ConfigError(f"unknown setting '{name}'")
    kind = str(fields[name].type)
    try:
        if kind == "Path | None" and str(raw).strip() == "":
            return None
        if kind.startswith("Path"):  # "Path" and "Path | None"
            return Path(raw).expanduser()
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "bool":
            return raw if isinstance(raw, bool) else str(raw).lower() in {"1", "true", "yes", "on"}
        return str(raw)
    except ValueError:
        raise ConfigError(f"setting '{name}' must be {kind}, got {raw!r}") from None


def _convert_all(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _convert(name, value) for name, value in values.items() if value is not None}


def load_config(file: Path | None = None, env: Mapping[str, str] | None = None,
                **overrides: Any) -> Config:
    """Layer defaults → TOML file (``CITYGRAPH_CONFIG``) → environment → explicit overrides."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    file = file or (Path(env[ENV_PREFIX + "CONFIG"]) if env.get(ENV_PREFIX + "CONFIG") else None)
    if file is not None:
        try:
            values.update(tomllib.loads(file.read_text(encoding="utf-8")))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config file {file}: {exc}") from None
    names = {f.name for f in dataclasses.fields(Config)}
    for key, raw in env.items():
        name = key[len(ENV_PREFIX):].lower() if key.startswith(ENV_PREFIX) else ""
        if name in names:
            values[name] = raw
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Config(**_convert_all(values))
