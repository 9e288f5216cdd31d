"""Wikidata import, alignment by GeoNames ID and the comparison, through the CLI and HTTP."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from citygraph.app import create_app
from citygraph.cli import main
from citygraph.config import load_config
from tests.helpers import FIXTURES, ROOT

FIXTURE = FIXTURES / "wikidata" / "p190-fixture.json"
BASE = "https://w3id.org/citygraph/"
CG = "https://w3id.org/citygraph/def#"


def cli(*args: str, env: dict[str, str]) -> Result:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    root = tmp_path_factory.mktemp("wd") / "project"
    for name in ("ontology", "shapes", "data"):
        shutil.copytree(ROOT / name, root / name)
    env = {"CITYGRAPH_PROJECT_DIR": str(root), "CITYGRAPH_STORE": str(root / "store")}
    result = cli("import", "wikidata", str(FIXTURE), "--retrieved", "2026-12-01", env=env)
    assert result.exit_code == 0, result.output
    assert "4 P190 statements" in result.output and "3 aligned" in result.output
    result = cli("build", "--no-dumps", env=env)
    assert result.exit_code == 0, result.output
    yield root, env


def claims(root: Path) -> dict[str, set[tuple[str, str, str]]]:
    store = ox.Store.read_only(str((root / "store" / "current").resolve()))
    query = f"""PREFIX cg: <{CG}> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?kind ?s ?p ?o WHERE {{ GRAPH <{BASE}graph/comparison> {{
          ?c a cg:Claim ; cg:disagreement ?kind ; rdf:subject ?s ; rdf:predicate ?p ;
             rdf:object ?o }} }}"""
    found: dict[str, set[tuple[str, str, str]]] = {}
    for sol in store.query(query):  # type: ignore[union-attr]
        kind = sol["kind"].value.removeprefix(CG)
        found.setdefault(kind, set()).add(
            tuple(sol[v].value.removeprefix(BASE) for v in ("s", "p", "o")))  # type: ignore
    return found


def test_import_writes_a_graph_file_with_provenance(imported: tuple[Path, dict[str, str]]) -> None:
    root, _ = imported
    text = (root / "data" / "wikidata-p190.ttl").read_text(encoding="utf-8")
    assert "dct:license <http://creativecommons.org/publicdomain/zero/1.0/>" in text
    assert '"2026-12-01"^^xsd:date' in text and "P190" in text
    graph = ox.Store()
    graph.load(path=str(root / "data" / "wikidata-p190.ttl"), format=ox.RdfFormat.TURTLE,
               base_iri=BASE)
    same = {(q.subject.value, q.object.value) for q in graph.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/2004/02/skos/core#exactMatch"), None)}
    wd = "http://www.wikidata.org/entity/"
    assert same == {(f"{BASE}id/city/rostock", wd + "Q9000001"),
                    (f"{BASE}id/city/szczecin", wd + "Q9000002"),
                    (f"{BASE}id/city/turku", wd + "Q9000003")}
    # no identifier without evidence: the items without GeoNames ID stay Wikidata nodes
    assert not any("Q9000004" in o or "Q9000005" in o for _, o in same)


def test_comparison_claims(imported: tuple[Path, dict[str, str]]) -> None:
    found = claims(imported[0])
    wd = "http://www.wikidata.org/entity/"
    assert found["differentDate"] == {("id/relation/rostock-turku", "https://schema.org/startDate",
                                       "1958")}
    assert found["onlyInExternalSource"] == {("id/city/rostock", "def#relatedCity",
                                              wd + "Q9000004")}
    missing = {o for s, p, o in found["onlyInOfficialData"]}
    assert "id/city/aarhus" in missing and "id/city/szczecin" not in missing
    assert "id/city/turku" not in missing


def test_wikidata_never_adds_to_the_official_count(imported: tuple[Path, dict[str, str]]) -> None:
    root, env = imported
    count = ("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { "
             f"<{BASE}id/city/rostock> <{CG}partnerCity> ?c }}")
    result = cli("query", count, env=env)
    (root / "data" / "wikidata-p190.ttl").rename(root / "wd.off")
    try:
        without = cli("build", "--no-dumps", "--skip-validation", env=env)
        assert without.exit_code == 0
        assert cli("query", count, env=env).output == result.output
    finally:
        (root / "wd.off").rename(root / "data" / "wikidata-p190.ttl")
        assert cli("build", "--no-dumps", "--skip-validation", env=env).exit_code == 0


def test_relation_page_shows_the_wikidata_claim(imported: tuple[Path, dict[str, str]]) -> None:
    root, _ = imported
    config = load_config(env={}, store=root / "store", project_dir=root)
    app = create_app(config)
    try:
        page = app.test_client().get("/id/relation/rostock-turku", follow_redirects=True,
                                     headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert "1958" in page.get_data(as_text=True)
        assert "wikidata.org/wiki/Q9000001" in page.get_data(as_text=True)
        assert "Wikidata gives 1958, the official data 1959" in page.get_data(as_text=True)
        city = app.test_client().get("/id/city/rostock", follow_redirects=True,
                                     headers={"Accept": "text/html"}).get_data(as_text=True)
        assert "Testhaven" in city and "Only Wikidata lists this twinning" in city
    finally:
        app.extensions["citygraph"].executor.close()


def test_bad_result_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("city,twin\nhttp://www.wikidata.org/entity/Q1,"
                   "http://www.wikidata.org/entity/Q2\n", encoding="utf-8")
    result = cli("import", "wikidata", str(bad), "--retrieved", "2026-12-01",
                 env={"CITYGRAPH_PROJECT_DIR": str(tmp_path)})
    assert result.exit_code == 1
    assert "lacks the variables ?cityLabel" in result.output
    result = cli("import", "wikidata", str(FIXTURE), "--retrieved", "1.12.2026",
                 env={"CITYGRAPH_PROJECT_DIR": str(tmp_path)})
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_example_query_answers_where_wikidata_disagrees(
        imported: tuple[Path, dict[str, str]]) -> None:
    _, env = imported
    result = cli("query", f"@{ROOT / 'docs' / 'wikidata-disagreements.rq'}", "--format", "csv",
                 env=env)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("different date,") and "startDate,1959,1958" in line
               for line in lines), lines
    assert any(line.startswith("only in the external source,") and "Testhaven" in line
               for line in lines), lines
    assert any(line.startswith("only in the official data,") and "Aarhus" in line
               for line in lines), lines


def test_csv_result_reads_like_json(tmp_path: Path) -> None:
    """WDQS's CSV download: plain values, no language tags; same statements and alignment."""
    import csv
    import json

    from citygraph.wikidata.results import VARIABLES, read_result

    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    out = tmp_path / "p190.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(VARIABLES)
        for b in doc["results"]["bindings"]:
            writer.writerow([b.get(v, {}).get("value", "") for v in VARIABLES])
    from_csv, from_json = read_result(out), read_result(FIXTURE)
    assert from_csv.statements.keys() == from_json.statements.keys()
    assert {q: i.geonames for q, i in from_csv.items.items()} == \
        {q: i.geonames for q, i in from_json.items.items()}
    root = tmp_path / "project"
    shutil.copytree(ROOT / "data", root / "data")
    result = cli("import", "wikidata", str(out), "--retrieved", "2026-12-01",
                 env={"CITYGRAPH_PROJECT_DIR": str(root)})
    assert result.exit_code == 0, result.output
    assert "4 P190 statements" in result.output and "3 aligned" in result.output
