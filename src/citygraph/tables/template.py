"""``citygraph template``: ready-to-fill tables with their CSVW metadata, optionally filled with
the relations (and their sources) already in the data, so a clerk sees a worked example."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pyoxigraph as ox

from citygraph.tables.definitions import TABLES, Col, TableDef
from citygraph.tables.schema import (
    ALSO_PROPERTY,
    FACT_SOURCES,
    GROUP_METADATA,
    PARTIAL_DATE,
    expand_curie,
)

CSVW_CONTEXT = "http://www.w3.org/ns/csvw"


def _column_json(table: TableDef, col: Col) -> dict[str, Any]:
    out: dict[str, Any] = {"name": col.name}
    if col.virtual_value:
        out.update(virtual=True, propertyUrl=col.prop, valueUrl=expand_curie(col.virtual_value))
        return out
    out["titles"] = {"en": col.name, **({"de": col.de} if col.de else {})}
    if col.help_de or col.help_en:
        out["dc:description"] = [{"@value": col.help_de, "@language": "de"},
                                 {"@value": col.help_en, "@language": "en"}]
    if col.required:
        out["required"] = True
    if col.prop is None:
        out["suppressOutput"] = True
        return out
    out["propertyUrl"] = expand_curie(col.prop)
    if col.about:
        out["aboutUrl"] = col.about
        out["valueUrl"] = f"{col.prefix}{{{table.key}}}"
    elif col.prefix is not None:
        out["valueUrl"] = f"{col.prefix}{{+{col.name}}}{col.suffix}"
    if col.datatype == "partialDate":
        out["datatype"] = {"@id": PARTIAL_DATE, "base": "string",
                           "format": r"^-?\d{4}(-\d{2}(-\d{2})?)?$"}
    elif col.datatype:
        out["datatype"] = col.datatype
    if col.lang:
        out["lang"] = col.lang
    if col.separator:
        out["separator"] = col.separator
    if col.also:
        out[ALSO_PROPERTY] = expand_curie(col.also)
    if col.key_fact:
        out[FACT_SOURCES] = f"{col.name}_source"
    return out


def fact_source_column(col: Col) -> Col:
    """The optional column naming the pages that state a key fact's value."""
    return Col(f"{col.name}_source", f"{col.de}_Quelle", separator=" ",
               help_de="Quelle(n) genau dieses Werts; leer: die Quelle der Zeile",
               help_en="source(s) of exactly this value; empty: the row's source")


def with_fact_sources(table: TableDef) -> tuple[Col, ...]:
    """The table's columns, each key fact followed by its source column."""
    out: list[Col] = []
    for col in table.columns:
        out.append(col)
        if col.key_fact:
            out.append(fact_source_column(col))
    return tuple(out)


def metadata(tables_defs: Iterable[TableDef] = TABLES) -> dict[str, Any]:
    """The CSVW table group describing every template table."""
    tables = []
    for table in tables_defs:
        about = f"{table.about_prefix}{{+{table.key}}}"
        tables.append({
            "url": table.file,
            "dc:title": [{"@value": table.title_de, "@language": "de"},
                         {"@value": table.title_en, "@language": "en"}],
            "tableSchema": {"aboutUrl": about,
                            # CSVW: virtual columns come after all real ones
                            "columns": [_column_json(table, c) for c in sorted(
                                with_fact_sources(table),
                                key=lambda c: c.virtual_value is not None)]}})
    return {"@context": CSVW_CONTEXT, "tables": tables}


def _header(table: TableDef) -> list[str]:
    return [c.name for c in with_fact_sources(table) if not c.virtual_value]


def with_languages(table: TableDef, langs: Iterable[str]) -> TableDef:
    """The table with a column per further language of its language-tagged columns
    (a source titled in Danish gets title_da), as a CSVW column has one fixed language."""
    extra = []
    for col in table.columns:
        if col.lang == "de":
            stem = col.name.removesuffix("_de")
            have = {c.lang for c in table.columns if c.name.startswith(stem + "_")}
            extra += [replace(col, name=f"{stem}_{lang}", de=f"{col.de.removesuffix('_de')}_{lang}",
                              lang=lang, also=None) for lang in sorted(set(langs) - have)]
    return replace(table, columns=(*table.columns, *extra))


def write_templates(out: Path, rows: dict[str, list[dict[str, str]]] | None = None,
                    tables: tuple[TableDef, ...] = TABLES) -> list[Path]:
    """Write csv-metadata.json and one CSV per table (with rows where given)."""
    out.mkdir(parents=True, exist_ok=True)
    meta = out / GROUP_METADATA
    meta.write_text(json.dumps(metadata(tables), ensure_ascii=False, indent=2) + "\n",
                    encoding="utf-8")
    written = [meta]
    for table in tables:
        path = out / table.file
        header = _header(table)
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=header)
            writer.writeheader()
            writer.writerows((rows or {}).get(table.file, []))
        written.append(path)
    return written


# ---- filling the tables from the data (--example) ------------------------------------------

