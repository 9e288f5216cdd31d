"""Bounded load test of `citygraph serve` on loopback, with runaway queries mixed in.

Scenario 1 ("mix"): --clients concurrent clients for --seconds, each sending the competency
questions (src/citygraph/queries/*.rq) with --heavy-share of cartesian products that hit the
query timeout. Reports requests, errors by status, p50/p99 latency and the server's RSS (sum
over the gunicorn master, its workers and their query processes, sampled every second from
/proc): at rest before and after the run (after a warm-up), which must not differ by more than
--rss-noise, and per 10 s window under load.

Scenario 2 ("isolation"): --normal-clients clients with normal queries alone (the unloaded
baseline), then the same next to --runaway-clients clients that send only runaway queries.
Every runaway must be answered 503 within the timeout + 1 s; the normal clients' p99 must stay
within 2x the baseline.

Scenario 3 ("attacks", benchmarks/attack_mixes.py): the hostile requests of the endpoint's
security review (dataset parameters, memory, guard CPU, query slots, slow bodies), each next to
a normal client, on a second server that applies fair use to loopback clients: the normal
client's p99 against the unloaded run and the peak RSS of all processes against the budget.

The servers are started here on free ports (query timeout --timeout, default 2 s) over a store
built from the project into a temporary directory (or --store), and stopped at the end.

    python benchmarks/load_test.py                       # 32 clients, 60 s; about 5 minutes
    python benchmarks/load_test.py --clients 8 --seconds 10 --scenario2-seconds 10 \
        --attack-seconds 10
    python benchmarks/load_test.py --scenarios 3         # the attack mixes only
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests
from attack_mixes import scenario3

ROOT = Path(__file__).resolve().parent.parent
QUERIES = sorted((ROOT / "src" / "citygraph" / "queries").glob("*.rq"))
HEAVY = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i",
    "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?c }",
]
ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"


@dataclass
class Sample:
    kind: str  # normal | heavy
    status: int  # 0: connection error
    seconds: float


@dataclass
class Run:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tree(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    result, todo = [pid], [pid]
    while todo:
        current = todo.pop()
        for child, parent in parents.items():
            if parent == current:
                result.append(child)
                todo.append(child)
    return result


def rss_bytes(pid: int) -> int:
    total = 0
    for member in tree(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
    return total


class Server:
    def __init__(self, store: Path, workers: int, timeout: float, log: Path,
                 **settings: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "CITYGRAPH_QUERY_TIMEOUT": str(timeout),
               **{f"CITYGRAPH_{k.upper()}": v for k, v in settings.items()}}
        self.log = open(log, "wb")  # noqa: SIM115 — closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "citygraph", "serve", "--store", str(store), "--port",
             str(self.port), "--workers", str(workers)],
            env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            if self.process.poll() is not None:
                raise SystemExit(f"citygraph serve exited with {self.process.returncode}")
            time.sleep(0.2)
        self.stop()
        raise SystemExit("citygraph serve did not become healthy in 90 s")

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()


class RssSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.samples = pid, []  # type: ignore[var-annotated]
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.samples.append(rss_bytes(self.pid))
            self.stopped.wait(1.0)


def client(url: str, run: Run, until: float, heavy_share: float, seed: int,
           only: str | None = None) -> None:
    rng = random.Random(seed)
    normal = [q.read_text(encoding="utf-8") for q in QUERIES]
    with requests.Session() as session:
        while time.monotonic() < until:
            heavy = only == "heavy" or (only is None and rng.random() < heavy_share)
            query = rng.choice(HEAVY if heavy else normal)
            started = time.monotonic()
            try:
                response = session.post(url + "/sparql", data={"query": query},
                                        headers={"Accept": ACCEPT}, timeout=60)
                status = response.status_code
            except requests.RequestException:
                status = 0
            run.add(Sample("heavy" if heavy else "normal", status, time.monotonic() - started))


def drive(url: str, seconds: float, groups: list[tuple[int, str | None, float]]) -> Run:
    """groups: (clients, only, heavy_share)"""
    run = Run()
    until = time.monotonic() + seconds
    threads = []
    seed = 0
    for count, only, share in groups:
        for _ in range(count):
            seed += 1
            threads.append(threading.Thread(target=client,
                                            args=(url, run, until, share, seed, only)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return run


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(run: Run, kind: str | None = None) -> dict[str, object]:
    samples = [s for s in run.samples if kind is None or s.kind == kind]
    seconds = [s.seconds for s in samples]
    return {"requests": len(samples),
            "statuses": dict(sorted(Counter(s.status for s in samples).items())),
            "p50": pct(seconds, 50), "p99": pct(seconds, 99),
            "max": max(seconds) if seconds else float("nan")}


def fmt(stats: dict[str, object]) -> str:
    return (f"{stats['requests']} requests, statuses {stats['statuses']}, "
            f"p50 {stats['p50']:.3f} s, p99 {stats['p99']:.3f} s, max {stats['max']:.3f} s")


def mb(value: float) -> str:
    return f"{value / 2**20:.0f} MB"


def windows(samples: list[int], width: int = 10) -> list[float]:
    """Mean RSS per window of `width` one-second samples: shows a plateau or a climb."""
    return [statistics.mean(samples[i:i + width]) for i in range(0, len(samples), width)
            if samples[i:i + width]]


def idle_rss(pid: int, settle: float = 3.0, samples: int = 3) -> float:
    """Server RSS at rest: queries finished, killed query processes replaced."""
    time.sleep(settle)
    values = []
    for _ in range(samples):
        values.append(rss_bytes(pid))
        time.sleep(1.0)
    return statistics.mean(values)


def scenario1(url: str, pid: int, args: argparse.Namespace, failures: list[str]) -> None:
    mix = [(args.clients, None, args.heavy_share)]
    drive(url, args.warmup, mix)  # unreported: query processes, caches, page cache settle
    before = idle_rss(pid)
    sampler = RssSampler(pid)
    sampler.start()
    run = drive(url, args.seconds, mix)
    sampler.stopped.set()
    sampler.join()
    after = idle_rss(pid)
    print(f"\n## Scenario 1: {args.clients} clients, {args.seconds:g} s after {args.warmup:g} s "
          f"of warm-up, {args.heavy_share:.0%} heavy")
    print(f"all:    {fmt(summary(run))}")
    print(f"normal: {fmt(summary(run, 'normal'))}")
    print(f"heavy:  {fmt(summary(run, 'heavy'))}")
    print(f"RSS (master + workers + query processes) at rest: {mb(before)} before the run, "
          f"{mb(after)} after it; under load, mean per 10 s: "
          + ", ".join(mb(v) for v in windows(sampler.samples))
          + f"; max {mb(max(sampler.samples))}")
    bad = {k: v for k, v in summary(run)["statuses"].items()  # type: ignore[attr-defined]
           if k not in (200, 503)}
    if bad:
        failures.append(f"scenario 1: unexpected statuses {bad}")
    stopped = sum(1 for s in run.samples if s.kind == "heavy" and s.status == 503)
    print(f"heavy answered 503: {stopped}")
    if any(s.status == 503 for s in run.samples if s.kind == "normal"):
        failures.append("scenario 1: a normal query got 503")
    # Under load, RSS follows the heavy queries in flight (each may hold a large
    # intermediate result until it is killed); growth that stays once they are gone is a leak.
    if after > before * (1 + args.rss_noise):
        failures.append(f"scenario 1: RSS at rest grew from {mb(before)} to {mb(after)}")


def scenario2(url: str, args: argparse.Namespace, failures: list[str]) -> None:
    print(f"\n## Scenario 2: {args.normal_clients} normal clients alone, then next to "
          f"{args.runaway_clients} runaway clients ({args.scenario2_seconds:g} s each)")
    base = drive(url, args.scenario2_seconds, [(args.normal_clients, "normal", 0)])
    mixed = drive(url, args.scenario2_seconds,
                  [(args.normal_clients, "normal", 0), (args.runaway_clients, "heavy", 1)])
    base_stats, normal_stats = summary(base), summary(mixed, "normal")
    runaway = [s for s in mixed.samples if s.kind == "heavy"]
    print(f"baseline normal: {fmt(base_stats)}")
    print(f"loaded normal:   {fmt(normal_stats)}")
    print(f"runaway:         {fmt(summary(mixed, 'heavy'))}")
    late = [s for s in runaway if s.status != 503 or s.seconds > args.timeout + 1]
    print(f"runaway answered 503 within {args.timeout + 1:g} s: "
          f"{len(runaway) - len(late)}/{len(runaway)}")
    ratio = float(normal_stats["p99"]) / float(base_stats["p99"])  # type: ignore[arg-type]
    print(f"normal p99 loaded / unloaded: {ratio:.2f}")
    if late:
        failures.append(f"scenario 2: {len(late)} runaway queries not a 503 within "
                        f"{args.timeout + 1:g} s (worst {max(s.seconds for s in late):.2f} s, "
                        f"statuses {Counter(s.status for s in late)})")
    if ratio > 2:
        failures.append(f"scenario 2: normal p99 is {ratio:.2f}x the unloaded p99")
    if any(s.status != 200 for s in mixed.samples if s.kind == "normal"):
        failures.append("scenario 2: a normal query failed")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=15,
                        help="seconds of the scenario-1 mix before measuring")
    parser.add_argument("--heavy-share", type=float, default=0.10)
    parser.add_argument("--normal-clients", type=int, default=8)
    parser.add_argument("--runaway-clients", type=int, default=4)
    parser.add_argument("--scenario2-seconds", type=float, default=30)
    parser.add_argument("--timeout", type=float, default=2.0, help="query timeout of the server")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--store", type=Path, default=None,
                        help="existing store (default: build one from the project)")
    parser.add_argument("--rss-noise", type=float, default=0.10,
                        help="allowed growth of the RSS at rest, before and after the run")
    parser.add_argument("--scenarios", default="123", help="which scenarios to run")
    parser.add_argument("--attack-seconds", type=float, default=15)
    parser.add_argument("--attack-timeout", type=float, default=10,
                        help="query timeout of the server in scenario 3 (default setting: 30)")
    parser.add_argument("--attack-pause", type=float, default=3,
                        help="seconds between two attacks")
    parser.add_argument("--attack-p99-ratio", type=float, default=3.0,
                        help="allowed normal p99 under an attack, times the unloaded one")
    parser.add_argument("--memory-budget", type=int, default=3072,
                        help="memory_budget of the server in scenario 3, MB")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="citygraph-load-") as tmp:
        store = args.store
        if store is None:
            store = Path(tmp) / "store"
            subprocess.run([sys.executable, "-m", "citygraph", "build", "--store", str(store)],
                           cwd=ROOT, check=True, capture_output=True)
        failures: list[str] = []
        print(f"command: {' '.join(sys.argv)}")
        print(f"machine: {os.cpu_count()} CPUs; server: {args.workers} workers, "
              f"query timeout {args.timeout:g} s")
        if "1" in args.scenarios or "2" in args.scenarios:
            server = Server(store, args.workers, args.timeout, Path(tmp) / "server.log")
            try:
                if "1" in args.scenarios:
                    scenario1(server.url, server.process.pid, args, failures)
                if "2" in args.scenarios:
                    scenario2(server.url, args, failures)
            finally:
                server.stop()
        if "3" in args.scenarios:
            server = Server(store, args.workers, args.attack_timeout, Path(tmp) / "attacks.log",
                            fair_use_loopback="1", memory_budget=str(args.memory_budget))
            try:
                normal = [q.read_text(encoding="utf-8") for q in QUERIES]
                scenario3(server.url, server.process.pid, args, normal, rss_bytes, pct,
                          failures)
            finally:
                server.stop()
        print("\nresult: " + ("PASS" if not failures else "FAIL\n  " + "\n  ".join(failures)))
        return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
