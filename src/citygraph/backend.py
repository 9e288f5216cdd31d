"""Where the graph lives: the ``Backend`` protocol and its two implementations, the embedded
Oxigraph store (``EmbeddedBackend``) and a remote SPARQL server (``RemoteBackend``), chosen
once from the configuration by ``backend_for``.

The web process asks a backend for its current build and pins each query job to it (the ETag
of an answer names that build); the CLI builds, adds, queries and exports through it. Queries
of the web process run in killable query processes (``sparql.executor``), which evaluate on
the backend named by ``remote_settings``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from citygraph.config import Config
from citygraph.errors import CitygraphError
from citygraph.formats import MediaType
from citygraph.loading import Source, build_store
from citygraph.namespaces import DISTINCT_TRIPLES
from citygraph.sparql.engine import Answer, QueryJob, evaluate, solutions
from citygraph.sparql.remote import RemoteSettings, RemoteStore, remote_store
from citygraph.sparql.remote_load import upload
from citygraph.store import BuildInfo, StoreDir, open_current

log = logging.getLogger("citygraph.query")
Progress = Callable[[str], None]
REMOTE_INFO_SECONDS = 5.0  # how often a remote server's build metadata is re-read


class Backend(Protocol):
    """What citygraph needs of a store, embedded or remote."""

    description: str  # for messages: the store directory or the server URL
    remote_settings: RemoteSettings | None  # how query processes reach a remote server

    def current_build(self) -> BuildInfo:
        """The build queries see now (cheap: cached, re-checked as the backend allows)."""
        ...

    def pin(self, job: QueryJob, info: BuildInfo) -> QueryJob:
        """The job bound to build ``info``, so its answer never mixes two builds."""
        ...

    def evaluate(self, job: QueryJob, prefixes: dict[str, str]) -> Answer:
        """Evaluate in this process (the CLI; the server uses query processes)."""
        ...

    def dump(self, media: MediaType) -> bytes:
        """The whole graph in an RDF syntax (triple syntaxes merge the named graphs)."""
        ...

    def build(self, sources: list[Source], progress: Progress) -> tuple[str, BuildInfo | None]:
        """Load these sources as a new build and publish it; a line saying what was built
        and the local build (None for a remote server, which has no dump files)."""
        ...

    def add(self, source: Source, progress: Progress) -> tuple[str, BuildInfo | None]:
        """Add one named graph to the current build (a new build); a line and the local
        build (None for a remote server, which has no dump files)."""
        ...


class EmbeddedBackend:
    """The embedded Oxigraph store: builds are directories, ``current`` points at one."""

    remote_settings: RemoteSettings | None = None

    def __init__(self, config: Config) -> None:
        self.config = config
        self.store_dir = StoreDir(config.store)
        self.description = str(config.store)
        self._builds: dict[str, BuildInfo] = {}

    def current_build(self) -> BuildInfo:
        target = self.store_dir.current_target()
        info = self._builds.get(target)
        if info is None:
            info = self.store_dir.current_build()
            self._builds = {target: info}
        return info

    def pin(self, job: QueryJob, info: BuildInfo) -> QueryJob:
        return replace(job, build_path=str(info.path))

    def evaluate(self, job: QueryJob, prefixes: dict[str, str]) -> Answer:
        store, _ = open_current(self.config.store)
        return evaluate(store, job, prefixes)

    def dump(self, media: MediaType) -> bytes:
        import pyoxigraph as ox

        assert media.rdf is not None
        store, _ = open_current(self.config.store)
        if media.rdf.supports_datasets:
            return store.dump(format=media.rdf) or b""
        rows = solutions(store, DISTINCT_TRIPLES)
        triples = [ox.Triple(r["s"], r["p"], r["o"]) for r in rows]
        return ox.serialize(triples, format=media.rdf) or b""

    def build(self, sources: list[Source], progress: Progress) -> tuple[str, BuildInfo | None]:
        info = build_store(self.config, sources, progress=progress)
        return (f"built {info.build_id}: {info.triples} triples in {len(info.graphs)} graphs "
                f"→ {self.config.store}"), info

    def add(self, source: Source, progress: Progress) -> tuple[str, BuildInfo | None]:
        current = self.store_dir.current_build()
        info = build_store(self.config, [source], start_from=current.path, progress=progress)
        return (f"added {source.path} as <{source.graph}>: store now has {info.triples} "
                "triples"), info


class RemoteBackend:
    """A SPARQL server (Virtuoso, Fuseki, QLever) holding the graphs and the build metadata."""

    def __init__(self, config: Config, remote: RemoteStore) -> None:
        self.config = config
        self.remote = remote
        self.remote_settings: RemoteSettings | None = remote.settings
        self.description = config.sparql_query_url
        self._info: tuple[float, BuildInfo] | None = None
        self._lock = threading.Lock()  # held while the build metadata is re-read

    def current_build(self) -> BuildInfo:
        """Read once, then re-checked every few seconds in the background, so that no
        request waits for the server's metadata."""
        cached = self._info
        if cached is None:
            with self._lock:
                if self._info is None:
                    self._info = (time.monotonic(), self.remote.build_info())
                return self._info[1]
        stale = time.monotonic() - cached[0] > REMOTE_INFO_SECONDS
        if stale and self._lock.acquire(blocking=False):
            threading.Thread(target=self._refresh, args=(cached[1],), daemon=True,
                             name="citygraph-remote-build").start()
        return cached[1]

    def _refresh(self, known: BuildInfo) -> None:
        try:
            self._info = (time.monotonic(), self.remote.build_info(known))
        except CitygraphError as exc:  # keep serving the known build; try again later
            log.warning("build metadata of the SPARQL server not refreshed: %s", exc)
            self._info = (time.monotonic(), known)
        finally:
            self._lock.release()

    def pin(self, job: QueryJob, info: BuildInfo) -> QueryJob:
        return replace(job, dataset=RemoteStore.effective(job.dataset, info))

    def evaluate(self, job: QueryJob, prefixes: dict[str, str]) -> Answer:
        return self.remote.evaluate(self.pin(job, self.remote.build_info()), prefixes)

    def dump(self, media: MediaType) -> bytes:
        assert media.rdf is not None
        return self.remote.dump(media.rdf)

    def build(self, sources: list[Source], progress: Progress) -> tuple[str, BuildInfo | None]:
        graphs = upload(self.remote, sources, self.config.base_iri, _tag(), progress)
        build_id = self.remote.publish(graphs)
        return f"built {build_id}: {len(graphs)} graphs → {self.description}", None

    def add(self, source: Source, progress: Progress) -> tuple[str, BuildInfo | None]:
        existing = list(self.remote.build_info().graphs)
        upload(self.remote, [source], self.config.base_iri, _tag(), progress)
        self.remote.publish([*existing, source.graph])
        return f"added {source.path} as <{source.graph}> on {self.description}", None


def _tag() -> str:
    return time.strftime("%Y%m%d%H%M%S")


def backend_for(config: Config) -> Backend:
    """The backend of the configuration (``backend = "oxigraph"`` or ``"sparql"``)."""
    remote = remote_store(config)
    return EmbeddedBackend(config) if remote is None else RemoteBackend(config, remote)


def has_store(config: Config) -> bool:
    """Whether there is something to serve (a remote server always counts)."""
    return config.backend != "oxigraph" or StoreDir(config.store).exists()

