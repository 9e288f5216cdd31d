"""The fast SPARQL path reports exactly what pyshacl alone reports: on the real data, on the
fixtures of SPARQL-based shapes and on synthetic data."""

from __future__ import annotations

from pathlib import Path

import pytest

from citygraph.synth import write_synthetic
from tests.shapes import DATA, INVALID, run, sparql_shapes, violated_shape

_SPARQL_SHAPES = sparql_shapes()  # parsed once: collection runs this module on every pytest run
SPARQL_FIXTURES = [p for p in INVALID if violated_shape(p) in _SPARQL_SHAPES]


@pytest.mark.parametrize("files", [DATA, *([p] for p in SPARQL_FIXTURES)],
                         ids=["data", *(p.stem for p in SPARQL_FIXTURES)])
def test_fast_sparql_path_reports_what_pyshacl_reports(files: list[Path]) -> None:
    fast, plain = run(files, fast=True), run(files, fast=False)
    assert fast.conforms == plain.conforms
    assert set(fast.violations) == set(plain.violations)


def test_identical_reports_on_synthetic_data(tmp_path: Path) -> None:
    graph = tmp_path / "synthetic.nt"
    write_synthetic(graph, 20, seed=7)
    broken = tmp_path / "broken.nt"
    lines = graph.read_text(encoding="utf-8").splitlines()
    # Drop the shortcuts pointing at one city, so the symmetry and backing shapes fire.
    kept = [line for line in lines
            if not ("partnerCity" in line and line.split(" ")[2].endswith("synthstadt-3>"))]
    broken.write_text("\n".join(kept) + "\n", encoding="utf-8")
    for path in (graph, broken):
        fast, plain = run([path], fast=True), run([path], fast=False)
        assert set(fast.violations) == set(plain.violations)
    assert not run([broken]).conforms
