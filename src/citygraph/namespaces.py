"""Namespace IRIs and the one prefix map used for binding, SPARQL prefixes and pages."""

from __future__ import annotations

CG = "https://w3id.org/citygraph/def#"
CGSH = "https://w3id.org/citygraph/shapes#"
SD = "http://www.w3.org/ns/sparql-service-description#"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# Every distinct triple of every named graph (the union default graph has no duplicates):
# triple dumps, VoID statistics and the CLI's triple export.
DISTINCT_TRIPLES = "SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"

PREFIXES: dict[str, str] = {
    "cg": CG,
    "cgrel": "https://w3id.org/citygraph/def/relation-type/",
    "cgrole": "https://w3id.org/citygraph/def/role/",
    "cgsh": CGSH,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "time": "http://www.w3.org/2006/time#",
    "prov": "http://www.w3.org/ns/prov#",
    "wgs": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "sh": "http://www.w3.org/ns/shacl#",
    "country": "http://publications.europa.eu/resource/authority/country/",
    "sdg": "http://metadata.un.org/sdg/",
    "gn": "http://sws.geonames.org/",
}


def sparql_prologue(prefixes: dict[str, str] | None = None, names: tuple[str, ...] = ()
                    ) -> str:
    """PREFIX declarations for a SPARQL query, one per line (only ``names`` when given)."""
    chosen = prefixes or PREFIXES
    items = [(n, chosen[n]) for n in names] if names else list(chosen.items())
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in items)


def data_prefixes(base_iri: str) -> dict[str, str]:
    """The prefix map plus the data IRIs under the configured base."""
    return {**PREFIXES, "id": base_iri + "id/", "graph": base_iri + "graph/"}


def shorten(iri: str, prefixes: dict[str, str]) -> str:
    """A prefixed name for an IRI when a prefix fits, else the IRI in angle brackets."""
    for prefix, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
        local = iri[len(ns):]
        if iri.startswith(ns) and local and all(c.isalnum() or c in "-_." for c in local):
            return f"{prefix}:{local}"
    return f"<{iri}>"
