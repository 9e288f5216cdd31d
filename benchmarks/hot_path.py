"""Per-request cost of the point lookup in one process, without HTTP: citygraph with its cache
(a cache hit), citygraph with the cache off (a query process evaluates it the first time, the
web process after that: inline.py), the floor (benchmarks/floor_app.py: Flask + pyoxigraph,
no rules) and the floor without the query (bare Flask), each through Flask's test client, in
alternating rounds so that the machine's load hits all alike, with the CPU time of the web
process and of the query processes per request. Then citygraph's own work in a cache hit
against the floor's evaluation of the query (each less bare Flask), and a profile of
citygraph's cache hit, grouped by where the time goes.

    python benchmarks/hot_path.py --store STORE [--requests 500] [--rounds 3]

STORE is a citygraph store directory (``citygraph build --store STORE``). The numbers leave
out gunicorn and the network, which cost the three the same; see docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
QUERY = 'SELECT ?p ?o WHERE { ?s ?lp "Szczecin"@en . ?s ?p ?o }'
ACCEPT = {"Accept": "application/sparql-results+json"}
GROUPS = (("citygraph/sparql/guard", "checks"), ("citygraph/web/negotiation", "negotiation"),
          ("citygraph/web/conditional", "validators"), ("citygraph/metrics", "metrics"),
          ("citygraph/sparql/runtime", "runtime, cache, fair use"),
          ("citygraph/", "other citygraph code"), ("werkzeug/test", "test client"),
          ("werkzeug", "Werkzeug"), ("flask", "Flask"))


def per_request(client: Any, requests: int) -> float:
    """Microseconds per request over ``requests`` calls (all must answer 200)."""
    return costs(client, requests)[0]


def costs(client: Any, requests: int) -> tuple[float, float, float]:
    """Per request, in microseconds: wall time, CPU of this (the web) process and CPU of its
    children (citygraph's query processes; none for the floor)."""
    web, children, started = _own_cpu(), children_cpu(), time.perf_counter()
    for _ in range(requests):
        response = client.get("/sparql", query_string={"query": QUERY}, headers=ACCEPT)
        assert response.status_code == 200, response.data[:200]
    wall = time.perf_counter() - started
    return (wall / requests * 1e6, (_own_cpu() - web) / requests * 1e6,
            (children_cpu() - children) / requests * 1e6)


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def children_cpu() -> float:
    """CPU seconds used so far by the live children of this process (proc(5): fields 4,
    14 and 15 of /proc/PID/stat are the parent, user and system time)."""
    me, tick, total = os.getpid(), os.sysconf("SC_CLK_TCK"), 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == me:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def profile(client: Any, requests: int) -> list[tuple[str, float]]:
    """Own time per group of modules, in microseconds per request."""
    profiler = cProfile.Profile()
    profiler.enable()
    per_request(client, requests)
    profiler.disable()
    totals: dict[str, float] = defaultdict(float)
    stats: Any = pstats.Stats(profiler).stats
    for (filename, _, _), (_, _, own, _, _) in stats.items():
        group = next((name for part, name in GROUPS if part in filename), "Python and C")
        totals[group] += own / requests * 1e6
    return sorted(totals.items(), key=lambda kv: -kv[1])


def bare_app() -> Any:
    """The floor without the query: Flask reads the request as the floor does and answers a
    fixed body. What the floor costs beyond it is its evaluation of the query."""
    from flask import Flask, Response, request

    app = Flask("bare")

    @app.route("/sparql", methods=["GET", "POST"])
    def sparql() -> Response:
        request.values.get("query")
        return Response(b'{"head":{"vars":[]},"results":{"bindings":[]}}',
                        mimetype="application/sparql-results+json")

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from citygraph.app import create_app
    from citygraph.config import load_config

    os.environ["FLOOR_STORE"] = str(args.store / "current")
    sys.path.insert(0, str(HERE))
    import floor_app

    config = load_config(env={}, store=args.store, fair_use_loopback=True)
    apps = {"citygraph (cache hit)": create_app(config),
            "citygraph (cache off)": create_app(config.replace(cache_entries=0))}
    clients = {name: app.test_client() for name, app in apps.items()}
    clients["floor"] = floor_app.app.test_client()
    clients["bare Flask (no query)"] = bare_app().test_client()
    for client in clients.values():
        per_request(client, 20)  # warm: query processes started, store pages read, cache filled
    times: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for _ in range(args.rounds):
        for name, client in clients.items():
            times[name].append(costs(client, args.requests))
    floor = statistics.median(t[0] for t in times["floor"])
    print(f"| {'':22} | µs per request | vs floor (req/s ratio) | CPU µs: web process | "
          "query processes | both |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, values in times.items():
        wall, web, child = (statistics.median(t[i] for t in values) for i in range(3))
        print(f"| {name:22} | {wall:,.0f} | {floor / wall:.2f}× | {web:,.0f} | {child:,.0f} | "
              f"{web + child:,.0f} |")
    cpu = {name: statistics.median(t[1] + t[2] for t in values) for name, values in times.items()}
    bare = cpu["bare Flask (no query)"]
    print(f"\ncitygraph's own work in a cache hit (cache hit - bare Flask): "
          f"{cpu['citygraph (cache hit)'] - bare:,.0f} µs of CPU; the floor's evaluation of the "
          f"query (floor - bare Flask): {cpu['floor'] - bare:,.0f} µs")
    print("\nWhere a cache hit's time goes (own time, µs per request):")
    for group, micros in profile(clients["citygraph (cache hit)"], args.requests):
        print(f"  {group:28} {micros:8.0f}")
    for app in apps.values():
        app.extensions["citygraph"].executor.close()


if __name__ == "__main__":
    main()
