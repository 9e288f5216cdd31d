"""A readable HTML view of a small RDF document (the catalogue, the VoID description): one
section per described resource, its title as heading, each property with a readable name.

Property names: the vocabulary term's local name split at capitals ("byteSize" → "byte size"),
or a German name from ``GERMAN`` on German pages. Blank nodes are shown inside the resource
that refers to them. No Flask here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

TITLES = ("http://purl.org/dc/terms/title", "http://www.w3.org/2000/01/rdf-schema#label",
          "http://www.w3.org/2004/02/skos/core#prefLabel", "http://xmlns.com/foaf/0.1/name")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
FORMAT_NAMES = {"turtle": "Turtle", "rdfxml": "RDF/XML", "jsonld": "JSON-LD",
                "ntriples": "N-Triples", "nquads": "N-Quads", "trig": "TriG", "csv": "CSV",
                "json": "JSON", "tsv": "TSV", "xml": "XML", "network-graphml": "GraphML",
                "network-gexf": "GEXF", "network-csv-edges": "CSV (edges)",
                "network-csv-nodes": "CSV (nodes)", "network-json": "JSON (node-link)"}
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
GERMAN = {
    "type": "Art", "title": "Titel", "description": "Beschreibung", "publisher": "Herausgeber",
    "license": "Lizenz", "issued": "veröffentlicht", "modified": "geändert",
    "download URL": "Download-Adresse", "access URL": "Zugangsadresse",
    "byte size": "Größe (Bytes)",
    "media type": "Medientyp", "format": "Format", "distribution": "Distribution",
    "dataset": "Datensatz", "keyword": "Schlagwort", "language": "Sprache",
    "temporal": "Zeitraum", "spatial": "Raum", "theme": "Thema", "contact point": "Kontakt",
    "triples": "Tripel", "entities": "Entitäten", "classes": "Klassen", "properties":
    "Eigenschaften", "distinct subjects": "verschiedene Subjekte", "distinct objects":
    "verschiedene Objekte", "data dump": "Datenabzug", "sparql endpoint": "SPARQL-Endpunkt",
    "subset": "Teilmenge", "vocabulary": "Vokabular", "example resource": "Beispielressource",
    "uri space": "URI-Raum", "feature": "Merkmal", "landing page": "Einstiegsseite",
    "checksum": "Prüfsumme", "checksum value": "Prüfsummenwert", "algorithm": "Algorithmus",
    "start date": "Beginn", "end date": "Ende", "class": "Klasse", "property": "Eigenschaft",
    "class partition": "Klassen-Teilmenge", "property partition": "Eigenschafts-Teilmenge",
    "contributor ID": "Beitragende Stelle", "political geocoding URI": "Geokodierung",
    "political geocoding level URI": "Geokodierungsebene", "rights": "Rechte",
    "conforms to": "entspricht", "root resource": "Wurzelressource", "has email": "E-Mail",
    "fn": "Name", "documentation": "Dokumentation", "identifier": "Kennung",
}


@dataclass
class Value:
    text: str
    href: str | None = None
    lang: str | None = None
    nested: list[Row] | None = None  # a blank node's own properties


@dataclass
class Row:
    name: str
    values: list[Value] = field(default_factory=list)


@dataclass
class Section:
    anchor: str
    iri: str
    title: str
    kind: str
    rows: list[Row]


def property_name(iri: str, lang: str) -> str:
    local = re.split(r"[#/]", iri)[-1]
    parts = _CAMEL.sub(" ", local).split()
    words = " ".join(p.upper() if p in ("Url", "Uri", "Id") else p if p.isupper() else p.lower()
                     for p in parts)
    return GERMAN.get(words, words) if lang == "de" else words


def _by_subject(triples: list[ox.Triple]) -> dict[str, list[ox.Triple]]:
    out: dict[str, list[ox.Triple]] = {}
    for t in triples:
        out.setdefault(str(t.subject), []).append(t)
    return out


def _title(triples: list[ox.Triple], lang: str) -> str | None:
    found: dict[str, str] = {}
    for t in triples:
        if t.predicate.value in TITLES and isinstance(t.object, ox.Literal):
            found.setdefault(t.object.language or "", t.object.value)
    return found.get(lang) or found.get("en") or found.get("") or next(iter(found.values()), None)


def _rows(triples: list[ox.Triple], subjects: dict[str, list[ox.Triple]], lang: str,
          depth: int = 0) -> list[Row]:
    rows: dict[str, Row] = {}
    # A property with a value in the page language shows only the values in that language.
    in_lang = {t.predicate.value for t in triples
               if isinstance(t.object, ox.Literal) and t.object.language == lang}
    for t in sorted(triples, key=lambda t: (t.predicate.value != RDF_TYPE, t.predicate.value)):
        literal = t.object
        if (t.predicate.value in in_lang and isinstance(literal, ox.Literal)
                and literal.language not in (None, lang)):
            continue
        row = rows.setdefault(t.predicate.value, Row(property_name(t.predicate.value, lang)))
        if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode):
            row.values.append(Value(property_name(t.object.value, lang)))
        else:
            row.values.append(_value(t.object, subjects, lang, depth))
    return list(rows.values())


def _value(term: object, subjects: dict[str, list[ox.Triple]], lang: str, depth: int) -> Value:
    if isinstance(term, ox.NamedNode):
        iri = term.value
        own = subjects.get(str(term))
        title = _title(own, lang) if own else None
        return Value(title or iri, f"#{anchor(iri)}" if title else iri)
    if isinstance(term, ox.BlankNode):
        own = subjects.get(str(term), [])
        return Value("", nested=_rows(own, subjects, lang, depth + 1) if depth < 3 else [])
    if isinstance(term, ox.Literal):
        return Value(term.value, lang=term.language)
    return Value(str(term))


def anchor(iri: str) -> str:
    return "r-" + re.sub(r"[^A-Za-z0-9]+", "-", iri).strip("-")[-60:]


def sections(triples: list[ox.Triple], lang: str) -> list[Section]:
    """One section per named resource, those with a title first."""
    subjects = _by_subject(triples)
    out = []
    for key, own in subjects.items():
        if key.startswith("_:"):
            continue
        iri, title = key[1:-1], _title(own, lang)
        if title is None:
            continue  # an unnamed helper (a checksum, a period): shown where it is used
        kinds = [property_name(t.object.value, lang) for t in own
                 if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode)]
        out.append(Section(anchor(iri), iri, title, ", ".join(kinds), _rows(own, subjects, lang)))
    out.sort(key=lambda s: (s.kind, s.title))
    return out
