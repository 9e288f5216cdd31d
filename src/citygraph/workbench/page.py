"""What the query page shows for one run: the table (sorted), its views and its links.

Kept apart from Flask: the view passes the answer body, the request arguments and a linker.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from citygraph.sparql.engine import Answer
from citygraph.web import mapping
from citygraph.web.tiles import TileSource
from citygraph.workbench import figures, table
from citygraph.workbench.table import Linker, Table

DOWNLOADS = ("csv", "json", "tsv")


NameLookup = Callable[[list[table.Row]], dict[str, tuple[str, str]]]  # IRI: (name, its lang)


@dataclass
class ResultView:
    """Everything the results part of the page needs; empty parts are not drawn."""

    table: Table | None = None
    map: mapping.Drawing | None = None
    timeline: list[figures.Event] = field(default_factory=list)
    graph: figures.GraphFigure | None = None
    boolean: bool | None = None
    graph_text: str = ""  # CONSTRUCT/DESCRIBE results, as Turtle
    truncated: bool = False
    sort: str | None = None
    descending: bool = False


def result_view(answer: Answer, args: dict[str, str], prefixes: dict[str, str],
                link: Linker, names: NameLookup | None = None,
                tiles: TileSource | None = None) -> ResultView:
    """The view of an answer; ``args`` are the request's query arguments (sort, dir)."""
    if answer.form == "graph":
        return ResultView(graph_text=answer.body.decode("utf-8"), truncated=answer.truncated)
    data = json.loads(answer.body)
    if answer.form == "ask":
        return ResultView(boolean=bool(data.get("boolean")))
    variables: list[str] = data["head"]["vars"]
    bindings: list[table.Row] = data["results"]["bindings"]
    labels = names(bindings) if names else None
    built = table.build(variables, bindings, prefixes, link, labels)
    sort, descending = args.get("sort"), args.get("dir") == "desc"
    shown = table.sort_rows(built, bindings, sort, descending)
    return ResultView(
        table=shown, map=figures.build_map(figures.geo_rows(built), tiles),
        timeline=figures.timeline(built), graph=figures.relation_graph(built),
        truncated=answer.truncated, sort=sort if sort in built.columns else None,
        descending=descending)


def sort_url(path: str, args: dict[str, str], column: str, view: ResultView) -> str:
    """This page sorted by the column; a second click on the sorted column reverses it."""
    ascending_now = view.sort == column and not view.descending
    merged = {**args, "sort": column, "dir": "desc" if ascending_now else "asc"}
    return f"{path}?{urlencode(merged)}"


def download_urls(root: str, query: str) -> list[tuple[str, str]]:
    """(format, /sparql URL) for each download format."""
    return [(name, f"{root}/sparql?{urlencode({'query': query, 'format': name})}")
            for name in DOWNLOADS]


def page_url(path: str, args: dict[str, str], **changes: str) -> str:
    merged = {k: v for k, v in {**args, **changes}.items() if v}
    return f"{path}?{urlencode(merged)}" if merged else path
