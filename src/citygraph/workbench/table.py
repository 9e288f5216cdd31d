"""SPARQL JSON results as a table for the page: cells with text, link and sort key.

IRIs of the data (``{base_iri}id/…``) link to their pages (``/doc/…``); when the results have a
``?xLabel`` column next to ``?x``, the label is shown as the text of ``?x``'s link and the label
column is not repeated. Sorting is done here, from ``?sort=`` and ``?dir=``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from citygraph.namespaces import shorten

Binding = dict[str, str]
Row = dict[str, Binding]
NUMERIC = ("integer", "decimal", "double", "float", "int", "long", "short",
           "nonNegativeInteger", "positiveInteger")
Linker = Callable[[str], str]


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    kind: str = ""  # uri | literal | bnode | "" (unbound)
    value: str = ""  # the raw value (IRI or lexical form)
    datatype: str = ""  # of a literal
    lang: str = ""  # of the text, when the results give it (a literal's, its ?xLabel's)


@dataclass(frozen=True)
class Table:
    columns: list[str]  # shown columns (label columns folded into their IRI column)
    variables: list[str]  # every variable of the results
    rows: list[dict[str, Cell]]


def _cell(binding: Binding | None, label: str | None, prefixes: dict[str, str],
          link: Linker, label_lang: str = "") -> Cell:
    if binding is None:
        return Cell("")
    kind, value = binding.get("type", "literal"), binding.get("value", "")
    if kind == "uri":
        href = link(value)
        short = href.partition("/doc/")[2].partition("?")[0] if href and href != value else ""
        text = label or short or shorten(value, prefixes).strip("<>")
        return Cell(text, href or None, "uri", value, lang=label_lang if label else "")
    if kind == "bnode":
        return Cell(f"_:{value}", None, "bnode", value)
    # A web address given as text (STR(?source), xsd:anyURI) is a link all the same.
    web = value.startswith(("https://", "http://")) and " " not in value
    return Cell(value, value if web else None, "literal", value, binding.get("datatype", ""),
                binding.get("xml:lang", ""))


def build(variables: list[str], bindings: list[Row], prefixes: dict[str, str],
          link: Linker, labels: dict[str, tuple[str, str]] | None = None) -> Table:
    """The table of these results; ``?xLabel`` columns become the link texts of ``?x``, else
    the IRI's name from ``labels`` (looked up in the store), else its short form."""
    folded = {f"{v}Label" for v in variables if f"{v}Label" in variables}
    columns = [v for v in variables if v not in folded]
    names = labels or {}
    rows = []
    for binding in bindings:
        row = {}
        for v in columns:
            cell = binding.get(v)
            own = binding.get(f"{v}Label") if f"{v}Label" in folded else None
            label, label_lang = ((own["value"], own.get("xml:lang", "")) if own
                                 else names.get(cell["value"], (None, "")) if cell
                                 else (None, ""))
            row[v] = _cell(cell, label, prefixes, link, label_lang)
        rows.append(row)
    return Table(columns, variables, rows)


def local_iris(bindings: list[Row], base_iri: str, limit: int = 500) -> list[str]:
    """The data IRIs of the results (at most ``limit``), whose names the page looks up."""
    found: dict[str, None] = {}
    prefix = base_iri + "id/"
    for binding in bindings:
        for term in binding.values():
            if term.get("type") == "uri" and term.get("value", "").startswith(prefix):
                found[term["value"]] = None
                if len(found) >= limit:
                    return list(found)
    return list(found)


def is_numeric(bindings: list[Row], column: str) -> bool:
    values = [b[column] for b in bindings if column in b]
    if not values:
        return False
    for value in values:
        datatype = value.get("datatype", "")
        if not datatype.endswith(NUMERIC):
            try:
                float(value.get("value", ""))
            except ValueError:
                return False
    return True


def sort_rows(table: Table, bindings: list[Row], column: str | None,
              descending: bool) -> Table:
    """The table sorted by a column (numbers as numbers, text case-insensitively, blanks last);
    an unknown column leaves the order of the results."""
    if column not in table.columns:
        return table
    numeric = is_numeric(bindings, column)

    def key(row: dict[str, Cell]) -> tuple[int, float, str]:
        text = row[column].text
        if not text:
            return (1, 0.0, "")
        return (0, float(text) if numeric else 0.0, "" if numeric else text.casefold())

    filled = [r for r in table.rows if r[column].text]
    blank = [r for r in table.rows if not r[column].text]
    ordered = sorted(filled, key=key, reverse=descending) + blank
    return Table(table.columns, table.variables, ordered)
