"""Scale benchmark: bulk build and validation on synthetic graphs, against the bare peers.

Run on demand (not part of the test suite):

    python benchmarks/scale_bench.py --sizes 100000 1000000 --validate-sizes 10000 100000

For each size it writes a synthetic graph in citygraph's model (`citygraph synth`), then
measures in fresh processes, in the same run:
- load: a bare pyoxigraph ``Store.bulk_load`` into a new on-disk store, and
  `citygraph build --skip-validation --no-dumps` of a project holding only that file (with
  ontology and shapes) — triples/s and peak RSS;
- validation: plain pyshacl over an rdflib memory graph (every shape, SPARQL ones included)
  and `citygraph validate`'s path (SPARQL constraints in Oxigraph), with a check that both
  reports are identical. Results go to benchmarks/results/scale-<date>.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

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

VALIDATE = """
import json, resource, sys, time
from pathlib import Path
from citygraph.validation import validate
root = Path(sys.argv[2])
t = time.perf_counter()
report = validate([Path(sys.argv[1])], ontology=sorted((root / "ontology").glob("*.ttl")),
                  shapes=sorted((root / "shapes").glob("*.ttl")),
                  base_iri="https://w3id.org/citygraph/", root=root,
                  fast_sparql=sys.argv[3] == "fast")
print(json.dumps({"seconds": time.perf_counter() - t,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "violations": sorted(map(repr, report.violations)),
                  "conforms": report.conforms}))
"""


def measure(code: str, *args: str, timeout: float = 7200) -> dict[str, object]:
    out = subprocess.run([PY, "-c", code, *args], capture_output=True, text=True,
                         timeout=timeout, check=True)
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def citygraph_build(data: Path, work: Path) -> dict[str, object]:
    project = work / "project"
    shutil.rmtree(project, ignore_errors=True)
    (project / "data").mkdir(parents=True)
    for name in ("ontology", "shapes"):
        shutil.copytree(ROOT / name, project / name)
    (project / "data" / data.name).symlink_to(data)
    env = {"CITYGRAPH_PROJECT_DIR": str(project), "CITYGRAPH_STORE": str(work / "cg-store"),
           "PATH": "/usr/bin:/bin"}
    code = ("import json, resource, sys, time, subprocess\n"
            "t = time.perf_counter()\n"
            "subprocess.run([sys.executable, '-m', 'citygraph', 'build', '--skip-validation',"
            " '--no-dumps'], check=True, capture_output=True)\n"
            "print(json.dumps({'seconds': time.perf_counter() - t, 'rss_mb': "
            "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))")
    out = subprocess.run([PY, "-c", code], capture_output=True, text=True, env=env,
                         timeout=7200, check=True, cwd=ROOT)
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def synth(triples: int, work: Path) -> tuple[Path, int]:
    out = work / f"synth-{triples}.nt"
    if not out.exists():
        subprocess.run([PY, "-m", "citygraph", "synth", "--triples", str(triples), "--out",
                        str(out)], check=True, capture_output=True, cwd=ROOT)
    count = sum(1 for _ in out.open("rb"))
    return out, count


def load_rows(sizes: list[int], work: Path) -> list[str]:
    rows = ["| triples | bare pyoxigraph bulk_load | citygraph build | citygraph / bare "
            "(triples/s) | peak RSS bare / citygraph |", "|---:|---:|---:|---:|---:|"]
    for size in sizes:
        data, count = synth(size, work)
        shutil.rmtree(work / "bare-store", ignore_errors=True)
        bare = measure(BARE_LOAD, str(data), str(work / "bare-store"))
        ours = citygraph_build(data, work)
        ratio = float(bare["seconds"]) / float(ours["seconds"])  # type: ignore[arg-type]
        rows.append(f"| {count:,} | {bare['seconds']:.1f} s ({count / bare['seconds']:,.0f}/s) "
                    f"| {ours['seconds']:.1f} s ({count / ours['seconds']:,.0f}/s) "
                    f"| {ratio:.0%} | {bare['rss_mb']:.0f} MB / {ours['rss_mb']:.0f} MB |")
        print(rows[-1], flush=True)
    return rows


def validation_rows(sizes: list[int], work: Path, plain_limit: int) -> list[str]:
    rows = ["| triples | plain pyshacl | citygraph validate | speed-up | identical reports |",
            "|---:|---:|---:|---:|:---:|"]
    for size in sizes:
        data, count = synth(size, work)
        ours = measure(VALIDATE, str(data), str(ROOT), "fast")
        if size <= plain_limit:
            plain = measure(VALIDATE, str(data), str(ROOT), "plain")
            same = plain["violations"] == ours["violations"]
            speed = float(plain["seconds"]) / float(ours["seconds"])  # type: ignore[arg-type]
            rows.append(f"| {count:,} | {plain['seconds']:.1f} s | {ours['seconds']:.1f} s "
                        f"| {speed:.1f}× | {'yes' if same else 'NO'} |")
        else:
            rows.append(f"| {count:,} | (not run: > --plain-limit) | {ours['seconds']:.1f} s "
                        "| – | – |")
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--validate-sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--plain-limit", type=int, default=20_000,
                        help="largest size for plain pyshacl (it is very slow on SPARQL shapes)")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="citygraph-scale-"))
    command = "python benchmarks/scale_bench.py " + " ".join(sys.argv[1:])
    lines = [f"# Scale benchmark ({time.strftime('%Y-%m-%d')})", "", f"Command: `{command}`", "",
             "## Bulk build", "", *load_rows(args.sizes, work), "", "## Validation", "",
             *validation_rows(args.validate_sizes, work, args.plain_limit), ""]
    out = ROOT / "benchmarks" / "results" / f"scale-{time.strftime('%Y-%m-%d')}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")
    print(f"\nwritten to {out.relative_to(ROOT)}")
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
