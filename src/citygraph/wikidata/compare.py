"""The comparison of official relations with imported Wikidata twinnings, computed at build
into the graph ``graph/comparison`` as cg:Claim records (docs/model.md, "Claims"):

- only in Wikidata: a twinning of a city with official data that no official relation has;
- only in the official data: an official relation Wikidata does not list for that city;
- different date: both have it, with another start or end year.

The city compared is the focal city of the dataset description (``cg:focalCity``), else the
city with the most official relations (whose list the data is). Items are the same as
citygraph resources only through an alignment (``skos:exactMatch`` backed by a cg:Alignment).
Wikidata dates come without their precision, so dates are compared by year. Nothing here
adds to the official relations.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from citygraph.namespaces import PREFIXES, sparql_prologue

CG, RDF, RDFS, SKOS, DCT = (PREFIXES[p] for p in ("cg", "rdf", "rdfs", "skos", "dct"))
SCHEMA, XSD = PREFIXES["schema"], PREFIXES["xsd"]
# Wikidata classes (P31) of twins compared even when no citygraph city matches them:
# city, big city, town, municipality, capital, city/town, human settlement, commune of
# France, comune of Italy, urban municipality of Germany. Other items (a university, a
# region) stay in the Wikidata graph but are not reported as missing relations.
CITY_TYPES = {"Q515", "Q1549591", "Q3957", "Q15284", "Q5119", "Q7930989", "Q486972",
              "Q484170", "Q747074", "Q42744322"}
WD = "http://www.wikidata.org/entity/"

ALIGNED = """SELECT ?r ?q WHERE { ?a a cg:Alignment ; cg:alignedResource ?r ; cg:alignedWith ?q .
  ?r skos:exactMatch ?q }"""
OFFICIAL = """SELECT ?rel ?a ?b ?start ?end WHERE {
  ?rel cg:relationType ?t ; cg:partner ?a , ?b . FILTER(?a != ?b)
  OPTIONAL { ?rel schema:startDate ?start } OPTIONAL { ?rel schema:endDate ?end } }"""
# the focal city of the dataset description, else the city with the most official relations
FOCAL = "SELECT DISTINCT ?c WHERE { ?dataset cg:focalCity ?c }"
COVERED = """SELECT ?c WHERE { ?rel cg:relationType ?t ; cg:partner ?c }
  GROUP BY ?c ORDER BY DESC(COUNT(DISTINCT ?rel)) ?c LIMIT 1"""
TWINNINGS = """SELECT ?by ?other ?start ?end ?src WHERE { ?t a cg:ExternalTwinning ;
  cg:statedBy ?by ; cg:externalPartner ?other ; dct:source ?src . FILTER(?other != ?by)
  OPTIONAL { ?t schema:startDate ?start } OPTIONAL { ?t schema:endDate ?end } }"""
TYPES = "SELECT ?q ?type WHERE { ?q a cg:ExternalItem ; cg:itemType ?type }"
LABELS = """SELECT ?s ?label WHERE { ?s rdfs:label ?label FILTER(LANG(?label) IN ("en", ""))
  FILTER(isIRI(?s)) }"""


@dataclass
class Pair:
    starts: set[str] = field(default_factory=set)
    ends: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)


def _rows(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    return list(store.query(sparql_prologue() + query,  # type: ignore[arg-type]
                            use_default_graph_as_union=True))


def _value(sol: ox.QuerySolution, name: str) -> str | None:
    term = sol[name]
    return term.value if term is not None else None


class Comparison:
    """Collects the claims as quads of one graph."""

    def __init__(self, store: ox.Store, base: str, graph: str) -> None:
        self.store, self.base, self.graph = store, base, ox.NamedNode(graph)
        self.quads: list[ox.Quad] = []
        self.labels = {_value(s, "s"): _value(s, "label") for s in _rows(store, LABELS)}

    def run(self) -> list[ox.Quad]:
        to_cg = {_value(s, "q"): _value(s, "r") for s in _rows(self.store, ALIGNED)}
        to_wd = {r: q for q, r in to_cg.items()}
        types: dict[str, set[str]] = defaultdict(set)
        for s in _rows(self.store, TYPES):
            types[str(_value(s, "q"))].add(str(_value(s, "type")).removeprefix(WD))
        stated: dict[str, dict[str, Pair]] = defaultdict(lambda: defaultdict(Pair))
        for s in _rows(self.store, TWINNINGS):
            by, other = str(_value(s, "by")), str(_value(s, "other"))
            a, b = to_cg.get(by, by), to_cg.get(other, other)
            for x, y in ((a, b), (b, a)):
                pair = stated[str(x)][str(y)]
                pair.starts.update(filter(None, [_value(s, "start")]))
                pair.ends.update(filter(None, [_value(s, "end")]))
                pair.sources.add(str(_value(s, "src")))
        official: dict[str, dict[str, tuple[str, str | None, str | None]]] = defaultdict(dict)
        for s in _rows(self.store, OFFICIAL):
            official[str(_value(s, "a"))][str(_value(s, "b"))] = (
                str(_value(s, "rel")), _value(s, "start"), _value(s, "end"))
        for s in _rows(self.store, FOCAL) or _rows(self.store, COVERED):
            city = str(_value(s, "c"))
            if city in to_wd and city in stated:
                self._city(city, official[city], stated[city], types)
        return self.quads

    def _city(self, city: str, official: dict[str, tuple[str, str | None, str | None]],
              stated: dict[str, Pair], types: dict[str, set[str]]) -> None:
        page = min(p.sources for p in stated.values() if p.sources)
        for partner, (rel, start, end) in sorted(official.items()):
            pair = stated.get(partner)
            if pair is None:
                self._claim(f"{city}|{partner}|only-official", rel, CG + "partner", partner,
                            "onlyInOfficialData", min(page),
                            ("Wikidata nennt diese Beziehung nicht.",
                             "Wikidata does not list this relation."))
                continue
            for prop, ours, theirs in (("startDate", start, pair.starts),
                                       ("endDate", end, pair.ends)):
                years = {t[:4] for t in theirs}
                if theirs and (ours is None or ours[:4] not in years):
                    value = min(theirs)
                    self._claim(f"{city}|{partner}|{prop}", rel, SCHEMA + prop, value,
                                "differentDate", min(pair.sources),
                                (f"Wikidata nennt {value}, die offiziellen Daten "
                                 f"{ours or 'keinen Wert'}.",
                                 f"Wikidata gives {value}, the official data "
                                 f"{ours or 'no value'}."), literal=True)
        for other, pair in sorted(stated.items()):
            if other in official:
                continue
            is_city = not other.startswith(WD) or types.get(other, set()) & CITY_TYPES
            if is_city:
                self._claim(f"{city}|{other}|only-wikidata", city, CG + "relatedCity", other,
                            "onlyInExternalSource", min(pair.sources),
                            ("Nur Wikidata nennt diese Partnerschaft; sie zählt nicht zu den "
                             "offiziellen Beziehungen.",
                             "Only Wikidata lists this twinning; it does not count as an "
                             "official relation."))

    def _claim(self, key: str, subject: str, predicate: str, obj: str, kind: str, source: str,
               notes: tuple[str, str], *, literal: bool = False) -> None:
        slug = "wikidata-" + hashlib.sha1(key.encode()).hexdigest()[:12]
        node = ox.NamedNode(f"{self.base}id/claim/{slug}")
        if literal:
            dtype = "gYear" if len(obj) == 4 else "date"
            value: ox.NamedNode | ox.Literal = ox.Literal(obj, datatype=ox.NamedNode(XSD + dtype))
        else:
            value = ox.NamedNode(obj)
        what = self.labels.get(subject) or subject
        other = obj if literal else (self.labels.get(obj) or obj)
        kinds = {"onlyInOfficialData": ("nur offiziell", "only official"),
                 "differentDate": ("anderes Datum", "different date"),
                 "onlyInExternalSource": ("nur Wikidata", "only Wikidata")}[kind]
        label_de = ox.Literal(f"Wikidata-Abgleich ({kinds[0]}): {what} – {other}", language="de")
        label_en = ox.Literal(f"Wikidata comparison ({kinds[1]}): {what} – {other}",
                              language="en")
        n = ox.NamedNode
        triples = [(RDF + "type", n(CG + "Claim")), (RDF + "subject", n(subject)),
                   (RDF + "predicate", n(predicate)), (RDF + "object", value),
                   (DCT + "source", n(source)), (CG + "disagreement", n(CG + kind)),
                   (RDFS + "label", label_de), (RDFS + "label", label_en),
                   (SKOS + "prefLabel", label_de), (SKOS + "prefLabel", label_en),
                   (SKOS + "note", ox.Literal(notes[0], language="de")),
                   (SKOS + "note", ox.Literal(notes[1], language="en"))]
        self.quads += [ox.Quad(node, n(p), o, self.graph) for p, o in triples]


def add_comparison(store: ox.Store, base: str, graph: str) -> int:
    """(Re)compute the comparison graph in a build's store; returns its number of triples."""
    node = ox.NamedNode(graph)
    if store.contains_named_graph(node):
        store.remove_graph(node)
    quads = Comparison(store, base, graph).run()
    if quads:
        store.bulk_extend(quads)
    return len(quads)
