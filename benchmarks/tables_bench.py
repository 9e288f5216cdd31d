"""Tables vs N-Triples: `citygraph build` of synthesised CSV tables (CSVW, with row-level
checks) against the same facts given as N-Triples, measured in the same run.

    python benchmarks/tables_bench.py --rows 100000 --repeat 2
    python benchmarks/tables_bench.py --rows 10000 --validate      # also full SHACL validation

The tables are cities (one row in 20) and relations between them, plus one source; the
N-Triples file holds exactly the triples the tables yield. Each build runs in a fresh process
(`citygraph build --skip-validation --no-dumps`: the tables are still parsed and checked row by
row; the N-Triples file is only parsed); the ratio compares triples per second.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "https://example.org/register"


def city(i: int) -> str:
    """City 0 is the focal city the dataset description names (so the data validates)."""
    return "musterstadt" if i == 0 else f"c{i}"


def write_tables(data: Path, rows: int) -> None:
    subprocess.run([sys.executable, "-m", "citygraph", "template", "--out", str(data)],
                   check=True, capture_output=True)
    shutil.copy(ROOT / "data" / "countries.ttl", data)
    n_cities = max(rows // 20, 2)
    n_relations = rows - n_cities
    with (data / "cities.csv").open("w", encoding="utf-8") as f:
        f.write("id,label_de,label_en,country,geonames,lat,long,source\n")
        for i in range(n_cities):
            f.write(f"{city(i)},Stadt {i},City {i},DEU,{1000000 + i},{50 + i % 9}.{i % 997:03d},"
                    f"{10 + i % 7}.{i % 991:03d},{SOURCE}\n")
    with (data / "relations.csv").open("w", encoding="utf-8") as f:
        f.write("id,class,relation_type,partner_1,partner_2,status,start,end,label_de,label_en,"
                "note_de,note_en,agreements,source\n")
        for i in range(n_relations):
            a, b = i % n_cities, (i * 7 + 1) % n_cities
            if a == b:
                b = (b + 1) % n_cities
            f.write(f"r{i},Partnership,partnership,city/{city(a)},city/{city(b)},active,"
                    f"{1950 + i % 70},,Partnerschaft {i},Twinning {i},,,,{SOURCE}\n")
    with (data / "sources.csv").open("w", encoding="utf-8") as f:
        f.write("url,label_de,label_en,title_de,title_en,publisher,issued,language\n"
                f"{SOURCE},Verzeichnis,Register,Verzeichnis,,city/{city(0)},2020-01-01,DEU\n")


def write_ntriples(tables: Path, out: Path) -> int:
    from citygraph.tables import read_tables

    paths = sorted(tables.glob("*.csv"))
    data = read_tables(paths, "https://w3id.org/citygraph/")
    assert not data.errors, data.errors[:3]
    with out.open("w", encoding="utf-8") as f:
        f.writelines(f"{t} .\n" for t in data.triples)
    return len(data.triples)


def project(root: Path, name: str) -> Path:
    """A project with the shipped ontology and shapes and the description of a fictitious
    city (the test fixture), so `build` finds its dataset description."""
    path = root / name
    (path / "data").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "fixtures" / "second-city" / "dataset.ttl", path / "data")
    for part in ("ontology", "shapes"):
        os.symlink(ROOT / part, path / part)
    return path


def timed(project_dir: Path, *args: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system of the child) of one command."""
    env = {**os.environ, "CITYGRAPH_PROJECT_DIR": str(project_dir),
           "CITYGRAPH_STORE": str(project_dir / "store")}
    shutil.rmtree(project_dir / "store", ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "citygraph", *args], env=env, check=True,
                   capture_output=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--validate", action="store_true",
                        help="also time `citygraph validate` (full SHACL) on both")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tables-bench-") as tmp:
        root = Path(tmp)
        tables, triples = project(root, "tables"), project(root, "ntriples")
        write_tables(tables / "data", args.rows)
        count = write_ntriples(tables / "data", triples / "data" / "facts.nt")
        shutil.copy(ROOT / "data" / "countries.ttl", triples / "data")
        commands = [("build", "--skip-validation", "--no-dumps")]
        if args.validate:
            commands.append(("validate",))
        result: dict[str, object] = {"rows": args.rows, "triples_from_tables": count}
        for command in commands:
            runs: dict[str, list[tuple[float, float]]] = {"tables": [], "ntriples": []}
            for _ in range(args.repeat):  # interleaved, so both see the same machine load
                runs["tables"].append(timed(tables, *command))
                runs["ntriples"].append(timed(triples, *command))
            wall = {k: min(w for w, _ in v) for k, v in runs.items()}
            cpu = {k: min(c for _, c in v) for k, v in runs.items()}
            result[command[0]] = {
                "wall_s": wall, "cpu_s": cpu,
                "triples_per_wall_s": {k: round(count / v) for k, v in wall.items()},
                "ratio_wall": round(wall["ntriples"] / wall["tables"], 3),
                "ratio_cpu": round(cpu["ntriples"] / cpu["tables"], 3)}
        print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
