"""Dump writing: citygraph's ``write_dumps`` per file, against a bare pyoxigraph dump of the
same store and the previous way of writing a triple format, in the same run.

Run on demand (not part of the test suite), from the project root, in its virtualenv:

    python benchmarks/dump_bench.py --work "$(mktemp -d)" --sizes 86000 1000000 --repeat 3

For each size it builds (once per work directory) a store of the shipped data plus a
synthetic graph of about that many triples (``citygraph synth``, then ``citygraph build
--skip-validation --no-dumps``; inference adds quads), then measures, each in a fresh
process and in rotating order:

- citygraph: ``write_dumps`` of the build, seconds per file (``on_file``), peak RSS;
- pyoxigraph: ``Store.dump`` of the same build to N-Quads, straight to a file path;
- previous: the distinct triples as written before (a ``SELECT DISTINCT`` over all named
  graphs, serialised to N-Triples, gzip level 9); it ran once per triple format.

Rates are triples (quads for N-Quads) and bytes on disk per second of wall-clock time.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import subprocess
import time
from pathlib import Path
from typing import IO, Any, cast

from scale_common import PY, ROOT, median, run_json, stat, synth  # script dir on sys.path

PEERS = ("citygraph", "pyoxigraph", "previous")
TIMEOUT = 3 * 3600.0


def prepare(triples: int, work: Path) -> Path:
    """A store of the shipped data plus ~``triples`` synthetic triples, built once."""
    store = work / f"store-{triples}"
    if (store / "current").exists():
        return store
    data = work / f"data-{triples}"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir()
    for source in sorted((ROOT / "data").glob("*.ttl")):
        shutil.copy(source, data)
    synthetic, _ = synth(triples, work)
    os.link(synthetic, data / synthetic.name)
    subprocess.run([PY, "-m", "citygraph", "build", "--data", str(data), "--store", str(store),
                    "--skip-validation", "--no-dumps"], check=True, capture_output=True,
                   cwd=ROOT)
    return store


def child(kind: str, store_root: Path, out: Path) -> dict[str, Any]:
    """One measurement in this (fresh) process."""
    import pyoxigraph as ox

    from citygraph.namespaces import DISTINCT_TRIPLES
    from citygraph.publishing.dumps import DumpFile, write_dumps
    from citygraph.store import StoreDir

    info = StoreDir(store_root).current_build()
    assert info.path is not None
    out.mkdir(parents=True, exist_ok=True)
    files: list[dict[str, Any]] = []
    started = last = time.perf_counter()

    def on_file(file: DumpFile) -> None:
        nonlocal last
        now = time.perf_counter()
        files.append({"format": file.format, "triples": file.triples, "bytes": file.size,
                      "seconds": now - last, "rss_mb": peak_rss_mb()})
        last = now

    if kind == "citygraph":
        write_dumps(info.path, info, out, on_file)
    elif kind == "pyoxigraph":
        store = ox.Store.read_only(str(info.path))
        store.dump(str(out / "all.nq"), ox.RdfFormat.N_QUADS)
        files.append({"format": "nquads", "triples": len(store),
                      "bytes": (out / "all.nq").stat().st_size, "seconds": 0.0})
    else:
        store = ox.Store.read_only(str(info.path))
        solutions = store.query(DISTINCT_TRIPLES)
        assert isinstance(solutions, ox.QuerySolutions)
        triples = [0]

        def each() -> Any:
            for row in solutions:
                triples[0] += 1
                yield ox.Triple(row["s"], row["p"], row["o"])

        with gzip.GzipFile(out / "all.nt.gz", "wb", mtime=0) as handle:
            ox.serialize(each(), cast(IO[bytes], handle), ox.RdfFormat.N_TRIPLES)
        files.append({"format": "ntriples", "triples": triples[0],
                      "bytes": (out / "all.nt.gz").stat().st_size, "seconds": 0.0})
    seconds = time.perf_counter() - started
    if kind != "citygraph":
        files[0]["seconds"] = seconds
    shutil.rmtree(out, ignore_errors=True)
    return {"files": files, "seconds": seconds, "rss_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(store: Path, work: Path, repeat: int) -> dict[str, list[dict[str, Any]]]:
    runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in PEERS}
    for round_ in range(repeat):
        for kind in PEERS[round_ % 3:] + PEERS[:round_ % 3]:  # drift hits each in turn
            runs[kind].append(run_json(
                [PY, __file__, "--child", kind, "--store", str(store), "--work",
                 str(work / f"out-{kind}")], timeout=TIMEOUT, cwd=ROOT))
    return runs


def rows(label: str, runs: list[dict[str, Any]]) -> list[str]:
    """One table row per file (the network files as one), medians over the runs."""
    per_run = [_by_file(run["files"]) for run in runs]
    lines = []
    for name, (count, size, _, _) in per_run[0].items():
        seconds = [files[name][2] for files in per_run]
        rss = [files[name][3] for files in per_run]
        lines.append(f"| {label} | {name} | {count:,} | {size / 1e6:,.1f} | {stat(seconds, 2)} "
                     f"| {count / median(seconds):,.0f} | {size / 1e6 / median(seconds):,.1f} "
                     f"| {stat(rss, 0) if label == 'citygraph' else ''} |")
    rss = [run["rss_mb"] for run in runs]
    total = [run["seconds"] for run in runs]
    lines.append(f"| {label} | all | | | {stat(total, 2)} | | | {stat(rss, 0)} |")
    return lines


def _by_file(files: list[dict[str, Any]]) -> dict[str, tuple[int, int, float, float]]:
    """(triples, bytes, seconds, peak RSS so far) per file of one run; the five network files
    count as one (computed together; their count is of relations)."""
    result: dict[str, tuple[int, int, float, float]] = {}
    for file in files:
        network = file["format"].startswith("network-")
        name = "network files (relations)" if network else file["format"]
        count, size, seconds, _ = result.get(name, (0, 0, 0.0, 0.0))
        result[name] = (max(count, file["triples"]), size + file["bytes"],
                        seconds + file["seconds"], file.get("rss_mb", 0.0))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="synthetic data and stores")
    parser.add_argument("--sizes", type=int, nargs="*", default=[86_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="also write the report here")
    parser.add_argument("--child", choices=PEERS, help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.store, args.work)))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    # the command as one would type it again: a fresh work directory, no machine paths
    out = f" --out {args.out.resolve().relative_to(ROOT)}" if args.out and \
        args.out.resolve().is_relative_to(ROOT) else ""
    command = (f'python benchmarks/dump_bench.py --work "$(mktemp -d)" --sizes '
               f'{" ".join(map(str, args.sizes))} --repeat {args.repeat}{out}')
    load = Path("/proc/loadavg").read_text(encoding="ascii").split()[0]
    lines = ["# Dump writing", "", f"Command: `{command}`", "",
             f"Started {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, 1-minute load "
             f"average {load} on {os.cpu_count()} CPUs; medians (min–max) of {args.repeat} "
             "runs.", ""]
    for size in args.sizes:
        store = prepare(size, args.work)
        runs = measure(store, args.work, args.repeat)
        lines += [f"## {size:,} synthetic triples", "",
                  "| writer | file | triples | MB | s | triples/s | MB/s | peak RSS so far (MB) |",
                  "|---|---|---|---|---|---|---|---|"]
        for kind in PEERS:
            lines += rows(kind, runs[kind])
        lines.append("")
    end_load = Path("/proc/loadavg").read_text(encoding="ascii").split()[0]
    lines.append(f"1-minute load average at the end: {end_load}.")
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
