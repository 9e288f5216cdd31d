"""Content negotiation from a table of cases, without Flask: the one function every route uses
(suffix, then format=/_mediatype=, then Accept with q-values and wildcards)."""

from __future__ import annotations

import pytest

from citygraph.errors import NotAcceptable, NotFound
from citygraph.formats import Kind, MediaType, by_name, of_kinds
from citygraph.web.negotiation import negotiate, parse_accept

DOCS = of_kinds(Kind.GRAPH, Kind.HTML)  # entity documents
RESULTS = of_kinds(Kind.RESULTS)
RDF = of_kinds(Kind.GRAPH, Kind.DATASET)
PAGE = of_kinds(Kind.HTML, Kind.RESULTS)  # workbench: HTML page or SPARQL results
JSON_INDEX = MediaType("json", "application/json", "json", Kind.RESULTS)
DUMPS_INDEX = [*of_kinds(Kind.HTML), JSON_INDEX]

# (offered, Accept, suffix, override, expected registry name or error)
CASES: list[tuple[str, list[MediaType], str, str | None, str | None, str]] = [
    ("no Accept: the first offered", DOCS, "", None, None, "turtle"),
    ("wildcard: the first offered", DOCS, "*/*", None, None, "turtle"),
    ("exact type", DOCS, "application/ld+json", None, None, "jsonld"),
    ("browser prefers HTML", DOCS,
     "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None, None, "html"),
    ("q-values decide", DOCS, "text/turtle;q=0.5, application/rdf+xml", None, None, "rdfxml"),
    ("type wildcard", DOCS, "text/*", None, None, "turtle"),
    ("alias of a primary type", DOCS, "application/x-turtle", None, None, "turtle"),
    ("primary wins a tie with an alias", RESULTS, "application/json", None, None, "json"),
    ("nothing fits: 406", DOCS, "image/png", None, None, "406"),
    ("suffix beats Accept", DOCS, "text/html", "ttl", None, "turtle"),
    ("unknown suffix: 404", DOCS, "", "png", None, "404"),
    ("a name is no suffix", DOCS, "", "turtle", None, "404"),
    ("format= beats Accept", DOCS, "text/html", None, "jsonld", "jsonld"),
    ("format= by extension", DOCS, "", None, "ttl", "turtle"),
    ("format= by media type", DOCS, "", None, "application/n-triples", "ntriples"),
    ("format= alias spelling", DOCS, "", None, "json-ld", "jsonld"),
    ("format=xml means RDF/XML for graphs", RDF, "", None, "xml", "rdfxml"),
    ("format=json means JSON-LD for graphs", RDF, "", None, "json", "jsonld"),
    ("format=xml means SPARQL XML for results", RESULTS, "", None, "xml", "xml"),
    ("format= not offered: 406", RESULTS, "", None, "turtle", "406"),
    ("workbench: HTML for browsers", PAGE, "text/html,*/*;q=0.8", None, None, "html"),
    ("workbench: CSV results", PAGE, "text/csv", None, None, "csv"),
    ("dumps index: JSON", DUMPS_INDEX, "application/json", None, None, "json"),
    ("dumps index: format=json", DUMPS_INDEX, "text/html", None, "json", "json"),
    ("dumps index: browsers get HTML", DUMPS_INDEX, "application/xhtml+xml", None, None, "html"),
    ("dumps index: format=csv is 406", DUMPS_INDEX, "", None, "csv", "406"),
]


@pytest.mark.parametrize(("offered", "accept", "suffix", "override", "expected"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_negotiation(offered: list[MediaType], accept: str, suffix: str | None,
                     override: str | None, expected: str) -> None:
    errors = {"404": NotFound, "406": NotAcceptable}
    if expected in errors:
        with pytest.raises(errors[expected]) as caught:
            negotiate(offered, parse_accept(accept), suffix=suffix, override=override)
        if expected == "406":  # the message lists what is available
            assert offered[0].mime in caught.value.message
        return
    media = negotiate(offered, parse_accept(accept), suffix=suffix, override=override)
    assert media.name == expected


def test_default_when_no_accept_header() -> None:
    turtle = by_name("turtle")
    assert negotiate(of_kinds(Kind.HTML, Kind.GRAPH), parse_accept(None), default=turtle) == turtle
