"""CSVW tabular metadata for data tables: which metadata describes a CSV file or workbook, and
what each column means.

The metadata is read with the ``csvw`` library (W3C "Metadata Vocabulary for Tabular Data",
https://www.w3.org/TR/tabular-metadata/). It is located as the CSVW model says
(https://www.w3.org/TR/tabular-data-model/#locating-metadata): ``{file}-metadata.json`` beside
the file, else ``csv-metadata.json`` in its directory. A workbook's sheets are tables whose
``url`` is ``{workbook}#sheet={sheet name}``.

Relative IRIs made by ``aboutUrl``/``valueUrl`` are resolved against the configured base IRI,
like the relative IRIs of the Turtle files, so tables never write the base either.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import csvw
from csvw.metadata import Column

from citygraph.errors import DataError
from citygraph.namespaces import PREFIXES

TABLE_SUFFIXES = (".csv", ".xlsx")
GROUP_METADATA = "csv-metadata.json"
SHEET_MARK = "#sheet="
XSD = PREFIXES["xsd"]
# CSVW's own initial context knows these prefixes too; ours come first.
CSVW_PREFIXES = {"dc": "http://purl.org/dc/terms/", "dcat": "http://www.w3.org/ns/dcat#",
                 "foaf": "http://xmlns.com/foaf/0.1/", "xml": "http://www.w3.org/XML/1998/namespace"}
# A column whose datatype has this @id takes a year, year-month or date (xsd:gYear,
# xsd:gYearMonth, xsd:date), as the sources give dates at different precisions.
PARTIAL_DATE = PREFIXES["cg"] + "partialDate"
# A common property of a column (an absolute IRI, as CSVW allows no own prefixes): the value
# is stated under a second property too (rdfs:label and skos:prefLabel).
ALSO_PROPERTY = PREFIXES["cg"] + "alsoProperty"
# A common property of a key-fact column: the column naming the pages that state its value
# (a cg:Statement per fact, docs/model.md "Provenance per fact"); empty: the row's sources.
FACT_SOURCES = PREFIXES["cg"] + "factSources"
SOURCE_PROPERTY = PREFIXES["dct"] + "source"


def is_table(path: Path) -> bool:
    return path.suffix.lower() in TABLE_SUFFIXES


def expand_curie(value: str) -> str:
    prefix, sep, local = value.partition(":")
    if sep and not local.startswith("//"):
        ns = PREFIXES.get(prefix) or CSVW_PREFIXES.get(prefix)
        if ns:
            return ns + local
    return value


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a table and the RDF it yields."""

    column: Column
    name: str
    title: str
    aliases: tuple[str, ...]  # every title the header may use (CSVW titles, any language)
    property: str | None
    also: str | None
    fact_sources: str | None
    value_url: Any  # csvw URITemplate or None
    about_url: Any
    datatype: str  # full XSD (or cg:partialDate) IRI; xsd:string for plain text
    lang: str | None
    separator: str | None
    required: bool
    virtual: bool
    suppressed: bool


@dataclass(frozen=True)
class TableSpec:
    """One table: the file (and sheet) holding it and its columns."""

    path: Path
    sheet: str | None
    about_url: Any
    columns: tuple[ColumnSpec, ...]

    @property
    def shown_name(self) -> str:
        return f"{self.path.name}{SHEET_MARK}{self.sheet}" if self.sheet else self.path.name


def _datatype(col: Column) -> str:
    dt = col.datatype
    if dt is None:
        return XSD + "string"
    at_id = (dt.at_props or {}).get("id")
    if at_id:
        return expand_curie(str(at_id))
    base = dt.base or "string"
    return XSD + {"number": "double", "any": "anyURI"}.get(base, base)


def _column(col: Column, table_about: Any) -> ColumnSpec:
    titles = [t for values in dict(col.titles or {}).values() for t in values]
    name = col.name or (titles[0] if titles else "")
    prop = str(col.propertyUrl) if col.propertyUrl is not None else None
    also = col.common_props.get(ALSO_PROPERTY)
    lang = col.lang if col.lang and col.lang != "und" else None
    return ColumnSpec(
        column=col, name=name, title=name, aliases=(name, *titles),
        property=expand_curie(prop) if prop else None,
        also=expand_curie(str(also)) if also else None,
        fact_sources=col.common_props.get(FACT_SOURCES),
        value_url=col.valueUrl, about_url=col.aboutUrl or table_about,
        datatype=_datatype(col), lang=lang, separator=col.separator,
        required=bool(col.required), virtual=bool(col.virtual),
        suppressed=bool(col.suppressOutput))


def metadata_for(path: Path) -> Path | None:
    own = path.with_name(path.name + "-metadata.json")
    if own.is_file():
        return own
    group = path.with_name(GROUP_METADATA)
    return group if group.is_file() else None


def _raw_tables(metadata: Path) -> list[Any]:
    try:
        doc = json.loads(metadata.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{metadata}: cannot read the CSVW metadata: {exc}") from None
    try:
        if "tables" in doc:
            return list(csvw.TableGroup.from_file(metadata).tables)
        return [csvw.Table.from_file(metadata)]
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(f"{metadata}: invalid CSVW metadata: {exc}") from None


def table_specs(path: Path) -> list[TableSpec]:
    """The tables of a CSV file (one) or workbook (one per described sheet)."""
    metadata = metadata_for(path)
    if metadata is None:
        raise DataError(
            f"{path}: no CSVW metadata ({path.name}-metadata.json or {GROUP_METADATA}) "
            f"describes this table / keine CSVW-Metadaten beschreiben diese Tabelle")
    specs = []
    for table in _raw_tables(metadata):
        url = str(table.url)
        file_part, _, sheet = url.partition(SHEET_MARK)
        if (metadata.parent / file_part).resolve() != path.resolve():
            continue
        about = table.tableSchema.aboutUrl
        columns = tuple(_column(c, about) for c in table.tableSchema.columns)
        specs.append(TableSpec(path=path, sheet=sheet or None, about_url=about, columns=columns))
    if not specs:
        raise DataError(f"{path}: {metadata.name} describes no table of this file / "
                        f"{metadata.name} beschreibt keine Tabelle dieser Datei")
    return specs


def described_tables(directory: Path) -> list[Path]:
    """Table files of a directory (described or not: undescribed ones fail with a message)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir()
                  if is_table(p) and not p.name.startswith((".", "~$")))
