"""The DCAT-AP.de 2.0 catalogue of citygraph, as RDF triples.

Spec: https://www.dcat-ap.de/def/dcatde/2.0/spec/ (classes, obligations) and
https://www.dcat-ap.de/def/dcatde/2.0/implRules/ (Konventionen); checked in the tests against
the official SHACL shapes, profile "Spezifikation" (tests/dcat_ap_de/). One dcat:Dataset (the
Rostock international-relations graph), one dcat:Distribution per dump plus the SPARQL
endpoint, which is also the dcat:DataService.

Roles: the citygraph project publishes the data (dct:publisher); the Hanse- und
Universitätsstadt Rostock is the originator of the facts (dcatde:originator, "Urheber"), not
the publisher.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from citygraph.namespaces import CG
from citygraph.publishing import vocab as v
from citygraph.publishing.dumps import DumpFile, Manifest
from citygraph.publishing.vocab import Triples, text, typed
from citygraph.store import BuildInfo

ONTOLOGY = CG.rstrip("#")
LICENSE = v.LICENSES + "/cc-by/4.0"  # https://www.dcat-ap.de/def/licenses/cc-by/4.0
ATTRIBUTION = "citygraph-Projekt, nach Angaben der Hanse- und Universitätsstadt Rostock"
# Rostock: Amtlicher Regionalschlüssel 13 0 03 0000 000 (kreisfreie Stadt, Mecklenburg-
# Vorpommern), as listed in the DCAT-AP.de regionalKey vocabulary; GeoNames feature 2844588.
REGIONAL_KEY = v.GEOCODING + "regionalKey/130030000000"
GEOCODING_LEVEL = v.GEOCODING + "Level/municipality"
GEONAMES_ROSTOCK = "http://sws.geonames.org/2844588/"
SHA256 = v.HASH_ALGORITHMS + "/sha/256"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
# The two official overview pages the facts start from (docs/model.md, "Sources").
SEED_PAGES = (
    "https://rathaus.rostock.de/de/rathaus/international/internationale_verbindungen/249703",
    "https://rathaus.rostock.de/en/international_relations/international_associations/310903",
)
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
KEYWORDS = {
    "de": ("Städtepartnerschaft", "Partnerstadt", "Städtefreundschaft", "Städtenetzwerk",
           "internationale Beziehungen", "Rostock", "Linked Open Data"),
    "en": ("twin towns", "sister cities", "town twinning", "city networks",
           "international relations", "Rostock", "linked open data"),
}
TITLE = {"de": "Internationale Beziehungen der Hanse- und Universitätsstadt Rostock",
         "en": "International relations of the Hanseatic and University City of Rostock"}
DESCRIPTION = {
    "de": "Wissensgraph (RDF) der internationalen Beziehungen Rostocks: Städtepartnerschaften "
          "und Städtefreundschaften mit Vereinbarungen, Mitgliedschaften in Städtenetzwerken, "
          "Organisationen, Projekte und Veranstaltungen, jede Angabe mit ihrer Quelle. Die "
          "Fakten stammen aus Veröffentlichungen der Hanse- und Universitätsstadt Rostock und "
          "weiteren genannten Quellen; zusammengestellt und veröffentlicht vom citygraph-"
          "Projekt, nicht von der Stadt.",
    "en": "Knowledge graph (RDF) of Rostock's international relations: town twinnings and city "
          "friendships with their agreements, memberships in city networks, organisations, "
          "projects and events, every statement with its source. The facts come from "
          "publications of the Hanseatic and University City of Rostock and other cited "
          "sources; compiled and published by the citygraph project, not by the city.",
}


@dataclass(frozen=True)
class CatalogInput:
    """Everything the catalogue is made of; ``url`` turns a path into a public URL."""

    url: Callable[[str], str]
    info: BuildInfo
    manifest: Manifest
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
    _agents(out, data)
    _vocabularies(out, sorted({FILE_TYPES[f.format] for f in data.manifest.files}))
    return out.items


def _catalog(out: Triples, data: CatalogInput) -> None:
    catalog = data.url("/catalog")
    out.add(catalog, v.RDF + "type", v.DCAT + "Catalog")
    out.labels(catalog, v.DCT + "title", {"de": "citygraph: Katalog offener Daten",
                                          "en": "citygraph open data catalogue"})
    out.labels(catalog, v.DCT + "description", {
        "de": "Offene Daten des citygraph-Projekts zu den internationalen Beziehungen Rostocks.",
        "en": "Open data of the citygraph project on Rostock's international relations."})
    out.add(catalog, v.DCT + "publisher", data.node("publisher"))
    out.add(catalog, v.DCAT + "dataset", data.node("dataset"))
    out.add(catalog, v.DCAT + "service", data.url("/sparql") + "#service")
    out.many(catalog, v.DCT + "language", [v.EU + "language/DEU", v.EU + "language/ENG"])
    out.add(catalog, v.DCT + "license", LICENSE)
    out.add(catalog, v.FOAF + "homepage", data.url("/"))
    out.add(catalog, v.DCAT + "themeTaxonomy", v.EU + "data-theme")
    out.add(catalog, v.DCT + "modified", typed(data.info.built_at, "dateTime"))
    out.add(catalog, v.DCT + "spatial", REGIONAL_KEY)


def _dataset(out: Triples, data: CatalogInput) -> None:
    ds = data.node("dataset")
    out.add(ds, v.RDF + "type", v.DCAT + "Dataset")
    out.labels(ds, v.DCT + "title", TITLE)
    out.labels(ds, v.DCT + "description", DESCRIPTION)
    out.add(ds, v.DCT + "identifier", text(ds))
    out.add(ds, v.DCT + "publisher", data.node("publisher"))
    out.add(ds, v.DCATDE + "originator", data.info.base_iri + "id/city/rostock")
    out.add(ds, v.DCAT + "contactPoint", data.node("contact"))
    for lang, words in KEYWORDS.items():
        out.many(ds, v.DCAT + "keyword", [text(word, lang) for word in words])
    out.many(ds, v.DCAT + "theme", [v.EU + "data-theme/" + code for code in THEMES])
    out.many(ds, v.DCT + "spatial", [REGIONAL_KEY, GEONAMES_ROSTOCK])
    out.add(ds, v.DCATDE + "politicalGeocodingURI", REGIONAL_KEY)
    out.add(ds, v.DCATDE + "politicalGeocodingLevelURI", GEOCODING_LEVEL)
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
    out.many(ds, v.PROV + "wasDerivedFrom", list(SEED_PAGES))
    out.many(ds, v.DCAT + "distribution", [_node(data, d) for d in data.manifest.files])
    out.add(ds, v.DCAT + "distribution", data.node("distribution-sparql"))
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
    _licence(out, dist)
    out.add(dist, v.DCT + "modified", typed(data.info.built_at, "dateTime"))
    out.add(dist, v.DCATAP + "availability", v.EU + "planned-availability/AVAILABLE")


def _checksum(out: Triples, node: str, dist: str, sha256: str) -> None:
    """spdx:Checksum; the algorithm from the DCAT-AP.de hashAlgorithms list (spec §5)."""
    out.add(dist, v.SPDX + "checksum", node)
    out.add(node, v.RDF + "type", v.SPDX + "Checksum")
    out.add(node, v.SPDX + "algorithm", SHA256)
    out.add(node, v.SPDX + "checksumValue", typed(sha256, "hexBinary"))


def _licence(out: Triples, node: str) -> None:
    out.add(node, v.DCT + "license", LICENSE)
    out.add(node, v.DCATDE + "licenseAttributionByText", text(ATTRIBUTION, "de"))


def _sparql(out: Triples, data: CatalogInput) -> None:
    """The SPARQL endpoint as a distribution and as the dcat:DataService behind it."""
    endpoint, service, dist = data.url("/sparql"), data.url("/sparql") + "#service", \
        data.node("distribution-sparql")
    out.add(dist, v.RDF + "type", v.DCAT + "Distribution")
    out.labels(dist, v.DCT + "title", {"de": "SPARQL-Endpunkt", "en": "SPARQL endpoint"})
    out.add(dist, v.DCAT + "accessURL", endpoint)
    out.add(dist, v.DCAT + "accessService", service)
    out.add(dist, v.DCT + "format", v.EU + "file-type/SPARQLQ")
    _licence(out, dist)
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
    out.add(service, v.DCT + "license", LICENSE)
    out.add(service, v.DCT + "accessRights", v.EU + "access-right/PUBLIC")
    out.add(service, v.DCATAP + "availability", v.EU + "planned-availability/STABLE")
    out.add(service, v.DCT + "publisher", data.node("publisher"))


def _agents(out: Triples, data: CatalogInput) -> None:
    publisher, contact = data.node("publisher"), data.node("contact")
    out.many(publisher, v.RDF + "type", [v.FOAF + "Agent", v.FOAF + "Organization"])
    out.labels(publisher, v.FOAF + "name", {"de": "citygraph-Projekt", "en": "citygraph project"})
    out.add(publisher, v.FOAF + "homepage", data.url("/"))
    city = data.info.base_iri + "id/city/rostock"
    out.many(city, v.RDF + "type", [v.FOAF + "Agent", v.FOAF + "Organization"])
    out.labels(city, v.FOAF + "name", {"de": "Hanse- und Universitätsstadt Rostock",
                                       "en": "Hanseatic and University City of Rostock"})
    out.add(city, v.DCT + "type", v.PUBLISHER_TYPES + "LocalAuthority")
    # Konvention 1: a contact point has an e-mail address or a URL; no address is invented.
    out.many(contact, v.RDF + "type", [v.VCARD + "Kind", v.VCARD + "Organization"])
    out.add(contact, v.VCARD + "fn", text("citygraph project"))
    out.add(contact, v.VCARD + "hasURL", data.url("/"))


def _vocabularies(out: Triples, file_types: list[str]) -> None:
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
    out.concept(LICENSE, v.LICENSES)
    out.concept(SHA256, v.HASH_ALGORITHMS)
    out.add(SHA256, v.SKOS + "exactMatch", v.SPDX + "checksumAlgorithm_sha256")
    out.concept(REGIONAL_KEY, v.GEOCODING + "regionalKey")
    out.concept(GEOCODING_LEVEL, v.GEOCODING + "Level")
    out.concept(v.PUBLISHER_TYPES + "LocalAuthority", v.PUBLISHER_TYPES + "1.0")
    out.add(v.EU + "data-theme", v.DCT + "title", text("Data theme", "en"))
