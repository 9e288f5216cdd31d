"""A tiny in-memory view of one document's triples for the HTML page (no query engine).

The triples come from the document's CONSTRUCT query, serialised as N-Triples by the query
process and parsed here with pyoxigraph's parser; the page is then read off this graph, so the
HTML shows exactly what the RDF variants contain.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

import pyoxigraph as ox

from citygraph.namespaces import PREFIXES, XSD_STRING, shorten
from citygraph.web.terms import term_label

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
DCT = PREFIXES["dct"]
TYPE = RDF + "type"
LABEL_PREDICATES = (SKOS + "prefLabel", RDFS + "label", DCT + "title")


class Term(NamedTuple):
    """An RDF term for templates: kind is 'iri', 'bnode' or 'literal'. A tuple, so that sorting
    and hashing the triples of a large document run in C (a dataclass compares in Python)."""

    kind: str
    value: str
    lang: str = ""
    datatype: str = ""

    @property
    def is_iri(self) -> bool:
        return self.kind == "iri"

    @property
    def is_literal(self) -> bool:
        return self.kind == "literal"


def term(node: object) -> Term:
    if isinstance(node, ox.NamedNode):
        return Term("iri", node.value)
    if isinstance(node, ox.BlankNode):
        return Term("bnode", node.value)
    if isinstance(node, ox.Literal):
        datatype = node.datatype.value if not node.language else ""
        return Term("literal", node.value, node.language or "",
                    "" if datatype == XSD_STRING else datatype)
    return Term("literal", str(node))


def iri(value: str) -> Term:
    return Term("iri", value)


class Graph:
    """Triples indexed by subject and by object; enough for a page, nothing more."""

    def __init__(self, triples: list[tuple[Term, Term, Term]]) -> None:
        self.out: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self.inv: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in sorted(set(triples)):
            self.out[s][p.value].append(o)
            self.inv[o][p.value].append(s)

    @classmethod
    def from_ntriples(cls, body: bytes) -> Graph:
        return cls.from_triples(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))

    @classmethod
    def from_triples(cls, triples: Iterable[ox.Triple]) -> Graph:
        return cls([(term(t.subject), term(t.predicate), term(t.object)) for t in triples])

    def objects(self, subject: Term, predicate: str) -> list[Term]:
        return list(self.out.get(subject, {}).get(predicate, []))

    def subjects(self, predicate: str, obj: Term) -> list[Term]:
        return list(self.inv.get(obj, {}).get(predicate, []))

    def first(self, subject: Term, predicate: str) -> Term | None:
        values = self.objects(subject, predicate)
        return values[0] if values else None

    def types(self, subject: Term) -> set[str]:
        return {t.value for t in self.objects(subject, TYPE)}

    def label(self, node: Term, lang: str) -> str:
        """The best label in ``lang``, then English, then any; else the IRI's last segment."""
        return self.label_lang(node, lang)[0]

    def label_lang(self, node: Term, lang: str) -> tuple[str, str]:
        """``label`` and its language ('' when it has none, as the IRI's last segment)."""
        if node.is_literal:
            return node.value, node.lang
        labels = [lit for p in LABEL_PREDICATES for lit in self.objects(node, p)]
        for wanted in (lang, "en", ""):
            for literal in labels:
                if literal.lang == wanted:
                    return literal.value, literal.lang
        if labels:
            return labels[0].value, labels[0].lang
        known = term_label(node.value, lang) if node.kind == "iri" else None
        return (known, lang) if known else (local_name(node.value), "")

    def has_label(self, node: Term) -> bool:
        return any(self.objects(node, p) for p in LABEL_PREDICATES)


def local_name(value: str) -> str:
    """The last segment of an IRI, for terms that have no label at all."""
    stripped = value.rstrip("/#")
    for sep in ("#", "/"):
        if sep in stripped:
            stripped = stripped.rsplit(sep, 1)[1]
    return stripped or value


def pick_lang(literals: list[Term], lang: str) -> list[Term]:
    """Literals in the page language (or without language); all of them when none fits."""
    chosen = [t for t in literals if not t.is_literal or t.lang in ("", lang)]
    return chosen or [t for t in literals if t.lang == "en"] or literals


Linker = Callable[[str], str | None]  # data IRI → local page URL; None for foreign IRIs


@dataclass(frozen=True)
class Value:
    """A term ready for a template: text, link target, language and datatype."""

    text: str
    href: str | None = None
    lang: str = ""
    datatype: str = ""
    iri: str = ""


class Reader:
    """Reads display values off a document graph in one language, linking data IRIs locally."""

    def __init__(self, graph: Graph, thing: Term, lang: str, link: Linker,
                 prefixes: dict[str, str]) -> None:
        self.graph, self.thing, self.lang, self.link = graph, thing, lang, link
        self.prefixes = prefixes

    def value(self, node: Term) -> Value:
        if node.is_literal:
            datatype = shorten(node.datatype, self.prefixes) if node.datatype else ""
            return Value(node.value, None, node.lang, datatype)
        if node.kind == "bnode":
            return Value(self.graph.label(node, self.lang))
        href = self.link(node.value) or node.value
        return Value(self.graph.label(node, self.lang), href, iri=node.value)

    def values(self, predicate: str, subject: Term | None = None) -> list[Value]:
        nodes = self.graph.objects(subject or self.thing, predicate)
        return [self.value(n) for n in pick_lang(nodes, self.lang)]

    def predicate(self, iri_: str) -> Value:
        """A property by its label from the ontology, a known name, or its prefixed name."""
        node = Term("iri", iri_)
        if self.graph.has_label(node):
            text = self.graph.label(node, self.lang)
        else:
            text = term_label(iri_, self.lang) or shorten(iri_, self.prefixes)
        return Value(text, iri_, iri=iri_)

    def sources(self, subject: Term) -> list[Value]:
        """Source pages by their dct:title (data/sources.ttl), else by their URL."""
        out = []
        for node in self.graph.objects(subject, DCT + "source"):
            text = self.graph.label(node, self.lang) if self.graph.has_label(node) else (
                node.value.split("://", 1)[-1])
            out.append(Value(text, node.value, iri=node.value))
        return out
