"""The workbench blueprint: /queries (the example library), /query (the query page) and
/glance ("{focal city} at a glance", the city from the dataset description).

Queries run through the same path as /sparql (guard, fair use, cache, killable child process):
``web.query.run_query``. The query page renders its results on the server, so it works
without JavaScript; static/wb/enhance.js adds the vendored SPARQL editor (static/vendor/yasgui),
served from this origin like everything else on the page.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from citygraph.errors import CitygraphError, NotFound
from citygraph.formats import Kind, MediaType, by_name, of_kinds
from citygraph.namespaces import sparql_prologue
from citygraph.sparql.engine import Answer, QueryJob
from citygraph.store import BuildInfo
from citygraph.web.conditional import respond
from citygraph.web.current import map_tiles, runtime, site
from citygraph.web.i18n import WORKBENCH, choose_language, texts
from citygraph.web.links import page_link, safe_href
from citygraph.web.negotiation import best_mime, negotiate_request, resolve
from citygraph.web.query import answer_response, run_query
from citygraph.workbench import glance, library, page, table

bp = Blueprint("workbench", __name__)
READ = ["GET", "HEAD"]
DEFAULT_QUERY = "SELECT ?s ?p ?o\nWHERE { ?s ?p ?o }\nLIMIT 10\n"
PAGE_KINDS = (Kind.HTML, Kind.RESULTS)


def _lang() -> str:
    return choose_language(request.args.get("lang"), request.accept_languages)


def execute(query: str, accept: tuple[str, ...]) -> tuple[Answer, BuildInfo, QueryJob]:
    """Run a query as /sparql does (web.query: guard, fair use, cache, limits)."""
    return run_query(query, lambda: accept, base_iri=request.url_root + "sparql")


def _texts(lang: str) -> dict[str, str]:
    return texts(lang, site().city(lang), WORKBENCH)


def _example(name: str) -> library.Example:
    example = library.find(name)
    if example is None:
        raise NotFound(f"there is no example query '{name}'; see {url_for('workbench.queries')}")
    return example


def _html(body: str, tag: str, status: int = 200) -> Response:
    media = by_name("html")
    assert media is not None
    return respond(body, media, runtime().build(), tag, status=status,
                   vary=("Accept", "Accept-Language"))


def _wants_html() -> bool:
    """A browser (text/html preferred to JSON) gets the page; every other client JSON."""
    accept = request.accept_mimetypes
    best = best_mime(["application/json", "text/html"])
    return best == "text/html" and accept["text/html"] > accept["application/json"]


@bp.route("/queries", methods=READ)
@bp.route("/queries.json", methods=READ)
def queries() -> Response:
    lang = _lang()
    if not request.path.endswith(".json") and _wants_html():
        html = render_template("workbench/queries.html", lang=lang, t=_texts(lang),
                               groups=library.grouped(), group_title=library.group_title)
        return _html(html, f"queries/{lang}")
    listing = [{"name": e.name, "title": e.titles, "group": e.group,
                "group_title": {k: library.group_title(e.group, k) for k in ("en", "de")},
                "description": e.description, "descriptions": e.descriptions,
                "query": e.query,
                "url": url_for("workbench.canned", name=e.name, _external=True),
                "page": url_for("workbench.query_page", example=e.name, lang=lang)}
               for e in library.load()]
    response = jsonify(listing)
    response.vary.add("Accept-Language")
    return response


def _canned_media(name: str) -> tuple[str, MediaType]:
    """The example name and the format: an extension wins, else ?format= or Accept."""
    stem, dot, ext = name.rpartition(".")
    offered = of_kinds(*PAGE_KINDS)
    if dot and (media := resolve(ext, offered)) is not None:
        return stem, media
    return name, negotiate_request(offered)


@bp.route("/queries/<name>", methods=READ)
def canned(name: str) -> Response:
    stem, media = _canned_media(name)
    example = _example(stem)
    if media.kind is Kind.HTML:
        return _query_page(example.query, example, f"queries/{stem}")
    answer, info, job = execute(example.query, (media.name,))
    return answer_response(answer, info, job)


@bp.route("/query", methods=READ)
def query_page() -> Response:
    name = request.args.get("example")
    example = _example(name) if name else None
    query = request.args.get("query") or (example.query if example else "")
    return _query_page(query, example, request.full_path)


def _lang_url(lang: str) -> str:
    """This page in the other language (other arguments kept)."""
    other = "de" if lang == "en" else "en"
    return page.page_url(request.path, request.args.to_dict(), lang=other)


def _link(iri: str) -> str:
    """The page of a data IRI (keeping an explicit ?lang=), or the IRI itself when it is
    safe as a link (http(s), mailto); otherwise no link."""
    return page_link(iri) or safe_href(iri) or ""


def _results(query: str) -> tuple[page.ResultView | None, CitygraphError | None]:
    if not query.strip():
        return None, None
    try:
        answer, _, _ = execute(query, ("json", "turtle"))
    except CitygraphError as exc:
        return None, exc
    args = request.args.to_dict()
    return page.result_view(answer, args, runtime().prefixes, _link, _names,
                            map_tiles()), None


def _names(bindings: list[table.Row]) -> dict[str, tuple[str, str]]:
    """Names of the data IRIs in the results, in the page language (English fallback)."""
    found = table.local_iris(bindings, runtime().config.base_iri)
    if not found:
        return {}
    values = " ".join(f"<{iri}>" for iri in found)
    lang = _lang()
    query = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
             "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
             f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} "
             "?s skos:prefLabel|rdfs:label ?l "
             f'FILTER(lang(?l) = "{lang}" || lang(?l) = "en") }}')
    names: dict[str, tuple[str, str]] = {}
    for row in runtime().select(query):
        literal = row["l"]
        if literal.get("xml:lang") == lang or row["s"]["value"] not in names:
            names[row["s"]["value"]] = (literal["value"], literal.get("xml:lang", ""))
    return names


_HEADER = re.compile(r"(?:#[ \t]*[\w-]+(?:@[a-z]{2})?:[^\n]*\n)+")


def _without_header(query: str) -> str:
    """The query without the library's header comments (title, group, description): the
    page shows them above the editor, so the editor starts with the query itself."""
    match = _HEADER.match(query)
    return query[match.end():] if match else query


def _query_page(query: str, example: library.Example | None, tag: str) -> Response:
    lang = _lang()
    view, error = _results(query)
    args = request.args.to_dict()
    if example is not None and "query" not in args and "example" not in args:
        args = {"example": example.name, **args}  # /queries/NAME: share the workbench URL
    path = url_for("workbench.query_page")
    html = render_template(
        "workbench/query.html", lang=lang, t=_texts(lang), example=example, view=view,
        error=error,
        query=_without_header(query) or f"{sparql_prologue()}\n{DEFAULT_QUERY}",
        groups=library.grouped(), group_title=library.group_title, path=path, args=args,
        sort_url=page.sort_url, share=page.page_url(path, args), lang_url=_lang_url(lang),
        downloads=page.download_urls(request.script_root, query) if query else [])
    response = _html(html, f"{tag}/{lang}", error.status if error else 200)
    if error is not None:
        response.headers.update(error.headers)
    return response


@bp.route("/glance", methods=READ)
def glance_page() -> Response:
    lang = _lang()
    figures = glance.build(runtime().select, site().focal_city, lang, _link, map_tiles())
    html = render_template("workbench/glance.html", lang=lang, t=_texts(lang), g=figures,
                           find=library.find, query_url=url_for("workbench.query_page"),
                           lang_url=_lang_url(lang))
    return _html(html, f"glance/{lang}")
