"""Network views and measures: citygraph against networkx alone on the same edge list.

Builds (or reuses) a store with the project's data plus a synthetic network of Wikidata's size
(``citygraph synth --cities 15000 --relations 25000``), then measures in one run:

* measures: citygraph's build step (read the network from the store, compute with networkx,
  write the quads) against networkx alone on a plain edge list (read it, compute the same);
* views: the ego network at depth 2, the shortest paths between two cities and a year view,
  as pages through the Flask app (the network and its measures held per build),
  against networkx alone (``ego_graph``, ``all_shortest_paths``, an edge filter by year).

Usage (from the project root, in its virtualenv)::

    python benchmarks/network_bench.py --work "$(mktemp -d)"        # about 5–10 minutes
    python benchmarks/network_bench.py --work "$(mktemp -d)" --runs 50 --out results/net.md

The report gives medians in milliseconds and the ratio citygraph / networkx per task.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import networkx as nx

from citygraph.app import create_app
from citygraph.config import load_config
from citygraph.network.measures import BETWEENNESS_SAMPLE, compute, quads
from citygraph.network.model import Network, extract, store_select
from citygraph.store import open_current

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "citygraph", *args], check=True, cwd=ROOT)


def prepare(work: Path, cities: int, relations: int) -> Path:
    store = work / "store"
    if (store / "current").exists():
        return store
    synth = work / "synthetic.nt"
    cli("synth", "--cities", str(cities), "--relations", str(relations), "--out", str(synth))
    cli("build", "--store", str(store), "--no-dumps", "--skip-validation")
    cli("add", "--graph", "https://w3id.org/citygraph/graph/synthetic", str(synth),
        "--store", str(store))
    return store


def timed(func: Callable[[], object]) -> float:
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def cpu_timed(func: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of this process (CPU time is what a busy machine hides)."""
    wall, cpu = time.perf_counter(), time.process_time()
    func()
    return time.perf_counter() - wall, time.process_time() - cpu


def plain_measures(edge_file: Path) -> None:
    """What a researcher would run on the edge list with networkx alone."""
    graph = nx.Graph()
    with open(edge_file, encoding="utf-8") as handle:
        for line in handle:
            a, b, _ = line.rstrip("\n").split("\t")
            graph.add_edge(a, b)
    k = BETWEENNESS_SAMPLE if graph.number_of_nodes() > 3000 else None
    nx.betweenness_centrality(graph, k=k, seed=0 if k else None)
    nx.clustering(graph)
    list(nx.connected_components(graph))
    nx.community.louvain_communities(graph, seed=0)


def citygraph_measures(store_path: Path) -> Network:
    store, info = open_current(store_path)
    net = extract(store_select(store))
    res = compute(net)
    list(quads(net, res, info.base_iri, f"{info.base_iri}graph/network-measures"))
    return net


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="Directory for store and data.")
    parser.add_argument("--cities", type=int, default=15000)
    parser.add_argument("--relations", type=int, default=25000)
    parser.add_argument("--runs", type=int, default=30, help="Requests per view.")
    parser.add_argument("--out", type=Path, default=None, help="Also write the report here.")
    parser.add_argument("--views-only", action="store_true", help="Skip the measures.")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    store = prepare(args.work, args.cities, args.relations)

    store_handle, _ = open_current(store)
    net = extract(store_select(store_handle))
    del store_handle
    measures = []
    if not args.views_only:
        cg_measures, cg_cpu = cpu_timed(lambda: citygraph_measures(store))
        edge_file = args.work / "edges.tsv"
        edge_file.write_text("".join(f"{e.a}\t{e.b}\t{e.start or ''}\n" for e in net.edges),
                             encoding="utf-8")
        nx_measures, nx_cpu = cpu_timed(lambda: plain_measures(edge_file))
        measures = [f"| measures at build, wall (s) | {cg_measures:.1f} | {nx_measures:.1f} | "
                    f"{cg_measures / nx_measures:.2f} |",
                    f"| measures at build, CPU (s) | {cg_cpu:.1f} | {nx_cpu:.1f} | "
                    f"{cg_cpu / nx_cpu:.2f} |"]

    graph = nx.Graph()
    for edge in net.edges:
        graph.add_edge(edge.a, edge.b, start=edge.start_year)
    rng = random.Random(0)
    connected = [n for n in graph if graph.degree(n) > 0]
    cities = [rng.choice(connected) for _ in range(args.runs)]
    pairs = [(rng.choice(connected), rng.choice(connected)) for _ in range(args.runs)]
    years = [rng.randint(1950, 2024) for _ in range(args.runs)]

    # The first request reads the whole network through the query runtime (several seconds at
    # this size, more on a busy machine): a generous query timeout for this one-off read.
    config = load_config(env={}, store=store, project_dir=ROOT, fair_use_loopback=False,
                         query_timeout=300.0)
    app = create_app(config)
    client = app.test_client()
    first = timed(lambda: client.get("/network/"))  # the build's network, read once per worker

    def page(url: str) -> float:
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return time.perf_counter() - started

    results = {
        "ego network, depth 2": (
            [page(f"/network/city?city={c}&depth=2") for c in cities],
            [timed(lambda c=c: nx.ego_graph(graph, c, radius=2)) for c in cities]),
        "shortest paths": (
            [page(f"/network/path?from={a}&to={b}") for a, b in pairs],
            [timed(lambda a=a, b=b: _nx_paths(graph, a, b)) for a, b in pairs]),
        "year view": (
            [page(f"/network/year?year={y}") for y in years],
            [timed(lambda y=y: _nx_year(graph, y)) for y in years]),
    }
    app.extensions["citygraph"].executor.close()
    lines = [f"# Network benchmark: {len(net.nodes)} nodes, {len(net.edges)} relations",
             "", f"Command: `python benchmarks/network_bench.py --work {args.work} --runs "
             f"{args.runs}` (cities {args.cities}, relations {args.relations})", "",
             "| task | citygraph | networkx alone | ratio |", "|---|---|---|---|", *measures]
    lines.append(f"| first network page of a build (s) | {first:.1f} | – | – |")
    for name, (ours, theirs) in results.items():
        lines.append(f"| {name}, median (ms) | {median_ms(ours):.1f} | {median_ms(theirs):.1f} "
                     f"| {median_ms(ours) / max(median_ms(theirs), 1e-6):.1f} |")
    lines += ["", f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.",
              "", "citygraph's views are whole HTML pages through the Flask app (network and its "
              "measures held per build and worker); networkx's are the bare computations."]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")


def _nx_paths(graph: nx.Graph, a: str, b: str) -> list[list[str]]:
    try:
        return list(nx.all_shortest_paths(graph, a, b))[:20]
    except nx.NetworkXNoPath:
        return []


def _nx_year(graph: nx.Graph, year: int) -> list[tuple[str, str]]:
    return [(a, b) for a, b, start in graph.edges(data="start") if start is None or start <= year]


if __name__ == "__main__":
    main()
