"""The same query mix without HTTP: one client, sequential, in this process.

* ``pyoxigraph``: ``Store.query`` with the plain string on the built store (read-only, union
  default graph), answer serialised as SPARQL JSON, as the floor does;
* ``citygraph-evaluate``: ``citygraph.sparql.engine.evaluate``, the function citygraph's query
  process runs (dataset rules, row cut, its own JSON writer), on the same store;
* ``citygraph-executor``: ``Executor.run``, the path of the endpoint without Flask: the job is
  pickled to a killable query process and the answer comes back over a pipe;
* ``rdflib``: an rdflib memory ``Dataset`` (union default graph) evaluating the same strings,
  answer serialised as SPARQL JSON.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from httpbench_queries import mix, representative

ENGINES = ("pyoxigraph", "citygraph-evaluate", "citygraph-executor", "rdflib")
LABELS = {"pyoxigraph": "pyoxigraph Store.query (in-process)",
          "citygraph-evaluate": "citygraph engine.evaluate (in-process)",
          "citygraph-executor": "citygraph Executor.run (query process, no HTTP)",
          "rdflib": "rdflib memory Dataset (in-process)"}


@dataclass
class Pass:
    queries: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def qps(self) -> float:
        return self.queries / self.seconds if self.seconds else 0.0


@dataclass
class InProc:
    name: str
    rows: dict[str, int] = field(default_factory=dict)  # representative query -> rows
    passes: list[Pass] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


Runner = Callable[[str], int]  # runs one query string, returns the number of rows


def _time_mix(run: Runner, texts: list[str], seconds: float) -> Pass:
    """Cycle through the mix until ``seconds`` have passed (the query under way finishes)."""
    latencies: list[float] = []
    started = time.perf_counter()
    deadline = started + seconds
    i = 0
    while time.perf_counter() < deadline:
        begun = time.perf_counter()
        run(texts[i % len(texts)])
        latencies.append(time.perf_counter() - begun)
        i += 1
    elapsed = time.perf_counter() - started
    latencies.sort()
    return Pass(len(latencies), elapsed, latencies[len(latencies) // 2] * 1e3,
                latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1e3)


def _measure(name: str, run: Runner, cities: int, seconds: float, repeat: int) -> InProc:
    result = InProc(name)
    for query in representative():  # also the warm-up
        result.rows[query.name] = run(query.text)
    texts = [q.text for q in mix(cities)]
    for n in range(repeat):
        done = _time_mix(run, texts, seconds)
        result.passes.append(done)
        print(f"  in-process {name:20} run {n + 1} {done.qps:9.1f} queries/s", flush=True)
    return result


def _pyoxigraph(store_path: Path) -> Runner:
    import pyoxigraph as ox

    store = ox.Store.read_only(str(store_path))

    def run(text: str) -> int:
        outcome = store.query(text, use_default_graph_as_union=True)
        assert isinstance(outcome, ox.QuerySolutions)
        body = outcome.serialize(format=ox.QueryResultsFormat.JSON)
        return len(_bindings(body))

    return run


def _bindings(body: bytes | str | None) -> list[object]:
    import json

    data = json.loads(body or b"{}")
    bindings: list[object] = data["results"]["bindings"]
    return bindings


def _evaluate(store_path: Path) -> Runner:
    import pyoxigraph as ox

    from citygraph.namespaces import data_prefixes
    from citygraph.sparql.engine import QueryJob, evaluate
    from citygraph.synth import DEFAULT_BASE

    store, prefixes = ox.Store.read_only(str(store_path)), data_prefixes(DEFAULT_BASE)

    def run(text: str) -> int:
        return len(_bindings(evaluate(store, QueryJob(text, accept=("json",)), prefixes).body))

    return run


def _executor(store_root: Path, build_path: Path) -> tuple[Runner, Callable[[], None]]:
    from citygraph.namespaces import data_prefixes
    from citygraph.sparql.engine import QueryJob
    from citygraph.sparql.executor import Executor, ExecutorSettings
    from citygraph.synth import DEFAULT_BASE

    executor = Executor(ExecutorSettings(store_root, data_prefixes(DEFAULT_BASE), 300.0), size=1)

    def run(text: str) -> int:
        job = QueryJob(text, accept=("json",), build_path=str(build_path))
        return len(_bindings(executor.run(job)[0].body))

    return run, executor.close


def _rdflib(data: Path) -> tuple[Runner, str]:
    from rdflib import Dataset

    started = time.monotonic()
    graph = Dataset(default_union=True)
    graph.parse(str(data), format="nt")
    note = f"parsed {len(graph):,} triples in {time.monotonic() - started:.1f} s"

    def run(text: str) -> int:
        return len(_bindings(graph.query(text).serialize(format="json")))

    return run, note


def run_inproc(engines: tuple[str, ...], store_root: Path, data: Path, cities: int,
               seconds: float, repeat: int, skip: dict[str, str]) -> dict[str, InProc | str]:
    """Each engine in turn; ``skip`` maps an engine to the reason it does not run."""
    out: dict[str, InProc | str] = {}
    build_path = (store_root / "current").resolve()
    for name in engines:
        if name in skip:
            out[name] = f"skipped: {skip[name]}"
            continue
        print(f"in-process {name}: starting", flush=True)
        close: Callable[[], None] = lambda: None  # noqa: E731
        note = ""
        if name == "pyoxigraph":
            run = _pyoxigraph(build_path)
        elif name == "citygraph-evaluate":
            run = _evaluate(build_path)
        elif name == "citygraph-executor":
            run, close = _executor(store_root, build_path)
        else:
            run, note = _rdflib(data)
        try:
            result = _measure(name, run, cities, seconds, repeat)
            result.notes += [note] if note else []
            out[name] = result
        finally:
            close()
            del run
            gc.collect()
    return out


def spread(values: list[float]) -> tuple[float, float, float]:
    """(median, min, max)."""
    return statistics.median(values), min(values), max(values)
