"""The Markdown report of the HTTP benchmark: one block per size, medians and min-max over
the repeated runs, ratios of medians from the same run."""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import platform
import statistics
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from httpbench_inproc import LABELS as INPROC_LABELS
from httpbench_inproc import InProc
from httpbench_load import Load, Result

SERVER_NAMES = ("citygraph", "citygraph-nocache", "floor", "rdflib-endpoint", "virtuoso",
                "citygraph-virtuoso", "citygraph-virtuoso-nocache")
LABELS = {"citygraph": "citygraph (cache on)", "citygraph-nocache": "citygraph (cache off)",
          "floor": "floor (Flask+gunicorn+pyoxigraph)", "rdflib-endpoint": "rdflib-endpoint",
          "virtuoso": "Virtuoso (direct)",
          "citygraph-virtuoso": "citygraph → Virtuoso (cache on)",
          "citygraph-virtuoso-nocache": "citygraph → Virtuoso (cache off)"}
SHORT = {"citygraph": "citygraph", "citygraph-nocache": "citygraph no-cache", "floor": "floor",
         "rdflib-endpoint": "rdflib-endpoint", "virtuoso": "Virtuoso",
         "citygraph-virtuoso": "cg→Virtuoso", "citygraph-virtuoso-nocache": "cg→Virtuoso no-cache"}
RATIOS = (("citygraph", "rdflib-endpoint"), ("citygraph", "virtuoso"),
          ("citygraph", "citygraph-virtuoso"), ("citygraph", "floor"),
          ("citygraph-nocache", "rdflib-endpoint"), ("citygraph-nocache", "virtuoso"),
          ("citygraph-nocache", "citygraph-virtuoso-nocache"), ("citygraph-nocache", "floor"),
          ("citygraph-virtuoso", "virtuoso"), ("citygraph-virtuoso-nocache", "virtuoso"))
QUERY_NAMES = ("lookup", "one-hop", "two-hop", "regex", "group-by")


