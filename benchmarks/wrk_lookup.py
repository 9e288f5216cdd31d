"""The point lookup over HTTP: citygraph with its cache, citygraph without it, and the floor
(benchmarks/floor_app.py), each under gunicorn with the same number of worker processes, on
the same store, measured by wrk in alternating rounds. Prints a Markdown table of each round
(with the load average and the CPU time the server's processes used per request), the ratios
against the floor of the same round and their medians.

    python benchmarks/wrk_lookup.py --store STORE [--seconds 10] [--rounds 3] [--baseline SRC]

STORE is a citygraph store directory (``citygraph build --store STORE --no-dumps``).
citygraph runs as ``citygraph serve`` with its production defaults: query checks, killable
network-isolated query processes, limits, fair use and metrics all on. Fair use does not
budget loopback clients unless ``fair_use_loopback`` is set, and wrk's four connections are
one client (one address), which the default ``max_client_queries`` of 2 per worker would
answer 429 without the loopback exemption. Every answer must be a 200: the run fails on any
other status or socket error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from httpbench_procs import Server, Skip, ensure_tool, wait_ready  # noqa: E402
from httpbench_servers import make_project, start_citygraph, start_floor  # noqa: E402

QUERY = 'SELECT ?p ?o WHERE { ?s ?lp "Szczecin"@en . ?s ?p ?o }'
ACCEPT = "application/sparql-results+json"
# Counts every answer that is not a 200 (wrk's own count leaves out 3xx) in each thread's
# Lua state; done() sums them over the threads set up.
SCRIPT = """wrk.headers["Accept"] = "%ACCEPT%"
local threads = {}
function setup(thread) table.insert(threads, thread); thread:set("id", #threads) end
function init(args) not200 = 0 end
function response(status, headers, body) if status ~= 200 then not200 = not200 + 1 end end
%REQUEST%
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("not200") end
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests": %.0f, "duration_us": %.0f, "mean_us": %.0f, ' ..
    '"p50_us": %.0f, "p99_us": %.0f, "socket_errors": %.0f, "not200": %.0f}\\n',
    summary.requests, summary.duration, latency.mean, latency:percentile(50),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, bad))
