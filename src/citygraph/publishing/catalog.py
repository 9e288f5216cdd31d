"""The DCAT-AP.de 2.0 catalogue of citygraph, as RDF triples.

Spec: https://www.dcat-ap.de/def/dcatde/2.0/spec/ (classes, obligations) and
https://www.dcat-ap.de/def/dcatde/2.0/implRules/ (Konventionen); checked in the tests against
the official SHACL shapes, profile "Spezifikation" (tests/dcat_ap_de/). One dcat:Dataset (the
graph), one dcat:Distribution per dump plus the SPARQL endpoint, which is also the
dcat:DataService.

Titles, description, keywords, spatial coverage, licence, attribution, publisher and
originator come from the dataset description in the data (``site.Site``, data/dataset.ttl):
the publisher compiles the data (dct:publisher); the focal city is the originator of the
facts (dcatde:originator, "Urheber").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from citygraph.namespaces import CG
from citygraph.publishing import vocab as v
from citygraph.publishing.dumps import DumpFile, Manifest
from citygraph.publishing.vocab import Triples, text, typed
from citygraph.site import Site, pick
from citygraph.store import BuildInfo

ONTOLOGY = CG.rstrip("#")
GEOCODING_SCHEMES = {  # the DCAT-AP.de scheme of a political geocoding IRI, by its prefix
    v.GEOCODING + "regionalKey/": v.GEOCODING + "regionalKey",
    v.GEOCODING + "municipalityKey/": v.GEOCODING + "municipalityKey",
    v.GEOCODING + "stateKey/": v.GEOCODING + "stateKey",
}
SHA256 = v.HASH_ALGORITHMS + "/sha/256"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
# The two official overview pages the facts start from (docs/model.md, "Sources").
# EU file-type table codes (http://publications.europa.eu/resource/authority/file-type).
FILE_TYPES = {"ntriples": "RDF_N_TRIPLES", "turtle": "RDF_TURTLE", "jsonld": "JSON_LD",
              "nquads": "RDF_N_QUADS", "rdfxml": "RDF_XML", "trig": "RDF_TRIG",
              "network-graphml": "XML", "network-gexf": "XML", "network-csv-edges": "CSV",
              "network-csv-nodes": "CSV", "network-json": "JSON"}
FORMAT_LABELS = {"ntriples": "N-Triples", "turtle": "Turtle", "jsonld": "JSON-LD",
                 "nquads": "N-Quads", "rdfxml": "RDF/XML", "trig": "TriG",
                 "network-graphml": "GraphML", "network-gexf": "GEXF",
                 "network-csv-edges": "CSV (Kanten/edges)",
                 "network-csv-nodes": "CSV (Knoten/nodes)", "network-json": "JSON (node-link)"}
THEMES = {  # EU data-theme table; labels as in DCAT-AP.de 2.0, Konvention 30
    "REGI": {"de": "Regionen und Städte", "en": "Regions and cities"},
    "INTR": {"de": "Internationale Themen", "en": "International issues"},
    "GOVE": {"de": "Regierung und öffentlicher Sektor", "en": "Government and public sector"},
}

@dataclass(frozen=True)
class CatalogInput:
    """Everything the catalogue is made of; ``url`` turns a path into a public URL."""

    url: Callable[[str], str]
    info: BuildInfo
    manifest: Manifest
    site: Site
    start: ox.Literal | None = None
    end: ox.Literal | None = None

    def node(self, fragment: str) -> str:
        return self.url("/catalog") + "#" + fragment


def catalog_triples(data: CatalogInput) -> list[ox.Triple]:
    """The whole catalogue graph."""
    out = Triples()
    _catalog(out, data)
    _dataset(out, data)
    for dump in data.manifest.files:
        _dump_distribution(out, data, dump)
    _sparql(out, data)
    _changes(out, data)
    _agents(out, data)
    _vocabularies(out, data.site, sorted({FILE_TYPES[f.format] for f in data.manifest.files}))
    return out.items


def _catalog(out: Triples, data: CatalogInput) -> None:
    catalog = data.url("/catalog")
    out.add(catalog, v.RDF + "type", v.DCAT + "Catalog")
    out.labels(catalog, v.DCT + "title", {"de": "citygraph: Katalog offener Daten",
                                          "en": "citygraph open data catalogue"})
    out.labels(catalog, v.DCT + "description", {
        lang: f"{label}: {data.site.site_title.get(lang, '')}" for lang, label in
        {"de": "Offene Daten", "en": "Open data"}.items()})
    out.add(catalog, v.DCT + "publisher", data.node("publisher"))
    out.add(catalog, v.DCAT + "dataset", data.node("dataset"))
    out.add(catalog, v.DCAT + "service", data.url("/sparql") + "#service")
    out.many(catalog, v.DCT + "language", [v.EU + "language/DEU", v.EU + "language/ENG"])
    out.add(catalog, v.DCT + "license", data.site.licence)
    out.add(catalog, v.FOAF + "homepage", data.url("/"))
    out.add(catalog, v.DCAT + "themeTaxonomy", v.EU + "data-theme")
    out.add(catalog, v.DCT + "modified", typed(data.info.built_at, "dateTime"))
    out.many(catalog, v.DCT + "spatial", list(data.site.geocoding))


def _dataset(out: Triples, data: CatalogInput) -> None:
    ds, site = data.node("dataset"), data.site
    out.add(ds, v.RDF + "type", v.DCAT + "Dataset")
    out.labels(ds, v.DCT + "title", site.title)
    out.labels(ds, v.DCT + "description", site.description)
    out.add(ds, v.DCT + "identifier", text(ds))
    out.add(ds, v.DCT + "publisher", data.node("publisher"))
    out.add(ds, v.DCATDE + "originator", site.focal_city)
    out.add(ds, v.DCAT + "contactPoint", data.node("contact"))
    for lang, words in site.keywords.items():
        out.many(ds, v.DCAT + "keyword", [text(word, lang) for word in words])
    out.many(ds, v.DCAT + "theme", [v.EU + "data-theme/" + code for code in THEMES])
    out.many(ds, v.DCT + "spatial", list(site.spatial))
    out.many(ds, v.DCATDE + "politicalGeocodingURI", list(site.geocoding))
    if site.geocoding_level:
        out.add(ds, v.DCATDE + "politicalGeocodingLevelURI", site.geocoding_level)
    out.many(ds, v.DCT + "language", [v.EU + "language/DEU", v.EU + "language/ENG"])
    out.add(ds, v.DCT + "modified", typed(data.info.built_at, "dateTime"))
    out.add(ds, v.OWL + "versionInfo", text(data.info.build_id))
    out.add(ds, v.DCT + "accrualPeriodicity", v.EU + "frequency/IRREG")
    out.add(ds, v.DCT + "accessRights", v.EU + "access-right/PUBLIC")
    out.add(ds, v.DCATAP + "availability", v.EU + "planned-availability/STABLE")
    out.add(ds, v.DCT + "conformsTo", ONTOLOGY)
    out.add(ds, v.DCAT + "landingPage", data.url("/"))
    out.add(ds, v.FOAF + "page", data.url("/def"))
    out.add(ds, v.RDFS + "seeAlso", data.url("/.well-known/void"))
    out.many(ds, v.PROV + "wasDerivedFrom", list(site.derived_from))
    out.many(ds, v.DCAT + "distribution", [_node(data, d) for d in data.manifest.files])
    out.add(ds, v.DCAT + "distribution", data.node("distribution-sparql"))
    out.add(ds, v.DCAT + "distribution", data.node("distribution-changes"))
    _temporal(out, data)


def _temporal(out: Triples, data: CatalogInput) -> None:
    """dct:temporal: the first relation's start to the latest event (DCAT-AP.de §4 Zeitraum)."""
    if data.start is None and data.end is None:
        return
    period = data.node("temporal")
    out.add(data.node("dataset"), v.DCT + "temporal", period)
    out.add(period, v.RDF + "type", v.DCT + "PeriodOfTime")
    if data.start is not None:
        out.add(period, v.DCAT + "startDate", data.start)
    if data.end is not None:
        out.add(period, v.DCAT + "endDate", data.end)


