"""The servers of the HTTP benchmark: citygraph (embedded store, or in front of Virtuoso), the
Flask floor, rdflib-endpoint and Virtuoso. Each starter returns a Server that is not yet ready.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from httpbench_procs import Server, Skip, clean_env, ensure_tool, free_port, launch
from httpbench_queries import GRAPH, Target

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(PROJECT))  # the throwaway Virtuoso of the tests (not in the wheel)

from tests.virtuoso import write_ini  # noqa: E402


def run_cli(args: list[str], env: dict[str, str], log: Path, timeout: float = 3600) -> None:
    with open(log, "ab") as handle:
        subprocess.run([sys.executable, "-m", "citygraph", *args], env=env, check=True,
                       stdout=handle, stderr=subprocess.STDOUT, timeout=timeout)


def make_project(work: Path) -> Path:
    """A project with the ontology, the shapes and the dataset description (which a build
    requires; the queries do not touch it), but no other data files."""
    project = work / "project"
    if not project.exists():
        (project / "data").mkdir(parents=True)
        for name in ("ontology", "shapes"):
            (project / name).symlink_to(PROJECT / name)
        (project / "data" / "dataset.ttl").symlink_to(PROJECT / "data" / "dataset.ttl")
    return project


def build_store(work: Path, data: Path) -> tuple[Path, float]:
    """Embedded store: ontology and shapes built, then the synthetic file added. Reused when
    a complete one is already in ``work`` (--workdir). Returns (store, build seconds)."""
    store, log, done = work / "store", work / "build.log", work / "store.done"
    if done.exists():
        return store, float(done.read_text())
    started = time.monotonic()
    env = clean_env(CITYGRAPH_PROJECT_DIR=str(make_project(work)))
    run_cli(["build", "--skip-validation", "--store", str(store)], env, log)
    run_cli(["add", "--graph", GRAPH, str(data), "--store", str(store)], env, log)
    seconds = time.monotonic() - started
    done.write_text(f"{seconds:.1f}\n")
    return store, seconds


def start_citygraph(work: Path, store: Path, cache: bool, name: str,
                    remote: dict[str, str] | None = None, workers: int = 2,
                    source: Path | None = None) -> Server:
    """``citygraph serve --workers N``; with ``remote``, the sparql backend in front of it;
    with ``source``, the citygraph package of that source directory (another revision)."""
    port, log = free_port(), work / f"{name}.log"
    env = clean_env(CITYGRAPH_PROJECT_DIR=str(work / "project"), **(remote or {}))
    if source is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(source), env.get("PYTHONPATH", "")])
    if not cache:
        env["CITYGRAPH_CACHE_ENTRIES"] = "0"
    cmd = [sys.executable, "-m", "citygraph", "serve", "--store", str(store),
           "--workers", str(workers), "--host", "127.0.0.1", "--port", str(port)]
    return Server(Target(name, port), launch(cmd, log, env), log)


def start_floor(work: Path, store: Path, workers: int = 2) -> Server:
    port, log = free_port(), work / "floor.log"
    # No control socket: gunicorn 27 puts it at one path per user, shared by all instances.
    cmd = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", "sync",
           "-b", f"127.0.0.1:{port}", "--no-control-socket", "--chdir", str(HERE), "floor_app:app"]
    env = clean_env(FLOOR_STORE=str(store / "current"))
    return Server(Target("floor", port), launch(cmd, log, env), log)


def rdflib_endpoint_app() -> object:
    """uvicorn factory (in each worker): rdflib-endpoint over an rdflib memory Dataset."""
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint

    started = time.monotonic()
    graph = Dataset(default_union=True)
    graph.parse(os.environ["BENCH_DATA_FILE"], format="nt")
    print(f"rdflib-endpoint worker {os.getpid()}: parsed {len(graph):,} triples in "
          f"{time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
    return SparqlEndpoint(graph=graph, path="/sparql", cors_enabled=False)


def start_rdflib_endpoint(work: Path, data: Path) -> Server:
    import importlib.util

    if importlib.util.find_spec("rdflib_endpoint") is None:
        raise Skip("rdflib-endpoint is not installed (pip install rdflib-endpoint)")
    port, log = free_port(), work / "rdflib-endpoint.log"
    cmd = [sys.executable, "-m", "uvicorn", "httpbench_servers:rdflib_endpoint_app", "--factory",
           "--workers", "2", "--host", "127.0.0.1", "--port", str(port), "--app-dir", str(HERE),
           "--no-access-log", "--log-level", "warning"]
    env = clean_env(BENCH_DATA_FILE=str(data),
                    PYTHONPATH=os.pathsep.join([str(HERE), str(PROJECT / "src")]))
    # Connection: close, because with keep-alive each of its answers stalls about 44 ms.
    return Server(Target("rdflib-endpoint", port, close=True), launch(cmd, log, env), log)


# --------------------------------------------------------------------------------------------
# Virtuoso: one instance per size, shared by "virtuoso" and "citygraph-virtuoso*"
# --------------------------------------------------------------------------------------------

@dataclass
class Virtuoso:
    server: Server  # owns the virtuoso-t process group
    isql: str
    sql_port: int
    notes: list[str]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.target.port}/sparql"

    def exec(self, statement: str, timeout: float = 3600) -> None:
        result = subprocess.run([self.isql, f"127.0.0.1:{self.sql_port}", "dba", "dba",
                                 f"exec={statement}"], capture_output=True, timeout=timeout)
        if result.returncode != 0 or b"Error" in result.stdout + result.stderr:
            raise Skip(f"isql failed: {result.stdout.decode()[-300:].strip()}")

    def remote_env(self) -> dict[str, str]:
        """citygraph's sparql backend pointed at this instance."""
        return {"CITYGRAPH_BACKEND": "sparql", "CITYGRAPH_SPARQL_QUERY_URL": self.url,
                "CITYGRAPH_SPARQL_GRAPH_STORE_URL": self.url + "-graph-crud"}


