"""Every shape rejects its invalid fixtures, and the valid fixtures conform."""

from __future__ import annotations

from pathlib import Path

import pytest

from citygraph.validation import graphs
from tests.helpers import FIXTURES, ROOT
from tests.shapes import BASE, INVALID, run, violated_shape


@pytest.mark.parametrize("fixture", INVALID, ids=[p.stem for p in INVALID])
def test_shape_rejects_its_fixture(fixture: Path) -> None:
    report = run([fixture])
    assert not report.conforms
    assert {v.shape for v in report.violations} == {violated_shape(fixture)}


@pytest.mark.parametrize("name", ["minimal.ttl", "complete.ttl"])
def test_valid_fixtures_conform(name: str) -> None:
    assert run([FIXTURES / "valid" / name]).conforms


def test_a_validation_gives_back_the_graphs_it_borrowed() -> None:
    # Validations lend the parsed ontology and shapes to each other (validation/graphs.py):
    # after any run, fast or plain, valid or not, they hold exactly what they held before.
    versions = [graphs.versions(sorted((ROOT / d).glob("*.ttl"))) for d in ("ontology", "shapes")]
    complete = [FIXTURES / "valid" / "complete.ttl"]
    run([FIXTURES / "valid" / "minimal.ttl"])
    lent = graphs._lendable(*versions, BASE)  # the graphs the runs above borrowed
    before = set(lent.ontology), set(lent.shapes)
    first = run(complete)
    for files, fast in (([INVALID[0]], True), ([INVALID[0]], False), (complete, True)):
        run(files, fast=fast)
    assert graphs._lendable(*versions, BASE) is lent
    assert (set(lent.ontology), set(lent.shapes)) == before
    assert run(complete) == first
