"""Key facts of an entity page, chosen by class, and the points of its map.

A relation leads with its partners, type, start and agreements; a city with its country, its
relations with the focal city (the dataset description's cg:focalCity) and its networks; a
network with its founding, member counts and the focal city's membership (docs/model.md).
Everything is read from the document graph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from citygraph.linkeddata.rdfterms import RDF, TYPE, Reader, Term, Value, iri, pick_lang
from citygraph.namespaces import CG, PREFIXES
from citygraph.web.i18n import texts
from citygraph.web.mapping import GeoPoint

SCHEMA, ORG, WGS = PREFIXES["schema"], PREFIXES["org"], PREFIXES["wgs"]
GEO, DCT = PREFIXES["geo"], PREFIXES["dct"]
RELATIONS = {CG + "Partnership", CG + "Friendship", CG + "CityRelation"}
AUTHORITIES = {CG + "City", CG + "Municipality", CG + "MunicipalAssociation", CG + "Region",
               CG + "LocalAuthority"}
NETWORKS = {CG + "CityNetwork"}
DATES = (SCHEMA + "startDate", SCHEMA + "endDate", CG + "signingDate", DCT + "date")
_WKT_POINT = re.compile(r"POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)", re.IGNORECASE)


@dataclass
class Item:
    value: Value
    detail: str = ""
    sources: list[Value] = field(default_factory=list)  # the pages that state this value


@dataclass
class Fact:
    label: str
    items: list[Item] = field(default_factory=list)


def key_facts(reader: Reader, home: str = "", home_name: str = "") -> list[Fact]:
    """The facts that lead the page, for the thing's kind; empty facts are dropped."""
    kinds = reader.graph.types(reader.thing)
    if kinds & RELATIONS:
        found = relation_facts(reader)
    elif kinds & AUTHORITIES:
        found = authority_facts(reader, home, home_name)
    elif kinds & NETWORKS:
        found = network_facts(reader, home, home_name)
    else:
        found = generic_facts(reader)
    return [f for f in found if f.items]


def _fact(reader: Reader, key: str, predicate: str) -> Fact:
    nodes = pick_lang(reader.graph.objects(reader.thing, predicate), reader.lang)
    return Fact(texts(reader.lang)[key],
                [Item(reader.value(n), sources=fact_sources(reader, predicate, n)) for n in nodes])


def fact_sources(reader: Reader, predicate: str, value: Term,
                 subject: Term | None = None) -> list[Value]:
    """The pages that state this one value: those its cg:Statement names (docs/model.md,
    provenance per fact), or the resource's only source; none when that is not known."""
    graph, node = reader.graph, subject or reader.thing
    found: list[Value] = []
    for statement in graph.subjects(RDF + "subject", node):
        if (CG + "Statement" in graph.types(statement)
                and graph.first(statement, RDF + "predicate") == iri(predicate)
                and value in graph.objects(statement, RDF + "object")):
            found += [s for s in reader.sources(statement) if s not in found]
    if found:
        return found
    own = reader.sources(node)
    return own if len(own) == 1 else []


def _joined(values: list[Value]) -> str:
    return ", ".join(v.text for v in values)


def relation_facts(reader: Reader) -> list[Fact]:
    t = texts(reader.lang)
    partners = [Item(reader.value(p), _joined(reader.values(SCHEMA + "containedInPlace", p)))
                for p in reader.graph.objects(reader.thing, CG + "partner")]
    relation_type = _fact(reader, "type", CG + "relationType")
    if not relation_type.items:
        relation_type.items = [Item(reader.value(c))
                               for c in reader.graph.objects(reader.thing, TYPE)]
    agreements = [Item(reader.value(a), _joined(reader.values(CG + "signingDate", a)))
                  for a in reader.graph.objects(reader.thing, CG + "basedOnAgreement")]
    return [Fact(t["partners"], partners), relation_type,
            _fact(reader, "since", SCHEMA + "startDate"),
            _fact(reader, "until", SCHEMA + "endDate"),
            _fact(reader, "status", CG + "status"), Fact(t["agreements"], agreements),
            Fact(t["events_about"], _events(reader))]


def _events(reader: Reader) -> list[Item]:
    """The events about the thing by date, then name. The date follows the name unless the
    name already gives its year, as most event names do ("… (11. Juli 2001)")."""
    events = []
    for event in reader.graph.subjects(SCHEMA + "about", reader.thing):
        value, start = reader.value(event), _joined(reader.values(SCHEMA + "startDate", event))
        events.append((start, Item(value, "" if start[:4] in value.text else start)))
    events.sort(key=lambda pair: (pair[0], pair[1].value.text))
    return [item for _, item in events]


def _since(reader: Reader, node: Term) -> str:
    start = _joined(reader.values(SCHEMA + "startDate", node))
    return f"{texts(reader.lang)['since'].lower()} {start}" if start else ""


