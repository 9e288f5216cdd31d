"""The Wikidata import at full size: a synthesised WDQS result of the P190 query
(docs/wikidata-p190.rq) with N statements (default 25,000, about the size of all of
Wikidata's P190), imported with alignment, then built with the comparison.

    python benchmarks/wikidata_bench.py --statements 25000

The items get GeoNames IDs of their own, except that every city of the project's data is one
of the items (with its own GeoNames ID), so the alignment and the comparison have real work;
the focal city's item states one twinning with each of its official partners and some more.
Labels come in two rows per statement (de, en), as WDQS gives them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WD = "http://www.wikidata.org/entity/"
VARS = ["city", "cityLabel", "cityGeoNames", "twin", "twinLabel", "twinGeoNames", "twinCoord",
        "twinCountry", "twinType", "start", "end"]


def project_geonames() -> list[str]:
    """GeoNames IDs of the project's data, those of cities with official data first."""
    import pyoxigraph as ox

    from citygraph.namespaces import sparql_prologue
    from citygraph.wikidata.compare import COVERED

    store = ox.Store()
    for path in sorted((ROOT / "data").glob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE,
                   base_iri="https://w3id.org/citygraph/", to_graph=ox.NamedNode("urn:x:data"))
    query = sparql_prologue() + f"SELECT ?g WHERE {{ {{ {COVERED} }} ?c owl:sameAs ?g }}"
    first = [str(s["g"].value).rstrip("/").rsplit("/", 1)[-1]  # type: ignore[index]
             for s in store.query(query, use_default_graph_as_union=True)]  # type: ignore
    ids = set()
    for path in (ROOT / "data").glob("*.ttl"):
        ids.update(re.findall(r"<http://sws\.geonames\.org/([0-9]+)/>", path.read_text("utf-8")))
    return [*first, *sorted(ids - set(first))]


def synthesise(out: Path, statements: int, seed: int = 0) -> int:
    rng = random.Random(seed)
    known = project_geonames()
    n_items = max(statements // 5, len(known) + 10)
    geonames = [*known, *(str(9_000_000 + i) for i in range(n_items - len(known)))]
    rows = []

    def cell(value: str, lang: str | None = None) -> dict[str, str]:
        return {"type": "literal", "value": value, **({"xml:lang": lang} if lang else {})}

    for i in range(statements):
        a = i % n_items if i % 10 else 0  # item 0 (a project city) states many twinnings
        b = rng.randrange(n_items)
        b = b if b != a else (b + 1) % n_items
        for lang in ("de", "en"):
            row = {"city": {"type": "uri", "value": f"{WD}Q{100000 + a}"},
                   "cityLabel": cell(f"Ort {a}" if lang == "de" else f"Place {a}", lang),
                   "cityGeoNames": cell(geonames[a]),
                   "twin": {"type": "uri", "value": f"{WD}Q{100000 + b}"},
                   "twinLabel": cell(f"Ort {b}" if lang == "de" else f"Place {b}", lang),
                   "twinCoord": cell(f"Point({rng.uniform(-180, 180):.4f} "
                                     f"{rng.uniform(-80, 80):.4f})"),
                   "twinCountry": {"type": "uri", "value": f"{WD}Q{183 + b % 50}"},
                   "twinType": {"type": "uri", "value": f"{WD}Q515"},
                   "start": cell(f"{1950 + rng.randrange(70)}-01-01T00:00:00Z")}
            if b % 3:
                row["twinGeoNames"] = cell(geonames[b])
            rows.append(row)
    out.write_text(json.dumps({"head": {"vars": VARS}, "results": {"bindings": rows}}),
                   encoding="utf-8")
    return len(rows)


def run(project: Path, *args: str) -> tuple[float, str]:
    env = {**os.environ, "CITYGRAPH_PROJECT_DIR": str(project),
           "CITYGRAPH_STORE": str(project / "store")}
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "citygraph", *args], env=env, check=True,
                          capture_output=True, text=True)
    return time.monotonic() - start, done.stdout + done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=25_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wikidata-bench-") as tmp:
        project = Path(tmp) / "project"
        for part in ("ontology", "shapes", "data"):
            shutil.copytree(ROOT / part, project / part)
        result_file = Path(tmp) / "p190.json"
        rows = synthesise(result_file, args.statements)
        import_s, import_out = run(project, "import", "wikidata", str(result_file),
                                   "--retrieved", "2026-12-01")
        build_s, build_out = run(project, "build", "--skip-validation", "--no-dumps")
        compare = re.search(r"comparison with Wikidata: ([0-9]+) triples .*\(([0-9.]+) s\)",
                            build_out)
        print(json.dumps({
            "statements": args.statements, "rows": rows,
            "file_mb": round(result_file.stat().st_size / 1e6, 1),
            "import_s": round(import_s, 2), "import": import_out.strip().splitlines()[-1],
            "build_s": round(build_s, 2),
            "comparison_triples": int(compare.group(1)) if compare else 0,
            "comparison_s": float(compare.group(2)) if compare else None,
            "import_plus_comparison_s": round(import_s + (float(compare.group(2))
                                                          if compare else 0), 2)}, indent=1))


if __name__ == "__main__":
    main()
