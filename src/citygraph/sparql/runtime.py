"""Per-process state of a running endpoint: the current build, the query executors, the result
cache and the fair-use ledger. Created by create_app, reached through ``current_app``.
"""

from __future__ import annotations

import hashlib
import itertools
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
from citygraph.sparql.guard import Checked, Limits, check_query
from citygraph.sparql.memory import MB
from citygraph.store import BuildInfo

log = logging.getLogger("citygraph.query")
Binding = dict[str, str]
INTERNAL_ROWS = 1_000_000


class UncheckedQuery(CitygraphError):
    """A view handed client text to the runtime without the guard: a fault of the server."""


class ResultCache:
    """LRU of answers, bounded in entries and in bytes (keys and bodies). Safe because a
    build never changes: the build id is part of the key."""

    ENTRY_OVERHEAD = 512  # objects and dictionary slots around one entry

    def __init__(self, entries: int, max_bytes: int) -> None:
        self.entries, self.max_bytes = entries, max_bytes
        self.max_entry = max_bytes // 8  # no single answer crowds out the rest
        self.size = 0
        self._data: OrderedDict[tuple[object, ...], tuple[Answer, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> Answer | None:
        with self._lock:
            found = self._data.get(key)
            if found is None:
                return None
            self._data.move_to_end(key)
            return found[0]

    @classmethod
    def cost(cls, key: tuple[object, ...], answer: Answer) -> int:
        job = next((part for part in key if isinstance(part, QueryJob)), None)
        size = len(answer.body) + cls.ENTRY_OVERHEAD
        if job is not None:
            size += len(job.query) + len(job.base_iri or "")
            size += sum(len(g) for g in job.dataset.default_graphs + job.dataset.named_graphs)
        return size

    def put(self, key: tuple[object, ...], answer: Answer) -> None:
        size = self.cost(key, answer)
        if self.entries <= 0 or size > self.max_entry:
            return
        with self._lock:
            old = self._data.pop(key, None)
            self.size += size - (old[1] if old else 0)
            self._data[key] = (answer, size)
            while self._data and (len(self._data) > self.entries or self.size > self.max_bytes):
                self.size -= self._data.popitem(last=False)[1][1]


class Ledger:
    """One client's query seconds in the window, in buckets of BUCKET seconds with their
    running total: a check costs the same at one query a minute as at thousands a second,
    and a client holds at most window / BUCKET entries however fast it sends."""

    BUCKET = 1.0

    def __init__(self) -> None:
        self.entries: deque[list[float]] = deque()  # [bucket start, seconds]
        self.total = 0.0

    def add(self, now: float, seconds: float) -> None:
        if self.entries and now - self.entries[-1][0] < self.BUCKET:
            self.entries[-1][1] += seconds
        else:
            self.entries.append([now, seconds])
        self.total += seconds

    def expire(self, horizon: float) -> None:
        while self.entries and self.entries[0][0] < horizon:
            self.total -= self.entries.popleft()[1]
        if not self.entries:
            self.total = 0.0  # no float drift survives an empty window

    def oldest(self, now: float) -> float:
        return self.entries[0][0] if self.entries else now


@dataclass
class FairUse:
    """Query seconds per client in a sliding window, and queries running at once (per
    worker process). A running query is charged as its time accrues, so a client's slow
    queries count against it while they run, not only once they end. Clients whose window
    emptied are forgotten once per window, so many passing clients cannot grow the ledger."""

    budget: float
    window: float
    max_running: int = 0  # 0: no limit
    spent: dict[str, Ledger] = field(default_factory=dict)
    running: dict[str, dict[int, float]] = field(default_factory=lambda: defaultdict(dict))
    lock: threading.Lock = field(default_factory=threading.Lock)
    _tickets: itertools.count[int] = field(default_factory=itertools.count)
    _swept: float = field(default_factory=time.monotonic)

    def check(self, client: str) -> None:
        """429 when the client's budget is used up (finished and running queries)."""
        if self.budget > 0:
            with self.lock:
                self._check(client, time.monotonic())

    def _check(self, client: str, now: float) -> None:
        ledger = self.spent.get(client)
        used = 0.0
        if ledger is not None:
            ledger.expire(now - self.window)
            used = ledger.total
        used += sum(now - started for started in self.running.get(client, {}).values())
        if used >= self.budget:
            oldest = ledger.oldest(now) if ledger is not None else now
            retry = int(max(oldest + self.window - now, 0)) + 1
            raise TooManyRequests(
                f"this client used {used:.1f} s of query time in the last {self.window:g} s "
                f"(fair-use budget {self.budget:g} s); try again in {retry} s",
                headers={"Retry-After": str(retry)})

    def start(self, client: str) -> int:
        """Admit one query of the client or raise 429 at once; returns its ticket."""
        with self.lock:
            now = time.monotonic()
            if self.budget > 0:
                self._check(client, now)
            running = self.running[client]
            if self.max_running and len(running) >= self.max_running:
                raise TooManyRequests(
                    f"this client already has {len(running)} queries running; this endpoint "
                    f"runs at most {self.max_running} at once per client",
                    headers={"Retry-After": "1"})
            ticket = next(self._tickets)
            running[ticket] = now
            return ticket

    def charge(self, client: str, seconds: float) -> None:
        if self.budget > 0:
            with self.lock:
                self._add(client, time.monotonic(), seconds)

    def finish(self, client: str, ticket: int) -> None:
        with self.lock:
            running = self.running.get(client, {})
            started = running.pop(ticket, None)
            if not running:
                self.running.pop(client, None)
            if started is not None and self.budget > 0:
                now = time.monotonic()
                self._add(client, now, now - started)

    def _add(self, client: str, now: float, seconds: float) -> None:
        self.spent.setdefault(client, Ledger()).add(now, seconds)
        if now - self._swept >= self.window:
            horizon, self._swept = now - self.window, now
            for name in list(self.spent):
                self.spent[name].expire(horizon)
                if not self.spent[name].entries:
                    del self.spent[name]


class Runtime:
    def __init__(self, config: Config, metrics: Metrics) -> None:
        self.config = config
        self.metrics = metrics
        self.limits = Limits(config.max_query_length, config.max_triple_patterns)
        self.cache = ResultCache(config.cache_entries, config.cache_mb * MB)
        self.fair_use = FairUse(config.fair_use_seconds, config.fair_use_window,
                                config.max_client_queries)
        self.prefixes = data_prefixes(config.base_iri)
        self.backend: Backend = backend_for(config)  # chosen once, from the configuration
        self.executor = Executor(ExecutorSettings(
            config.store, self.prefixes, config.query_timeout, self.backend.remote_settings,
            config.query_memory_bytes, config.inline_jobs), size=max(config.threads, 1),
            on_inline=lambda: metrics.inc("citygraph_inline_queries_total"))

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

    def admit(self, query: str, client: str, exempt: bool) -> Checked:
        """The checks before any work on a client's query: fair use first, so a client over
        its budget costs no CPU, not even the guard's; then the guard (linear time)."""
        if exempt:
            return check_query(query, self.limits)
        self.fair_use.check(client)
        started = time.monotonic()
        try:
            return check_query(query, self.limits)
        except CitygraphError:  # a refused query is not free: its guard time is charged
            self.fair_use.charge(client, time.monotonic() - started)
            raise

    def _answer(self, job: QueryJob, client: str, exempt: bool) -> tuple[Answer, BuildInfo]:
        info = self.build()
        job = self.backend.pin(job, info)
        key = (info.build_id, job)
        cached = self.cache.get(key)
        if cached is not None:
            self.metrics.inc("citygraph_cache_hits_total")
            return cached, info
        ticket = None if exempt else self.fair_use.start(client)
        try:
            answer, seconds = self.executor.run(job)
        finally:
            if ticket is not None:
                self.fair_use.finish(client, ticket)
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
