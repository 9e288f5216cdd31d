"""Where a request's time goes in `citygraph serve`: cProfile in every request thread of the
gunicorn workers (the app of `citygraph serve` with its production defaults), under wrk load
on the point lookup, grouped by what the code does.

    python benchmarks/serve_profile.py --store STORE [--cache off] [--seconds 10]

Each request thread profiles the requests it handles (gunicorn's parsing and writing, Flask,
citygraph, the wait for a query process), with wall-clock time: a thread waiting for the GIL
or for a query process shows that wait where it happens. The workers write their profiles
when they stop; the groups are summed over both and printed in µs per request. cProfile
slows Python code down, so the shares, not the sums, are what to compare with wrk_lookup.py.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import signal
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from citygraph.server import ReadLimitedWorker, Server, check_startup  # noqa: E402

# First match wins: the path fragment of a module, and the group it counts in.
GROUPS = (
    ("citygraph/sparql/executor", "query process round trip (pipe, wait, engine)"),
    ("citygraph/sparql/qprocess", "query process round trip (pipe, wait, engine)"),
    ("multiprocessing/", "query process round trip (pipe, wait, engine)"),
    ("selectors", "query process round trip (pipe, wait, engine)"),
    ("pickle", "query process round trip (pipe, wait, engine)"),
    ("citygraph/sparql/inline", "evaluation in the worker (known-cheap jobs, Oxigraph)"),
    ("citygraph/sparql/engine", "evaluation in the worker (known-cheap jobs, Oxigraph)"),
    ("citygraph/sparql/guard", "query checks"),
    ("citygraph/web/negotiation", "negotiation"),
    ("citygraph/web/conditional", "validators (ETag, Last-Modified, Vary)"),
    ("citygraph/metrics", "metrics"),
    ("citygraph/sparql/runtime", "runtime: cache, fair use"),
    ("citygraph/store", "runtime: current build"),
    ("citygraph/backend", "runtime: current build"),
    ("citygraph/server", "read deadline, per-client limit, connection balance"),
    ("citygraph/app", "after_request: CORS, metrics labels"),
    ("citygraph/accesslog", "access log"),
    ("citygraph/balance", "read deadline, per-client limit, connection balance"),
    ("citygraph/", "other citygraph code (protocol, view, query path)"),
    ("gunicorn/glogging", "access log"),
    ("logging/", "access log"),
    ("gunicorn/", "gunicorn (parse, headers, write)"),
    ("werkzeug", "Werkzeug (request, headers, response)"),
    ("flask", "Flask (context, dispatch)"),
)
PROFILE_DIR = "CITYGRAPH_BENCH_PROFILE_DIR"
PROFILE_CLOCK = "CITYGRAPH_BENCH_PROFILE_CLOCK"


class ProfiledWorker(ReadLimitedWorker):  # type: ignore[misc]
    """The worker of `citygraph serve`, each request thread with a profile of its own."""

    def init_process(self) -> None:
        self._local = threading.local()
        self._profiles: list[cProfile.Profile] = []
        self._requests = 0
        super().init_process()

    def handle(self, conn: Any) -> Any:
        profile = getattr(self._local, "profile", None)
        if profile is None:
            cpu = os.environ.get(PROFILE_CLOCK) == "cpu"
            clock = time.thread_time if cpu else time.perf_counter
            profile = self._local.profile = cProfile.Profile(clock)
            self._profiles.append(profile)
        profile.enable()
        try:
            return super().handle(conn)
        finally:
            profile.disable()

    def handle_request(self, req: Any, conn: Any) -> Any:
        self._requests += 1  # a thread may serve several requests of a kept-alive connection
        return super().handle_request(req, conn)

    def run(self) -> None:
        try:
            super().run()
        finally:
            out = Path(os.environ[PROFILE_DIR])
            for index, profile in enumerate(self._profiles):
                profile.dump_stats(out / f"{os.getpid()}-{index}.prof")
            (out / f"{os.getpid()}.requests").write_text(str(self._requests))


class ProfiledServer(Server):
    def load_config(self) -> None:
        super().load_config()
        self.cfg.set("worker_class", "serve_profile.ProfiledWorker")
        self.cfg.set("accesslog", "-")  # as `citygraph serve`: access log on


def serve(store: Path, port: int, cache: bool) -> None:
    from citygraph.config import load_config

    config = load_config(store=store).replace(port=port)
    if not cache:
        config = config.replace(cache_entries=0)
    check_startup(config)
    ProfiledServer(config).run()


def group_of(filename: str) -> str:
    return next((g for part, g in GROUPS if part in filename),
                "Python's library (threads, sockets, time, URL parsing)")


def grouped(out: Path) -> tuple[int, list[tuple[str, float]]]:
    """Own time per group; a built-in's (socket writes, pickling, a poll) counts in the
    group of the code that called it."""
    requests = sum(int(p.read_text()) for p in out.glob("*.requests"))
    totals: dict[str, float] = defaultdict(float)
    for path in out.glob("*.prof"):
        stats: Any = pstats.Stats(str(path)).stats
        for (filename, _, _), (_, _, own, _, callers) in stats.items():
            if filename != "~" or not callers:
                totals[group_of(filename)] += own
                continue
            for (caller_file, _, _), (_, _, caller_own, _) in callers.items():
                totals[group_of(caller_file)] += caller_own
    per_request = {g: s / max(requests, 1) * 1e6 for g, s in totals.items()}
    return requests, sorted(per_request.items(), key=lambda kv: -kv[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--cache", choices=("on", "off"), default="on")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu", help="cpu: each "
                        "thread's own CPU time; wall: also the waits (GIL, query process)")
    parser.add_argument("--serve-port", type=int, help=argparse.SUPPRESS)  # the server child
    args = parser.parse_args()
    if args.serve_port:
        serve(args.store, args.serve_port, args.cache == "on")
        return
    from httpbench_procs import Server as Proc
    from httpbench_procs import clean_env, free_port, launch, wait_ready
    from httpbench_queries import Target
    from wrk_lookup import lua_script, run_wrk

    work = Path(tempfile.mkdtemp(prefix="serve-profile-"))
    port = free_port()
    path = os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")]))
    env = clean_env(**{PROFILE_DIR: str(work), PROFILE_CLOCK: args.clock, "PYTHONPATH": path})
    cmd = [sys.executable, str(Path(__file__).resolve()), "--store", str(args.store.resolve()),
           "--cache", args.cache, "--serve-port", str(port)]
    server = Proc(Target("citygraph", port), launch(cmd, work / "server.log", env), work / "log")
    script = work / "lookup.lua"
    script.write_text(lua_script())
    try:
        wait_ready(server, 120)
        run = run_wrk("wrk", script, port, argparse.Namespace(threads=2, connections=4),
                      args.seconds)
    finally:
        os.killpg(server.process.pid, signal.SIGTERM)
        server.process.wait(timeout=60)
    requests, groups = grouped(work)
    print(f"cache {args.cache}: {run.rps:,.0f} req/s under the profiler, {requests:,} requests "
          f"profiled ({run.failures} failed)\n")
    print("| where | µs per request | share |\n|---|---:|---:|")
    total = sum(v for _, v in groups)
    for group, micros in groups:
        print(f"| {group} | {micros:,.0f} | {micros / total:.0%} |")
    print(f"| total ({args.clock} time in request threads) | {total:,.0f} | |")


if __name__ == "__main__":
    main()