def start_virtuoso(work: Path, data: Path, install: bool, memory_gb: float) -> Virtuoso:
    """Start Virtuoso, record a citygraph build in it, bulk-load the synthetic file."""
    binary = ensure_tool("virtuoso-t", "virtuoso-opensource", install)
    isql = ensure_tool("isql-vt", "virtuoso-opensource", install)
    db = work / "virtuoso"
    db.mkdir()
    sql, port = free_port(), free_port()
    ini = write_ini(db, sql, port, memory_gb=memory_gb, readable=(data.parent,))
    process = launch([binary, "+configfile", str(ini), "+foreground"], db / "stdout.log", cwd=db)
    target = Target("virtuoso", port, params=(("default-graph-uri", GRAPH),))
    instance = Virtuoso(Server(target, process, db / "virtuoso.log"), isql, sql, [])

    def shutdown() -> None:
        subprocess.run([isql, f"127.0.0.1:{sql}", "dba", "dba", "exec=shutdown;"],
                       capture_output=True, timeout=60)

    instance.server.shutdown = shutdown
    threads = next((x.split("=")[1].strip() for x in ini.read_text().splitlines()
                    if x.startswith("ServerThreads")), "?")
    instance.notes.append(f"Virtuoso: {memory_gb:g} GB of buffers "
                          f"({int(memory_gb * 85_000):,}), {threads} HTTP threads")
    return instance


def load_virtuoso(instance: Virtuoso, work: Path, data: Path) -> None:
    """1. ``citygraph build`` with the sparql backend (ontology and shapes, build metadata);
    2. ``citygraph add --graph <synthetic> head`` with the first lines of the file, so the build
    metadata lists the synthetic graph; 3. the whole file with Virtuoso's bulk loader (ld_dir +
    rdf_loader_run) into that graph, then a checkpoint. The graph then holds exactly the file
    (the head is a subset of it)."""
    instance.exec('GRANT SPARQL_UPDATE TO "SPARQL"; '
                  "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);", timeout=60)
    started = time.monotonic()
    env = clean_env(CITYGRAPH_PROJECT_DIR=str(make_project(work)), **instance.remote_env())
    log = work / "virtuoso-citygraph-build.log"
    head = work / "synthetic-head.nt"
    with open(data, "rb") as source:
        head.write_bytes(b"".join(source.readline() for _ in range(100)))
    try:
        run_cli(["build", "--skip-validation"], env, log, timeout=900)
        run_cli(["add", "--graph", GRAPH, str(head)], env, log, timeout=900)
    except subprocess.SubprocessError as exc:
        raise Skip(f"citygraph build/add with the sparql backend failed ({exc}); "
                   f"see {log.name}") from None
    built = time.monotonic() - started
    started = time.monotonic()
    instance.exec(f"ld_dir('{data.parent}', '{data.name}', '{GRAPH}'); "
                  "rdf_loader_run(); checkpoint;")
    loaded = time.monotonic() - started
    instance.notes.append(f"Virtuoso: citygraph build + add of a 100-line head with the sparql "
                          f"backend {built:.1f} s; bulk load of the file + checkpoint "
                          f"{loaded:.1f} s")
    instance.notes.append(f"citygraph-virtuoso: reading the build metadata once "
                          f"(RemoteStore.build_info, which counts every graph) takes "
                          f"{time_build_info(instance):.2f} s; each web worker repeats it at "
                          "most every 5 s")


def time_build_info(instance: Virtuoso) -> float:
    from citygraph.sparql.remote import RemoteSettings, RemoteStore
    from citygraph.synth import DEFAULT_BASE

    remote = RemoteStore(RemoteSettings(instance.url, instance.url, "", "", "", DEFAULT_BASE,
                                        300.0))
    started = time.monotonic()
    remote.build_info()
    return time.monotonic() - started


def virtuoso_direct(instance: Virtuoso) -> Server:
    """The shared instance as a server of its own (stopped with the size block, not here)."""
    server = instance.server
    return Server(server.target, server.process, server.log, owned=False)
