"""Tables as data: CSV files and workbooks described by CSVW metadata, read like RDF files.

``table_quads`` is what loading and validation call for a table file; ``check_tables`` finds
every row-level problem (unreadable values, missing columns and values, unknown codes, rows
that disagree), and ``shacl_row_errors`` maps shape violations of nodes made from rows back to
their file, row and column.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from citygraph.errors import DataError
from citygraph.namespaces import PREFIXES
from citygraph.tables.reader import RowReader, TableData
from citygraph.tables.rowerrors import RowError, row_error, summary
from citygraph.tables.schema import is_table, table_specs

__all__ = ["RowError", "TableData", "check_tables", "is_table", "read_tables", "table_quads"]


def ref_spaces(base_iri: str) -> tuple[str, ...]:
    """Namespaces whose IRIs made from codes must be described somewhere (an unknown code)."""
    return (base_iri + "id/", PREFIXES["cg"], PREFIXES["cgrel"], PREFIXES["cgrole"],
            PREFIXES["country"], PREFIXES["sdg"])


def read_tables(paths: Iterable[Path], base_iri: str) -> TableData:
    """Every table of the files, converted; all problems collected, none raised."""
    data = TableData()
    spaces = ref_spaces(base_iri)
    for path in paths:
        try:
            specs = table_specs(path)
        except DataError as exc:
            data.errors.append(row_error(path.name, 0, "", "", "unreadable", detail=exc.message))
            continue
        for spec in specs:
            RowReader(spec, base_iri, data, spaces).read()
    data.triples.extend(shortcuts(data.triples))
    return data


# The symmetric shortcut of each relation class, stated in both directions as the data model
# asks (docs/model.md, "Relations"): tables give the relation, the shortcuts follow from it.
SHORTCUTS = {PREFIXES["cg"] + "Partnership": PREFIXES["cg"] + "partnerCity",
             PREFIXES["cg"] + "Friendship": PREFIXES["cg"] + "friendshipCity"}
RDF_TYPE = PREFIXES["rdf"] + "type"


def shortcuts(triples: list[ox.Triple]) -> list[ox.Triple]:
    kinds: dict[Any, str] = {}
    partners: dict[Any, set[Any]] = {}
    for t in triples:
        obj = t.object
        if t.predicate.value == RDF_TYPE and isinstance(obj, ox.NamedNode) \
                and obj.value in SHORTCUTS:
            kinds[t.subject] = SHORTCUTS[obj.value]
        elif t.predicate.value == PREFIXES["cg"] + "partner":
            partners.setdefault(t.subject, set()).add(t.object)
    out = []
    for relation, prop in kinds.items():
        pair = sorted(partners.get(relation, ()), key=str)
        if len(pair) == 2:
            p = ox.NamedNode(prop)
            out += [ox.Triple(pair[0], p, pair[1]), ox.Triple(pair[1], p, pair[0])]
    return out


def table_quads(path: Path, base_iri: str) -> Iterator[ox.Quad]:
    """The triples of one table file (default graph); any row error is a DataError."""
    data = read_tables([path], base_iri)
    if data.errors:
        raise DataError(summary(data.errors))
    for t in data.triples:
        yield ox.Quad(t.subject, t.predicate, t.object)


def unknown_codes(data: TableData, known: ox.Store) -> list[RowError]:
    """Codes (valueUrl IRIs in citygraph's own or reference namespaces) nothing describes."""
    subjects = {iri for iri, *_ in data.refs}
    described = {iri for iri in subjects
                 if next(iter(known.quads_for_pattern(ox.NamedNode(iri), None, None)), None)}
    return [row_error(file, row, column, value, "unknown-code", iri=iri)
            for iri, file, row, column, value in data.refs if iri not in described]


def check_tables(paths: list[Path], base_iri: str, others: Iterable[ox.Quad]) -> TableData:
    """Read the tables and add unknown-code errors, knowing the other files' quads."""
    data = read_tables(paths, base_iri)
    store = ox.Store()
    store.bulk_extend(others)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in data.triples)
    data.errors.extend(unknown_codes(data, store))
    return data