@dataclass
class SizeBlock:
    triples: int
    cities: int
    repeat: int
    outcomes: dict[str, Result | str] = field(default_factory=dict)
    inproc: dict[str, InProc | str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RunInfo:
    when: str
    command: str
    loadgen: str
    load_average: str
    seconds: int


def machine() -> str:
    cpu = ""
    with contextlib.suppress(OSError):
        cpu = next((x.split(":", 1)[1].strip() for x in
                    Path("/proc/cpuinfo").read_text().splitlines()
                    if x.startswith("model name")), "")
    mem = 0.0
    with contextlib.suppress(OSError, ValueError, IndexError):
        mem = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    return (f"{os.cpu_count()} CPUs ({cpu or 'unknown model'}), {mem:.0f} GB RAM, "
            f"Linux {platform.release()}, Python {platform.python_version()}")


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


def _num(value: float) -> str:
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def _spread(values: list[float]) -> str:
    """median [min–max]; just the value for one run."""
    if not values:
        return "-"
    if len(values) == 1:
        return _num(values[0])
    return f"{_num(statistics.median(values))} [{_num(min(values))}–{_num(max(values))}]"


def _lat(loads: list[Load], attr: str) -> str:
    done = [getattr(x, attr) for x in loads if x.requests > 0]  # none done: no latency
    return _spread(done) if done else "-"


def median_rps(result: Result | str | None, clients: int) -> float | None:
    if not isinstance(result, Result) or clients not in result.loads:
        return None
    return statistics.median(x.rps for x in result.loads[clients])


def load_table(results: dict[str, Result]) -> list[str]:
    lines = ["| server | clients | req/s | p50 ms | p99 ms | errors | RSS MB |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, result in results.items():
        for clients, loads in result.loads.items():
            lines.append(f"| {LABELS[name]} | {clients} | {_spread([x.rps for x in loads])} | "
                         f"{_lat(loads, 'p50_ms')} | {_lat(loads, 'p99_ms')} | "
                         f"{sum(x.errors for x in loads)} | {result.rss_mb:.0f} |")
    return lines


def ratio_table(block: SizeBlock, concurrency: tuple[int, ...]) -> list[str]:
    lines = ["| ratio of median req/s | " + " | ".join(f"{c} clients" for c in concurrency)
             + " |", "|---|" + "---:|" * len(concurrency)]
    for a, b in RATIOS:
        cells = []
        for clients in concurrency:
            mine = median_rps(block.outcomes.get(a), clients)
            theirs = median_rps(block.outcomes.get(b), clients)
            cells.append(f"{mine / theirs:.2f}x" if mine is not None and theirs else "-")
        if any(c != "-" for c in cells):
            lines.append(f"| {SHORT[a]} / {SHORT[b]} | " + " | ".join(cells) + " |")
    return lines


def inproc_table(block: SizeBlock) -> list[str]:
    lines = ["| engine (1 client, sequential) | queries/s | p50 ms | p99 ms |",
             "|---|---:|---:|---:|"]
    for name, result in block.inproc.items():
        if isinstance(result, str):
            lines.append(f"| {INPROC_LABELS[name]} | {result} | | |")
            continue
        passes = result.passes
        lines.append(f"| {INPROC_LABELS[name]} | {_spread([p.qps for p in passes])} | "
                     f"{_spread([p.p50_ms for p in passes])} | "
                     f"{_spread([p.p99_ms for p in passes])} |")
    return lines


def query_table(results: dict[str, Result]) -> list[str]:
    names = list(results)
    lines = ["| query | " + " | ".join(LABELS[n] for n in names) + " |",
             "|---|" + "---:|" * len(names)]
    for query in QUERY_NAMES:
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


def row_mismatches(block: SizeBlock) -> list[str]:
    """Every server and engine must agree on the answers, or the comparison is void."""
    notes = []
    for query in QUERY_NAMES:
        rows = {n: r.queries[query].rows for n, r in block.outcomes.items()
                if isinstance(r, Result) and query in r.queries and not r.queries[query].error}
        rows |= {f"in-process {n}": r.rows[query] for n, r in block.inproc.items()
                 if isinstance(r, InProc) and query in r.rows}
        if len(set(rows.values())) > 1:
            notes.append(f"* **{query}: row counts differ** ({rows})")
    return notes


def size_section(block: SizeBlock, concurrency: tuple[int, ...]) -> list[str]:
    results = {n: r for n, r in block.outcomes.items() if isinstance(r, Result)}
    runs = "1 run per level" if block.repeat == 1 else \
        f"{block.repeat} runs per level, median [min–max]"
    lines = [f"## {block.triples:,} triples ({block.cities:,} cities)", "",
             f"### Query mix over HTTP ({runs})", "", *load_table(results), "",
             "### Ratios (medians of this run, same clients)", "",
             *ratio_table(block, concurrency), ""]
    if block.inproc:
        lines += [f"### In-process, no HTTP ({runs})", "", *inproc_table(block), ""]
    lines += ["### Single queries over HTTP, one client, fresh connection: median ms [rows]", "",
              *query_table(results), ""]
    extra = [f"* {LABELS[n]}: {o}" for n, o in block.outcomes.items() if isinstance(o, str)]
    extra += row_mismatches(block)
    extra += [f"* {note}" for note in block.notes]
    extra += [f"* {LABELS[n]}: {note}" for n, r in results.items() for note in r.notes]
    extra += [f"* in-process {n}: {note}" for n, r in block.inproc.items()
              if isinstance(r, InProc) for note in r.notes]
    if extra:
        lines += ["### Notes", "", *extra, ""]
    return lines


def summary(blocks: list[SizeBlock], concurrency: tuple[int, ...]) -> list[str]:
    names = [n for n in SERVER_NAMES if any(n in b.outcomes for b in blocks)]
    lines = ["| triples | clients | " + " | ".join(SHORT[n] for n in names) + " |",
             "|---:|---:|" + "---:|" * len(names)]
    for block in blocks:
        for clients in concurrency:
            cells = []
            for name in names:
                value = median_rps(block.outcomes.get(name), clients)
                outcome = block.outcomes.get(name)
                cells.append(_num(value) if value is not None else
                             "skipped" if isinstance(outcome, str) else "-")
            lines.append(f"| {block.triples:,} | {clients} | " + " | ".join(cells) + " |")
    return lines


def render(info: RunInfo, blocks: list[SizeBlock], concurrency: tuple[int, ...],
           unfinished: str = "") -> str:
    lines = [f"# citygraph HTTP benchmark, {info.when}", "",
             "Reproduce from the project root, with the project's virtualenv active:", "",
             f"```\n{info.command}\n```", "",
             f"* Machine: {machine()}; load average before the run {info.load_average}; "
             f"load generator: {info.loadgen} on the same machine.",
             f"* Versions: {versions()}.",
             "* Mix: 100-request cycle, 30 % label lookup, 30 % one-hop, 20 % two-hop, "
             "10 % regex search, 10 % GROUP BY over all partnerships; rotating over 10 cities.",
             f"* Each load level lasts {info.seconds} s; repeated runs follow each other on the "
             "same server process. Figures: median [min–max] over the runs.",
             "* Compare rows of this run only: the machine is shared and noisy.", ""]
    if unfinished:
        lines += [f"**Unfinished run:** {unfinished}", ""]
    lines += ["## Summary: median req/s of the query mix over HTTP", "",
              *summary(blocks, concurrency), ""]
    for block in blocks:
        lines += size_section(block, concurrency)
    return "\n".join(lines)


def report_path(folder: Path, day: str) -> Path:
    """The first free name of the day: http-DAY.md, then -2, -3, … (never overwrites)."""
    folder.mkdir(parents=True, exist_ok=True)
    path, n = folder / f"http-{day}.md", 1
    while path.exists():
        n += 1
        path = folder / f"http-{day}-{n}.md"
    return path
