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


@dataclass(frozen=True)
class Table:
    columns: list[str]  # shown columns (label columns folded into their IRI column)
    variables: list[str]  # every variable of the results
    rows: list[dict[str, Cell]]


def _cell(binding: Binding | None, label: Binding | None, prefixes: dict[str, str],
          link: Linker) -> Cell:
    if binding is None:
        return Cell("")
    kind, value = binding.get("type", "literal"), binding.get("value", "")
    if kind == "uri":
        href = link(value)
        short = href.partition("/doc/")[2] if href != value else ""
        text = label["value"] if label else short or shorten(value, prefixes).strip("<>")
        return Cell(text, href, "uri", value)
    if kind == "bnode":
        return Cell(f"_:{value}", None, "bnode", value)
    return Cell(value, None, "literal", value)


def build(variables: list[str], bindings: list[Row], prefixes: dict[str, str],
          link: Linker) -> Table:
    """The table of these results; ``?xLabel`` columns become the link texts of ``?x``."""
    folded = {f"{v}Label" for v in variables if f"{v}Label" in variables}
    columns = [v for v in variables if v not in folded]
    rows = []
    for binding in bindings:
        row = {v: _cell(binding.get(v), binding.get(f"{v}Label") if f"{v}Label" in folded
                        else None, prefixes, link) for v in columns}
        rows.append(row)
    return Table(columns, variables, rows)


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
