"""The command line as a user runs it: validate, build, add, query, export."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest
import rdflib

from tests.helpers import FIXTURES, ROOT, run_cli

INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
PARTNERSHIP_COUNT = ("SELECT (COUNT(?r) AS ?n) WHERE "
                     "{ ?r a <https://w3id.org/citygraph/def#Partnership> }")


def expected_shape(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# violates: "), f"{path.name} must name the shape it violates"
    return first.removeprefix("# violates: ").strip()


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A private copy of ontology/, shapes/ and data/ that a test may break."""
    for name in ("ontology", "shapes", "data"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def env_for(project: Path, store: Path) -> dict[str, str]:
    return {"CITYGRAPH_PROJECT_DIR": str(project), "CITYGRAPH_STORE": str(store)}


def test_validate_passes_on_the_shipped_data() -> None:
    result = run_cli("validate")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "conforms" in result.stdout


def test_valid_fixture_conforms() -> None:
    result = run_cli("validate", str(FIXTURES / "valid" / "minimal.ttl"))
    assert result.returncode == 0, result.stderr


def test_every_shape_has_an_invalid_fixture() -> None:
    assert len(INVALID) >= 10
    shapes = {expected_shape(p) for p in INVALID}
    declared = set()
    for path in (ROOT / "shapes").glob("*.ttl"):
        graph = rdflib.Graph().parse(path, format="turtle")
        for shape in graph.subjects(rdflib.RDF.type, rdflib.SH.NodeShape):
            declared.add("cgsh:" + str(shape).rsplit("#", 1)[-1])
    missing = sorted(declared - shapes)
    assert not missing, f"node shapes without an invalid fixture: {missing}"


def one_fixture_per_shapes_file() -> list[Path]:
    """A fixture for each file of shapes/ (all fixtures are checked in test_shapes.py)."""
    chosen = []
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        graph = rdflib.Graph().parse(path, format="turtle")
        names = {"cgsh:" + str(s).rsplit("#", 1)[-1]
                 for s in graph.subjects(rdflib.RDF.type, rdflib.SH.NodeShape)}
        chosen += [f for f in INVALID if expected_shape(f) in names][:1]
    return chosen


SAMPLE = one_fixture_per_shapes_file()


@pytest.mark.parametrize("fixture", SAMPLE, ids=[p.stem for p in SAMPLE])
def test_invalid_fixture_is_refused_with_a_readable_report(fixture: Path) -> None:
    result = run_cli("validate", str(fixture))
    assert result.returncode == 1, result.stdout
    report = result.stderr
    assert expected_shape(fixture) in report
    assert "focus:" in report and "message:" in report
    assert fixture.name in report  # the source file of the focus node


def test_validate_reports_syntax_errors_with_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b \"open\n", "utf-8")
    result = run_cli("validate", str(broken))
    assert result.returncode == 1
    assert "broken.ttl:2:" in result.stderr and "syntax error" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_names_unknown_formats_and_missing_files(tmp_path: Path) -> None:
    odd = tmp_path / "facts.docx"
    odd.write_text("x", "utf-8")
    result = run_cli("validate", str(odd))
    assert result.returncode == 1 and "unknown RDF format '.docx'" in result.stderr
    table = tmp_path / "facts.xlsx"  # a table format, but nothing describes it
    table.write_text("x", "utf-8")
    result = run_cli("validate", str(table))
    assert result.returncode == 1 and "no CSVW metadata" in result.stderr
    result = run_cli("validate", str(tmp_path / "missing.ttl"))
    assert result.returncode == 1 and "no such file" in result.stderr


def test_build_then_query(store_dir: Path) -> None:
    result = run_cli("query", PARTNERSHIP_COUNT, "--format", "json", "--store", str(store_dir))
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["results"]["bindings"]
    assert rows[0]["n"]["value"] == "14"


def count_in(fmt: str, text: str) -> str:
    """The ?n of a one-row, one-column answer, parsed from the format (not searched for)."""
    if fmt == "json":
        return str(json.loads(text)["results"]["bindings"][0]["n"]["value"])
    if fmt == "xml":
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        literal = ElementTree.fromstring(text).find("r:results/r:result/r:binding/r:literal", ns)
        assert literal is not None and literal.text is not None
        return literal.text
    if fmt == "table":  # header, rule, one row
        header, rule, row = text.strip("\n").split("\n")
        assert header.split() == ["?n"] and set(rule) == {"-"}
        return lexical(row)
    rows = list(csv.reader(io.StringIO(text), delimiter="," if fmt == "csv" else "\t"))
    assert rows[0] in (["n"], ["?n"]) and len(rows) == 2
    return rows[1][0] if fmt == "csv" else lexical(rows[1][0])


def lexical(term: str) -> str:
    """The lexical form of a SPARQL TSV term: ``"14"^^<…>`` or ``14`` → ``14``."""
    term = term.strip()
    if term.startswith('"'):
        return term[1:term.index('"', 1)]
    return term.split("^^")[0]


