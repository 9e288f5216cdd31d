"""Every shape rejects its invalid fixtures, and the valid fixtures conform."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import FIXTURES
from tests.shapes import INVALID, run, violated_shape


@pytest.mark.parametrize("fixture", INVALID, ids=[p.stem for p in INVALID])
def test_shape_rejects_its_fixture(fixture: Path) -> None:
    report = run([fixture])
    assert not report.conforms
    assert {v.shape for v in report.violations} == {violated_shape(fixture)}


@pytest.mark.parametrize("name", ["minimal.ttl", "complete.ttl"])
def test_valid_fixtures_conform(name: str) -> None:
    assert run([FIXTURES / "valid" / name]).conforms