def _node(data: CatalogInput, dump: DumpFile) -> str:
    """A distribution's IRI, stable across builds: ``/catalog#distribution-nt-gz``."""
    return data.node("distribution-" + dump.extension.replace(".", "-"))


def _dump_distribution(out: Triples, data: CatalogInput, dump: DumpFile) -> None:
    dist, url = _node(data, dump), data.url("/dumps/" + dump.name)
    out.add(dist, v.RDF + "type", v.DCAT + "Distribution")
    label = FORMAT_LABELS.get(dump.format, dump.format)
    zipped = " (gzip)" if dump.compression else ""
    if dump.format.startswith("network-"):  # the relation network as a file (research.md)
        out.labels(dist, v.DCT + "title", {"de": f"Beziehungsnetz als {label}",
                                           "en": f"Relation network as {label}"})
        out.labels(dist, v.DCT + "description", {
            "de": f"{dump.triples} Beziehungen des Builds {data.info.build_id}.",
            "en": f"{dump.triples} relations of build {data.info.build_id}."})
    else:
        out.labels(dist, v.DCT + "title", {"de": f"Gesamtabzug als {label}{zipped}",
                                           "en": f"Full dump as {label}{zipped}"})
        unit = "Quads (mit benanntem Graphen)" if dump.format == "nquads" else "Tripel"
        out.labels(dist, v.DCT + "description", {
            "de": f"{dump.triples} {unit} des Builds {data.info.build_id}.",
            "en": f"{dump.triples} {'quads' if dump.format == 'nquads' else 'triples'} "
                  f"of build {data.info.build_id}."})
    out.add(dist, v.DCAT + "accessURL", url)  # Konvention 39: same as the download URL
    out.add(dist, v.DCAT + "downloadURL", url)
    out.add(dist, v.DCAT + "mediaType", v.IANA + dump.media_type)
    if dump.compression:
        out.add(dist, v.DCAT + "compressFormat", v.IANA + "application/gzip")
    out.add(dist, v.DCT + "format", v.EU + "file-type/" + FILE_TYPES[dump.format])
    out.add(dist, v.DCAT + "byteSize", typed(dump.size, "decimal"))  # DCAT-AP 2.1.1 range
    _checksum(out, dist + "-checksum", dist, dump.sha256)
    _licence(out, dist, data.site)
    out.add(dist, v.DCT + "modified", typed(data.info.built_at, "dateTime"))
    out.add(dist, v.DCATAP + "availability", v.EU + "planned-availability/AVAILABLE")


