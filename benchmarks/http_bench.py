"""HTTP benchmark: citygraph against a bare floor, rdflib-endpoint and Virtuoso, in one run.

Run from the project root with the project's virtualenv (see benchmarks/README.md):

    python benchmarks/http_bench.py --triples 100000 --seconds 10

Every server listens on 127.0.0.1 only and runs alone while it is measured; every process this
script starts is stopped at the end, also on Ctrl-C or an error. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib.metadata
import importlib.util
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(PROJECT / "src"))  # citygraph.synth without installing the package

from citygraph.synth import DEFAULT_BASE, cities_for_triples, city_iri, write_synthetic  # noqa: E402
from citygraph.testing import write_ini  # noqa: E402

GRAPH = f"{DEFAULT_BASE}graph/synthetic"
JSON_RESULTS = "application/sparql-results+json"
PREFIXES = """PREFIX cg: <https://w3id.org/citygraph/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
"""
SERVER_NAMES = ("citygraph", "citygraph-nocache", "floor", "rdflib-endpoint", "virtuoso")
LABELS = {"citygraph": "citygraph (cache on)", "citygraph-nocache": "citygraph (cache off)",
          "floor": "floor (Flask+gunicorn+pyoxigraph)", "rdflib-endpoint": "rdflib-endpoint",
          "virtuoso": "Virtuoso"}
SHORT = {"citygraph": "citygraph", "citygraph-nocache": "citygraph no-cache", "floor": "floor",
         "rdflib-endpoint": "rdflib-endpoint", "virtuoso": "Virtuoso"}


# --------------------------------------------------------------------------------------------
# Queries: five competency-style shapes; the mix rotates the city and the search prefix
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Query:
    name: str
    text: str
    method: str  # GET for the small lookups, POST (form) for the heavier ones, as clients do


def lookup(city: str) -> str:
    return PREFIXES + f"SELECT ?label WHERE {{ <{city}> rdfs:label ?label }}"


def one_hop(city: str) -> str:
    return PREFIXES + f"""SELECT ?partner ?label ?start WHERE {{
  ?rel a cg:Partnership ; cg:partner <{city}> , ?partner ; schema:startDate ?start .
  FILTER(?partner != <{city}>)
  ?partner rdfs:label ?label . FILTER(LANG(?label) = "en")
}} ORDER BY ?start ?partner"""


def two_hop(city: str) -> str:
    return PREFIXES + f"""SELECT DISTINCT ?city ?label WHERE {{
  <{city}> cg:partnerCity/cg:partnerCity ?city . FILTER(?city != <{city}>)
  ?city rdfs:label ?label . FILTER(LANG(?label) = "en")
}} ORDER BY ?label LIMIT 200"""


def regex_search(prefix: str) -> str:
    return PREFIXES + f"""SELECT ?city ?label WHERE {{
  ?city a cg:City ; rdfs:label ?label .
  FILTER(LANG(?label) = "en" && REGEX(?label, "^{prefix}", "i"))
}} ORDER BY ?label LIMIT 50"""


GROUP_BY = PREFIXES + """SELECT ?country (COUNT(DISTINCT ?rel) AS ?partnerships) WHERE {
  ?rel a cg:Partnership ; cg:partner ?city .
  ?city schema:containedInPlace ?country .
} GROUP BY ?country ORDER BY DESC(?partnerships) ?country"""

# Hubs and ordinary cities: the generator links low numbers more often.
PROBES = (1, 2, 3, 5, 8, 13, 21, 34, 55, 89)
SEARCHES = ("synthtown ka", "synthtown lo", "synthtown mi", "synthtown ra", "synthtown te")
# One cycle of ten requests: 3 lookups, 3 one-hops, 2 two-hops, 1 search, 1 GROUP BY.
CYCLE = ("lookup", "one-hop", "two-hop", "lookup", "regex", "one-hop", "lookup", "two-hop",
         "one-hop", "group-by")


def representative(cities: int) -> list[Query]:
    """One instance of each query shape (for the per-query latencies and the row check)."""
    return [_instance(name, city_iri(PROBES[1]), SEARCHES[0])
            for name in ("lookup", "one-hop", "two-hop", "regex", "group-by")]


def mix(cities: int) -> list[Query]:
    """The fixed request sequence every load client cycles through (100 requests)."""
    probes = [p for p in PROBES if p <= cities] or [1]
    return [_instance(name, city_iri(probes[k % len(probes)]), SEARCHES[k % len(SEARCHES)])
            for k in range(10) for name in CYCLE]


def _instance(name: str, city: str, search: str) -> Query:
    if name == "lookup":
        return Query(name, lookup(city), "GET")
    if name == "one-hop":
        return Query(name, one_hop(city), "GET")
    if name == "two-hop":
        return Query(name, two_hop(city), "GET")
    if name == "regex":
        return Query(name, regex_search(search), "POST")
    return Query(name, GROUP_BY, "POST")


# --------------------------------------------------------------------------------------------
# Targets and HTTP requests
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """Where a server answers SPARQL, and how it must be asked."""

    name: str
    port: int
    path: str = "/sparql"
    params: tuple[tuple[str, str], ...] = ()  # e.g. Virtuoso's default-graph-uri
    close: bool = False  # send Connection: close (rdflib-endpoint, see README)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]


def to_request(target: Target, query: Query) -> Request:
    params = urlencode([("query", query.text), *target.params])
    headers = {"Accept": JSON_RESULTS}
    if target.close:
        headers["Connection"] = "close"
    if query.method == "GET":
        return Request("GET", f"{target.path}?{params}", None, headers)
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return Request("POST", target.path, params.encode(), headers)


def fetch(port: int, req: Request, timeout: float = 60.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(req.method, req.path, body=req.body, headers=req.headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def row_count(body: bytes) -> int:
    data = json.loads(body)
    return len(data["results"]["bindings"]) if "results" in data else 1


# --------------------------------------------------------------------------------------------
# Processes: started in their own session, stopped by process group id
# --------------------------------------------------------------------------------------------

class Skip(Exception):
    """A server or tool that cannot run here; the run goes on without it."""


@dataclass
class Server:
    target: Target
    process: subprocess.Popen[bytes]
    log: Path
    prepare: Callable[[], str] | None = None  # after it is ready: load data; returns a note
    shutdown: Callable[[], None] | None = None  # a clean stop before the signal

    def stop(self) -> None:
        if self.shutdown is not None and self.process.poll() is None:
            with contextlib.suppress(Exception):
                self.shutdown()
                self.process.wait(timeout=20)
        _stop_group(self.process)

    def rss_mb(self) -> float:
        return group_rss_mb(self.process.pid)


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the group this script created (server, workers, query children), then KILL."""
    for sig, wait in ((signal.SIGTERM, 15.0), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=wait)
            if not _group_alive(process.pid):
                return


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def group_rss_mb(pgid: int) -> float:
    """Resident memory of every process in the group (Linux /proc)."""
    total = 0
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(stat[2]) == pgid:  # field 5 (pgrp), counted after the command name
                total += int((entry / "statm").read_text().split()[1]) * page
    return total / 1e6


