"""Validation part of the scale benchmark: plain pyshacl vs `citygraph validate`'s path.

Plain pyshacl evaluates the SPARQL-based shapes in rdflib's Python engine and is very slow, so
each of its runs has a time cap. Its results are kept as JSON in the work directory, so a long
plain run can go first (``--parts plain``) and the faster path be compared with it later.
"""

from __future__ import annotations

import json
from pathlib import Path

from scale_common import PY, ROOT, TimedOut, median, run_json, stat, synth

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


def runs(data: Path, mode: str, repeat: int, cap: float) -> dict[str, object]:
    """Up to `repeat` runs; after a run past the cap there is no point in another."""
    seconds: list[float] = []
    rss: list[float] = []
    violations: object = None
    for _ in range(repeat):
        try:
            result = run_json([PY, "-c", VALIDATE, str(data), str(ROOT), mode], timeout=cap)
        except TimedOut:
            return {"seconds": seconds, "rss_mb": rss, "timeout": cap, "violations": violations}
        seconds.append(float(result["seconds"]))  # type: ignore[arg-type]
        rss.append(float(result["rss_mb"]))  # type: ignore[arg-type]
        violations = result["violations"]
        print(f"  {mode} {data.name}: {seconds[-1]:.1f} s, {rss[-1]:.0f} MB", flush=True)
    return {"seconds": seconds, "rss_mb": rss, "violations": violations}


def plain_runs(sizes: list[int], work: Path, repeat: int, cap: float) -> None:
    """Plain pyshacl at each size, saved to plain-<size>.json for the table."""
    for size in sizes:
        data, _ = synth(size, work)
        result = runs(data, "plain", repeat, cap)
        (work / f"plain-{size}.json").write_text(json.dumps(result), encoding="utf-8")


def runs_cell(seconds: list[float]) -> str:
    return f"{stat(seconds)} s, {len(seconds)} run{'s' if len(seconds) > 1 else ''}"


def _plain_cell(plain: dict[str, object] | None, why_not: str) -> str:
    if plain is None:
        return f"not run ({why_not})"
    seconds: list[float] = plain["seconds"]  # type: ignore[assignment]
    if "timeout" in plain:
        done = f"; earlier runs: {stat(seconds)} s" if seconds else ""
        return f"> {float(plain['timeout']) / 60:.0f} min cap (killed{done})"  # type: ignore[arg-type]
    return runs_cell(seconds)


def validation_rows(sizes: list[int], work: Path, repeat: int, plain_max: int) -> list[str]:
    rows = ["| triples | plain pyshacl | citygraph validate "
            "| speed-up (medians) | peak RSS citygraph (MB) | identical reports |",
            "|---:|---|---|---:|---|:---:|"]
    for size in sizes:
        data, count = synth(size, work)
        ours = runs(data, "fast", repeat, cap=4 * 3600)
        saved = work / f"plain-{size}.json"
        plain = json.loads(saved.read_text()) if saved.exists() else None
        why = (f"larger than --plain-max {plain_max:,}" if size > plain_max
               else "no plain result in the work directory")
        speed, same = "–", "–"
        ours_s: list[float] = ours["seconds"]  # type: ignore[assignment]
        if plain is not None and plain["seconds"] and "timeout" not in plain:
            speed = f"{median(plain['seconds']) / median(ours_s):.1f}×"
            same = "yes" if plain["violations"] == ours["violations"] else "NO"
        elif plain is not None and "timeout" in plain:
            speed = f"> {float(plain['timeout']) / median(ours_s):.0f}×"
        rows.append(f"| {count:,} | {_plain_cell(plain, why)} | {runs_cell(ours_s)} "
                    f"| {speed} | {stat(ours['rss_mb'], 0)} | {same} |")  # type: ignore[arg-type]
        print(rows[-1], flush=True)
    return rows