def _values(col: Col, terms: list[ox.NamedNode | ox.Literal], base: str) -> list[str]:
    values = []
    for term in terms:
        if isinstance(term, ox.Literal):
            if col.lang and term.language != col.lang:
                continue
            values.append(term.value)
        elif col.prefix is not None:
            start = col.prefix if ":" in col.prefix or not col.prefix else urljoin(base, col.prefix)
            if term.value.startswith(start) and term.value.endswith(col.suffix):
                values.append(term.value[len(start):len(term.value) - len(col.suffix) or None])
    return sorted(values)


def _cells(cols: list[Col], terms: list[ox.NamedNode | ox.Literal], base: str) -> dict[str, str]:
    """Cells of the columns sharing one property: all values joined, or one per column
    (partner_1, partner_2) when the columns take a single value each."""
    if len(cols) == 1 or any(c.separator or c.lang for c in cols):
        return {c.name: (c.separator or " ").join(_values(c, terms, base)) for c in cols}
    values = _values(cols[0], terms, base)
    return {c.name: values[i] if i < len(values) else "" for i, c in enumerate(cols)}


def table_rows(table: TableDef, store: ox.Store, subjects: Iterable[str],
               base: str) -> list[dict[str, str]]:
    """One row per subject, each cell from the subject's values of the column's property."""
    prefix = urljoin(base, table.about_prefix) if table.about_prefix else ""
    rows = []
    for subject in sorted(subjects):
        node = ox.NamedNode(subject)
        row = {table.key: subject[len(prefix):]}
        by_prop: dict[str, list[Col]] = {}
        for col in table.columns:
            if col.prop is not None and not col.virtual_value and not col.about:
                by_prop.setdefault(expand_curie(col.prop), []).append(col)
        for prop, cols in by_prop.items():
            terms = [q.object for q in store.quads_for_pattern(node, ox.NamedNode(prop), None)
                     if isinstance(q.object, ox.NamedNode | ox.Literal)]
            if len({c.lang for c in cols}) > 1:  # label_de / label_en: by language
                for col in cols:
                    row.update(_cells([col], terms, base))
            else:
                row.update(_cells(cols, terms, base))
            for col in cols:
                if col.key_fact:
                    row[f"{col.name}_source"] = " ".join(fact_pages(store, node, prop))
        rows.append(row)
    return rows


def fact_pages(store: ox.Store, node: ox.NamedNode, prop: str) -> list[str]:
    """The pages the cg:Statements of the node's values of prop name."""
    rdf, cg = "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "https://w3id.org/citygraph/def#"
    pages: set[str] = set()
    for quad in store.quads_for_pattern(None, ox.NamedNode(rdf + "subject"), node):
        st = quad.subject
        if ox.Quad(st, ox.NamedNode(rdf + "type"), ox.NamedNode(cg + "Statement")) not in store \
                or ox.Quad(st, ox.NamedNode(rdf + "predicate"), ox.NamedNode(prop)) not in store:
            continue
        pages.update(str(getattr(q.object, "value", "")) for q in store.quads_for_pattern(
            st, ox.NamedNode("http://purl.org/dc/terms/source"), None))
    return sorted(pages)


EXAMPLE_QUERY = """
PREFIX cg: <https://w3id.org/citygraph/def#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT DISTINCT ?relation ?source WHERE {
  ?relation cg:relationType ?type ; cg:partner ?partner .
  FILTER(?type IN (<https://w3id.org/citygraph/def/relation-type/partnership>,
                   <https://w3id.org/citygraph/def/relation-type/friendship>))
  %s
  OPTIONAL { ?relation dct:source ?source }
}
"""


Example = tuple[dict[str, list[dict[str, str]]], tuple[TableDef, ...]]


def example_rows(store: ox.Store, base: str, focal: str | None) -> Example:
    """Partner and friendship relations (of the focal city, when known) and their sources,
    and the tables with a column for every further language of their texts."""
    focus = f"FILTER(?partner = <{focal}>)" if focal else ""
    relations: set[str] = set()
    sources: set[str] = set()
    for sol in store.query(EXAMPLE_QUERY % focus):  # type: ignore[union-attr]
        relations.add(sol["relation"].value)
        if sol["source"] is not None:
            sources.add(sol["source"].value)
    langs = {q.object.language for s in relations | sources
             for q in store.quads_for_pattern(ox.NamedNode(s), None, None)
             if isinstance(q.object, ox.Literal) and q.object.language}
    tables = tuple(with_languages(t, langs) for t in TABLES)
    by_file = {t.file: t for t in tables}
    return ({"relations.csv": table_rows(by_file["relations.csv"], store, relations, base),
             "sources.csv": table_rows(by_file["sources.csv"], store, sources, base)}, tables)


def example_store_rows(config: Any) -> Example:
    """The example rows from the RDF files of the configured data directory."""
    from citygraph.loading import discover, parse_file
    from citygraph.tables.schema import is_table

    store = ox.Store()
    for source in discover(config):
        if source.path.parent == config.data_path and not is_table(source.path):
            store.bulk_extend(parse_file(source.path, config.base_iri))
    focal = [s["c"].value for s in store.query(  # type: ignore[union-attr]
        "SELECT ?c WHERE { ?d <https://w3id.org/citygraph/def#focalCity> ?c }")]
    return example_rows(store, config.base_iri, focal[0] if len(focal) == 1 else None)
