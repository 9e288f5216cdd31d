"""Per-process state of a running endpoint: the current build, the query executors, the result
cache and the fair-use ledger. Created by create_app, reached through ``current_app``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict, defaultdict, deque
from dataclasses import dataclass, field

from citygraph.backend import Backend, backend_for
from citygraph.config import Config
from citygraph.errors import CitygraphError, TooManyRequests
from citygraph.metrics import Metrics
from citygraph.namespaces import data_prefixes
from citygraph.sparql.engine import Answer, Dataset, QueryJob
from citygraph.sparql.executor import Executor, ExecutorSettings
from citygraph.sparql.guard import Checked, Limits
from citygraph.store import BuildInfo

log = logging.getLogger("citygraph.query")
Binding = dict[str, str]
INTERNAL_ROWS = 1_000_000


class UncheckedQuery(CitygraphError):
    """A view handed client text to the runtime without the guard: a fault of the server."""


class ResultCache:
    """LRU of answers. Safe because a build never changes: the build id is part of the key."""

    def __init__(self, entries: int, max_bytes: int = 2_000_000) -> None:
        self.entries, self.max_bytes = entries, max_bytes
        self._data: OrderedDict[tuple[object, ...], Answer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> Answer | None:
        with self._lock:
            answer = self._data.get(key)
            if answer is not None:
                self._data.move_to_end(key)
            return answer

    def put(self, key: tuple[object, ...], answer: Answer) -> None:
        if self.entries <= 0 or len(answer.body) > self.max_bytes:
            return
        with self._lock:
            self._data[key] = answer
            while len(self._data) > self.entries:
                self._data.popitem(last=False)


@dataclass
class FairUse:
    """Query seconds per client in a sliding window (per worker process)."""

    budget: float
    window: float
    spent: dict[str, deque[tuple[float, float]]] = field(
        default_factory=lambda: defaultdict(deque))

    lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, client: str) -> None:
        if self.budget <= 0:
            return
        with self.lock:
            self._check(client)

    def _check(self, client: str) -> None:
        now = time.monotonic()
        entries = self.spent[client]
        while entries and entries[0][0] < now - self.window:
            entries.popleft()
        used = sum(seconds for _, seconds in entries)
        if used >= self.budget:
            retry = int(entries[0][0] + self.window - now) + 1
            raise TooManyRequests(
                f"this client used {used:.1f} s of query time in the last {self.window:g} s "
                f"(fair-use budget {self.budget:g} s); try again in {retry} s",
                headers={"Retry-After": str(retry)})

    def charge(self, client: str, seconds: float) -> None:
        if self.budget > 0:
            with self.lock:
                self.spent[client].append((time.monotonic(), seconds))


class Runtime:
    def __init__(self, config: Config, metrics: Metrics) -> None:
        self.config = config
        self.metrics = metrics
        self.limits = Limits(config.max_query_length, config.max_triple_patterns)
        self.cache = ResultCache(config.cache_entries)
        self.fair_use = FairUse(config.fair_use_seconds, config.fair_use_window)
        self.prefixes = data_prefixes(config.base_iri)
        self.backend: Backend = backend_for(config)  # chosen once, from the configuration
        self.executor = Executor(ExecutorSettings(
            config.store, self.prefixes, config.query_timeout, self.backend.remote_settings),
            size=max(config.threads, 1))

    def warm_up(self) -> None:
        """Start the query processes and warm them and the store before serving: one pass over
        every triple (RocksDB's files into the page cache, once) and a page-like lookup in each."""
        jobs: tuple[QueryJob, ...] = ()
        if self.backend.remote_settings is None:  # a remote server warms its own store
            jobs = (QueryJob("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"),
                    QueryJob("SELECT ?s ?label WHERE { ?s a ?type ; ?p ?label } LIMIT 100"))
        self.executor.warm_up(jobs)

    def build(self) -> BuildInfo:
        """The build the backend serves now; metadata is read once per build."""
        return self.backend.current_build()

    def answer(self, job: QueryJob, client: str, exempt: bool, checked: Checked
               ) -> tuple[Answer, BuildInfo]:
        """A client's query (web.query.run_query): refused unless its text passed the guard."""
        if not isinstance(checked, Checked) or checked.query != job.query:
            raise UncheckedQuery("refused a query that did not pass the endpoint's checks")
        return self._answer(job, client, exempt)

    def _answer(self, job: QueryJob, client: str, exempt: bool) -> tuple[Answer, BuildInfo]:
        info = self.build()
        job = self.backend.pin(job, info)
        key = (info.build_id, job)
        cached = self.cache.get(key)
        if cached is not None:
            self.metrics.inc("citygraph_cache_hits_total")
            return cached, info
        if not exempt:
            self.fair_use.check(client)
        started = time.monotonic()
        try:
            answer, seconds = self.executor.run(job)
        finally:
            if not exempt:
                self.fair_use.charge(client, time.monotonic() - started)
        if seconds >= self.config.slow_query_seconds:
            digest = hashlib.sha256(job.query.encode()).hexdigest()[:12]
            log.warning("slow query %.3f s hash=%s rows=%d", seconds, digest, answer.rows)
        self.cache.put(key, answer)
        return answer, info

    def select(self, query: str, dataset: Dataset | None = None) -> list[dict[str, Binding]]:
        """Internal SELECT (pages, catalogue): rows as SPARQL-JSON bindings, no fair-use charge."""
        job = QueryJob(query, dataset or Dataset(), ("json",), max_rows=INTERNAL_ROWS)
        answer, _ = self._answer(job, "internal", exempt=True)
        rows: list[dict[str, Binding]] = json.loads(answer.body)["results"]["bindings"]
        return rows

    def ask(self, query: str) -> bool:
        answer, _ = self._answer(QueryJob(query, Dataset(), ("json",)), "internal", exempt=True)
        return bool(json.loads(answer.body)["boolean"])

    def construct(self, query: str, media_name: str) -> bytes:
        """Internal CONSTRUCT/DESCRIBE serialised in a registry format."""
        job = QueryJob(query, Dataset(), (media_name,), max_rows=INTERNAL_ROWS)
        answer, _ = self._answer(job, "internal", exempt=True)
        return answer.body
