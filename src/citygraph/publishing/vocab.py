"""Vocabulary IRIs and a small triple builder for the catalogue and VoID documents.

Namespaces follow DCAT-AP.de 2.0 (https://www.dcat-ap.de/def/dcatde/2.0/spec/#namespaces) and
VoID (https://www.w3.org/TR/void/). Controlled vocabularies are the EU authority tables
(http://publications.europa.eu/resource/authority/…) and the DCAT-AP.de lists
(http://dcat-ap.de/def/…); their IRIs are http, not https: the official SHACL shapes and
harvesters such as GovData compare IRIs as strings, so an https spelling would not match.
"""

from __future__ import annotations

import pyoxigraph as ox

from citygraph.namespaces import PREFIXES

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
OWL = PREFIXES["owl"]
XSD = PREFIXES["xsd"]
SKOS = PREFIXES["skos"]
DCT = PREFIXES["dct"]
PROV = PREFIXES["prov"]
SCHEMA = PREFIXES["schema"]
DCAT = "http://www.w3.org/ns/dcat#"
DCATAP = "http://data.europa.eu/r5r/"
DCATDE = "http://dcat-ap.de/def/dcatde/"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
SPDX = "http://spdx.org/rdf/terms#"
ADMS = "http://www.w3.org/ns/adms#"
VOID = "http://rdfs.org/ns/void#"
VANN = "http://purl.org/vocab/vann/"
SD = "http://www.w3.org/ns/sparql-service-description#"

EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
LICENSES = "http://dcat-ap.de/def/licenses"
HASH_ALGORITHMS = "http://dcat-ap.de/def/hashAlgorithms"
GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/"
PUBLISHER_TYPES = "http://purl.org/adms/publishertype/"
W3C_FORMATS = "http://www.w3.org/ns/formats/"

# Prefixes written into Turtle and RDF/XML output of the catalogue and VoID.
OUTPUT_PREFIXES: dict[str, str] = {
    "dcat": DCAT, "dct": DCT, "dcatap": DCATAP, "dcatde": DCATDE, "foaf": FOAF,
    "vcard": VCARD, "spdx": SPDX, "adms": ADMS, "void": VOID, "skos": SKOS, "xsd": XSD,
    "rdfs": RDFS, "owl": OWL, "prov": PROV, "sd": SD,
}

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Subject = ox.NamedNode | ox.BlankNode


def iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def text(value: str, lang: str | None = None) -> ox.Literal:
    """A plain or language-tagged string literal."""
    return ox.Literal(value, language=lang) if lang else ox.Literal(value)


def typed(value: object, datatype: str) -> ox.Literal:
    """A literal with an XSD datatype given by local name (``integer``, ``dateTime``, …)."""
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))


class Triples:
    """Collects triples without duplicates; ``add`` takes full IRIs as strings, or terms."""

    def __init__(self) -> None:
        self._items: dict[ox.Triple, None] = {}

    @property
    def items(self) -> list[ox.Triple]:
        return list(self._items)

    def add(self, subject: Subject | str, predicate: str, obj: Term | str) -> None:
        s = iri(subject) if isinstance(subject, str) else subject
        o = iri(obj) if isinstance(obj, str) else obj
        self._items[ox.Triple(s, ox.NamedNode(predicate), o)] = None

    def many(self, subject: Subject | str, predicate: str, objects: list[Term | str]) -> None:
        for obj in objects:
            self.add(subject, predicate, obj)

    def labels(self, subject: Subject | str, predicate: str, values: dict[str, str]) -> None:
        """One language-tagged literal per (language, text) pair."""
        for lang, value in values.items():
            self.add(subject, predicate, text(value, lang))

    def concept(self, concept: str, scheme: str, labels: dict[str, str] | None = None) -> None:
        """Declare a controlled-vocabulary concept and its scheme.

        The official shapes test membership with ``skos:inScheme``; their owl:imports of the
        remote tables cannot be fetched offline, so the catalogue states it itself
        (dcat-ap.de-2.0-shacl README, and DCAT-AP.de 2.0 §5 "Kontrollierte Vokabulare").
        """
        self.add(concept, RDF + "type", SKOS + "Concept")
        self.add(concept, SKOS + "inScheme", scheme)
        self.add(scheme, RDF + "type", SKOS + "ConceptScheme")
        self.labels(concept, SKOS + "prefLabel", labels or {})