@pytest.mark.parametrize("fmt", ["table", "json", "xml", "csv", "tsv"])
def test_query_formats(store_dir: Path, fmt: str) -> None:
    result = run_cli("query", PARTNERSHIP_COUNT, "--format", fmt, "--store", str(store_dir))
    assert result.returncode == 0, result.stderr
    assert count_in(fmt, result.stdout) == "14"


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "rdfxml"])
def test_construct_formats(store_dir: Path, fmt: str) -> None:
    query = ("CONSTRUCT { ?r a <https://w3id.org/citygraph/def#Partnership> } WHERE "
             "{ ?r a <https://w3id.org/citygraph/def#Partnership> }")
    result = run_cli("query", query, "--format", fmt, "--store", str(store_dir))
    assert result.returncode == 0, result.stderr
    rdf_format = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}
    graph = rdflib.Graph().parse(data=result.stdout, format=rdf_format[fmt])
    assert len(graph) == 14


def test_query_from_file_and_syntax_error(store_dir: Path, tmp_path: Path) -> None:
    query_file = tmp_path / "q.rq"
    query_file.write_text(PARTNERSHIP_COUNT, "utf-8")
    assert "14" in run_cli("query", f"@{query_file}", "--store", str(store_dir)).stdout
    bad = run_cli("query", "SELECT * WHERE { ?s ?p }", "--store", str(store_dir))
    assert bad.returncode == 1 and "syntax error" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_query_without_a_store_says_how_to_build_one(tmp_path: Path) -> None:
    result = run_cli("query", "ASK {}", "--store", str(tmp_path / "nothing"))
    assert result.returncode == 1
    assert "citygraph build" in result.stderr


def test_export_has_every_quad(store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "dump.nq"
    result = run_cli("export", "--format", "nquads", "--out", str(out), "--store", str(store_dir))
    assert result.returncode == 0, result.stderr
    dataset = rdflib.Dataset()
    dataset.parse(out, format="nquads")
    meta = json.loads(next((store_dir / "builds").glob("*.json")).read_text())
    assert len(dataset) == meta["triples"]
    turtle = run_cli("export", "--format", "turtle", "--store", str(store_dir)).stdout
    assert len(rdflib.Graph().parse(data=turtle, format="turtle")) > 500


def test_store_from_environment(store_dir: Path) -> None:
    result = run_cli("query", PARTNERSHIP_COUNT, "--format", "csv",
                     env={"CITYGRAPH_STORE": str(store_dir)})
    assert result.returncode == 0 and "14" in result.stdout


def test_broken_file_leaves_the_previous_store_serving(project: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    env = env_for(project, store)
    assert run_cli("build", "--no-dumps", env=env).returncode == 0
    before = (store / "current").resolve()
    (project / "data" / "zz-broken.ttl").write_text("@prefix x: <id/x/> .\nx:a x:b .\n", "utf-8")
    result = run_cli("build", env=env)
    assert result.returncode == 1
    assert "zz-broken.ttl:2:" in result.stderr
    assert (store / "current").resolve() == before
    answer = run_cli("query", PARTNERSHIP_COUNT, "--format", "csv", env=env)
    assert answer.returncode == 0 and "14" in answer.stdout
    assert [p for p in (store / "builds").iterdir() if p.is_dir()] == [before]


def test_invalid_data_is_refused_and_the_store_kept(project: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    env = env_for(project, store)
    assert run_cli("build", "--no-dumps", env=env).returncode == 0
    before = (store / "current").resolve()
    invalid = next(p for p in INVALID if "Partnership" in p.name)
    shutil.copy(invalid, project / "data" / "zz-invalid.ttl")
    result = run_cli("build", env=env)
    assert result.returncode == 1
    assert "build refused" in result.stderr and "zz-invalid.ttl" in result.stderr
    assert (store / "current").resolve() == before


def test_add_a_named_graph(project: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    env = env_for(project, store)
    assert run_cli("build", "--no-dumps", env=env).returncode == 0
    extra = tmp_path / "extra.nt"
    extra.write_text("<http://example.org/a> <http://example.org/b> \"c\" .\n", "utf-8")
    result = run_cli("add", "--no-dumps", "--graph", "http://example.org/g", str(extra),
                     env=env)
    assert result.returncode == 0, result.stderr
    query = "SELECT ?o WHERE { GRAPH <http://example.org/g> { ?s ?p ?o } }"
    assert "c" in run_cli("query", query, "--format", "csv", env=env).stdout
    count = run_cli("query", PARTNERSHIP_COUNT, "--format", "csv", env=env)
    assert "14" in count.stdout  # the earlier graphs are still there
    bad = run_cli("add", "--graph", "not an iri", str(extra), env=env)
    assert bad.returncode == 1 and "absolute IRI" in bad.stderr


def test_add_without_dumps_writes_none(project: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    env = env_for(project, store)
    assert run_cli("build", "--skip-validation", "--no-dumps", env=env).returncode == 0
    extra = tmp_path / "extra.nt"
    extra.write_text("<http://example.org/a> <http://example.org/b> \"c\" .\n", "utf-8")
    result = run_cli("add", "--no-dumps", "--graph", "http://example.org/g", str(extra), env=env)
    assert result.returncode == 0, result.stderr
    assert "dumps:" not in result.stderr
    assert dump_sets(store) == []
    with_dumps = run_cli("add", "--graph", "http://example.org/h", str(extra), env=env)
    assert "dumps:" in with_dumps.stderr
    assert len(dump_sets(store)) == 1  # the last build's


def dump_sets(store: Path) -> list[Path]:
    root = store / "dumps"
    return [p for p in root.iterdir() if p.is_dir()] if root.is_dir() else []
