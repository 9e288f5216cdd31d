"""The linked-data Blueprint: ``/``, ``/id/…`` (303), ``/doc/…`` (negotiated) and ``/list/…``.

Cool URIs, 303 variant: https://www.w3.org/TR/cooluris/#r303gendocument . Negotiation over the
one media-type registry (HTML + RDF graph kinds); a suffix (``.ttl``) or ``?_mediatype=`` /
``?format=`` overrides Accept. Representation headers follow RFC 9110 (Vary §12.5.5,
Content-Location §8.7) and RFC 8288 (Link: alternate, license). Every query goes through the
Runtime (a killable child process over the read-only store).
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, render_template, request, url_for
from werkzeug.exceptions import abort

from citygraph.errors import CitygraphError, Gone, NotFound
from citygraph.formats import Kind, MediaType, by_name, of_kinds
from citygraph.linkeddata import describe, home, iris, pages
from citygraph.linkeddata.rdfterms import RDF, Graph
from citygraph.site import pick
from citygraph.sparql import results
from citygraph.web.conditional import respond as conditional_respond
from citygraph.web.current import map_tiles, runtime, site
from citygraph.web.errors import error_response
from citygraph.web.i18n import choose_language, texts
from citygraph.web.links import page_link as link
from citygraph.web.negotiation import best_for_request, negotiate_request

bp = Blueprint("linkeddata", __name__)
DOC_KINDS = (Kind.GRAPH, Kind.HTML)
EXTENSIONS = {m.extension for m in of_kinds(*DOC_KINDS)}
HTTP_NS = "http://www.w3.org/2011/http#"  # HTTP Vocabulary in RDF, for RDF error bodies


def base() -> str:
    return runtime().config.base_iri


def language() -> str:
    return choose_language(request.args.get("lang"), request.accept_languages)


def respond(body: bytes | str, media: MediaType, tag: str, *,
            vary: tuple[str, ...] = ("Accept",), modified: str | None = None) -> Response:
    """A response with the validators of the current build (``web.conditional``);
    ``modified``: when the thing last changed, if before the current build."""
    return conditional_respond(body, media, runtime().build(), tag, vary=vary,
                               modified=modified)


def _entity_modified(thing_iri: str) -> str | None:
    """The time of the build in which the thing last changed (citygraph.changes)."""
    from citygraph.changes.changeset import entity_modified

    info = runtime().build()
    if info.path is None:  # a remote backend keeps no change sets
        return None
    return entity_modified(runtime().config.store, info.build_id, thing_iri)


def _check_retired(key: iris.Key, area: str, extension: str | None = None) -> None:
    """301 to the successor or 410 for keys listed in data/retired.tsv."""
    retirement = iris.retired(runtime().config.data_path, key)
    if retirement is None:
        return
    if retirement.target is None:
        raise Gone(f"the resource {iris.thing_iri(base(), key)} has been withdrawn")
    slug = retirement.target.slug + (f".{extension}" if extension else "")
    endpoint = "linkeddata.thing" if area == "id" else "linkeddata.document"
    kept: dict[str, Any] = {k: v for k, v in request.args.items()
                            if k in ("lang", "format", "_mediatype")}
    # abort() with a response bypasses the error handlers: a redirect is no error.
    abort(redirect(url_for(endpoint, type_=retirement.target.type, slug=slug, **kept), 301))


def _known_key(type_: str, slug: str, area: str, extension: str | None = None) -> iris.Key:
    key = iris.parse_key(type_, slug)
    if key is None:
        raise NotFound(f"there is no resource /id/{type_}/{slug} in citygraph")
    _check_retired(key, area, extension)
    if not runtime().ask(describe.exists_query(iris.thing_iri(base(), key))):
        raise NotFound(f"citygraph says nothing about {iris.thing_iri(base(), key)}")
    return key


@bp.route("/id/<type_>/<slug>", methods=["GET", "HEAD"])
def thing(type_: str, slug: str) -> Response:
    """The thing itself has no representation: 303 See Other to the document about it."""
    key = _known_key(type_, slug, "id")
    lang = request.args.get("lang") or None
    target = url_for("linkeddata.document", type_=key.type, slug=key.slug, lang=lang)
    return Response(status=303, headers={"Location": target})


@bp.route("/doc/<type_>/<slug>", methods=["GET", "HEAD"])
def document(type_: str, slug: str) -> Response:
    stem, extension = iris.split_suffix(slug, EXTENSIONS)
    media = negotiate_request(of_kinds(*DOC_KINDS), suffix=extension)
    key = _known_key(type_, stem, "doc", extension)
    thing_iri = iris.thing_iri(base(), key)
    query = describe.document_query(thing_iri, iris.doc_iri(base(), key), site().licence_deed)
    lang = language()
    if media.kind is Kind.HTML:  # only the HTML depends on the language
        body: bytes | str = _document_html(key, thing_iri, query, lang)
        vary: tuple[str, ...] = ("Accept", "Accept-Language")
        tag = f"doc/{key.path}/{lang}"
    else:
        triples = _document_triples(thing_iri, key)
        body = results.graph(triples, media, runtime().prefixes)
        vary, tag = ("Accept",), f"doc/{key.path}"
    response = respond(body, media, tag, vary=vary, modified=_entity_modified(thing_iri))
    response.headers["Content-Location"] = _variant_url(key, media)
    for header in _link_headers(key):
        response.headers.add("Link", header)
    return response


def _variant_url(key: iris.Key, media: MediaType) -> str:
    lang = request.args.get("lang") if media.kind is Kind.HTML else None
    return url_for("linkeddata.document", type_=key.type,
                   slug=f"{key.slug}.{media.extension}", lang=lang or None)


def _link_headers(key: iris.Key) -> list[str]:
    """RFC 8288 links: every variant as rel=alternate, and the data licence."""
    links = [f'<{_variant_url(key, m)}>; rel="alternate"; type="{m.mime}"'
             for m in of_kinds(*DOC_KINDS)]
    return [*links, f'<{site().licence_deed}>; rel="license"']


def _document_triples(thing_iri: str, key: iris.Key) -> list[ox.Triple]:
    rt = runtime()
    return describe.document_triples(lambda q: rt.construct(q, "ntriples"), thing_iri,
                                     iris.doc_iri(base(), key), site().licence_deed)


def _document_html(key: iris.Key, thing_iri: str, query: str, lang: str) -> str:
    graph = Graph.from_triples(_document_triples(thing_iri, key))
    described = site()
    home_point = pages.home_point(described, lang)
    page = describe.build_page(graph, thing_iri, lang, link, runtime().prefixes,
                               described.focal_city, home_point, described.city(lang))
    variants = [(m, _variant_url(key, m)) for m in of_kinds(Kind.GRAPH)]
    return render_template("linkeddata/page.html", page=page, lang=lang, key=key,
                           map=pages.map_of(page, described.focal_city, home_point,
                                            map_tiles()),
                           variants=variants, licence=described.licence_deed,
                           query_url=pages.sparql_url(query),
                           lang_url=pages.other_lang_url(lang),
                           t=texts(lang, described.city(lang)), site=described)


@bp.route("/", methods=["GET", "HEAD"])
def index() -> Response:
    media = by_name("html")
    assert media is not None
    lang = language()
    described = site()
    context = pages.home_context(runtime(), described.focal_city, lang, link)
    html = render_template("linkeddata/home.html", lang=lang, t=texts(lang, described.city(lang)),
                           lang_url=pages.other_lang_url(lang), licence=described.licence_deed,
                           site=described, pick=pick,
                           examples=[(e.title(lang),
                                      url_for("workbench.query_page", query=e.query))
                                     for e in home.examples(described.focal_city)],
                           **context)
    return respond(html, media, f"home/{lang}", vary=("Accept-Language",))


@bp.route("/list/<name>", methods=["GET", "HEAD"])
def listing(name: str) -> Response:
    type_, extension = iris.split_suffix(name, {"json", "csv", "html"})
    if type_ not in iris.TYPES:
        raise NotFound(f"there is no list of '{type_}'; lists exist for: "
                       + ", ".join(iris.TYPES))
    lang = language()
    described = site()
    result = pages.listing_result(runtime(), type_, request.args.to_dict(), lang, link,
                                  described.focal_city)
    tag = f"list/{request.full_path}/{lang}"
    if extension == "json":
        # JSON-LD (with an @context), so the registry's type tells the truth about the body.
        body, media = pages.listing_json(result), _media("jsonld")
    elif extension == "csv":
        body, media = pages.listing_csv(result), _media("csv")
    else:
        body, media = render_template(
            "linkeddata/list.html", lang=lang, t=texts(lang, described.city(lang)), r=result,
            types=iris.LISTED_TYPES, lang_url=pages.other_lang_url(lang),
            licence=described.licence_deed), _media("html")
    response = respond(body, media, tag, vary=("Accept-Language",))
    for header in pages.paging_links(result):
        response.headers.add("Link", header)
    return response


def _media(name: str) -> MediaType:
    media = by_name(name)
    assert media is not None
    return media


@bp.errorhandler(NotFound)
@bp.errorhandler(Gone)
def _not_here(exc: CitygraphError) -> Response:
    """404/410 as a helpful HTML page or as RDF, by the same negotiation as documents."""
    _, extension = iris.split_suffix(request.path.rsplit("/", 1)[-1], EXTENSIONS)
    media = best_for_request(of_kinds(*DOC_KINDS), suffix=extension)
    if media is None:
        return error_response(exc.status, exc.code, exc.message, exc.headers)
    if media.kind is Kind.HTML:
        lang = language()
        body: str | bytes = render_template(
            "linkeddata/error.html", lang=lang, t=texts(lang), status=exc.status,
            message=exc.message, types=iris.LISTED_TYPES, lang_url=pages.other_lang_url(lang),
            licence=site().licence_deed)
    else:
        body = _rdf_error(exc, media)
    response = Response(body, status=exc.status, content_type=media.content_type)
    response.vary.add("Accept")
    return response


def _rdf_error(exc: CitygraphError, media: MediaType) -> bytes:
    """The error as a tiny graph in the negotiated RDF syntax (HTTP Vocabulary in RDF)."""
    node = ox.BlankNode("error")
    rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    triples = [
        ox.Triple(node, ox.NamedNode(RDF + "type"), ox.NamedNode(HTTP_NS + "Response")),
        ox.Triple(node, ox.NamedNode(HTTP_NS + "statusCodeValue"), ox.Literal(
            str(exc.status), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#int"))),
        ox.Triple(node, ox.NamedNode(rdfs + "comment"), ox.Literal(exc.message, language="en")),
        ox.Triple(node, ox.NamedNode(rdfs + "seeAlso"), ox.NamedNode(request.host_url)),
    ]
    data = ox.serialize(triples, format=media.rdf)
    return data or b""
