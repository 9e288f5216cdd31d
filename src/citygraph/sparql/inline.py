"""Jobs known to be cheap are evaluated in the web process, without a query process.

A query process is what makes a query killable, and its round trip (a pickled job, a pipe,
two process wake-ups, a pickled answer) costs about as much as a point lookup's evaluation.
A job is evaluated here only after a query process answered the very same job (query,
dataset, formats, row cap and build) using at most CHEAP_SECONDS of CPU, with the process's
peak memory at most CHEAP_BYTES above where it started and an answer of at most CHEAP_BODY
bytes. A build is read-only and Oxigraph's evaluation of a query is deterministic, so the
same job does the same work again: it cannot run away or grow here. Every other job, and
every job on a remote backend (no build path), goes to a query process as before. Oxigraph
releases the GIL while it evaluates, so the worker's other request threads go on meanwhile.

A known SELECT whose JSON answer was not cut at the row limit is written by Oxigraph's own
JSON serialiser (the same bytes as results.select_json, without a Python object per value):
the same job gives the same number of rows, unless the query asks for a random or the
current value (RAND, NOW, UUID, STRUUID), which is left to the Python writer and its cut.
The memory of known jobs is bounded: at most MEMO_ENTRIES jobs per worker, least recently used
dropped first, each with a query of at most MAX_QUERY characters; see SECURITY.md.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from pathlib import Path

import pyoxigraph as ox

from citygraph.sparql.engine import Answer, QueryJob, evaluate, rejected, run_query
from citygraph.sparql.memory import INLINE_QUERY_BYTES, MB

CHEAP_SECONDS = 0.010
CHEAP_BYTES = INLINE_QUERY_BYTES  # counted per request thread in the memory budget
CHEAP_BODY = 1 * MB
MEMO_ENTRIES = 1024
MAX_QUERY = 2000  # characters: 1,024 jobs hold at most about 2.5 MB
# An inline evaluation that took this many times CHEAP_SECONDS of wall time (the machine is
# busy, or the job is not what it seemed) makes the job go back to query processes.
OVERRUN = 10
# Functions whose value differs between two runs of a query: its row count may too.
_UNSTABLE = re.compile(r"\b(?:RAND|NOW|UUID|STRUUID)\s*\(", re.IGNORECASE)
# The web process has the network that query processes lack (SECURITY.md): a text that could
# name a federated query, even one the query check let through or a SERVICE SILENT that
# failed quietly without a network, or that has a codepoint escape (\u, \U, read before
# the grammar: https://www.w3.org/TR/sparql11-query/#codepointEscape), never runs here.
_NETWORK = re.compile(r"service|\\u", re.IGNORECASE)


class CheapJobs:
    """The digests of jobs a query process found cheap, and a store handle to run them on."""

    def __init__(self, prefixes: dict[str, str], entries: int = MEMO_ENTRIES) -> None:
        self.prefixes = prefixes
        self.entries = entries
        # job -> rows of a SELECT that Oxigraph may write as JSON, else None
        self._known: OrderedDict[QueryJob, int | None] = OrderedDict()
        self._lock = threading.Lock()
        self._store: tuple[str, ox.Store] | None = None

    @staticmethod
    def key(job: QueryJob) -> QueryJob | None:
        """The job itself, compared field by field (a hash alone could be made to collide);
        None for a job that is never remembered: no build path (a remote backend) or a query
        longer than MAX_QUERY characters (which bounds the memory of MEMO_ENTRIES jobs)."""
        if job.build_path is None or len(job.query) > MAX_QUERY:
            return None
        return job

    def run(self, job: QueryJob) -> Answer | None:
        """The job's answer evaluated here when it is known to be cheap, else None."""
        key = self.key(job)
        if key is None or self.entries <= 0:
            return None
        with self._lock:
            if key not in self._known:
                return None
            self._known.move_to_end(key)
            native_rows = self._known[key]
        assert job.build_path is not None
        store = self._open(job.build_path)
        started = time.monotonic()
        if native_rows is None:
            answer = evaluate(store, job, self.prefixes)
        else:
            answer = Answer(_json(store, job), "json", "select", native_rows, False)
        if time.monotonic() - started > CHEAP_SECONDS * OVERRUN:
            with self._lock:
                self._known.pop(key, None)
        return answer

    def learn(self, job: QueryJob, answer: Answer, cpu_seconds: float, peak_bytes: int
              ) -> None:
        """Remember a job a query process answered, when it was cheap."""
        key = self.key(job)
        if key is None or self.entries <= 0 or cpu_seconds > CHEAP_SECONDS \
                or peak_bytes > CHEAP_BYTES or len(answer.body) > CHEAP_BODY \
                or _NETWORK.search(job.query):
            return
        native = (answer.form == "select" and answer.media == "json" and not answer.truncated
                  and not _UNSTABLE.search(job.query))
        with self._lock:
            self._known[key] = answer.rows if native else None
            self._known.move_to_end(key)
            while len(self._known) > self.entries:
                self._known.popitem(last=False)

    def known(self, job: QueryJob) -> bool:
        key = self.key(job)
        with self._lock:
            return key is not None and key in self._known

    def native_rows(self, job: QueryJob) -> int | None:
        """The rows of a known job Oxigraph may write as JSON; None for any other job."""
        key = self.key(job)
        with self._lock:
            return self._known.get(key) if key is not None else None

    def _open(self, path: str) -> ox.Store:
        """The build's store, opened read-only once per build (the previous one is closed
        when its last evaluation lets go of it)."""
        from citygraph.store import open_read_only

        with self._lock:
            if self._store is not None and self._store[0] == path:
                return self._store[1]
        store = open_read_only(Path(path))
        with self._lock:
            self._store = (path, store)
        return store


def _json(store: ox.Store, job: QueryJob) -> bytes:
    """A SELECT's answer in SPARQL JSON, written by Oxigraph."""
    try:
        outcome = run_query(store, job.query, job.dataset, job.base_iri)
        assert isinstance(outcome, ox.QuerySolutions)
        body = outcome.serialize(format=ox.QueryResultsFormat.JSON)
    except RuntimeError as exc:
        raise rejected(exc) from None
    assert body is not None  # no output given: the bytes are returned
    return body
