"""The VoID description of citygraph (https://www.w3.org/TR/void/), served at
``/.well-known/void`` (VoID §7.2, RFC 8615).

The void:Dataset is the same resource as the catalogue's dcat:Dataset (one IRI for both,
so a harvester reading either finds the other's statements). Titles, description and licence
come from the dataset description (``site.Site``); numbers from SPARQL aggregates over the
current build (``stats``); dumps from the manifest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from citygraph.namespaces import PREFIXES, shorten
from citygraph.publishing import vocab as v
from citygraph.publishing.dumps import Manifest
from citygraph.publishing.stats import GEONAMES, SDG, Partition, VoidStats
from citygraph.publishing.vocab import Triples, text, typed
from citygraph.site import Site
from citygraph.sparql.service import FORMAT_IRIS, FORMATS
from citygraph.store import BuildInfo

# Namespaces that are not in the project's prefix map but may be used in the data.
KNOWN_NAMESPACES = (*PREFIXES.values(), v.FOAF, v.DCAT, v.VANN, v.VOID, v.VCARD, v.ADMS,
                    v.SPDX, v.DCATDE, "http://purl.org/dc/elements/1.1/")


@dataclass(frozen=True)
class VoidInput:
    url: Callable[[str], str]
    info: BuildInfo
    manifest: Manifest
    stats: VoidStats
    site: Site


@dataclass(frozen=True)
class Linkset:
    slug: str
    title: str
    predicate: str
    space: str
    homepage: str
    triples: int


def void_triples(data: VoidInput) -> list[ox.Triple]:
    out = Triples()
    doc, ds = data.url("/.well-known/void"), data.url("/catalog") + "#dataset"
    out.add(doc, v.RDF + "type", v.VOID + "DatasetDescription")
    out.add(doc, v.DCT + "title", text("VoID description of citygraph", "en"))
    out.add(doc, v.FOAF + "primaryTopic", ds)
    _general(out, data, ds)
    _access(out, data, ds)
    _statistics(out, data.stats, ds)
    _partitions(out, data, doc, ds)
    for linkset in _linksets(data.stats):
        _linkset(out, doc, ds, linkset)
    return out.items


def _general(out: Triples, data: VoidInput, ds: str) -> None:
    out.add(ds, v.RDF + "type", v.VOID + "Dataset")
    out.labels(ds, v.DCT + "title", data.site.title)
    out.labels(ds, v.DCT + "description", data.site.description)
    out.add(ds, v.DCT + "publisher", data.url("/catalog") + "#publisher")
    out.add(ds, v.DCT + "license", data.site.licence)
    out.add(ds, v.DCT + "modified", typed(data.info.built_at, "dateTime"))
    out.add(ds, v.FOAF + "homepage", data.url("/"))
    out.add(ds, v.RDFS + "seeAlso", data.url("/catalog"))


def _access(out: Triples, data: VoidInput, ds: str) -> None:
    out.add(ds, v.VOID + "sparqlEndpoint", data.url("/sparql"))
    for dump in data.manifest.files:
        if dump.format not in FORMAT_IRIS:  # the relation network files are not RDF
            continue
        out.add(ds, v.VOID + "dataDump", data.url("/dumps/" + dump.name))
        out.add(ds, v.VOID + "feature", FORMATS + FORMAT_IRIS[dump.format])
    out.add(ds, v.RDFS + "seeAlso", data.url("/changes"))  # change sets (Activity Streams)
    out.add(ds, v.VOID + "uriSpace", text(data.info.base_iri + "id/"))
    out.many(ds, v.VOID + "exampleResource", list(data.stats.examples))
    out.many(ds, v.VOID + "vocabulary", sorted(vocabularies(
        [p.iri for p in (*data.stats.classes, *data.stats.properties)])))


def _statistics(out: Triples, stats: VoidStats, ds: str) -> None:
    numbers = {"triples": stats.triples, "entities": stats.entities,
               "distinctSubjects": stats.distinct_subjects,
               "distinctObjects": stats.distinct_objects,
               "classes": len(stats.classes), "properties": len(stats.properties)}
    for name, value in numbers.items():
        out.add(ds, v.VOID + name, typed(value, "integer"))


def _partitions(out: Triples, data: VoidInput, doc: str, ds: str) -> None:
    for part in data.stats.classes:
        node = f"{doc}#class-{slug(part, data.info.base_iri)}"
        out.add(ds, v.VOID + "classPartition", node)
        out.add(node, v.VOID + "class", part.iri)
        out.add(node, v.VOID + "entities", typed(part.count, "integer"))
    for part in data.stats.properties:
        node = f"{doc}#property-{slug(part, data.info.base_iri)}"
        out.add(ds, v.VOID + "propertyPartition", node)
        out.add(node, v.VOID + "property", part.iri)
        out.add(node, v.VOID + "triples", typed(part.count, "integer"))


def _linksets(stats: VoidStats) -> list[Linkset]:
    return [
        Linkset("geonames", "GeoNames", v.OWL + "sameAs", GEONAMES,
                "https://www.geonames.org/", stats.geonames_links),
        Linkset("un-sdg", "UN Sustainable Development Goals", v.DCT + "subject", SDG,
                "https://sdgs.un.org/goals", stats.sdg_links),
    ]


def _linkset(out: Triples, doc: str, ds: str, link: Linkset) -> None:
    """A void:Linkset from citygraph to an external dataset (VoID §4)."""
    node, target = f"{doc}#links-{link.slug}", f"{doc}#{link.slug}"
    out.add(ds, v.VOID + "subset", node)
    out.add(node, v.RDF + "type", v.VOID + "Linkset")
    out.add(node, v.VOID + "linkPredicate", link.predicate)
    out.add(node, v.VOID + "subjectsTarget", ds)
    out.add(node, v.VOID + "objectsTarget", target)
    out.many(node, v.VOID + "target", [ds, target])
    out.add(node, v.VOID + "triples", typed(link.triples, "integer"))
    out.add(target, v.RDF + "type", v.VOID + "Dataset")
    out.add(target, v.DCT + "title", text(link.title, "en"))
    out.add(target, v.FOAF + "homepage", link.homepage)
    out.add(target, v.VOID + "uriSpace", text(link.space))


def slug(part: Partition, base_iri: str) -> str:
    """A fragment for a partition: the prefixed name (``cg-City``), else a short hash."""
    prefixes = {**PREFIXES, "dcat": v.DCAT, "foaf": v.FOAF, "vann": v.VANN,
                "id": base_iri + "id/"}
    name = shorten(part.iri, prefixes)
    if name.startswith("<"):
        return "h" + hashlib.sha1(part.iri.encode()).hexdigest()[:12]
    return name.replace(":", "-")


def namespace_of(term: str) -> str:
    """The vocabulary namespace of a class or property IRI (VoID §6.3 void:vocabulary)."""
    known = [ns for ns in KNOWN_NAMESPACES if term.startswith(ns) and len(term) > len(ns)]
    if known:
        return max(known, key=len)
    cut = max(term.rfind("#"), term.rfind("/"))
    return term[:cut + 1] if cut > 0 else term


def vocabularies(terms: Iterable[str]) -> set[str]:
    return {namespace_of(term) for term in terms}