def _checksum(out: Triples, node: str, dist: str, sha256: str) -> None:
    """spdx:Checksum; the algorithm from the DCAT-AP.de hashAlgorithms list (spec §5)."""
    out.add(dist, v.SPDX + "checksum", node)
    out.add(node, v.RDF + "type", v.SPDX + "Checksum")
    out.add(node, v.SPDX + "algorithm", SHA256)
    out.add(node, v.SPDX + "checksumValue", typed(sha256, "hexBinary"))


def _licence(out: Triples, node: str, site: Site) -> None:
    out.add(node, v.DCT + "license", site.licence)
    out.labels(node, v.DCATDE + "licenseAttributionByText", site.attribution)


def _sparql(out: Triples, data: CatalogInput) -> None:
    """The SPARQL endpoint as a distribution and as the dcat:DataService behind it."""
    endpoint, service, dist = data.url("/sparql"), data.url("/sparql") + "#service", \
        data.node("distribution-sparql")
    out.add(dist, v.RDF + "type", v.DCAT + "Distribution")
    out.labels(dist, v.DCT + "title", {"de": "SPARQL-Endpunkt", "en": "SPARQL endpoint"})
    out.add(dist, v.DCAT + "accessURL", endpoint)
    out.add(dist, v.DCAT + "accessService", service)
    out.add(dist, v.DCT + "format", v.EU + "file-type/SPARQLQ")
    _licence(out, dist, data.site)
    out.add(dist, v.DCATAP + "availability", v.EU + "planned-availability/STABLE")
    out.add(service, v.RDF + "type", v.DCAT + "DataService")
    out.labels(service, v.DCT + "title", {"de": "SPARQL-Endpunkt von citygraph",
                                          "en": "citygraph SPARQL endpoint"})
    out.labels(service, v.DCT + "description", {
        "de": "Lesender SPARQL-1.1-Endpunkt über alle benannten Graphen.",
        "en": "Read-only SPARQL 1.1 endpoint over all named graphs."})
    out.add(service, v.DCAT + "endpointURL", endpoint)
    out.add(service, v.DCAT + "endpointDescription", endpoint)  # the Service Description
    out.add(service, v.DCAT + "servesDataset", data.node("dataset"))
    out.add(service, v.DCT + "conformsTo", SPARQL_PROTOCOL)
    out.add(service, v.DCT + "license", data.site.licence)
    out.add(service, v.DCT + "accessRights", v.EU + "access-right/PUBLIC")
    out.add(service, v.DCATAP + "availability", v.EU + "planned-availability/STABLE")
    out.add(service, v.DCT + "publisher", data.node("publisher"))


