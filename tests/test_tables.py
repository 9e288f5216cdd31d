"""Tables as data, through the command line: template, validate with row-level errors, build."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from citygraph.cli import main
from tests.helpers import ROOT

BASE = "https://w3id.org/citygraph/"
CITIES = "id,label_de,label_en,country,geonames,lat,long,source\n" \
         "musterstadt,Musterstadt,Musterstadt,DEU,,54.1,12.1,https://example.org/a\n" \
         "probstadt,Probstadt,Probstadt,POL,,53.4,14.5,https://example.org/a\n"
SOURCES = "url,label_de,label_en,title_de,title_en,publisher,issued,language\n" \
          "https://example.org/a,Seite A,Page A,Seite A,,city/musterstadt,2020-01-02,DEU\n"
PAIR = "Partnership,partnership,city/musterstadt,city/probstadt"
REL_HEAD = "id,class,relation_type,partner_1,partner_2,status,start,end,label_de,label_en," \
           "note_de,note_en,agreements,source\n"


def cli(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def project(tmp_path: Path, tables: dict[str, str], ttl: tuple[str, ...] = ("countries",)) -> Path:
    """ontology/ and shapes/ of the repository, data/ = the template plus the given tables."""
    root = tmp_path / "project"
    for name in ("ontology", "shapes"):
        shutil.copytree(ROOT / name, root / name)
    assert cli("template", "--out", str(root / "data")).exit_code == 0
    for name in ttl:
        shutil.copy(ROOT / "data" / f"{name}.ttl", root / "data")
    # the dataset description of the fictitious city the tables describe
    shutil.copy(ROOT / "tests" / "fixtures" / "second-city" / "dataset.ttl", root / "data")
    for name, text in tables.items():
        (root / "data" / name).write_text(text, encoding="utf-8")
    return root


def env(root: Path) -> dict[str, str]:
    return {"CITYGRAPH_PROJECT_DIR": str(root), "CITYGRAPH_STORE": str(root / "store")}


def test_template_writes_every_table_with_csvw_metadata(tmp_path: Path) -> None:
    result = cli("template", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    meta = json.loads((tmp_path / "csv-metadata.json").read_text(encoding="utf-8"))
    files = {t["url"] for t in meta["tables"]}
    assert {"cities.csv", "relations.csv", "agreements.csv", "signatures.csv",
            "memberships.csv", "events.csv", "sources.csv"} <= files
    for table in meta["tables"]:
        names = {c["name"]: c for c in table["tableSchema"]["columns"]}
        header = (tmp_path / table["url"]).read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",")[0] in names
        if table["url"] not in ("sources.csv", "signatures.csv"):
            assert names["source"]["required"] is True, table["url"]
        assert "label_de" in names and "label_en" in names


def test_example_tables_yield_the_same_facts_as_the_turtle(tmp_path: Path) -> None:
    root = tmp_path / "project"
    for name in ("ontology", "shapes", "data"):
        shutil.copytree(ROOT / name, root / name)
    assert cli("template", "--out", str(tmp_path / "ex"), "--example").exit_code == 0
    rows = list(csv.DictReader((tmp_path / "ex" / "relations.csv").open(encoding="utf-8")))
    assert len(rows) > 10 and all(r["source"] for r in rows)
    for path in (tmp_path / "ex").iterdir():
        shutil.copy(path, root / "data")
    result = cli("build", "--no-dumps", env=env(root))
    assert result.exit_code == 0, result.output
    store = ox.Store.read_only(str((root / "store" / "current").resolve()))

    def triples(*graphs: str) -> set[tuple[object, ...]]:
        return {(q.subject, q.predicate, q.object) for g in graphs for q in
                store.quads_for_pattern(None, None, None, ox.NamedNode(f"{BASE}graph/{g}"))
                if not isinstance(q.subject, ox.BlankNode)}

    def statements(*graphs: str) -> set[tuple[object, ...]]:
        """Per-fact provenance: (subject, property, value, pages) of each cg:Statement."""
        query = f"""PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
            SELECT ?s ?p ?o (GROUP_CONCAT(STR(?page); separator=" ") AS ?pages) WHERE {{
              VALUES ?g {{ {" ".join(f"<{BASE}graph/{g}>" for g in graphs)} }}
              GRAPH ?g {{ ?st a <https://w3id.org/citygraph/def#Statement> ; rdf:subject ?s ;
                rdf:predicate ?p ; rdf:object ?o ; <http://purl.org/dc/terms/source> ?page }}
            }} GROUP BY ?s ?p ?o"""
        return {(r["s"], r["p"], r["o"], frozenset(r["pages"].value.split()))  # type: ignore
                for r in store.query(query)}  # type: ignore[union-attr]

    tables = triples("relations", "sources")
    turtle = triples("partnerships", "friendships", "sources")
    subjects = {t[0] for t in tables}
    predicates = {t[1] for t in tables}
    expected = {t for t in turtle if t[0] in subjects and t[1] in predicates}
    assert tables == expected
    assert len(subjects) > len(rows)  # the relations and their sources
    # the same sources for each key fact (start, end, status) as the Turtle's cg:Statements
    made = statements("relations")
    assert made and made == {s for s in statements("partnerships", "friendships")
                             if s[0] in subjects and s[1] in predicates}


def test_row_errors_name_file_row_column_and_nothing_is_built(tmp_path: Path) -> None:
    rel = REL_HEAD + \
        f"musterstadt-probstadt,{PAIR},aktiv,19x7,,," \
        "T–P,,,,https://example.org/a\n" \
        f"probstadt-musterstadt,{PAIR},active,1957,,," \
        "T–P,,,,https://example.org/a\n" \
        f"probstadt-musterstadt,{PAIR},active,1958,,," \
        "T–P,,,,https://example.org/a\n"
    cities = CITIES + "nowhere,Nirgendwo,Nowhere,XYZ,,54,12,https://example.org/a\n" \
        "komma,Komma,Comma,DEU,,\"54,1\",12,https://example.org/a\n"
    root = project(tmp_path, {"relations.csv": rel, "cities.csv": cities,
                              "sources.csv": SOURCES})
    report = tmp_path / "report.csv"
    result = cli("validate", "--report", str(report), env=env(root))
    assert result.exit_code == 1
    out = result.output
    assert "relations.csv:2:start: „19x7“" in out and "Jahr, Jahr-Monat oder Datum" in out
    assert "relations.csv:2:status: „aktiv“" in out and "Unknown code" in out
    assert "relations.csv:4:start: „1958“" in out and "Conflict: row relations.csv:3" in out
    assert "cities.csv:4:country: „XYZ“" in out
    assert "cities.csv:5:lat: „54,1“" in out and "comma instead of dot" in out
    lines = list(csv.DictReader(report.open(encoding="utf-8-sig")))
    assert {(r["file"], r["row"], r["column"]) for r in lines} >= {
        ("relations.csv", "2", "start"), ("relations.csv", "2", "status"),
        ("cities.csv", "4", "country"), ("cities.csv", "5", "lat")}
    assert all(r["message_de"] and r["message_en"] for r in lines)
    result = cli("build", "--no-dumps", env=env(root))
    assert result.exit_code == 1
    assert not (root / "store" / "current").exists()


def test_missing_column_and_required_value(tmp_path: Path) -> None:
    rel = "id,class,relation_type,partner_1,partner_2,start,source\n" \
          f"a-b,{PAIR},1990,\n"
    root = project(tmp_path, {"relations.csv": rel.replace(",start", "").replace(",1990", ""),
                              "cities.csv": CITIES, "sources.csv": SOURCES})
    result = cli("validate", env=env(root))
    assert result.exit_code == 1
    assert "relations.csv:1:start" in result.output
    assert "required column is missing" in result.output
    assert "relations.csv:2:source" in result.output and "Pflichtfeld ist leer" in result.output
    # the same through --data DIR (the shipped ontology and shapes)
    result = cli("validate", "--data", str(root / "data"))
    assert result.exit_code == 1 and "relations.csv:1:start" in result.output


def test_shape_violation_of_a_row_is_reported_at_its_row(tmp_path: Path) -> None:
    rel = REL_HEAD + f"musterstadt-probstadt,{PAIR}," \
        "active,1990,1980,Partnerschaft T–P,T–P twinning,,,,https://example.org/a\n"
    root = project(tmp_path, {"relations.csv": rel, "cities.csv": CITIES,
                              "sources.csv": SOURCES})
    report = tmp_path / "report.csv"
    result = cli("validate", "--report", str(report), env=env(root))
    assert result.exit_code == 1, result.output
    lines = list(csv.DictReader(report.open(encoding="utf-8-sig")))
    hit = [r for r in lines if (r["file"], r["row"], r["column"]) ==
           ("relations.csv", "2", "end")]
    assert hit, lines
    assert "Enddatum" in hit[0]["message_de"] and "end date" in hit[0]["message_en"]


def test_valid_tables_build_and_are_queryable(tmp_path: Path) -> None:
    rel = REL_HEAD + f"musterstadt-probstadt,{PAIR}," \
        "active,1990,,Partnerschaft T–P,T–P twinning,,,,https://example.org/a\n"
    root = project(tmp_path, {"relations.csv": rel, "cities.csv": CITIES,
                              "sources.csv": SOURCES})
    result = cli("build", "--no-dumps", env=env(root))
    assert result.exit_code == 0, result.output
    result = cli("query", "SELECT ?d WHERE { GRAPH <https://w3id.org/citygraph/graph/relations> "
                 "{ ?r <https://schema.org/startDate> ?d } }", env=env(root))
    assert "1990" in result.output
    # add: a further table as a named graph, described by its own metadata file
    extra = tmp_path / "more.csv"
    extra.write_text(rel.replace("musterstadt-probstadt,", "probstadt-musterstadt,")
                     .replace("1990", "1991"), encoding="utf-8")
    meta = json.loads((root / "data" / "csv-metadata.json").read_text(encoding="utf-8"))
    table = next(t for t in meta["tables"] if t["url"] == "relations.csv")
    (tmp_path / "more.csv-metadata.json").write_text(json.dumps(
        {"@context": "http://www.w3.org/ns/csvw", **table, "url": "more.csv"}), encoding="utf-8")
    result = cli("add", "--graph", "https://w3id.org/citygraph/graph/more", str(extra),
                 env=env(root))
    assert result.exit_code == 0, result.output
    result = cli("query", "SELECT ?d WHERE { GRAPH <https://w3id.org/citygraph/graph/more> "
                 "{ ?r <https://schema.org/startDate> ?d } }", env=env(root))
    assert "1991" in result.output


def test_workbook_sheets_are_tables(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    root = project(tmp_path, {"cities.csv": CITIES, "sources.csv": SOURCES})
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "relations"
    for line in csv.reader((REL_HEAD + "t-p,Partnership,partnership,city/musterstadt,"
                            "city/probstadt,active,1990,bald,,,,,,https://example.org/a\n")
                           .splitlines()):
        sheet.append(line)
    book.save(root / "data" / "book.xlsx")
    meta = json.loads((root / "data" / "csv-metadata.json").read_text(encoding="utf-8"))
    table = next(t for t in meta["tables"] if t["url"] == "relations.csv")
    (root / "data" / "relations.csv").unlink()
    (root / "data" / "book.xlsx-metadata.json").write_text(json.dumps(
        {"@context": "http://www.w3.org/ns/csvw", "tables": [
            {**table, "url": "book.xlsx#sheet=relations"}]}), encoding="utf-8")
    meta["tables"] = [t for t in meta["tables"] if t["url"] != "relations.csv"]
    (root / "data" / "csv-metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    result = cli("validate", env=env(root))
    assert result.exit_code == 1
    assert "book.xlsx#sheet=relations:2:end: „bald“" in result.output


def test_contact_and_project_relations_build_and_unknown_types_are_refused(
        tmp_path: Path) -> None:
    """A contact (cg:Contact) and a project partnership (cg:Friendship, type project) with
    status and periods build; an unknown relation type is reported at its file:row:column."""
    rel = REL_HEAD + \
        "musterstadt-probstadt,Contact,contact,city/musterstadt,city/probstadt,ended," \
        "1995,2001,Kontakt M–P,M–P contact,,,,https://example.org/a\n" \
        "probstadt-musterstadt,Friendship,project,city/probstadt,city/musterstadt,active," \
        "2019-05-14,,Projektpartnerschaft P–M,P–M project partnership,,,,https://example.org/a\n"
    root = project(tmp_path, {"relations.csv": rel, "cities.csv": CITIES,
                              "sources.csv": SOURCES})
    result = cli("build", "--no-dumps", env=env(root))
    assert result.exit_code == 0, result.output
    result = cli("query", "SELECT ?c ?t ?s ?e WHERE { GRAPH ?g { ?r a ?c ; "
                 "<https://w3id.org/citygraph/def#relationType> ?t ; "
                 "<https://w3id.org/citygraph/def#status> ?s ; "
                 "<https://schema.org/startDate> ?e } } ORDER BY ?e", "--format", "csv",
                 env=env(root))
    rows = result.output.splitlines()
    assert rows[1:] == [
        "https://w3id.org/citygraph/def#Contact,"
        "https://w3id.org/citygraph/def/relation-type/contact,"
        "https://w3id.org/citygraph/def/relation-type/ended,1995",
        "https://w3id.org/citygraph/def#Friendship,"
        "https://w3id.org/citygraph/def/relation-type/project,"
        "https://w3id.org/citygraph/def/relation-type/active,2019-05-14"], result.output
    # an unknown type, then a known code that is no relation type: each at its row
    row = "musterstadt-probstadt-2,Contact,{},city/musterstadt,city/probstadt," \
        "active,2000,,Kontakt 2,Contact 2,,,,https://example.org/a\n"
    for code, message in (("twinning", "Unknown code"), ("active", "cgrel:contact")):
        (root / "data" / "relations.csv").write_text(rel + row.format(code), encoding="utf-8")
        report = tmp_path / "report.csv"
        result = cli("build", "--no-dumps", "--report", str(report), env=env(root))
        assert result.exit_code == 1
        assert f"relations.csv:4:relation_type: „{code}“" in result.output, result.output
        assert message in result.output
        assert ("relations.csv", "4", "relation_type") in {
            (r["file"], r["row"], r["column"])
            for r in csv.DictReader(report.open(encoding="utf-8-sig"))}


def test_row_error_messages_name_the_value_not_a_placeholder(tmp_path: Path) -> None:
    """A shape message with {?value} reads with the cell's text in both languages."""
    same = SOURCES.replace("Seite A,Page A,Seite A", "Seite A,Seite A,Seite A")
    root = project(tmp_path, {"cities.csv": CITIES, "sources.csv": same})
    result = cli("validate", env=env(root))
    assert result.exit_code == 1
    assert "sources.csv:2:label_de: „Seite A“" in result.output
    assert "Der Titel 'Seite A' trägt zwei Sprach-Tags" in result.output
    assert "{?value}" not in result.output
