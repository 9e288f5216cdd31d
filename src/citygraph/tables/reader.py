"""Rows of a CSV file or workbook sheet turned into RDF triples, every problem kept as a
RowError with its file, row and column (https://www.w3.org/TR/csv2rdf/ for the mapping:
one subject per row from ``aboutUrl``, one triple per cell from ``propertyUrl`` and the cell
value or ``valueUrl``)."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin

import pyoxigraph as ox

from citygraph.namespaces import PREFIXES
from citygraph.tables.rowerrors import RowError, row_error
from citygraph.tables.schema import PARTIAL_DATE, SOURCE_PROPERTY, XSD, ColumnSpec, TableSpec

LEXICAL = {
    "gYear": re.compile(r"-?\d{4}"),
    "gYearMonth": re.compile(r"-?\d{4}-(0[1-9]|1[0-2])"),
    "decimal": re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    "integer": re.compile(r"[+-]?\d+"),
    "boolean": re.compile(r"true|false|1|0"),
    "anyURI": re.compile(r"https?://\S+"),
}
Origin = tuple[str, int]  # shown file name, row
RDF, CG = PREFIXES["rdf"], PREFIXES["cg"]
SIMPLE = re.compile(r"^([^{}]*)\{(\+?)([A-Za-z0-9_]+)\}([^{}]*)$")
# RFC 6570: simple expansion keeps only unreserved characters; "+" keeps reserved ones too
UNRESERVED = "-._~"
BARE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
RESERVED = UNRESERVED + ":/?#[]@!$&'()*+,;="


class Expander:
    """A URI template expanded and resolved against the base. Templates with one variable
    (``id/city/{id}``, ``{+source}``) are expanded directly, the rest by ``uritemplate``;
    both give the RFC 6570 result, resolved as urljoin would."""

    def __init__(self, template: Any, base: str) -> None:
        self.template, self.base = template, base
        m = SIMPLE.match(str(template.uri))
        self.simple = m is not None
        if m is not None:
            prefix, plus, self.var, self.suffix = m.groups()
            self.safe = RESERVED if plus else UNRESERVED
            self.absolute = ":" in prefix.split("/", 1)[0]
            self.raw_prefix = prefix
            self.prefix = prefix if self.absolute or not prefix else urljoin(base, prefix)
            self.empty_prefix = not prefix

    def __call__(self, values: dict[str, str]) -> str:
        raw = values.get(self.var, "") if self.simple else ""
        tricky = "%" in raw and (self.safe == UNRESERVED or BARE_PERCENT.search(raw))
        if not self.simple or tricky:
            return urljoin(self.base, str(self.template.expand(**values)))
        # reserved expansion keeps pct-encoded triplets (RFC 6570 §3.2.3)
        value = quote(raw, safe=self.safe + ("%" if self.safe == RESERVED else ""))
        if self.empty_prefix or (not self.absolute and (
                value.startswith("/") or ".." in value or "?" in value or "#" in value
                or ":" in value.split("/", 1)[0])):
            return urljoin(self.base, f"{self.raw_prefix}{value}{self.suffix}")
        return f"{self.prefix}{value}{self.suffix}"


@dataclass
class TableData:
    """What the tables of one or more files yield, and where each part came from."""

    triples: list[ox.Triple] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    origins: dict[str, Origin] = field(default_factory=dict)  # subject IRI → first row
    columns: dict[tuple[str, str], str] = field(default_factory=dict)  # (subject, prop) → column
    refs: list[tuple[str, str, int, str, str]] = field(default_factory=list)  # iri, file, row…
    # (subject, property, language|column) → (values, file, row): rows must not disagree
    seen: dict[tuple[str, str, str], tuple[frozenset[str], str, int, str]] = field(
        default_factory=dict)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def rows(spec: TableSpec) -> Iterator[list[str]]:
    """The header row, then the data rows, as text."""
    if spec.sheet is None:
        with spec.path.open(encoding="utf-8-sig", newline="") as f:
            yield from csv.reader(f)
        return
    import openpyxl  # only for workbooks

    book = openpyxl.load_workbook(spec.path, read_only=True, data_only=True)
    try:
        if spec.sheet not in book.sheetnames:
            raise KeyError(spec.sheet)
        for values in book[spec.sheet].iter_rows(values_only=True):
            yield [_cell_text(v) for v in values]
    finally:
        book.close()


def literal_for(col: ColumnSpec, text: str) -> tuple[ox.Literal | None, str, str]:
    """The literal for a cell value, or None with the datatype name and a detail."""
    datatype = col.datatype
    if datatype == PARTIAL_DATE:
        for name in ("gYear", "gYearMonth", "date"):
            lit, _, _ = literal_for(_with_type(col, XSD + name), text)
            if lit is not None:
                return lit, "", ""
        return None, "partialDate", ""
    local = datatype.removeprefix(XSD)
    if local == "date":
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            return None, "date", ""
    elif local in LEXICAL and not LEXICAL[local].fullmatch(text):
        hint = " (Komma statt Punkt? / comma instead of dot?)" if "," in text else ""
        return None, local, hint
    if col.column.datatype is not None and _constrained(col):
        try:
            col.column.read(text)
        except ValueError as exc:
            return None, local, f" ({exc})"
    if col.lang:
        return ox.Literal(text, language=col.lang), "", ""
    if local == "string":
        return ox.Literal(text), "", ""
    return ox.Literal(text, datatype=ox.NamedNode(datatype)), "", ""


def _constrained(col: ColumnSpec) -> bool:
    d = col.column.datatype
    return any(getattr(d, a) is not None for a in (
        "format", "length", "minLength", "maxLength", "minimum", "maximum",
        "minInclusive", "maxInclusive", "minExclusive", "maxExclusive"))


def _with_type(col: ColumnSpec, datatype: str) -> ColumnSpec:
    from dataclasses import replace
    return replace(col, datatype=datatype)


class RowReader:
    """Converts the rows of one table, appending to a shared TableData."""

    def __init__(self, spec: TableSpec, base_iri: str, data: TableData,
                 ref_spaces: tuple[str, ...]) -> None:
        self.spec, self.base, self.data, self.ref_spaces = spec, base_iri, data, ref_spaces
        self.file = spec.shown_name
        self._expanders: dict[int, Expander] = {}
        self._source_column = next(
            (c for c in spec.columns if c.property == SOURCE_PROPERTY
             and c.about_url is spec.about_url), None)

    def read(self) -> None:
        try:
            it = rows(self.spec)
            header = [h.strip() for h in next(it, [])]
            cols = self._match_header(header)
            for number, raw in enumerate(it, start=2):
                if any(c.strip() for c in raw):
                    self._row(number, {name: raw[i].strip() if i < len(raw) else ""
                                       for i, name in cols})
        except (OSError, UnicodeDecodeError, csv.Error, KeyError, ValueError) as exc:
            self.data.errors.append(row_error(self.file, 0, "", "", "unreadable",
                                              detail=str(exc)))

    def _match_header(self, header: list[str]) -> list[tuple[int, str]]:
        by_title = {t: c for c in self.spec.columns if not c.virtual for t in c.aliases}
        matched = []
        for i, title in enumerate(header):
            col = by_title.get(title)
            if col is None:
                if title:
                    self.data.errors.append(row_error(self.file, 1, title, "", "unknown-column"))
                continue
            matched.append((i, col.name))
        present = {name for _, name in matched}
        for col in self.spec.columns:
            if col.required and not col.virtual and col.name not in present:
                self.data.errors.append(row_error(self.file, 1, col.title, "", "missing-column"))
        return matched

    def _row(self, number: int, cells: dict[str, str]) -> None:
        values = {k: v for k, v in cells.items() if v}
        values["_row"] = str(number - 1)
        row_subject = self._iri(self.spec.about_url, values) if self.spec.about_url else None
        for col in self.spec.columns:
            if col.suppressed or col.property is None:
                if col.required and not col.virtual and not cells.get(col.name):
                    self._err(number, col, "", "missing-value")
                continue
            text = cells.get(col.name, "")
            if not text and not col.virtual:
                if col.required:
                    self._err(number, col, "", "missing-value")
                continue
            subject = (self._iri(col.about_url, values) if col.about_url is not None
                       else row_subject)
            if subject is None:
                continue
            parts = [p.strip() for p in text.split(col.separator)] if col.separator else [text]
            objects = [o for o in (self._object(number, col, p, values) for p in parts if p
                                   or col.virtual) if o is not None]
            emitted = self._emit(number, col, subject, objects, text,
                                 check=col.about_url is self.spec.about_url)
            if emitted and col.fact_sources is not None and col.property is not None:
                self._statements(number, col, subject, objects, cells, values)

    def _statements(self, number: int, col: ColumnSpec, subject: str, objects: list[Any],
                    cells: dict[str, str], values: dict[str, str]) -> None:
        """A cg:Statement per key fact naming the pages that state it: the fact's own source
        column, else the row's sources (docs/model.md, "Provenance per fact")."""
        own = cells.get(str(col.fact_sources), "").split()
        bad = [page for page in own if not LEXICAL["anyURI"].fullmatch(page)]
        if bad:
            self.data.errors.append(row_error(self.file, number, str(col.fact_sources), bad[0],
                                              "bad-value", kind="anyURI", detail=""))
            return
        pages = own or self._row_sources(cells, values)
        if not pages:
            return
        s, p, n = ox.NamedNode(subject), ox.NamedNode(str(col.property)), ox.NamedNode
        for obj in objects:
            st = ox.BlankNode()
            self.data.triples += [ox.Triple(st, n(RDF + "type"), n(CG + "Statement")),
                                  ox.Triple(st, n(RDF + "subject"), s),
                                  ox.Triple(st, n(RDF + "predicate"), p),
                                  ox.Triple(st, n(RDF + "object"), obj),
                                  *(ox.Triple(st, n(SOURCE_PROPERTY), n(page)) for page in pages)]

    def _row_sources(self, cells: dict[str, str], values: dict[str, str]) -> list[str]:
        col = self._source_column
        if col is None or col.value_url is None:
            return []
        text = cells.get(col.name, "")
        parts = text.split(col.separator) if col.separator else [text]
        return [self._iri(col.value_url, {**values, col.name: part.strip()})
                for part in parts if part.strip()]

    def _object(self, number: int, col: ColumnSpec, text: str,
                values: dict[str, str]) -> ox.NamedNode | ox.Literal | None:
        if col.value_url is not None:
            iri = self._iri(col.value_url, {**values, col.name: text})
            if any(iri.startswith(space) for space in self.ref_spaces):
                self.data.refs.append((iri, self.file, number, col.title, text))
            return ox.NamedNode(iri)
        lit, kind, detail = literal_for(col, text)
        if lit is None:
            self._err(number, col, text, "bad-value", kind=kind, detail=detail)
        return lit

    def _emit(self, number: int, col: ColumnSpec, subject: str, objects: list[Any], text: str,
              *, check: bool) -> bool:
        """State the cell's triples; False when there are none or they conflict."""
        if not objects:
            return False
        s = ox.NamedNode(subject)
        data = self.data
        data.origins.setdefault(subject, (self.file, number))
        for prop in (col.property, col.also):
            if prop is None:
                continue
            key = (subject, prop, f"{col.lang or ''}|{col.name}")
            shown = frozenset(str(o) for o in objects)
            earlier = data.seen.get(key) if check else None
            if earlier is None and check:
                data.seen[key] = (shown, self.file, number, text)
            elif (earlier is not None and earlier[0] != shown
                  and (earlier[1], earlier[2]) != (self.file, number)):
                self._err(number, col, text, "conflict", other=f"{earlier[1]}:{earlier[2]}",
                          subject=subject, values=earlier[3])
                return False
            data.columns.setdefault((subject, prop), col.title)
            p = ox.NamedNode(prop)
            data.triples.extend(ox.Triple(s, p, o) for o in objects)
        return True

    def _iri(self, template: Any, values: dict[str, str]) -> str:
        expander = self._expanders.get(id(template))
        if expander is None:
            expander = self._expanders[id(template)] = Expander(template, self.base)
        return expander(values)

    def _err(self, number: int, col: ColumnSpec, value: str, key: str, **fields: str) -> None:
        self.data.errors.append(row_error(self.file, number, col.title, value, key, **fields))
