"""Load part of the scale benchmark: bare pyoxigraph, `citygraph build` and Virtuoso.

Each run starts from an empty store, in a fresh process; the order of the three loaders
rotates between repeats so that drift on a shared machine does not always hit the same one.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from scale_common import PY, ROOT, median, run_json, stat, synth

sys.path.insert(0, str(ROOT))  # the throwaway Virtuoso of the tests (not in the wheel)
from tests.virtuoso import start_virtuoso, virtuoso_available

GRAPH = "urn:citygraph:bench"
VIRTUOSO_GB = 4.0  # NumberOfBuffers for 4 GB: more than Oxigraph's peak at 10M triples
LOAD_TIMEOUT = 3 * 3600.0

BARE_LOAD = """
import json, resource, sys, time, pyoxigraph as ox
t = time.perf_counter()
store = ox.Store(sys.argv[2])
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("urn:g"))
store.flush()
del store
print(json.dumps({"seconds": time.perf_counter() - t,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

# The whole command as a user runs it, process start included; its stderr (the progress
# lines) is kept for the report.
CITYGRAPH_BUILD = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
with open(sys.argv[1], "w") as log:
    subprocess.run([sys.executable, "-m", "citygraph", "build", "--skip-validation",
                    "--no-dumps"], check=True, stdout=subprocess.DEVNULL, stderr=log)
print(json.dumps({"seconds": time.perf_counter() - t,
                  "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""

Result = dict[str, float]


def bare(data: Path, work: Path) -> Result:
    store = work / "bare-store"
    shutil.rmtree(store, ignore_errors=True)
    try:
        result = run_json([PY, "-c", BARE_LOAD, str(data), str(store)], timeout=LOAD_TIMEOUT)
    finally:
        shutil.rmtree(store, ignore_errors=True)
    return {"seconds": float(result["seconds"]), "rss_mb": float(result["rss_mb"])}  # type: ignore[arg-type]


def citygraph(data: Path, work: Path, progress: str = "") -> Result:
    project, store = work / "project", work / "cg-store"
    for path in (project, store):
        shutil.rmtree(path, ignore_errors=True)
    (project / "data").mkdir(parents=True)
    for name in ("ontology", "shapes"):
        shutil.copytree(ROOT / name, project / name)
    os.link(data, project / "data" / data.name)  # not a symlink: messages name data/<file>
    shutil.copy(ROOT / "data" / "dataset.ttl", project / "data")  # a build requires one
    env = {"CITYGRAPH_PROJECT_DIR": str(project), "CITYGRAPH_STORE": str(store),
           "PATH": os.environ.get("PATH", "")}
    if progress:
        env["CITYGRAPH_PROGRESS_SECONDS"] = progress
    log = work / f"build-{data.stem}{'-' + progress if progress else ''}.log"
    try:
        result = run_json([PY, "-c", CITYGRAPH_BUILD, str(log)], timeout=LOAD_TIMEOUT,
                          env=env, cwd=project)
    finally:
        shutil.rmtree(store, ignore_errors=True)
    return {"seconds": float(result["seconds"]), "rss_mb": float(result["rss_mb"])}  # type: ignore[arg-type]


def virtuoso(data: Path, work: Path) -> Result:
    """ld_dir + rdf_loader_run + checkpoint in one isql call, timed; the server's peak RSS."""
    directory = work / "virtuoso"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir()
    os.link(data, directory / data.name)  # inside the server's DirsAllowed, without a copy
    server = start_virtuoso(directory, memory_gb=VIRTUOSO_GB, allow_updates=False)
    try:
        started = time.perf_counter()
        server.isql(f"ld_dir('{directory}', '{data.name}', '{GRAPH}'); rdf_loader_run(); "
                    "checkpoint;", timeout=LOAD_TIMEOUT)
        seconds = time.perf_counter() - started
        rss_mb = peak_rss_mb(server.process.pid)
        errors = server.isql("SELECT COUNT(*) FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;")
        if not re.search(r"^\s*0\s*$", errors, re.MULTILINE):
            raise RuntimeError(f"Virtuoso's loader reported errors: {errors[-500:]}")
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
    return {"seconds": seconds, "rss_mb": rss_mb}


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process has had."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]


def citygraph_quiet(data: Path, work: Path) -> Result:
    """The same build with the progress thread off: what the progress lines cost."""
    return citygraph(data, work, progress="0")


LOADERS: dict[str, Callable[[Path, Path], Result]] = {
    "bare": bare, "citygraph": citygraph, "citygraph, progress off": citygraph_quiet,
    "virtuoso": virtuoso}


def measure_size(data: Path, work: Path, repeat: int, quiet: bool) -> dict[str, list[Result]]:
    names = ["bare", "citygraph", *(["citygraph, progress off"] if quiet else []),
             *(["virtuoso"] if not virtuoso_available() else [])]
    results: dict[str, list[Result]] = {name: [] for name in names}
    for run in range(repeat):
        for name in names[run % len(names):] + names[:run % len(names)]:
            results[name].append(LOADERS[name](data, work))
            print(f"  {name} {data.name} run {run + 1}: {results[name][-1]['seconds']:.1f} s, "
                  f"{results[name][-1]['rss_mb']:.0f} MB", flush=True)
    return results


def load_rows(sizes: list[int], work: Path, repeat: int, quiet: bool) -> list[str]:
    rows = ["| triples | loader | runs | triples/s | seconds | peak RSS (MB) "
            "| triples/s vs bare (medians) |", "|---:|---|---:|---|---|---|---:|"]
    notes: list[str] = []
    for size in sizes:
        data, count = synth(size, work)
        results = measure_size(data, work, repeat, quiet)
        base = median([count / r["seconds"] for r in results["bare"]])
        for name, runs in results.items():
            rates = [count / r["seconds"] for r in runs]
            rows.append(f"| {count:,} | {name} | {len(runs)} | {stat(rates, 0)} "
                        f"| {stat([r['seconds'] for r in runs])} "
                        f"| {stat([r['rss_mb'] for r in runs], 0)} "
                        f"| {median(rates) / base:.0%} |")
            print(rows[-1], flush=True)
        notes += build_notes(work / f"build-{data.stem}.log", count, work)
    if virtuoso_available():
        notes.append(f"Virtuoso not run: {virtuoso_available()}.")
    return [*rows, "", *notes]


def build_notes(log: Path, count: int, work: Path) -> list[str]:
    """What `citygraph build` printed on its last run at this size: progress lines and times."""
    if not log.exists():
        return []
    lines = log.read_text(encoding="utf-8").splitlines()
    shown = [line.replace(str(work), "<workdir>") for line in lines]  # no machine paths
    progress = [i for i, line in enumerate(shown) if "% read" in line]
    keep = {*progress[:2], *progress[-1:]} | {i for i in range(len(shown)) if i not in progress}
    return [f"Last `citygraph build` at {count:,} triples: {len(progress)} progress lines; "
            "excerpt of its stderr:", "", "```", *(shown[i] for i in sorted(keep)), "```", ""]
