"""The single media-type registry: media type ↔ name ↔ file extension ↔ Oxigraph format ↔ kind.

Used by SPARQL results, linked-data documents, dumps and the CLI alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import pyoxigraph as ox

from citygraph.errors import DataError


class Kind(Enum):
    RESULTS = "results"  # SPARQL SELECT / ASK results
    GRAPH = "graph"  # RDF triples
    DATASET = "dataset"  # RDF quads (named graphs)
    HTML = "html"


@dataclass(frozen=True)
class MediaType:
    name: str
    mime: str
    extension: str
    kind: Kind
    aliases: tuple[str, ...] = ()
    rdf: ox.RdfFormat | None = None

    @property
    def content_type(self) -> str:
        """Content-Type header value; text types carry their charset (RFC 9110 §8.3)."""
        textual = self.mime.startswith("text/") or self.mime.endswith(("json", "xml"))
        return f"{self.mime}; charset=utf-8" if textual else self.mime


REGISTRY: tuple[MediaType, ...] = (
    MediaType("json", "application/sparql-results+json", "srj", Kind.RESULTS,
              ("application/json",)),
    MediaType("xml", "application/sparql-results+xml", "srx", Kind.RESULTS,
              ("application/xml", "text/xml")),
    MediaType("csv", "text/csv", "csv", Kind.RESULTS),
    MediaType("tsv", "text/tab-separated-values", "tsv", Kind.RESULTS),
    MediaType("turtle", "text/turtle", "ttl", Kind.GRAPH,
              ("application/x-turtle",), ox.RdfFormat.TURTLE),
    MediaType("ntriples", "application/n-triples", "nt", Kind.GRAPH,
              ("text/plain",), ox.RdfFormat.N_TRIPLES),
    MediaType("jsonld", "application/ld+json", "jsonld", Kind.GRAPH,
              ("application/json",), ox.RdfFormat.JSON_LD),
    MediaType("rdfxml", "application/rdf+xml", "rdf", Kind.GRAPH,
              ("application/xml", "text/xml"), ox.RdfFormat.RDF_XML),
    MediaType("nquads", "application/n-quads", "nq", Kind.DATASET, (), ox.RdfFormat.N_QUADS),
    MediaType("trig", "application/trig", "trig", Kind.DATASET, (), ox.RdfFormat.TRIG),
    MediaType("html", "text/html", "html", Kind.HTML, ("application/xhtml+xml",)),
)

BY_NAME = {m.name: m for m in REGISTRY}
# Extra spellings people type on the command line or in ?format=.
NAME_ALIASES = {"ttl": "turtle", "nt": "ntriples", "json-ld": "jsonld", "rdf": "rdfxml",
                "xml-rdf": "rdfxml", "nq": "nquads", "n-triples": "ntriples",
                "n-quads": "nquads", "srj": "json", "srx": "xml"}


def by_name(name: str) -> MediaType | None:
    """A media type by its short name, extension, alias or full media type."""
    key = name.strip().lower()
    key = NAME_ALIASES.get(key, key)
    if key in BY_NAME:
        return BY_NAME[key]
    for media in REGISTRY:
        if key in (media.mime, media.extension):
            return media
    return None


def of_kinds(*kinds: Kind) -> list[MediaType]:
    return [m for m in REGISTRY if m.kind in kinds]


def rdf_format_for(path: Path) -> ox.RdfFormat:
    """The RDF syntax of a data file, from its extension; a clear error for anything else."""
    suffix = path.suffix.lower().lstrip(".")
    media = by_name(suffix)
    if media is None or media.rdf is None:
        known = ", ".join(sorted("." + m.extension for m in REGISTRY if m.rdf is not None))
        raise DataError(f"{path}: unknown RDF format '.{suffix}' (known: {known})")
    return media.rdf
