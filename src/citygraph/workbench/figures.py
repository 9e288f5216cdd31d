"""Views built from a results table: a point map, a timeline and a relation graph.

Only geometry is computed here (plain data classes); the templates draw inline SVG and HTML.
No scripts; no external requests unless the operator configures map tiles. The map is the
one map of ``web.mapping`` (offline basemap); the graph places its nodes on a circle.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from citygraph.web import mapping
from citygraph.web.tiles import TileSource
from citygraph.workbench.table import Cell, Table

LAT_NAMES = ("lat", "latitude")
LONG_NAMES = ("long", "lon", "lng", "longitude")
_DATE = re.compile(r"-?\d{4}(-\d{2}(-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?)?)?")
MAP_W, MAP_H = 640, 380
GRAPH_SIZE, MAX_NODES = 480, 60


@dataclass(frozen=True)
class Event:
    date: str
    label: str
    href: str | None
    lang: str = ""  # the label's language when known
    note: str = ""  # shown in parentheses after the label (a partner's country)
    note_lang: str = ""


@dataclass(frozen=True)
class Node:
    x: float
    y: float
    label: str
    href: str | None
    lang: str = ""  # the label's language when known


@dataclass(frozen=True)
class GraphFigure:
    size: int
    nodes: list[Node]
    edges: list[tuple[float, float, float, float]]


def _column(table: Table, names: tuple[str, ...]) -> str | None:
    return next((c for c in table.variables if c.lower() in names), None)


def _label(row: dict[str, Cell], skip: set[str]) -> Cell:
    """The first filled cell of the row that is not one of the skipped columns."""
    return next((c for k, c in row.items() if k not in skip and c.text), Cell(""))


def geo_rows(table: Table) -> list[mapping.GeoPoint]:
    """Rows with a parseable latitude and longitude column, in table order."""
    lat, lon = _column(table, LAT_NAMES), _column(table, LONG_NAMES)
    if lat is None or lon is None or lat not in table.columns or lon not in table.columns:
        return []
    out = []
    for row in table.rows:
        try:
            y, x = float(row[lat].text), float(row[lon].text)
        except ValueError:
            continue
        label = _label(row, {lat, lon, "wkt"})
        out.append(mapping.GeoPoint(x, y, label.text, label.href, lang=label.lang))
    return out


def build_map(rows: list[mapping.GeoPoint],
              tiles: TileSource | None = None) -> mapping.Drawing | None:
    """A point map with one point per row on the offline basemap (and the operator's tiles,
    if any); None without points."""
    return mapping.draw(rows, MAP_W, MAP_H, tiles=tiles)


def _is_date(cell: Cell) -> bool:
    return bool(_DATE.fullmatch(cell.value)) and int(cell.value.lstrip("-")[:4]) >= 1000


DATE_TYPES = ("#date", "#dateTime", "#gYear", "#gYearMonth")
DATE_NAMES = ("date", "since", "start", "end", "until", "year", "founded", "signed", "when")


def _dated(column: str, cells: list[Cell]) -> bool:
    """Dates by their datatype, or years/dates in a column whose name says it holds dates
    (a count of 1200 is no year)."""
    if all(c.datatype.endswith(DATE_TYPES) for c in cells):
        return True
    return any(n in column.lower() for n in DATE_NAMES)


def date_column(table: Table) -> str | None:
    """The first column whose filled values are all years or ISO dates, typed as dates or
    named as dates; a timeline needs two dated rows and something to say about each."""
    if len(table.columns) < 2:
        return None
    for column in table.columns:
        cells = [r[column] for r in table.rows if r[column].text]
        if (len(cells) >= 2 and all(c.kind == "literal" and _is_date(c) for c in cells)
                and _dated(column, cells)):
            return column
    return None


def timeline(table: Table) -> list[Event]:
    """One event per row with a date, ordered by date (stable for equal dates)."""
    column = date_column(table)
    if column is None:
        return []
    events = []
    for row in table.rows:
        if not row[column].text:
            continue
        others = [c for k, c in row.items() if k != column and c.text]
        label = ", ".join(c.text for c in others)
        events.append(Event(row[column].text, label, others[0].href if others else None))
    return sorted(events, key=lambda e: e.date)


def iri_columns(table: Table) -> list[str]:
    return [c for c in table.columns
            if any(r[c].text for r in table.rows)
            and all(r[c].kind in ("uri", "") for r in table.rows)]


def relation_graph(table: Table) -> GraphFigure | None:
    """Nodes from the first two IRI columns, one edge per distinct row pair; circular layout."""
    columns = iri_columns(table)
    if len(columns) < 2:
        return None
    a, b = columns[:2]
    nodes: dict[str, Cell] = {}
    pairs: list[tuple[str, str]] = []
    for row in table.rows:
        if row[a].value and row[b].value:
            nodes.setdefault(row[a].value, row[a])
            nodes.setdefault(row[b].value, row[b])
            if (row[a].value, row[b].value) not in pairs:
                pairs.append((row[a].value, row[b].value))
    if len(nodes) < 3 or len(nodes) > MAX_NODES:
        return None
    radius, centre = GRAPH_SIZE / 2 - 70, GRAPH_SIZE / 2
    where: dict[str, tuple[float, float]] = {}
    for i, iri in enumerate(nodes):
        angle = 2 * math.pi * i / len(nodes) - math.pi / 2
        where[iri] = (round(centre + radius * math.cos(angle), 1),
                      round(centre + radius * math.sin(angle), 1))
    placed = [Node(*where[i], cell.text, cell.href, cell.lang) for i, cell in nodes.items()]
    edges = [(*where[s], *where[o]) for s, o in pairs]
    return GraphFigure(GRAPH_SIZE, placed, edges)
