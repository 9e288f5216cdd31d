"""HTTP benchmark: citygraph (embedded, and in front of Virtuoso) against a bare floor,
rdflib-endpoint and Virtuoso, and the same query mix in-process, at one or more sizes, in one run.

Run from the project root with the project's virtualenv (see benchmarks/README.md):

    python benchmarks/http_bench.py --sizes 10000,1000000 --seconds 5 --repeat 3

Every server listens on 127.0.0.1 only and runs alone while it is measured; every process this
script starts is stopped at the end, also on Ctrl-C or an error. Not part of the test suite.
The parts: httpbench_queries (mix, targets), httpbench_procs (processes), httpbench_servers,
httpbench_load (wrk, latencies), httpbench_inproc (no HTTP), httpbench_report (Markdown).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))  # citygraph without installing the package
sys.path.insert(0, str(HERE))

from httpbench_inproc import ENGINES, run_inproc  # noqa: E402
from httpbench_load import Settings, bench_server  # noqa: E402
from httpbench_procs import Server, Skip, ensure_tool, wait_ready  # noqa: E402
from httpbench_report import SERVER_NAMES, RunInfo, SizeBlock, render, report_path  # noqa: E402
from httpbench_servers import (  # noqa: E402
    Virtuoso,
    build_store,
    load_virtuoso,
    start_citygraph,
    start_floor,
    start_rdflib_endpoint,
    start_virtuoso,
    virtuoso_direct,
)

from citygraph.synth import cities_for_triples, write_synthetic  # noqa: E402

ON_VIRTUOSO = ("virtuoso", "citygraph-virtuoso", "citygraph-virtuoso-nocache")
ON_STORE = {"citygraph", "citygraph-nocache", "floor", "pyoxigraph", "citygraph-evaluate",
            "citygraph-executor"}


def _list(text: str) -> tuple[str, ...]:
    return tuple(x for x in text.split(",") if x and x != "none")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--triples", type=int, default=100_000, help="size of the synthetic graph")
    p.add_argument("--sizes", default="", help="several sizes, comma-separated, one block each "
                   "(overrides --triples)")
    p.add_argument("--seed", type=int, default=0, help="seed of the synthetic graph")
    # Whole seconds: wrk takes no fractions.
    p.add_argument("--seconds", type=int, default=10, help="duration of each load run")
    p.add_argument("--warmup", type=int, default=2, help="unreported load before the runs")
    p.add_argument("--repeat", default="1", help="runs per load level; one number, or one per "
                   "size (e.g. 3,3,1)")
    p.add_argument("--concurrency", default="1,8,32", help="client counts, comma-separated")
    p.add_argument("--servers", default=",".join(SERVER_NAMES),
                   help=f"subset of {','.join(SERVER_NAMES)}")
    p.add_argument("--inproc", default="none",
                   help=f"in-process engines: subset of {','.join(ENGINES)}, or none")
    p.add_argument("--rdflib-max-triples", type=int, default=2_000_000,
                   help="skip rdflib (endpoint and in-process) above this size")
    p.add_argument("--virtuoso-gb", type=float, default=2.0, help="Virtuoso's buffer memory")
    p.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    p.add_argument("--query-runs", type=int, default=5, help="timed runs per single query")
    p.add_argument("--no-install", action="store_true", help="never call apt-get")
    p.add_argument("--workdir", type=Path, help="keep (and reuse) data, stores and logs here")
    p.add_argument("--results", type=Path, default=HERE / "results", help="report folder")
    args = p.parse_args(argv)
    args.sizes = tuple(int(x) for x in _list(args.sizes)) or (args.triples,)
    repeat = tuple(int(x) for x in _list(args.repeat))
    if len(repeat) not in (1, len(args.sizes)):
        p.error("--repeat: one number, or one per size")
    args.repeats = repeat * len(args.sizes) if len(repeat) == 1 else repeat
    args.concurrency = tuple(int(c) for c in args.concurrency.split(","))
    servers, engines = _list(args.servers), _list(args.inproc)
    unknown = (set(servers) - set(SERVER_NAMES)) | (set(engines) - set(ENGINES))
    args.servers = tuple(s for s in SERVER_NAMES if s in servers)  # Virtuoso's users last
    args.inproc = tuple(e for e in ENGINES if e in engines)
    if unknown:
        p.error(f"unknown servers or engines: {', '.join(sorted(unknown))}")
    # Bounded on purpose: this runs on shared 2-core machines.
    if not (all(1_000 <= n <= 20_000_000 for n in args.sizes) and 0 < args.seconds <= 120
            and args.warmup >= 0 and all(0 < c <= 256 for c in args.concurrency)
            and 1 <= args.query_runs <= 50 and all(1 <= r <= 20 for r in args.repeats)
            and 0.5 <= args.virtuoso_gb <= 16):
        p.error("out of bounds: 1k-20M triples, 0-120 s, 1-256 clients, 1-50 query runs, "
                "1-20 repeats, 0.5-16 GB for Virtuoso")
    return args


def command(args: argparse.Namespace) -> str:
    return (f"python benchmarks/http_bench.py --sizes {','.join(map(str, args.sizes))} "
            f"--seed {args.seed} --seconds {args.seconds} --warmup {args.warmup} "
            f"--repeat {','.join(map(str, args.repeats))} "
            f"--concurrency {','.join(map(str, args.concurrency))} "
            f"--servers {','.join(args.servers)} --inproc {','.join(args.inproc) or 'none'} "
            f"--rdflib-max-triples {args.rdflib_max_triples} --virtuoso-gb {args.virtuoso_gb:g} "
            f"--loadgen {args.loadgen} --query-runs {args.query_runs}")


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


def synthetic(work: Path, triples: int, seed: int) -> tuple[Path, int]:
    """The synthetic file of this size (reused from an earlier run in --workdir)."""
    data, count = work / "synthetic.nt", work / "synthetic.count"
    if not (data.exists() and count.exists()):
        count.write_text(str(write_synthetic(data, cities_for_triples(triples), seed)))
    return data, int(count.read_text())


def run_size(args: argparse.Namespace, work: Path, triples: int, repeat: int,
             wrk: str | None, blocks: list[SizeBlock], save: Callable[[], None]) -> None:
    """One size: data, store, in-process engines, then each server alone. The block is
    appended to ``blocks`` at once, and ``save`` rewrites the report after every step."""
    cities = cities_for_triples(triples)
    block = SizeBlock(triples, cities, repeat)
    blocks.append(block)
    data, written = synthetic(work, triples, args.seed)
    block.triples = written
    print(f"data: {written:,} triples, {cities:,} cities", flush=True)
    store = work / "store"
    wanted = set(args.servers) | set(args.inproc)
    if wanted & ON_STORE:
        reused = (work / "store.done").exists()
        store, seconds = build_store(work, data)
        block.notes.append("embedded store: built before this run in its --workdir (build time "
                           "not measured here)" if reused else
                           f"embedded store: citygraph build + add of the file {seconds:.1f} s")
    too_big = f"{written:,} triples > --rdflib-max-triples {args.rdflib_max_triples:,} " \
              "(an rdflib memory graph needs more RAM and parse time than this run allows)"
    skip = {"rdflib": too_big} if written > args.rdflib_max_triples else {}
    if args.inproc:
        block.inproc = run_inproc(args.inproc, store, data, cities, args.seconds, repeat, skip)
        save()
    settings = Settings(args.seconds, args.warmup, args.concurrency, args.query_runs, wrk,
                        work, cities, repeat)
    virtuoso: Virtuoso | str | None = None
    started: list[Virtuoso] = []  # stopped at the end of the block, whatever happened

    def on_virtuoso(make: Callable[[Virtuoso], Server]) -> Server:
        nonlocal virtuoso
        if virtuoso is None:
            virtuoso = "Virtuoso failed to start"
            shutil.rmtree(work / "virtuoso", ignore_errors=True)
            instance = start_virtuoso(work, data, not args.no_install, args.virtuoso_gb)
            started.append(instance)
            virtuoso = instance
            try:
                wait_ready(instance.server, 600)
                load_virtuoso(instance, work, data)
            except Skip as exc:
                virtuoso = f"Virtuoso could not be prepared: {exc}"
            block.notes += instance.notes
        if isinstance(virtuoso, str):
            raise Skip(virtuoso)
        return make(virtuoso)

    starters: dict[str, Callable[[], Server]] = {
        "citygraph": lambda: start_citygraph(work, store, True, "citygraph"),
        "citygraph-nocache": lambda: start_citygraph(work, store, False, "citygraph-nocache"),
        "floor": lambda: start_floor(work, store),
        "rdflib-endpoint": lambda: start_rdflib_endpoint(work, data),
        "virtuoso": lambda: on_virtuoso(virtuoso_direct),
        "citygraph-virtuoso": lambda: on_virtuoso(lambda v: start_citygraph(
            work, work / "remote-store", True, "citygraph-virtuoso", v.remote_env())),
        "citygraph-virtuoso-nocache": lambda: on_virtuoso(lambda v: start_citygraph(
            work, work / "remote-store", False, "citygraph-virtuoso-nocache", v.remote_env())),
    }
    try:
        for name in args.servers:
            if name == "rdflib-endpoint" and skip:
                block.outcomes[name] = f"skipped: {too_big}"
                continue
            block.outcomes[name] = bench_server(name, starters, settings)
            save()
    finally:
        for instance in started:
            instance.server.stop()
            shutil.rmtree(work / "virtuoso", ignore_errors=True)  # gigabytes at 10M


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks that stop servers


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    load_average = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    wrk = pick_loadgen(args)
    started = time.gmtime()
    info = RunInfo(time.strftime("%Y-%m-%d %H:%M UTC", started), command(args),
                   "wrk" if wrk else "Python threads (http.client)", load_average, args.seconds)
    path = report_path(args.results, time.strftime("%Y-%m-%d", started))
    path.write_text(f"# citygraph HTTP benchmark, {info.when}: running\n", encoding="utf-8")
    blocks: list[SizeBlock] = []
    finished: list[str] = []

    def save(note: str = "running; the last size is not complete yet") -> None:
        path.write_text(render(info, blocks, args.concurrency, note), encoding="utf-8")

    try:
        with workdir(args.workdir) as work:
            for triples, repeat in zip(args.sizes, args.repeats, strict=True):
                size_work = work / f"size-{triples}-seed{args.seed}"
                size_work.mkdir(exist_ok=True)
                run_size(args, size_work, triples, repeat, wrk, blocks, save)
                finished.append(f"{blocks[-1].triples:,}")
        save("")
    except BaseException:  # keep what was measured, and say the rest is missing
        save(f"interrupted; sizes finished: {', '.join(finished) or 'none'} (a size not "
             "finished lists only the servers and engines measured before the stop)")
        raise
    report = render(info, blocks, args.concurrency)
    print("\n" + report)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the servers are stopped by then (finally blocks)
        print("\nhttp_bench: interrupted; every server it started is stopped", file=sys.stderr)
        sys.exit(130)
