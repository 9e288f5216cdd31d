"""Entity-page rendering: how long an uncached HTML page of a thing takes, at the size of the
real data and with a large synthetic graph added (1M triples by default).

For every size, one store: the project's data (``citygraph build``), plus, for the large size,
the synthetic graph of ``citygraph synth`` added as a named graph (``citygraph add``). Then, in
process (Flask test client, the app of ``citygraph serve``, result cache off so that every
request runs its queries; the basemap's cache emptied before each request), each page is
requested ``--runs`` times in German and English:

* ``html``: ``/doc/{type}/{slug}`` as a browser asks for it (the measured figure);
* ``turtle``: the same document as Turtle (its CONSTRUCT query, no page model, no template),
  the peer measured in the same run: the ratio html/turtle is the cost of making a page.

Prints a Markdown table (median, p90 per kind of page) and writes it to
benchmarks/results/pages-<date>.md with the exact command. Not part of the test suite.

    python benchmarks/page_bench.py                      # real data and 1M triples
    python benchmarks/page_bench.py --sizes 0 --runs 20  # the real data only
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_common import synth  # noqa: E402

from citygraph.app import create_app  # noqa: E402
from citygraph.config import load_config  # noqa: E402
from citygraph.web import mapping  # noqa: E402

PY = sys.executable
# One page of each kind, all in the project's data (so at every size the same pages).
PAGES = {
    "focal city": "/doc/city/rostock",
    "city": "/doc/city/riga",
    "relation": "/doc/relation/rostock-raleigh",
    "network": "/doc/network/ubc",
    "event": "/doc/event/council-vote-rostock-raleigh-2001",
    "claim": "/doc/claim/ubc-founded-on-initiative-of-gdansk",
}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def build_store(work: Path, extra: int) -> tuple[Path, int]:
    """The project's data, plus ``extra`` synthetic triples as a named graph; (store, triples)."""
    store = work / f"store-{extra}"
    if not store.exists():
        subprocess.run([PY, "-m", "citygraph", "build", "--store", str(store)], check=True,
                       capture_output=True, cwd=ROOT)
        if extra:
            data, _ = synth(extra, work)
            subprocess.run([PY, "-m", "citygraph", "add", "--graph",
                            "https://example.org/citygraph-synthetic/graph", str(data),
                            "--store", str(store), "--no-dumps"], check=True,
                           capture_output=True, cwd=ROOT, timeout=3600)
    app = create_app(load_config(env={}, store=store, project_dir=ROOT, cache_entries=0,
                                 fair_use_loopback=False))
    triples = app.extensions["citygraph"].build().triples
    app.extensions["citygraph"].executor.close()
    return store, triples


def measure(store: Path, runs: int) -> dict[tuple[str, str], list[float]]:
    """Milliseconds per request, by (kind of page, html|turtle)."""
    app = create_app(load_config(env={}, store=store, project_dir=ROOT, cache_entries=0,
                                 fair_use_loopback=False))
    client = app.test_client()
    times: dict[tuple[str, str], list[float]] = {}
    try:
        for path in PAGES.values():  # warm-up: query processes started, templates compiled
            client.get(path, headers={"Accept": BROWSER})
        for _ in range(runs):
            for kind, path in PAGES.items():
                for variant, accept in (("html", BROWSER), ("turtle", "text/turtle")):
                    for lang in ("en", "de"):
                        mapping.basemap.cache_clear()  # uncached: the map drawn anew too
                        started = time.perf_counter()
                        response = client.get(f"{path}?lang={lang}", headers={"Accept": accept})
                        elapsed = (time.perf_counter() - started) * 1000
                        assert response.status_code == 200, (path, response.status_code)
                        times.setdefault((kind, variant), []).append(elapsed)
    finally:
        app.extensions["citygraph"].executor.close()
    return times


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def report(rows: list[tuple[int, dict[tuple[str, str], list[float]]]], command: str) -> str:
    lines = [f"# Entity pages, uncached ({datetime.date.today().isoformat()})", "",
             "```sh", command, "```", "",
             "Milliseconds per request in process (Flask test client, result cache off), "
             "median and p90 over the runs in de and en; turtle = the same document as "
             "Turtle, the peer measured in the same run.", "",
             "| triples | page | html median | html p90 | turtle median | html / turtle |",
             "|---:|---|---:|---:|---:|---:|"]
    for triples, times in rows:
        everything = []
        for kind in PAGES:
            html, turtle = times[(kind, "html")], times[(kind, "turtle")]
            everything += html
            ratio = statistics.median(html) / statistics.median(turtle)
            lines.append(f"| {triples:,} | {kind} | {statistics.median(html):.1f} | "
                         f"{p90(html):.1f} | {statistics.median(turtle):.1f} | {ratio:.2f} |")
        lines.append(f"| {triples:,} | **all pages** | **{statistics.median(everything):.1f}** | "
                     f"{p90(everything):.1f} | | |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="0,1000000",
                        help="synthetic triples added to the real data, one store each")
    parser.add_argument("--runs", type=int, default=10, help="rounds over all pages")
    parser.add_argument("--workdir", type=Path, help="keep stores and data here (reused)")
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    command = "python benchmarks/page_bench.py " + " ".join(sys.argv[1:])
    work = args.workdir or Path(tempfile.mkdtemp(prefix="citygraph-pages-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for extra in (int(s) for s in args.sizes.split(",")):
        store, triples = build_store(work, extra)
        rows.append((triples, measure(store, args.runs)))
    text = report(rows, command)
    print(text)
    args.results.mkdir(parents=True, exist_ok=True)
    out = args.results / f"pages-{datetime.date.today().isoformat()}.md"
    out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