end
"""


# With --unique: the lookup with a comment numbered per thread and request, so no two
# requests of a run carry the same text.
UNIQUE = """local counter = 0
function request()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "%%23%%20" .. run .. "-" .. id .. "-" .. counter)
end
function init(args) not200 = 0; run = args[1] or "0" end"""


def lua_script(unique: bool = False) -> str:
    script = SCRIPT.replace("%ACCEPT%", ACCEPT)
    if not unique:
        return script.replace("%REQUEST%\n", "")
    return script.replace("function init(args) not200 = 0 end\n", "").replace(
        "%REQUEST%", UNIQUE.replace("%%", "%"))


@dataclass(frozen=True)
class Run:
    server: str
    rps: float
    mean_ms: float
    p50_ms: float
    p99_ms: float
    failures: int  # socket errors and answers other than 200
    split: str = "-"  # kept-alive connections per worker, halfway through
    cpu_us: float = 0.0  # CPU of the server's processes (workers, query processes) per request


def run_wrk(wrk: str, script: Path, port: int, args: argparse.Namespace, seconds: int,
            pgid: int = 0) -> Run:
    """One wrk run; with ``pgid`` (the server's process group), the split of wrk's kept-alive
    connections over the server's workers is sampled halfway through."""
    url = f"http://127.0.0.1:{port}/sparql?{urlencode({'query': QUERY})}"
    cmd = [wrk, "-t", str(args.threads), "-c", str(args.connections), "-d", f"{seconds}s",
           "--timeout", "30s", "-s", str(script), url, "--", f"{time.time_ns()}"]
    cpu_before = group_cpu(pgid) if pgid else 0.0
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        time.sleep(seconds / 2)
        split = connection_split(pgid, port) if pgid else "-"
        stdout, stderr = proc.communicate(timeout=seconds + 120)
    cpu = group_cpu(pgid) - cpu_before if pgid else 0.0
    out = stdout.decode()
    line = next((x for x in out.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None or proc.returncode != 0:
        raise RuntimeError(f"wrk failed: {stderr.decode()[-300:]} {out[-300:]}")
    raw = json.loads(line.removeprefix("WRKJSON "))
    return Run("", raw["requests"] / (raw["duration_us"] / 1e6), raw["mean_us"] / 1e3,
               raw["p50_us"] / 1e3, raw["p99_us"] / 1e3,
               int(raw["socket_errors"]) + int(raw["not200"]), split,
               cpu / max(raw["requests"], 1) * 1e6)


def group_cpu(pgid: int) -> float:
    """CPU seconds (user and system) used so far by the live processes of group ``pgid``
    (proc(5): fields 14 and 15 of /proc/PID/stat)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, ValueError):
            if entry.name.isdigit() and os.getpgid(int(entry.name)) == pgid:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
                total += (int(fields[11]) + int(fields[12])) / tick
    return total


def connection_split(pgid: int, port: int) -> str:
    """Established connections to ``port`` per process of group ``pgid``, e.g. "3+1" (Linux
    /proc). A gthread worker keeps a kept-alive connection for the whole run, and one
    worker's Python runs on one core at a time: "4" halves what a cache hit can reach."""
    inodes = set()
    for row in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = row.split()
        if fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == port:
            inodes.add(f"socket:[{fields[9]}]")
    counts = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, ValueError):
            if not entry.name.isdigit() or os.getpgid(int(entry.name)) != pgid:
                continue
            held = sum(os.readlink(fd) in inodes for fd in (entry / "fd").iterdir())
            if held:
                counts.append(held)
    return "+".join(str(n) for n in sorted(counts, reverse=True)) or "-"


def start_all(servers: dict[str, Server], work: Path, store: Path, workers: int,
              baseline: Path | None) -> None:
    """Into ``servers`` as each starts, so the caller stops those started before a failure.
    With ``baseline``, also citygraph from that source directory, cache on and off."""
    make_project(work)
    sources = [("", None)] + ([(" (baseline)", baseline)] if baseline else [])
    for label, source in sources:
        for cache in (True, False):
            name = f"citygraph{label}, cache {'on' if cache else 'off'}"
            log = name.replace(", ", "-").replace(" ", "-").replace("(", "").replace(")", "")
            servers[name] = start_citygraph(work, store, cache, log, workers=workers,
                                            source=source)
    servers["floor"] = start_floor(work, store, workers=workers)
    for server in servers.values():
        wait_ready(server, 120)


def measure(servers: dict[str, Server], args: argparse.Namespace, wrk: str, script: Path
            ) -> list[tuple[str, list[Run]]]:
    """Warm every server, then ``rounds`` rounds of one run each; the order of the servers
    turns by one each round, so no server always follows the same one."""
    names = list(servers)
    for name in names:
        run_wrk(wrk, script, servers[name].target.port, args, args.warmup)
    rounds = []
    for index in range(args.rounds):
        load = Path("/proc/loadavg").read_text().split()[0]
        order = names[index % len(names):] + names[:index % len(names)]
        runs = {}
        for name in order:
            server = servers[name]
            run = run_wrk(wrk, script, server.target.port, args, args.seconds,
                          pgid=server.process.pid)
            runs[name] = replace(run, server=name)
            if run.failures:
                raise SystemExit(f"{name}: {run.failures} answers were not 200 or failed; "
                                 f"see the logs in {args.workdir}")
        rounds.append((load, [runs[name] for name in names]))
        time.sleep(args.pause)
    return rounds


def table(rounds: list[tuple[str, list[Run]]]) -> str:
    lines = ["| round | load avg | server | connections per worker | req/s | server CPU µs "
             "per request | mean ms | p50 ms | p99 ms | vs floor |",
             "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    ratios: dict[str, list[float]] = {}
    for number, (load, runs) in enumerate(rounds, start=1):
        floor = next(r for r in runs if r.server == "floor").rps
        for run in runs:
            ratio = run.rps / floor
            ratios.setdefault(run.server, []).append(ratio)
            lines.append(f"| {number} | {load} | {run.server} | {run.split} | {run.rps:,.0f} | "
                         f"{run.cpu_us:,.0f} | {run.mean_ms:.2f} | {run.p50_ms:.2f} | "
                         f"{run.p99_ms:.2f} | {ratio:.2f}× |")
    lines.append("")
    for server, values in ratios.items():
        if server != "floor":
            lines.append(f"{server}: median {statistics.median(values):.2f}× of the floor "
                         f"(rounds: {', '.join(f'{v:.2f}' for v in values)})")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--warmup", type=int, default=3, help="unreported wrk run per server")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of each server")
    parser.add_argument("--baseline", type=Path, help="the src/ directory of another revision "
                        "(git archive REV src | tar -x -C DIR): its citygraph runs beside")
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between rounds")
    parser.add_argument("--unique", action="store_true", help="a query text never sent "
                        "before on every request (a numbered comment): nothing is answered "
                        "from the cache or from what a worker learned of a query")
    parser.add_argument("--workdir", type=Path, help="server logs and the Lua script (default: "
                        "a temporary directory)")
    args = parser.parse_args()
    args.workdir = args.workdir or Path(tempfile.mkdtemp(prefix="wrk-lookup-"))
    try:
        wrk = ensure_tool("wrk", "wrk", install=False)
    except Skip as exc:
        raise SystemExit(str(exc)) from None
    args.workdir.mkdir(parents=True, exist_ok=True)
    script = args.workdir / "lookup.lua"
    script.write_text(lua_script(args.unique))
    servers: dict[str, Server] = {}
    try:
        start_all(servers, args.workdir, args.store.resolve(), args.workers,
                  args.baseline.resolve() if args.baseline else None)
        rounds = measure(servers, args, wrk, script)
    finally:
        for server in servers.values():
            server.stop()
    print(f"wrk -c {args.connections} -t {args.threads} -d {args.seconds}s, "
          f"{args.workers} gunicorn workers each, {args.rounds} rounds\n")
    print(table(rounds))


if __name__ == "__main__":
    main()