def launch(cmd: list[str], log: Path, env: dict[str, str] | None = None,
           cwd: Path | None = None) -> subprocess.Popen[bytes]:
    with open(log, "ab") as handle:
        return subprocess.Popen(cmd, stdout=handle, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                                start_new_session=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_ready(server: Server, seconds: float) -> None:
    probe = to_request(server.target, Query("ask", "ASK { ?s ?p ?o }", "GET"))
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise Skip(f"exited with status {server.process.returncode}; see {server.log.name}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if fetch(server.target.port, probe, timeout=5)[0] == 200:
                return
        time.sleep(0.3)
    raise Skip(f"not ready after {seconds:.0f} s; see {server.log.name}")


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without the caller's CITYGRAPH_* settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITYGRAPH_")}
    return {**env, **extra}


# --------------------------------------------------------------------------------------------
# Data and the servers
# --------------------------------------------------------------------------------------------

def run_cli(args: list[str], env: dict[str, str], log: Path) -> None:
    with open(log, "ab") as handle:
        subprocess.run([sys.executable, "-m", "citygraph", *args], env=env, check=True,
                       stdout=handle, stderr=subprocess.STDOUT, timeout=1800)


def build_store(work: Path, data: Path) -> Path:
    """A project with only ontology and shapes, built, then the synthetic file added."""
    project = work / "project"
    (project / "data").mkdir(parents=True)
    for name in ("ontology", "shapes"):
        (project / name).symlink_to(PROJECT / name)
    store, log = work / "store", work / "build.log"
    env = clean_env(CITYGRAPH_PROJECT_DIR=str(project))
    run_cli(["build", "--skip-validation", "--store", str(store)], env, log)
    run_cli(["add", "--graph", GRAPH, str(data), "--store", str(store)], env, log)
    return store


def start_citygraph(work: Path, store: Path, cache: bool) -> Server:
    port, log = free_port(), work / f"citygraph-{'cache' if cache else 'nocache'}.log"
    env = clean_env(CITYGRAPH_PROJECT_DIR=str(work / "project"))
    if not cache:
        env["CITYGRAPH_CACHE_ENTRIES"] = "0"
    cmd = [sys.executable, "-m", "citygraph", "serve", "--store", str(store), "--workers", "2",
           "--host", "127.0.0.1", "--port", str(port)]
    return Server(Target("citygraph" if cache else "citygraph-nocache", port),
                  launch(cmd, log, env), log)


def start_floor(work: Path, store: Path) -> Server:
    port, log = free_port(), work / "floor.log"
    # No control socket: gunicorn 27 puts it at one path per user, shared by all instances.
    cmd = [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}",
           "--no-control-socket", "--chdir", str(HERE), "floor_app:app"]
    env = clean_env(FLOOR_STORE=str(store / "current"))
    return Server(Target("floor", port), launch(cmd, log, env), log)


def rdflib_endpoint_app() -> object:
    """uvicorn factory (in each worker): rdflib-endpoint over an rdflib memory Dataset."""
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint

    graph = Dataset(default_union=True)
    graph.parse(os.environ["BENCH_DATA_FILE"], format="nt")
    return SparqlEndpoint(graph=graph, path="/sparql", cors_enabled=False)


def start_rdflib_endpoint(work: Path, data: Path) -> Server:
    if importlib.util.find_spec("rdflib_endpoint") is None:
        raise Skip("rdflib-endpoint is not installed (pip install rdflib-endpoint)")
    port, log = free_port(), work / "rdflib-endpoint.log"
    cmd = [sys.executable, "-m", "uvicorn", "http_bench:rdflib_endpoint_app", "--factory",
           "--workers", "2", "--host", "127.0.0.1", "--port", str(port), "--app-dir", str(HERE),
           "--no-access-log", "--log-level", "warning"]
    env = clean_env(BENCH_DATA_FILE=str(data))
    # Connection: close, because with keep-alive every answer stalls ~44 ms (perf-baseline §4).
    return Server(Target("rdflib-endpoint", port, close=True), launch(cmd, log, env), log)


def ensure_tool(binary: str, package: str, install: bool) -> str:
    """Path of a Debian tool; apt-get installs it when allowed, else Skip."""
    found = shutil.which(binary)
    if found or not install or os.geteuid() != 0 or not shutil.which("apt-get"):
        if found:
            return found
        raise Skip(f"{binary} not found (apt-get install -y {package})")
    print(f"installing {package} with apt-get (--no-install to skip)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    result = subprocess.run(["apt-get", "install", "-y", "-q", package], env=env,
                            capture_output=True, timeout=600)
    found = shutil.which(binary)
    if result.returncode != 0 or not found:
        raise Skip(f"apt-get install {package} failed: {result.stderr.decode()[-200:].strip()}")
    return found


def start_virtuoso(work: Path, data: Path, install: bool) -> Server:
    binary = ensure_tool("virtuoso-t", "virtuoso-opensource", install)
    isql = ensure_tool("isql-vt", "virtuoso-opensource", install)
    db = work / "virtuoso"
    db.mkdir()
    sql, port = free_port(), free_port()
    ini = write_ini(db, sql, port, memory_gb=2.0, readable=(data.parent,))
    process = launch([binary, "+configfile", str(ini), "+foreground"], db / "stdout.log", cwd=db)

    def shutdown() -> None:
        subprocess.run([isql, f"127.0.0.1:{sql}", "dba", "dba", "exec=shutdown;"],
                       capture_output=True, timeout=30)

    def load() -> str:
        """Virtuoso's bulk loader (ld_dir + rdf_loader_run), then a checkpoint."""
        started = time.monotonic()
        statement = (f"ld_dir('{data.parent}', '{data.name}', '{GRAPH}'); "
                     "rdf_loader_run(); checkpoint;")
        result = subprocess.run([isql, f"127.0.0.1:{sql}", "dba", "dba", f"exec={statement}"],
                                capture_output=True, timeout=900)
        if result.returncode != 0 or b"Error" in result.stdout + result.stderr:
            raise Skip(f"bulk load failed: {result.stdout.decode()[-300:].strip()}")
        return f"Virtuoso bulk load + checkpoint: {time.monotonic() - started:.1f} s"

    target = Target("virtuoso", port, params=(("default-graph-uri", GRAPH),))
    return Server(target, process, db / "virtuoso.log", prepare=load, shutdown=shutdown)


# --------------------------------------------------------------------------------------------
# Load generators: wrk (C, closed loop) or a bounded Python fallback
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Load:
    clients: int
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # socket errors, timeouts and non-2xx answers

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


WRK_SCRIPT = """-- generated by http_bench.py: cycles through a fixed request list
local requests = {
%ENTRIES%
}
local built, counter = nil, 0
local threads = 0
function setup(thread)
  thread:set("offset", threads * 37)  -- threads start at different places in the cycle
  threads = threads + 1
end
function request()
  if not built then
    built = {}
    for i, r in ipairs(requests) do built[i] = wrk.format(r[1], r[2], r[3], r[4]) end
    counter = (tonumber(offset) or 0) % #built
  end
  counter = counter % #built + 1
  return built[counter]
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %.0f, "duration_us": %.0f, "p50_us": %.0f, "p99_us": %.0f, ' ..
    '"errors": %.0f}\\n', summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout + e.status))
end
"""


def _lua(text: str) -> str:
    return f"[==[{text}]==]"  # long string: no escaping of the URL-encoded query needed


def wrk_script(requests: list[Request]) -> str:
    entries = []
    for req in requests:
        # "[ [==[k]==] ]": without the spaces Lua would read "[[" as a long string.
        headers = ", ".join(f"[ {_lua(k)} ] = {_lua(v)}" for k, v in req.headers.items())
        body = _lua(req.body.decode()) if req.body is not None else "nil"
        entries.append(f"  {{{_lua(req.method)}, {_lua(req.path)}, {{{headers}}}, {body}}},")
    return WRK_SCRIPT.replace("%ENTRIES%", "\n".join(entries))


def run_wrk(wrk: str, work: Path, target: Target, requests: list[Request], clients: int,
            seconds: int) -> Load:
    script = work / f"mix-{target.name}.lua"
    script.write_text(wrk_script(requests))
    cmd = [wrk, "-t", str(min(clients, 2)), "-c", str(clients), "-d", f"{seconds}s",
           "--timeout", "30s", "-s", str(script), f"http://127.0.0.1:{target.port}/"]
    done = subprocess.run(cmd, capture_output=True, timeout=seconds + 120)
    out = done.stdout.decode()
    line = next((x for x in out.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None or done.stderr:
        raise RuntimeError(f"wrk failed: {done.stderr.decode()[-300:]} {out[-300:]}")
    raw = json.loads(line.removeprefix("WRKJSON "))
    return Load(clients, int(raw["requests"]), raw["duration_us"] / 1e6, raw["p50_us"] / 1e3,
                raw["p99_us"] / 1e3, int(raw["errors"]))


@dataclass
class _Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _python_client(port: int, requests: list[Request], offset: int, deadline: float,
                   tally: _Tally) -> None:
    conn: http.client.HTTPConnection | None = None
    i, mine, errors = offset, [], 0
    while time.monotonic() < deadline:
        req = requests[i % len(requests)]
        i += 1
        started = time.perf_counter()
        try:
            conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request(req.method, req.path, body=req.body, headers=req.headers)
            response = conn.getresponse()
            response.read()
            errors += not 200 <= response.status < 300
            if response.will_close:
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException):
            errors += 1
            conn = None
        mine.append(time.perf_counter() - started)
    with tally.lock:
        tally.latencies += mine
        tally.errors += errors


def run_python_load(target: Target, requests: list[Request], clients: int,
                    seconds: float) -> Load:
    """Keep-alive threads (one connection each); bounded by the duration. GIL-bound above
    roughly 1-2k req/s, so it understates fast servers: prefer wrk."""
    tally = _Tally()
    started = time.monotonic()
    threads = [threading.Thread(target=_python_client, daemon=True,
                                args=(target.port, requests, k * 37, started + seconds, tally))
               for k in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.monotonic() - started
    lat = sorted(tally.latencies) or [0.0]
    return Load(clients, len(tally.latencies), elapsed, lat[len(lat) // 2] * 1e3,
                lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1e3, tally.errors)


# --------------------------------------------------------------------------------------------
# One server: per-query latencies, then the mix at each concurrency
# --------------------------------------------------------------------------------------------

@dataclass
class QueryTiming:
    median_ms: float | None
    rows: int | None
    error: str = ""


@dataclass
class Result:
    name: str
    queries: dict[str, QueryTiming] = field(default_factory=dict)
    loads: list[Load] = field(default_factory=list)
    rss_mb: float = 0.0
    notes: list[str] = field(default_factory=list)


def time_query(target: Target, query: Query, runs: int) -> QueryTiming:
    """1 warm-up + ``runs`` sequential requests on fresh connections; at most ~30 s."""
    req = to_request(target, query)
    times: list[float] = []
    budget = time.monotonic() + 30
    rows = None
    for attempt in range(runs + 1):
        started = time.perf_counter()
        try:
            status, body = fetch(target.port, req)
        except (OSError, http.client.HTTPException) as exc:
            return QueryTiming(None, None, type(exc).__name__)
        if status != 200:
            return QueryTiming(None, None, f"HTTP {status}")
        rows = row_count(body)
        if attempt:
            times.append(time.perf_counter() - started)
        if time.monotonic() > budget:
            break
    return QueryTiming(statistics.median(times) * 1e3 if times else None, rows)


@dataclass(frozen=True)
class Settings:
    seconds: int
    warmup: int
    concurrency: tuple[int, ...]
    query_runs: int
    wrk: str | None
    work: Path
    cities: int


def measure(server: Server, settings: Settings) -> Result:
    result = Result(server.target.name)
    for query in representative(settings.cities):
        result.queries[query.name] = time_query(server.target, query, settings.query_runs)
    requests = [to_request(server.target, q) for q in mix(settings.cities)]

    def load(clients: int, seconds: int) -> Load:
        if settings.wrk:
            return run_wrk(settings.wrk, settings.work, server.target, requests, clients, seconds)
        return run_python_load(server.target, requests, clients, seconds)

    if settings.warmup > 0:
        load(2, settings.warmup)  # fills caches and page cache; not reported
    for clients in settings.concurrency:
        result.loads.append(load(clients, settings.seconds))
        print(f"  {server.target.name:18} c={clients:<3} {result.loads[-1].rps:9.1f} req/s",
              flush=True)
    result.rss_mb = server.rss_mb()
    return result


def bench_server(name: str, starters: dict[str, Callable[[], Server]],
                 settings: Settings) -> Result | str:
    """Start, measure, stop one server; a string says why it was skipped."""
    print(f"{name}: starting", flush=True)
    server = None
    try:
        server = starters[name]()
        wait_ready(server, 600)
        notes = [server.prepare()] if server.prepare else []
        result = measure(server, settings)
        result.notes += notes
        return result
    except Skip as exc:
        print(f"{name}: skipped: {exc}", flush=True)
        return f"skipped: {exc}"
    finally:
        if server is not None:
            server.stop()


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RunInfo:
    when: str
    command: str
    triples: int
    cities: int
    loadgen: str
    load_average: str


def versions() -> str:
    found = []
    for dist in ("pyoxigraph", "flask", "gunicorn", "rdflib", "rdflib-endpoint", "uvicorn"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            found.append(f"{dist} {importlib.metadata.version(dist)}")
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        virtuoso = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "virtuoso-opensource"],
                                  capture_output=True, timeout=10).stdout.decode().strip()
        if virtuoso:
            found.append(f"virtuoso-opensource {virtuoso}")
    return ", ".join(found)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def load_table(results: dict[str, Result]) -> list[str]:
    lines = ["| server | clients | req/s | p50 ms | p99 ms | errors | RSS MB (all processes) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, result in results.items():
        for load in result.loads:
            done = load.requests > 0  # none done: every answer took longer than the run
            lines.append(f"| {LABELS[name]} | {load.clients} | {load.rps:.1f} | "
                         f"{_ms(load.p50_ms if done else None)} | "
                         f"{_ms(load.p99_ms if done else None)} | {load.errors} | "
                         f"{result.rss_mb:.0f} |")
    return lines


def ratio_table(results: dict[str, Result]) -> list[str]:
    ours = [n for n in ("citygraph", "citygraph-nocache") if n in results]
    peers = [n for n in ("floor", "rdflib-endpoint", "virtuoso") if n in results]
    if not ours or not peers:
        return ["(no pair of servers to compare in this run)"]
    pairs = [(a, b) for a in ours for b in peers]
    lines = ["| clients | " + " | ".join(f"{SHORT[a]} / {SHORT[b]}" for a, b in pairs) + " |",
             "|---:|" + "---:|" * len(pairs)]
    for i, load in enumerate(results[ours[0]].loads):
        cells = []
        for a, b in pairs:
            mine, theirs = results[a].loads[i].rps, results[b].loads[i].rps
            cells.append(f"{mine / theirs:.2f}x" if theirs else "-")
        lines.append(f"| {load.clients} | " + " | ".join(cells) + " |")
    return lines


def query_table(results: dict[str, Result]) -> list[str]:
    names = list(results)
    lines = ["| query | " + " | ".join(LABELS[n] for n in names) + " |",
             "|---|" + "---:|" * len(names)]
    for query in ("lookup", "one-hop", "two-hop", "regex", "group-by"):
        cells = []
        for name in names:
            timing = results[name].queries.get(query)
            if timing is None:
                cells.append("-")
            elif timing.error:
                cells.append(timing.error)
            else:
                cells.append(f"{_ms(timing.median_ms)} [{timing.rows}]")
        lines.append(f"| {query} | " + " | ".join(cells) + " |")
    return lines


def row_mismatches(results: dict[str, Result]) -> list[str]:
    """Servers must agree on the answers, or the comparison is void."""
    notes = []
    for query in ("lookup", "one-hop", "two-hop", "regex", "group-by"):
        rows = {n: r.queries[query].rows for n, r in results.items() if query in r.queries}
        if len(set(rows.values())) > 1:
            notes.append(f"* **{query}: row counts differ** ({rows})")
    return notes


def render(info: RunInfo, outcomes: dict[str, Result | str]) -> str:
    results = {n: r for n, r in outcomes.items() if isinstance(r, Result)}
    lines = [f"# citygraph HTTP benchmark, {info.when}", "",
             "Reproduce from the project root, with the project's virtualenv active:", "",
             f"```\n{info.command}\n```", "",
             f"* Data: {info.triples:,} synthetic triples ({info.cities:,} cities), "
             "the same N-Triples file for every server.",
             f"* Machine: {os.cpu_count()} CPUs, load average before the run {info.load_average}; "
             f"load generator: {info.loadgen} on the same machine.",
             f"* Versions: {versions()}.",
             "* Mix: 100-request cycle, 30 % label lookup, 30 % one-hop, 20 % two-hop, "
             "10 % regex search, 10 % GROUP BY over all partnerships; rotating over 10 cities.",
             "* Compare rows of this run only: the machine is shared and noisy.", "",
             "## Query mix: throughput and latency", "", *load_table(results), "",
             "## Ratios of req/s (same run, same clients)", "", *ratio_table(results), "",
             "## Single queries, one client, fresh connection: median ms [rows]", "",
             *query_table(results), ""]
    extra = [f"* {LABELS[n]}: {o}" for n, o in outcomes.items() if isinstance(o, str)]
    extra += row_mismatches(results)
    extra += [f"* {LABELS[n]}: {note}" for n, r in results.items() for note in r.notes]
    if extra:
        lines += ["## Notes", "", *extra, ""]
    return "\n".join(lines)


def write_report(text: str, folder: Path, day: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path, n = folder / f"http-{day}.md", 1
    while path.exists():  # never overwrite an earlier run of the same day
        n += 1
        path = folder / f"http-{day}-{n}.md"
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--triples", type=int, default=100_000, help="size of the synthetic graph")
    p.add_argument("--seed", type=int, default=0, help="seed of the synthetic graph")
    # Whole seconds: wrk takes no fractions.
    p.add_argument("--seconds", type=int, default=10, help="duration of each load run")
    p.add_argument("--warmup", type=int, default=2, help="unreported load before the runs")
    p.add_argument("--concurrency", default="1,8,32", help="client counts, comma-separated")
    p.add_argument("--servers", default=",".join(SERVER_NAMES),
                   help=f"subset of {','.join(SERVER_NAMES)}")
    p.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    p.add_argument("--query-runs", type=int, default=5, help="timed runs per single query")
    p.add_argument("--no-install", action="store_true", help="never call apt-get")
    p.add_argument("--workdir", type=Path, help="keep data, stores and logs here")
    p.add_argument("--results", type=Path, default=HERE / "results", help="report folder")
    args = p.parse_args(argv)
    args.concurrency = tuple(int(c) for c in args.concurrency.split(","))
    args.servers = tuple(s for s in args.servers.split(",") if s)
    unknown = set(args.servers) - set(SERVER_NAMES)
    if unknown:
        p.error(f"unknown servers: {', '.join(sorted(unknown))}")
    # Bounded on purpose: this runs on shared 2-core machines.
    if not (1_000 <= args.triples <= 20_000_000 and 0 < args.seconds <= 120 and args.warmup >= 0
            and all(0 < c <= 256 for c in args.concurrency) and 1 <= args.query_runs <= 50):
        p.error("out of bounds: 1k-20M triples, 0-120 s, 1-256 clients, 1-50 query runs")
    return args


def command(args: argparse.Namespace) -> str:
    return (f"python benchmarks/http_bench.py --triples {args.triples} --seed {args.seed} "
            f"--seconds {args.seconds} --warmup {args.warmup} "
            f"--concurrency {','.join(map(str, args.concurrency))} "
            f"--servers {','.join(args.servers)} --loadgen {args.loadgen} "
            f"--query-runs {args.query_runs}")


@contextlib.contextmanager
def workdir(path: Path | None) -> Iterator[Path]:
    if path is not None:
        path = path.resolve()
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="citygraph-http-bench-") as tmp:
        yield Path(tmp)


def pick_loadgen(args: argparse.Namespace) -> str | None:
    """wrk's path, or None for the Python load generator."""
    if args.loadgen == "python":
        return None
    try:
        return ensure_tool("wrk", "wrk", not args.no_install)
    except Skip as exc:
        if args.loadgen == "wrk":
            raise SystemExit(f"http_bench: {exc}") from None
        print(f"wrk unavailable ({exc}): using the Python load generator", flush=True)
        return None


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks that stop servers


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    load_average = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    wrk = pick_loadgen(args)
    with workdir(args.workdir) as work:
        data, cities = work / "synthetic.nt", cities_for_triples(args.triples)
        triples = write_synthetic(data, cities, args.seed)
        print(f"data: {triples:,} triples, {cities:,} cities → {data.name}", flush=True)
        store = work / "store"
        if {"citygraph", "citygraph-nocache", "floor"} & set(args.servers):
            store = build_store(work, data)
        starters: dict[str, Callable[[], Server]] = {
            "citygraph": lambda: start_citygraph(work, store, cache=True),
            "citygraph-nocache": lambda: start_citygraph(work, store, cache=False),
            "floor": lambda: start_floor(work, store),
            "rdflib-endpoint": lambda: start_rdflib_endpoint(work, data),
            "virtuoso": lambda: start_virtuoso(work, data, not args.no_install),
        }
        settings = Settings(args.seconds, args.warmup, args.concurrency, args.query_runs, wrk,
                            work, cities)
        outcomes = {name: bench_server(name, starters, settings) for name in args.servers}
    now = time.gmtime()
    info = RunInfo(time.strftime("%Y-%m-%d %H:%M UTC", now), command(args), triples, cities,
                   "wrk" if wrk else "Python threads (http.client)", load_average)
    report = render(info, outcomes)
    print("\n" + report)
    print(f"wrote {write_report(report, args.results, time.strftime('%Y-%m-%d', now))}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the servers are stopped by then (finally blocks)
        print("\nhttp_bench: interrupted; every server it started is stopped", file=sys.stderr)
        sys.exit(130)
