"""Progress of a long single-file bulk load, as `citygraph build` shows it on stderr."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from citygraph.loading import BULK_BYTES
from citygraph.progress import (
    DEFAULT_SECONDS,
    PROGRESS_ENV,
    duration,
    interval_from_env,
    progress_line,
)
from tests.helpers import FIXTURES, ROOT, run_cli

BASE = "https://w3id.org/citygraph/"
PROGRESS = re.compile(
    r"big\.nt: \d+% read \([\d,]+/[\d,]+ MB\), reading ~[\d,]+ triples/s, reading ETA \d+")


def graph_size(graph: str, env: dict[str, str]) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    result = run_cli("query", query, "--format", "csv", env=env, check=True)
    return int(result.stdout.split()[-1])


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """An N-Triples file above the bulk_load threshold, and its triple count.

    Plain labels, not `citygraph synth` output: the test is about reading one large file, and
    a synthetic network would spend most of the build on network measures.
    """
    out = tmp_path_factory.mktemp("big") / "big.nt"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    count = 0
    with out.open("w", encoding="utf-8") as handle:
        while handle.tell() < BULK_BYTES + (1 << 20):
            handle.write(f'<{BASE}id/thing/n{count}> {label} "Ding Nummer {count}"@de .\n')
            count += 1
    return out, count


def project_with(data: Path, tmp_path: Path, **env: str) -> dict[str, str]:
    """A project of ontology/, shapes/ and the one data file; its environment for the CLI."""
    for name in ("ontology", "shapes"):
        shutil.copytree(ROOT / name, tmp_path / name)
    # The big file and a dataset description (every data directory names its focal city).
    shutil.copytree(FIXTURES / "second-city", tmp_path / "data")
    shutil.copy(data, tmp_path / "data" / "big.nt")
    return {"CITYGRAPH_PROJECT_DIR": str(tmp_path), "CITYGRAPH_STORE": str(tmp_path / "store"),
            **env}


def test_build_of_a_large_file_reports_progress(big_file: tuple[Path, int],
                                                tmp_path: Path) -> None:
    data, written = big_file
    # Reading 16 MB takes a few tenths of a second: a 10 ms interval catches it several times.
    env = project_with(data, tmp_path, **{PROGRESS_ENV: "0.01"})
    result = run_cli("build", "--skip-validation", "--no-dumps", env=env)
    assert result.returncode == 0, result.stderr
    assert PROGRESS.search(result.stderr), result.stderr
    assert "big.nt → " + BASE + "graph/big" in result.stderr
    assert graph_size(BASE + "graph/big", env) == written


def test_a_quick_load_stays_quiet(big_file: tuple[Path, int], tmp_path: Path) -> None:
    data, written = big_file
    env = project_with(data, tmp_path)
    result = run_cli("build", "--skip-validation", "--no-dumps", env=env)
    assert result.returncode == 0, result.stderr
    assert "% read" not in result.stderr  # done well within the default 5 s interval
    assert graph_size(BASE + "graph/big", env) == written


def test_interval_from_the_environment() -> None:
    assert interval_from_env({}) == DEFAULT_SECONDS
    assert interval_from_env({PROGRESS_ENV: "2.5"}) == 2.5
    assert interval_from_env({PROGRESS_ENV: "0"}) == 0  # off
    assert interval_from_env({PROGRESS_ENV: "soon"}) == DEFAULT_SECONDS
    assert interval_from_env({PROGRESS_ENV: "-1"}) == DEFAULT_SECONDS


def test_progress_line_and_durations() -> None:
    line = progress_line("data/x.nt", 500_000_000, 2_000_000_000, 10_000_000, 160.0)
    assert line == ("data/x.nt: 25% read (500/2,000 MB), reading ~62,500 triples/s, "
                    "reading ETA 2 min 30 s")
    other = progress_line("data/x.ttl", 1_000_000, 4_000_000, 1_000_000, None)
    assert other == "data/x.ttl: 25% read (1/4 MB), reading 1.0 MB/s, reading ETA 3 s"
    assert [duration(s) for s in (4.4, 59.6, 61, 3600 * 2 + 125)] == [
        "4 s", "1 min 00 s", "1 min 01 s", "2 h 02 min"]
