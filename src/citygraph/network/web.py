"""The network Blueprint: ``/network/…`` pages and files of the relation network.

Views: overview, ego network (depth 1–2), shortest paths, a city network's members, countries,
a year, the timeline and one ranking per measure. Every view with edges answers
``?format=graphml|gexf|csv-edges|csv-nodes|json`` with the same subgraph as a file.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, request

from citygraph.errors import BadRequest, NotFound
from citygraph.network import subgraphs
from citygraph.network.pages import (
    city_arg,
    file_response,
    filters,
    language,
    network,
    page,
    year_arg,
)
from citygraph.web.conditional import conditional
from citygraph.web.current import runtime

bp = Blueprint("network", __name__, url_prefix="/network")
MEASURES = ("degree", "betweenness", "clusteringCoefficient", "strength", "component",
            "community")
RANK_LIMIT = 100
CG = "https://w3id.org/citygraph/def#"


def _html(body: str) -> Response:
    return _validated(Response(body, content_type="text/html; charset=utf-8"))


def _validated(response: Response) -> Response:
    """Validators of the build; the representation is the full URL (view, filters, format)."""
    return conditional(response, runtime().build(), f"network {request.full_path}",
                       vary=("Accept-Language",))


@bp.route("/", methods=["GET", "HEAD"])
def index() -> Response:
    net, lang = network(), language()
    sub = subgraphs.whole(net, filters(net))
    found = file_response(net, sub, "network", lang)
    if found is not None:
        return _validated(found)
    networks = sorted(((iri, net.label(iri, lang), len(members))
                       for iri, members in net.members.items()), key=lambda x: (-x[2], x[1]))
    return _html(page("network/index.html", net, lang, sub, networks=networks,
                      measures=MEASURES, rows=[]))


@bp.route("/city", methods=["GET", "HEAD"])
def ego() -> Response:
    net, lang = network(), language()
    city = city_arg(net, "city", lang)
    depth = request.args.get("depth", "1")
    if depth not in ("1", "2"):
        raise BadRequest(f"'depth' is 1 (partners) or 2 (partners of partners), not '{depth}'")
    sub = subgraphs.ego(net, city, int(depth), filters(net))
    found = file_response(net, sub, f"ego-{depth}", lang)
    if found is not None:
        return _validated(found)
    return _html(page("network/ego.html", net, lang, sub, city=city, depth=int(depth),
                      measures=sorted(net.measures.get(city, {}).items())))


@bp.route("/path", methods=["GET", "HEAD"])
def path() -> Response:
    net, lang = network(), language()
    start, goal = city_arg(net, "from", lang), city_arg(net, "to", lang)
    found_paths, total = subgraphs.paths(net, start, goal, filters(net))
    sub = subgraphs.path_subgraph(found_paths, start, goal)
    found = file_response(net, sub, "path", lang)
    if found is not None:
        return _validated(found)
    return _html(page("network/path.html", net, lang, sub, start=start, goal=goal,
                      paths=found_paths, total=total))


@bp.route("/members", methods=["GET", "HEAD"])
def members() -> Response:
    net, lang = network(), language()
    iri = request.args.get("network", "")
    if iri not in net.members:
        raise NotFound(f"no city network <{iri}> with members in this store")
    sub = subgraphs.members(net, iri, filters(net))
    found = file_response(net, sub, "members", lang)
    if found is not None:
        return _validated(found)
    return _html(page("network/members.html", net, lang, sub, network_iri=iri))


@bp.route("/countries", methods=["GET", "HEAD"])
def countries() -> Response:
    net, lang = network(), language()
    chosen = filters(net)
    sub = subgraphs.whole(net, chosen)
    found = file_response(net, sub, "countries", lang)
    pairs = [(net.label(a, lang), net.label(b, lang), n)
             for a, b, n in subgraphs.countries(net, chosen)]
    if found is not None:
        return _validated(found)
    return _html(page("network/countries.html", net, lang, sub, pairs=pairs, rows=[]))


@bp.route("/year", methods=["GET", "HEAD"])
def year() -> Response:
    net, lang = network(), language()
    when = year_arg("year")
    if when is None:
        raise BadRequest("give a year in 'year', e.g. ?year=1990")
    sub = subgraphs.year(net, when, filters(net))
    found = file_response(net, sub, f"year-{when}", lang)
    if found is not None:
        return _validated(found)
    return _html(page("network/year.html", net, lang, sub, when=when))


@bp.route("/timeline", methods=["GET", "HEAD"])
def timeline() -> Response:
    net, lang = network(), language()
    chosen = filters(net)
    per_year, undated = subgraphs.timeline(net, chosen)
    sub = subgraphs.whole(net, chosen)
    peak = max((sum(c.values()) for _, c in per_year), default=1)
    return _html(page("network/timeline.html", net, lang, sub, per_year=per_year,
                      undated=undated, peak=peak, rows=[]))


@bp.route("/ranking/<measure>", methods=["GET", "HEAD"])
def ranking(measure: str) -> Response:
    net, lang = network(), language()
    if measure not in MEASURES:
        raise NotFound(f"no measure '{measure}'; the measures are " + ", ".join(MEASURES))
    query = _ranking_query(measure)
    rows = [{k: v["value"] for k, v in row.items()} for row in runtime().select(query)]
    analysis = _analysis(lang)
    return _html(page("network/ranking.html", net, lang, None, measure=measure, ranked=rows,
                      query=query, query_url="/sparql?" + urlencode({"query": query}),
                      analysis=analysis))


def _measures_graph() -> str:
    return f"{runtime().config.base_iri}graph/network-measures"


def _ranking_query(measure: str) -> str:
    graph = _measures_graph()
    if measure in ("component", "community"):
        prop = "inComponent" if measure == "component" else "inCommunity"
        return (f"PREFIX cg: <{CG}>\nSELECT ?group ?size (SAMPLE(?city) AS ?example) WHERE {{\n"
                f"  GRAPH <{graph}> {{ ?group cg:size ?size . ?city cg:{prop} ?group }}\n}}\n"
                f"GROUP BY ?group ?size ORDER BY DESC(?size) ?group LIMIT {RANK_LIMIT}")
    if measure == "strength":
        return (f"PREFIX cg: <{CG}>\nPREFIX schema: <https://schema.org/>\n"
                f"SELECT ?city ?type ?value WHERE {{\n  GRAPH <{graph}> {{ ?city cg:strength ?s"
                f" . ?s cg:relationType ?type ; schema:value ?value }}\n}}\n"
                f"ORDER BY DESC(?value) ?city LIMIT {RANK_LIMIT}")
    return (f"PREFIX cg: <{CG}>\nSELECT ?city ?value WHERE {{\n"
            f"  GRAPH <{graph}> {{ ?city cg:{measure} ?value }}\n}}\n"
            f"ORDER BY DESC(?value) ?city LIMIT {RANK_LIMIT}")


def _analysis(lang: str) -> dict[str, str]:
    query = (f"PREFIX cg: <{CG}>\nSELECT ?p ?o WHERE {{ GRAPH <{_measures_graph()}> {{ "
             f"?a a cg:NetworkAnalysis ; ?p ?o . FILTER(!isLiteral(?o) || LANG(?o) = '' "
             f"|| LANG(?o) = '{lang}') }} }}")
    found: dict[str, str] = {}
    for row in runtime().select(query):
        key = row["p"]["value"].rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        found.setdefault(key, row["o"]["value"])
    return found
