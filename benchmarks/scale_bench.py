"""Scale benchmark: bulk build and validation on synthetic graphs, against bare and peer tools.

Run on demand (not part of the test suite), from the project root:

    python benchmarks/scale_bench.py --sizes 1000000 10000000 --repeat 3 \\
        --validate-sizes 100000 1000000 --plain-max 100000 --plain-timeout 2700

For each size it writes a synthetic graph in citygraph's model (`citygraph synth`), then
measures in fresh processes, in the same run, each figure `--repeat` times:
- load (scale_load.py): a bare pyoxigraph ``Store.bulk_load`` into a new on-disk store,
  `citygraph build --skip-validation --no-dumps` of a project holding only that file (with
  ontology and shapes), and Virtuoso's bulk loader (ld_dir + rdf_loader_run + checkpoint) —
  triples/s and peak RSS;
- validation (scale_validate.py): plain pyshacl over an rdflib memory graph (every shape,
  SPARQL ones included), with a time cap per run, and `citygraph validate`'s path (SPARQL
  constraints in Oxigraph), with a check that both reports are identical.

``--parts`` runs only some parts; ``--append`` adds the block to an existing report, so a long
plain-pyshacl run can go first and the rest be measured after it.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scale_common import ROOT  # the script's directory is first on sys.path

PARTS = ("load", "plain", "validate")


def machine() -> str:
    """CPUs, memory and the versions of the measured software."""
    meminfo = Path("/proc/meminfo").read_text(encoding="ascii").splitlines()
    mem_kb = int(next(line.split()[1] for line in meminfo if line.startswith("MemTotal")))
    virtuoso = "not installed"
    if shutil.which("virtuoso-t"):
        out = subprocess.run(["virtuoso-t", "-?"], capture_output=True, text=True, check=False)
        virtuoso = next((line.split()[1] for line in (out.stdout + out.stderr).splitlines()
                         if line.startswith("Version")), "unknown")
    versions = ", ".join(f"{name} {importlib.metadata.version(name)}"
                         for name in ("pyoxigraph", "pyshacl", "rdflib"))
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace").splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
               platform.machine())
    return (f"Machine: {os.cpu_count()} vCPU ({cpu}), "
            f"{mem_kb / 1024 / 1024:.0f} GB RAM, Python {platform.python_version()}, "
            f"{versions}, Virtuoso {virtuoso}.")


def run_parts(args: argparse.Namespace, work: Path) -> list[str]:
    lines: list[str] = []
    if "plain" in args.parts:
        from scale_validate import plain_runs
        plain_runs([s for s in args.validate_sizes if s <= args.plain_max], work,
                   args.plain_repeat, args.plain_timeout)
        lines += ["Plain pyshacl results kept in the work directory for the validation table.",
                  ""]
    if "load" in args.parts:
        from scale_load import load_rows
        rows = load_rows(args.sizes, work, args.repeat, args.quiet_peer)
        lines += ["## Bulk build", "", *rows, ""]
    if "validate" in args.parts:
        from scale_validate import validation_rows
        lines += ["## Validation", "",
                  *validation_rows(args.validate_sizes, work, args.repeat, args.plain_max), ""]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000_000, 10_000_000])
    parser.add_argument("--validate-sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement")
    parser.add_argument("--plain-max", type=int, default=100_000,
                        help="largest size for plain pyshacl (very slow on SPARQL shapes)")
    parser.add_argument("--plain-timeout", type=float, default=2700,
                        help="seconds after which a plain pyshacl run is killed")
    parser.add_argument("--quiet-peer", action="store_true",
                        help="also time citygraph build with its progress lines off")
    parser.add_argument("--plain-repeat", type=int, default=1, help="runs of plain pyshacl")
    parser.add_argument("--parts", default=",".join(PARTS),
                        help=f"comma-separated subset of {','.join(PARTS)}")
    parser.add_argument("--workdir", type=Path,
                        default=Path(tempfile.gettempdir()) / "citygraph-scale",
                        help="synthetic data, stores and kept results (reused between runs)")
    parser.add_argument("--clean", action="store_true", help="remove the work directory after")
    parser.add_argument("--out", type=Path, default=None,
                        help="report file (default: benchmarks/results/scale-<date>.md)")
    parser.add_argument("--append", action="store_true", help="add to an existing report")
    args = parser.parse_args()
    # SIGTERM unwinds like Ctrl-C, so the finally blocks stop every server and process
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.parts = set(args.parts.split(","))
    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    out = args.out or ROOT / "benchmarks" / "results" / f"scale-{time.strftime('%Y-%m-%d')}.md"
    command = "python benchmarks/scale_bench.py " + shlex.join(sys.argv[1:])
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = Path("/proc/loadavg").read_text(encoding="ascii").split()[0]
    head = [f"Command: `{command}`", "", f"Started {started}, 1-minute load average {load}.", ""]
    if not (args.append and out.exists()):
        head = [f"# Scale benchmark ({time.strftime('%Y-%m-%d')})", "", machine(), "", *head]
    try:
        lines = head + run_parts(args, work)
    finally:
        if args.clean:
            shutil.rmtree(work, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    old = out.read_text(encoding="utf-8") + "\n" if args.append and out.exists() else ""
    out.write_text(old + "\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
