"""What a linked-data document says about a thing: its one CONSTRUCT query and the page model.

The document graph (https://www.w3.org/TR/cooluris/#r303gendocument) holds the thing's own
triples from all graphs, the triples that point at it (inverse links), a small context of the
nodes around it (dates, types, roles of relations, memberships, claims, counts, geometries),
the labels of every IRI it mentions, and document metadata (foaf:primaryTopic, dct:license,
dct:source). The HTML page is read off the same graph, so it never shows more than the RDF.
No Flask here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from citygraph.linkeddata import facts
from citygraph.linkeddata.facts import Fact
from citygraph.linkeddata.rdfterms import (
    RDF,
    TYPE,
    Graph,
    Linker,
    Reader,
    Term,
    Value,
    iri,
)
from citygraph.namespaces import CG, PREFIXES
from citygraph.web.mapping import GeoPoint
from citygraph.web.terms import inverse_label

FOAF = "http://xmlns.com/foaf/0.1/"
OWL_SAME_AS = PREFIXES["owl"] + "sameAs"
SKOS = PREFIXES["skos"]
SCHEMA = PREFIXES["schema"]
QUERY_PREFIXES = ("rdf", "rdfs", "skos", "dct", "schema", "org", "cg", "wgs", "geo")
# Properties of neighbouring nodes worth carrying into a document: what the page needs to say
# "since 1957", "co-founder", "Turku gives 1958" or to draw a map, and nothing bulkier.
CONTEXT = (
    "rdf:type", "schema:startDate", "schema:endDate", "schema:foundingDate", "cg:signingDate",
    "dct:date", "cg:relationType", "cg:status", "cg:partner", "org:member", "org:organization",
    "org:role", "cg:representedBy", "rdf:subject", "rdf:predicate", "rdf:object", "dct:source",
    "skos:note", "schema:value", "cg:countOf", "cg:precision", "schema:containedInPlace",
    "wgs:lat", "wgs:long", "geo:asWKT",
)
LABELS = ("rdfs:label", "skos:prefLabel", "dct:title")
# Shown elsewhere on the page (title, identifiers), so left out of the "key" statements order.
FIRST = (TYPE, SKOS + "prefLabel", PREFIXES["rdfs"] + "label", SKOS + "altLabel")


def _triples(t: str) -> str:
    """The group binding ?s ?p ?o to every non-label triple of the document."""
    return f"""{{ {t} dct:source ?o BIND({t} AS ?s) BIND(dct:source AS ?p) BIND(?o AS ?docSource) }}
    UNION {{ {t} ?p ?o BIND({t} AS ?s) }}
    UNION {{ ?s ?p {t} BIND({t} AS ?o) }}
    UNION {{ {t} ?link ?s FILTER(isBlank(?s)) ?s ?p ?o }}
    UNION {{ {{ SELECT DISTINCT ?s WHERE {{ {{ {t} ?link ?s }} UNION {{ ?s ?link {t} }}
                                      FILTER(!isLiteral(?s)) }} }}
            ?s ?p ?o FILTER(?p IN ({", ".join(CONTEXT)})) }}"""


def document_query(thing: str, doc: str, licence: str) -> str:
    """The one CONSTRUCT query of the document about ``thing`` (IRIs already validated).

    The first group yields the triples; the second the labels of every term they mention. The
    triple group is written twice because SPARQL 1.1 cannot name a group: a label OPTIONAL per
    term position would multiply rows (seconds for the focal city), a DISTINCT list of terms
    does not.
    FILTER(IN) after a DISTINCT neighbour sub-select makes Oxigraph look neighbours up by
    subject instead of scanning every triple of the context properties.
    """
    t = f"<{thing}>"
    return _construct(thing, doc, licence, " ?x ?xl ?xLabel .") + f"""WHERE {{
  {{ {_triples(t)} }}
  UNION {{
    {{ SELECT DISTINCT ?x WHERE {{
      {{ {_triples(t)} }}
      VALUES ?position {{ 1 2 3 }}
      BIND(IF(?position = 1, ?s, IF(?position = 2, ?p, ?o)) AS ?x)
    }} }}
    ?x ?xl ?xLabel FILTER(?xl IN ({", ".join(LABELS)}))
  }}
}}
"""


# Terms per label query: bounds the query text (an IRI is rarely over 200 characters).
LABEL_BATCH = 500


def triples_query(thing: str, doc: str, licence: str) -> str:
    """The document's triples without the labels of the terms they mention: the first of the
    two queries that serve a document (``document_query`` does both at once, for people to
    read and rerun; as one query it is several times slower, since Oxigraph evaluates the
    triple group twice)."""
    return _construct(thing, doc, licence) + f"WHERE {{ {_triples(f'<{thing}>')} }}\n"


def _construct(thing: str, doc: str, licence: str, also: str = "") -> str:
    """The prologue and CONSTRUCT template both document queries share (``also`` is added to
    the template)."""
    prologue = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in QUERY_PREFIXES)
    return f"""{prologue}PREFIX foaf: <{FOAF}>