def _changes(out: Triples, data: CatalogInput) -> None:
    """The change sets of the last builds (/changes, Activity Streams 2.0 with RDF Patch and
    N-Quads files), so a harvester fetches only what changed."""
    dist = data.node("distribution-changes")
    out.add(dist, v.RDF + "type", v.DCAT + "Distribution")
    out.labels(dist, v.DCT + "title", {"de": "Änderungen der letzten Builds",
                                       "en": "Changes of the last builds"})
    out.labels(dist, v.DCT + "description", {
        "de": "Activity-Streams-2.0-Sammlung (JSON-LD) mit einer Seite je Build und Dateien "
              "im Format RDF Patch und N-Quads (hinzugefügt/entfernt).",
        "en": "Activity Streams 2.0 collection (JSON-LD) with one page per build and RDF Patch "
              "and N-Quads files (added/removed)."})
    out.add(dist, v.DCAT + "accessURL", data.url("/changes"))
    out.add(dist, v.DCT + "format", v.EU + "file-type/JSON_LD")
    out.add(dist, v.DCAT + "mediaType", v.IANA + "application/ld+json")
    out.add(dist, v.DCT + "conformsTo", "https://www.w3.org/TR/activitystreams-core/")
    _licence(out, dist, data.site)
    out.add(dist, v.DCATAP + "availability", v.EU + "planned-availability/STABLE")


def _agents(out: Triples, data: CatalogInput) -> None:
    publisher, contact = data.node("publisher"), data.node("contact")
    out.many(publisher, v.RDF + "type", [v.FOAF + "Agent", v.FOAF + "Organization"])
    out.labels(publisher, v.FOAF + "name", data.site.publisher_name)
    out.add(publisher, v.FOAF + "homepage", data.url("/"))
    city = data.site.focal_city
    out.many(city, v.RDF + "type", [v.FOAF + "Agent", v.FOAF + "Organization"])
    out.labels(city, v.FOAF + "name", data.site.city_official_name)
    out.add(city, v.DCT + "type", v.PUBLISHER_TYPES + "LocalAuthority")
    # Konvention 1: a contact point has an e-mail address or a URL; no address is invented.
    out.many(contact, v.RDF + "type", [v.VCARD + "Kind", v.VCARD + "Organization"])
    out.add(contact, v.VCARD + "fn", text(pick(data.site.publisher_name, "en")))
    out.add(contact, v.VCARD + "hasURL", data.url("/"))


def _vocabularies(out: Triples, site: Site, file_types: list[str]) -> None:
    """Concepts of the controlled vocabularies used, with their schemes (see vocab.concept)."""
    for code, labels in THEMES.items():
        out.concept(v.EU + "data-theme/" + code, v.EU + "data-theme", labels)
    for code in ("DEU", "ENG"):
        out.concept(v.EU + "language/" + code, v.EU + "language")
    out.concept(v.EU + "frequency/IRREG", v.EU + "frequency")
    out.concept(v.EU + "access-right/PUBLIC", v.EU + "access-right")
    for code in ("STABLE", "AVAILABLE"):
        out.concept(v.EU + "planned-availability/" + code, v.EU + "planned-availability")
    for code in [*file_types, "SPARQLQ"]:
        out.concept(v.EU + "file-type/" + code, v.EU + "file-type")
    out.concept(site.licence, v.LICENSES)
    out.concept(SHA256, v.HASH_ALGORITHMS)
    out.add(SHA256, v.SKOS + "exactMatch", v.SPDX + "checksumAlgorithm_sha256")
    for key in site.geocoding:
        scheme = next((s for prefix, s in GEOCODING_SCHEMES.items() if key.startswith(prefix)),
                      None)
        if scheme is not None:
            out.concept(key, scheme)
    if site.geocoding_level:
        out.concept(site.geocoding_level, v.GEOCODING + "Level")
    out.concept(v.PUBLISHER_TYPES + "LocalAuthority", v.PUBLISHER_TYPES + "1.0")
    out.add(v.EU + "data-theme", v.DCT + "title", text("Data theme", "en"))
