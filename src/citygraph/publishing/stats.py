"""Statistics of the current build for VoID and the catalogue, by SPARQL aggregates.

Every query goes through ``Runtime.select`` (killable child processes over the read-only
store); the runtime caches answers per build, and a build never changes, so the numbers are
computed once per build and worker. VoID statistics: https://www.w3.org/TR/void/#statistics
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from citygraph.namespaces import CG, DISTINCT_TRIPLES, PREFIXES, sparql_prologue
from citygraph.sparql.runtime import Binding, Runtime

GEONAMES = "http://sws.geonames.org/"
SDG = PREFIXES["sdg"]
DATE_TYPES = {PREFIXES["xsd"] + t for t in ("date", "dateTime", "gYear", "gYearMonth")}

COUNT_TRIPLES = f"SELECT (COUNT(*) AS ?n) WHERE {{ {DISTINCT_TRIPLES} }}"
COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
COUNT_SUBJECTS = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
COUNT_OBJECTS = "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
COUNT_ENTITIES = """SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{space}")) }}"""
CLASS_PARTITIONS = """SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } }
GROUP BY ?c ORDER BY ?c"""
PROPERTY_PARTITIONS = f"""SELECT ?p (COUNT(*) AS ?n) WHERE {{ {DISTINCT_TRIPLES} }}
GROUP BY ?p ORDER BY ?p"""
LINKS = """SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{
  GRAPH ?g {{ ?s <{predicate}> ?o }} FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{target}")) }} }}"""
EXAMPLE = """SELECT ?s WHERE {{ GRAPH ?g {{ ?s a <{cls}> }}
  FILTER(STRSTARTS(STR(?s), "{space}")) }} ORDER BY ?s LIMIT 1"""
# Temporal coverage: the earliest start of a city relation, the latest date of an event.
FIRST_RELATION = sparql_prologue() + """SELECT ?d WHERE {
  ?r a/rdfs:subClassOf* cg:CityRelation ; schema:startDate ?d } ORDER BY STR(?d) LIMIT 1"""
LAST_EVENT = sparql_prologue() + """SELECT ?d WHERE {
  ?e a/rdfs:subClassOf* cg:Event ; schema:startDate|schema:endDate ?d }
ORDER BY DESC(STR(?d)) LIMIT 1"""


@dataclass(frozen=True)
class Partition:
    iri: str
    count: int


@dataclass(frozen=True)
class VoidStats:
    """The numbers of one build's VoID description."""

    triples: int
    quads: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: tuple[Partition, ...]
    properties: tuple[Partition, ...]
    geonames_links: int
    sdg_links: int
    examples: tuple[str, ...]


def count(rt: Runtime, query: str) -> int:
    rows = rt.select(query)
    return int(rows[0]["n"]["value"]) if rows and "n" in rows[0] else 0


def partitions(rt: Runtime, query: str, var: str) -> tuple[Partition, ...]:
    return tuple(Partition(row[var]["value"], int(row["n"]["value"]))
                 for row in rt.select(query) if row[var]["type"] == "uri")


def examples(rt: Runtime, base_iri: str, focal_city: str) -> tuple[str, ...]:
    """The focal city, the first partnership and the first city network."""
    space = base_iri + "id/"
    found = [focal_city]
    for cls in ("Partnership", "CityNetwork"):
        rows = rt.select(EXAMPLE.format(cls=CG + cls, space=space))
        found += [row["s"]["value"] for row in rows]
    return tuple(found)


def void_stats(rt: Runtime, base_iri: str, focal_city: str) -> VoidStats:
    space = base_iri + "id/"
    return VoidStats(
        triples=count(rt, COUNT_TRIPLES), quads=count(rt, COUNT_QUADS),
        entities=count(rt, COUNT_ENTITIES.format(space=space)),
        distinct_subjects=count(rt, COUNT_SUBJECTS), distinct_objects=count(rt, COUNT_OBJECTS),
        classes=partitions(rt, CLASS_PARTITIONS, "c"),
        properties=partitions(rt, PROPERTY_PARTITIONS, "p"),
        geonames_links=count(rt, LINKS.format(predicate=PREFIXES["owl"] + "sameAs",
                                              target=GEONAMES)),
        sdg_links=count(rt, LINKS.format(predicate=PREFIXES["dct"] + "subject", target=SDG)),
        examples=examples(rt, base_iri, focal_city))


def _date(rows: list[dict[str, Binding]]) -> ox.Literal | None:
    """The first row's ?d as a typed literal, if it is a date type DCAT-AP accepts."""
    if not rows:
        return None
    term = rows[0]["d"]
    datatype = term.get("datatype", "")
    if term.get("type") != "literal" or datatype not in DATE_TYPES:
        return None
    return ox.Literal(term["value"], datatype=ox.NamedNode(datatype))


def temporal_coverage(rt: Runtime) -> tuple[ox.Literal | None, ox.Literal | None]:
    """(earliest relation start, latest event date), each None when the data has none."""
    return _date(rt.select(FIRST_RELATION)), _date(rt.select(LAST_EVENT))
