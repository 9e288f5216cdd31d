"""Shared parts of the network pages: the network of the current build, request parameters,
file responses and the page context (language, texts, what a view is drawn from)."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any
from urllib.parse import urlencode

from flask import Response, render_template, request, url_for

from citygraph.errors import BadRequest, NotFound
from citygraph.network.draw import draw
from citygraph.network.export import FORMATS, render
from citygraph.network.model import Network, extract, json_rows, store_select
from citygraph.network.subgraphs import Filters, Subgraph
from citygraph.network.texts import texts
from citygraph.sparql.runtime import Runtime
from citygraph.store import open_read_only
from citygraph.web.current import runtime, site
from citygraph.web.i18n import choose_language

MAX_TABLE = 200  # relations listed in a page's table; the files hold all
_networks: dict[str, Network] = {}
_lock = threading.Lock()


def network() -> Network:
    """The network of the current build, read once per build and process (one at a time)."""
    rt = runtime()
    build_id = rt.build().build_id
    net = _networks.get(build_id)
    if net is None:
        with _lock:
            net = _networks.get(build_id)
            if net is None:
                net = _read(rt)
                _networks.clear()
                _networks[build_id] = net
    return net


def _read(rt: Runtime) -> Network:
    """The embedded store's build is read directly (read-only, in this process: one fixed
    internal read of the whole network, larger than a client query's memory share); a remote
    SPARQL server's through the query runtime."""
    info = rt.build()
    if info.path is not None:
        return extract(store_select(open_read_only(info.path)))
    return extract(lambda query: json_rows(rt.select(query)))


def language() -> str:
    return choose_language(request.args.get("lang"), request.accept_languages)


def year_arg(name: str) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1000 <= int(raw) <= 2999:
        raise BadRequest(f"'{name}' must be a year such as 1990, not '{raw}'")
    return int(raw)


def filters(net: Network) -> Filters:
    kind, graph = request.args.get("type", ""), request.args.get("graph", "")
    if kind and kind not in net.types():
        raise BadRequest(f"unknown relation type '{kind}'; the network has: "
                         + ", ".join(net.types()))
    if graph and graph not in net.graphs():
        raise BadRequest(f"unknown source graph '{graph}'; the network is drawn from: "
                         + ", ".join(net.graphs()))
    return Filters(frozenset([kind] if kind else []), frozenset([graph] if graph else []),
                   year_arg("since"), year_arg("until"))


def city_arg(net: Network, name: str, lang: str) -> str:
    """A city given by IRI or by its name in any language (case-insensitive)."""
    raw = request.args.get(name, "").strip()
    if not raw:
        raise BadRequest(f"give a city in '{name}' (its name or IRI)")
    if raw in net.nodes:
        return raw
    wanted = raw.casefold()
    # Most relations first: a name shared by several items (an unaligned import) means the
    # best-connected one.
    found = sorted((iri for iri, node in net.nodes.items()
                    if any(label.casefold() == wanted for label in node.labels.values())),
                   key=lambda iri: (-len(net.adjacency.get(iri, ())), iri))
    if not found:
        raise NotFound(f"no city called '{raw}' in the relation network")
    return found[0]


def file_response(net: Network, sub: Subgraph, stem: str, lang: str) -> Response | None:
    """The view as a file when ``format=`` asks for one."""
    fmt = request.args.get("format")
    if not fmt:
        return None
    if fmt not in FORMATS:
        raise BadRequest(f"unknown file format '{fmt}'; choose one of " + ", ".join(FORMATS))
    spec = FORMATS[fmt]
    response = Response(render(net, sub, fmt, lang), content_type=spec.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}.{spec.extension}"'
    return response


def file_links() -> list[tuple[str, str]]:
    args = {k: v for k, v in request.args.items() if k != "format"}
    return [(name, f"{request.path}?{urlencode({**args, 'format': name})}") for name in FORMATS]


def other_lang_url(lang: str) -> str:
    args = {**request.args, "lang": "de" if lang == "en" else "en"}
    return f"{request.path}?{urlencode(args)}"


def page(template: str, net: Network, lang: str, sub: Subgraph | None = None,
         **context: Any) -> str:
    """Render a network page with the frame's context and what the view is drawn from."""
    t = texts(lang)
    drawn_from = None
    if sub is not None:
        per_graph = Counter(e.graph for e in sub.edges)
        per_type = Counter(e.type for e in sub.edges)
        drawn_from = {
            "graphs": [(g, net.label(g, lang), n) for g, n in sorted(per_graph.items())],
            "types": [(k, net.label(k, lang), n) for k, n in sorted(per_type.items())]}
        context.setdefault("files", file_links())
        context.setdefault("rows", edge_table(net, sub, lang))
    described = site()
    return render_template(template, lang=lang, t=t, net=net, sub=sub, drawn_from=drawn_from,
                           licence=described.licence_deed, focal=described.focal_city,
                           lang_url=other_lang_url(lang), label=net.label,
                           draw=lambda s: draw(net, s, lang), max_table=MAX_TABLE,
                           ego_url=url_for("network.ego"), **context)


def edge_table(net: Network, sub: Subgraph, lang: str) -> list[dict[str, Any]]:
    return [{"a": e.a, "b": e.b, "a_label": net.label(e.a, lang), "b_label": net.label(e.b, lang),
             "type": net.label(e.type, lang), "start": e.start, "end": e.end,
             "status": net.label(e.status, lang) if e.status else "",
             "graph": net.label(e.graph, lang), "sources": e.sources}
            for e in sub.edges[:MAX_TABLE]]
