"""Routes of the RDF documents: ``/catalog`` (DCAT-AP.de), ``/.well-known/void`` (VoID) and
``/def`` (the ontology: HTML documentation or RDF of the ontology graph).

Each answers Turtle, RDF/XML, JSON-LD or N-Triples by content negotiation, or by a suffix
(``/catalog.ttl``, ``.rdf``, ``.jsonld``, ``.nt``); ``/def`` also HTML.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

import pyoxigraph as ox
from flask import Response, render_template, request

from citygraph.errors import NotFound
from citygraph.formats import Kind
from citygraph.publishing import stats
from citygraph.publishing.catalog import CatalogInput, catalog_triples
from citygraph.publishing.ontology import ONTOLOGY_BASE, OntologyDoc, build_doc, version_of
from citygraph.publishing.vocab import OUTPUT_PREFIXES
from citygraph.publishing.void import VoidInput, void_triples
from citygraph.publishing.web import (
    HTML,
    RDF_NAMES,
    bp,
    current_manifest,
    entries,
    finish,
    rdf_response,
    url,
)
from citygraph.sparql import results
from citygraph.store import BuildInfo
from citygraph.ui import rdfpage
from citygraph.web.current import runtime, site
from citygraph.web.i18n import choose_language
from citygraph.web.negotiation import negotiate_request as negotiate

READ = ["GET", "HEAD"]
_DOCS: dict[str, tuple[list[ox.Triple], OntologyDoc]] = {}  # build id → parsed ontology
_DOCS_LOCK = threading.Lock()


def page_language() -> str:
    return choose_language(request.args.get("lang"), request.accept_languages)


def _location(path: str, suffix: str | None, extension: str) -> str:
    return url(path if suffix else f"{path}.{extension}")


@bp.route("/catalog", methods=READ)
@bp.route("/catalog.<suffix>", methods=READ)
def catalog(suffix: str | None = None) -> Response:
    """The DCAT-AP.de 2.0 catalogue (https://www.dcat-ap.de/def/dcatde/2.0/spec/)."""
    media = negotiate([*entries(*RDF_NAMES), *entries(HTML)], suffix)
    info, manifest = current_manifest()
    start, end = stats.temporal_coverage(runtime())
    data = CatalogInput(url=url, info=info, manifest=manifest, site=site(), start=start,
                        end=end)
    triples = catalog_triples(data)
    if media.kind is Kind.HTML:
        return _rdf_html(triples, info, "catalog", "/catalog")
    location = _location("/catalog" + (f".{suffix}" if suffix else ""), suffix, media.extension)
    return rdf_response(triples, media, info, "catalog", location)


@bp.route("/.well-known/void", methods=READ)
@bp.route("/.well-known/void.<suffix>", methods=READ)
def void(suffix: str | None = None) -> Response:
    """The VoID description (https://www.w3.org/TR/void/#well-known)."""
    media = negotiate([*entries(*RDF_NAMES), *entries(HTML)], suffix)
    info, manifest = current_manifest()
    described = site()
    numbers = stats.void_stats(runtime(), info.base_iri, described.focal_city)
    data = VoidInput(url=url, info=info, manifest=manifest, stats=numbers, site=described)
    triples = void_triples(data)
    if media.kind is Kind.HTML:
        return _rdf_html(triples, info, "void", "/.well-known/void")
    path = "/.well-known/void" + (f".{suffix}" if suffix else "")
    return rdf_response(triples, media, info, "void", _location(path, suffix, media.extension))


def _rdf_html(triples: list[ox.Triple], info: BuildInfo, name: str, path: str) -> Response:
    """The document for people: its resources as sections, and its RDF variants with sizes.

    HTML is the last choice of the negotiation: only a client that prefers text/html (a
    browser) gets it; */* and RDF clients get Turtle as before.
    """
    lang = page_language()
    prefixes = {**runtime().prefixes, **OUTPUT_PREFIXES}
    variants = [(rdfpage.FORMAT_NAMES.get(m.name, m.name), m.mime, url(f"{path}.{m.extension}"),
                 len(results.graph(triples, m, prefixes))) for m in entries(*RDF_NAMES)]
    html = render_template("publishing/rdf.html", lang=lang, name=name,
                           sections=rdfpage.sections(triples, lang), variants=variants)
    response = Response(html, content_type="text/html; charset=utf-8")
    response.vary.add("Accept-Language")
    return finish(response, info, f"{name}-html-{lang}")


def _ontology(info: BuildInfo) -> tuple[list[ox.Triple], OntologyDoc]:
    """The ontology graph of the build, parsed once per build and worker."""
    with _DOCS_LOCK:
        cached = _DOCS.get(info.build_id)
    if cached is not None:
        return cached
    graph = f"{info.base_iri}graph/ontology"
    body = runtime().construct(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", "ntriples")
    triples = [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
    parsed = (triples, build_doc(triples))
    with _DOCS_LOCK:
        _DOCS.clear()
        _DOCS[info.build_id] = parsed
    return parsed


def _ontology_response(suffix: str | None, path: str) -> Response:
    media = negotiate([*entries(HTML), *entries(*RDF_NAMES)], suffix)
    info = runtime().build()
    triples, doc = _ontology(info)
    if media.kind is not Kind.HTML:
        return rdf_response(triples, media, info, "def", _location(path, suffix, media.extension))
    lang = page_language()
    html = render_template("publishing/ontology.html", doc=doc, info=info, lang=lang,
                           formats=entries(*RDF_NAMES), base=url(path.rstrip("/")),
                           format_names=rdfpage.FORMAT_NAMES)
    response = Response(html, content_type=media.content_type)
    response.vary.add("Accept-Language")
    return finish(response, info, f"def-html-{lang}")


# The ontology IRI is https://w3id.org/citygraph/def (fixed); its path is served as well, for
# deployments that mount citygraph at the IRI's own host.
ONTOLOGY_PATH = urlsplit(ONTOLOGY_BASE).path


@bp.route("/def", methods=READ)
@bp.route("/def/", methods=READ)
@bp.route("/def.<suffix>", methods=READ)
def ontology(suffix: str | None = None) -> Response:
    return _ontology_response(suffix, "/def" + (f".{suffix}" if suffix else ""))


if ONTOLOGY_PATH not in ("/def", "/def/"):

    @bp.route(ONTOLOGY_PATH, methods=READ, endpoint="ontology_iri")
    @bp.route(ONTOLOGY_PATH + ".<suffix>", methods=READ, endpoint="ontology_iri")
    def ontology_iri(suffix: str | None = None) -> Response:
        return _ontology_response(suffix, "/def" + (f".{suffix}" if suffix else ""))


@bp.route("/def/<version>", methods=READ)
def ontology_version(version: str) -> Response:
    """owl:versionIRI (…/def/1.0.0) resolves while it is the version in the store."""
    triples, _ = _ontology(runtime().build())
    if version != version_of(triples):
        raise NotFound(f"there is no ontology version '{version}' here")
    return _ontology_response(None, "/def")