def authority_facts(reader: Reader, home: str, home_name: str) -> list[Fact]:
    t, graph = texts(reader.lang, home_name), reader.graph
    relations = []
    for rel in graph.subjects(CG + "partner", reader.thing):
        kind = _joined(reader.values(CG + "relationType", rel))
        start = _joined(reader.values(SCHEMA + "startDate", rel))
        item = Item(reader.value(rel), ", ".join(x for x in (kind, _since(reader, rel)) if x))
        relations.append((start, item))
    relations.sort(key=lambda pair: (pair[0], pair[1].value.text))
    label = t["relations"] if reader.thing.value != home else t["relations_home"]
    coordinates = [Item(Value(f"{_joined(reader.values(WGS + 'lat'))}, "
                              f"{_joined(reader.values(WGS + 'long'))}"))
                   ] if graph.objects(reader.thing, WGS + "lat") else []
    return [_fact(reader, "country", SCHEMA + "containedInPlace"),
            _fact(reader, "seat", CG + "seat"), Fact(label, [item for _, item in relations]),
            Fact(t["networks"], _memberships(reader)), Fact(t["coordinates"], coordinates)]


def _memberships(reader: Reader) -> list[Item]:
    """Networks the thing belongs to: qualified memberships first, then bare org:memberOf."""
    graph, items, seen = reader.graph, [], set()
    for membership in graph.subjects(ORG + "member", reader.thing):
        for network in graph.objects(membership, ORG + "organization"):
            seen.add(network)
            role = _joined(reader.values(ORG + "role", membership))
            detail = ", ".join(x for x in (role, _since(reader, membership)) if x)
            items.append(Item(reader.value(network), detail))
    items += [Item(reader.value(n)) for n in graph.objects(reader.thing, ORG + "memberOf")
              if n not in seen]
    return items


def network_facts(reader: Reader, home: str, home_name: str) -> list[Fact]:
    t, graph = texts(reader.lang, home_name), reader.graph
    counts = []
    for count in graph.objects(reader.thing, CG + "reportedCount"):
        detail = ", ".join(x for x in (_joined(reader.values(CG + "precision", count)),
                                       _joined(reader.values(DCT + "date", count))) if x)
        counts.append(Item(Value(_joined(reader.values(SCHEMA + "value", count))),
                           f"{t['counts_reported']}: {detail}" if detail else ""))
    memberships = graph.subjects(ORG + "organization", reader.thing)
    members = {m for ms in memberships for m in graph.objects(ms, ORG + "member")}
    members |= set(graph.subjects(ORG + "memberOf", reader.thing))
    if members:
        counts.append(Item(Value(str(len(members))), t["members_in_graph"]))
    home_items = []
    for membership in memberships:
        if any(m.value == home for m in graph.objects(membership, ORG + "member")):
            role = _joined(reader.values(ORG + "role", membership))
            home_items.append(Item(reader.value(membership), ", ".join(
                x for x in (role, _since(reader, membership)) if x)))
    return [_fact(reader, "founded", SCHEMA + "foundingDate"),
            _fact(reader, "founded_in", SCHEMA + "foundingLocation"),
            Fact(t["members"], counts), Fact(t["home_membership"], home_items)]


def generic_facts(reader: Reader) -> list[Fact]:
    """For other classes: the type and whatever dates, places and subjects it has."""
    t = texts(reader.lang)
    found = [Fact(t["type"], [Item(reader.value(c))
                              for c in reader.graph.objects(reader.thing, TYPE)])]
    for predicate in (*DATES, SCHEMA + "foundingDate"):
        values = reader.values(predicate)
        if values:
            found.append(Fact(reader.predicate(predicate).text, [Item(v) for v in values]))
    for predicate in (SCHEMA + "location", SCHEMA + "about", ORG + "member",
                      ORG + "organization", ORG + "role"):
        values = reader.values(predicate)
        if values:
            found.append(Fact(reader.predicate(predicate).text, [Item(v) for v in values]))
    return found


def coordinates(reader: Reader, node: Term) -> tuple[float, float] | None:
    """(lon, lat) from wgs:lat/wgs:long, else from a WKT POINT of a geometry."""
    graph = reader.graph
    lat, lon = graph.first(node, WGS + "lat"), graph.first(node, WGS + "long")
    try:
        if lat is not None and lon is not None:
            return float(lon.value), float(lat.value)
        for geometry in graph.objects(node, GEO + "hasGeometry"):
            for wkt in graph.objects(geometry, GEO + "asWKT"):
                match = _WKT_POINT.search(wkt.value)
                if match:
                    return float(match.group(1)), float(match.group(2))
    except ValueError:
        return None
    return None


def points(reader: Reader, home: GeoPoint | None) -> list[GeoPoint]:
    """The thing's own point, or its partners' points for a relation; plus the focal city."""
    graph, thing = reader.graph, reader.thing
    nodes = [thing]
    if graph.types(thing) & RELATIONS:
        nodes = graph.objects(thing, CG + "partner")
    found = []
    for node in nodes:
        where = coordinates(reader, node)
        if where is not None:
            label, label_lang = graph.label_lang(node, reader.lang)
            found.append(GeoPoint(where[0], where[1], label, lang=label_lang))
    if found and home is not None and all((p.lon, p.lat) != (home.lon, home.lat)
                                          for p in found):
        found.append(home)
    return found