CONSTRUCT {{
  <{doc}> a foaf:Document ; foaf:primaryTopic <{thing}> ; dct:license <{licence}> ;
    dct:source ?docSource .
  ?s ?p ?o .{also}
}}
"""


def label_queries(triples: list[ox.Triple]) -> list[str]:
    """The queries for the labels of every IRI in these triples (the second step)."""
    terms: dict[str, None] = {}
    for t in triples:
        for node in (t.subject, t.predicate, t.object):
            if isinstance(node, ox.NamedNode):
                terms[node.value] = None
    ordered = sorted(terms)
    prologue = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in QUERY_PREFIXES)
    return [f"""{prologue}CONSTRUCT {{ ?x ?xl ?xLabel }} WHERE {{
  VALUES ?x {{ {" ".join(f"<{x}>" for x in ordered[i:i + LABEL_BATCH])} }}
  ?x ?xl ?xLabel FILTER(?xl IN ({", ".join(LABELS)}))
}}""" for i in range(0, len(ordered), LABEL_BATCH)]


def document_triples(construct: Callable[[str], bytes], thing: str, doc: str,
                     licence: str) -> list[ox.Triple]:
    """The document graph (as ``document_query`` gives it) in two fast steps; ``construct``
    runs a CONSTRUCT query and returns N-Triples."""
    found = list(ox.parse(construct(triples_query(thing, doc, licence)),
                          format=ox.RdfFormat.N_TRIPLES))
    for query in label_queries(found):
        found += ox.parse(construct(query), format=ox.RdfFormat.N_TRIPLES)
    return list(dict.fromkeys(found))


@dataclass
class Statement:
    predicate: Value
    values: list[Value]
    sources: list[Value] = field(default_factory=list)  # the pages that state these values


@dataclass
class Inverse:
    subject: Value
    relation: Value  # the property, read backwards ("is partner of")


@dataclass
class Claim:
    """A cg:Claim next to the official value it disagrees with."""

    property: Value
    official: list[Value]
    official_sources: list[Value]
    value: list[Value]
    sources: list[Value]
    note: list[Value]


@dataclass
class Page:
    iri: str
    title: str
    lang: str
    types: list[Value]
    also_known: list[Value]
    facts: list[Fact]
    statements: list[Statement]
    inverse: list[Inverse]
    claims: list[Claim]
    sources: list[Value]
    identifiers: list[Value]
    points: list[GeoPoint] = field(default_factory=list)


def build_page(graph: Graph, thing: str, lang: str, link: Linker, prefixes: dict[str, str],
               home_iri: str = "", home: GeoPoint | None = None, home_name: str = "") -> Page:
    """The page model of ``thing`` in ``lang``; ``home`` is the focal city's point for the
    map, ``home_name`` its name."""
    # The document's own metadata (foaf:primaryTopic) is no statement about the thing.
    for doc in graph.subjects(FOAF + "primaryTopic", iri(thing)):
        graph.inv[iri(thing)].pop(FOAF + "primaryTopic", None)
        graph.out.pop(doc, None)
    reader = Reader(graph, iri(thing), lang, functools.lru_cache(maxsize=None)(link), prefixes)
    node = reader.thing
    rows, sources = statements(reader), reader.sources(node)
    for row in rows:  # every page a row cites is in the numbered list at the foot
        sources += [s for s in row.sources if s not in sources]
    return Page(
        iri=thing, title=graph.label(node, lang), lang=lang,
        types=[reader.value(t) for t in graph.objects(node, TYPE)],
        also_known=reader.values(SKOS + "altLabel"),
        facts=facts.key_facts(reader, home_iri, home_name), statements=rows,
        inverse=inverse_links(reader), claims=claims(reader), sources=sources,
        identifiers=identifiers(reader), points=facts.points(reader, home))


def statements(reader: Reader) -> list[Statement]:
    """Every statement of the thing itself, type and labels first, then by property label."""
    own = reader.graph.out.get(reader.thing, {})
    everything = reader.sources(reader.thing)
    rows = [Statement(reader.predicate(p), [reader.value(o) for o in objects],
                      _row_sources(reader, p, objects) or everything)
            for p, objects in own.items()]
    order = {p: i for i, p in enumerate(FIRST)}
    rows.sort(key=lambda s: (order.get(s.predicate.iri, len(order)), s.predicate.text.lower()))
    return rows


def _row_sources(reader: Reader, predicate: str, objects: list[Term]) -> list[Value]:
    """The pages that state this row's values, where each value's sources are known."""
    found: list[Value] = []
    for node in objects:
        own = facts.fact_sources(reader, predicate, node)
        if not own:
            return []
        found += [s for s in own if s not in found]
    return found


def inverse_links(reader: Reader) -> list[Inverse]:
    """Triples pointing at the thing, as "X is partner of this"; claims are shown apart."""
    rows = []
    for predicate, subjects in reader.graph.inv.get(reader.thing, {}).items():
        if predicate == RDF + "subject":
            continue
        prop = reader.predicate(predicate)
        relation = Value(inverse_label(predicate, prop.text, reader.lang), prop.href,
                         iri=prop.iri)
        rows += [Inverse(reader.value(s), relation) for s in subjects]
    rows.sort(key=lambda r: (r.relation.text.lower(), r.subject.text.lower()))
    return rows


def claims(reader: Reader) -> list[Claim]:
    """cg:Claim nodes whose rdf:subject is the thing: the other value and who gives it."""
    graph, thing = reader.graph, reader.thing
    out = []
    for claim in graph.subjects(RDF + "subject", thing):
        if CG + "Claim" not in graph.types(claim):
            continue
        predicate = graph.first(claim, RDF + "predicate")
        if predicate is None:
            continue
        out.append(Claim(
            property=reader.predicate(predicate.value),
            official=reader.values(predicate.value),
            official_sources=_official_sources(reader, predicate.value),
            value=reader.values(RDF + "object", claim),
            sources=reader.sources(claim),
            note=reader.values(SKOS + "note", claim)))
    return out


def _official_sources(reader: Reader, predicate: str) -> list[Value]:
    """The pages that state the official value a claim disagrees with; none without one."""
    official = reader.graph.objects(reader.thing, predicate)
    if not official:
        return []
    return _row_sources(reader, predicate, official) or reader.sources(reader.thing)


def identifiers(reader: Reader) -> list[Value]:
    """owl:sameAs (GeoNames), schema:url and skos:notation: ways to find the thing elsewhere."""
    graph, thing = reader.graph, reader.thing
    out = [Value(_same_as_text(t.value), t.value, iri=t.value)
           for t in graph.objects(thing, OWL_SAME_AS)]
    out += [Value(t.value, t.value, iri=t.value) for t in graph.objects(thing, SCHEMA + "url")]
    out += [reader.value(t) for t in graph.objects(thing, SKOS + "notation")]
    return out


def _same_as_text(value: str) -> str:
    if value.startswith(PREFIXES["gn"]):
        return f"GeoNames {value[len(PREFIXES['gn']):].strip('/')}"
    return value


def exists_query(thing: str) -> str:
    """ASK whether the store says anything about (or pointing at) the thing."""
    return f"ASK {{ {{ <{thing}> ?p ?o }} UNION {{ ?s ?p <{thing}> }} }}"

