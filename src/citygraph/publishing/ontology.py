"""A documentation model of the ontology graph (``{base}graph/ontology``) for ``/def``.

The graph arrives as N-Triples from a CONSTRUCT run by the query runtime and is indexed here
in plain Python (no query engine in the web process). Terms are documented the way pyLODE (the
common OWL documentation generator) does: labels and comments in de and en, super/sub terms,
schema:domainIncludes / rangeIncludes (and rdfs:domain / rdfs:range), with one HTML anchor
per term so that ``https://w3id.org/citygraph/def#Partnership`` lands on the entry of
cg:Partnership.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from citygraph.namespaces import CG, PREFIXES, shorten

RDF, RDFS, OWL = PREFIXES["rdf"], PREFIXES["rdfs"], PREFIXES["owl"]
SKOS, DCT, SCHEMA = PREFIXES["skos"], PREFIXES["dct"], PREFIXES["schema"]
ONTOLOGY_BASE = CG.rstrip("#")
DOC_PREFIXES = {**PREFIXES, "foaf": "http://xmlns.com/foaf/0.1/",
                "vann": "http://purl.org/vocab/vann/"}
KINDS = {  # rdf:type → section of the page, in page order
    OWL + "Class": "classes", RDFS + "Class": "classes",
    OWL + "ObjectProperty": "properties", OWL + "DatatypeProperty": "properties",
    OWL + "AnnotationProperty": "properties", RDF + "Property": "properties",
    SKOS + "ConceptScheme": "schemes", SKOS + "Collection": "collections",
    SKOS + "Concept": "concepts",
}
RELATIONS = (  # (heading, predicate, inverse?) shown on each term
    ("Subclass of", RDFS + "subClassOf", False), ("Superclass of", RDFS + "subClassOf", True),
    ("Subproperty of", RDFS + "subPropertyOf", False),
    ("Superproperty of", RDFS + "subPropertyOf", True),
    ("Domain includes", SCHEMA + "domainIncludes", False), ("Domain", RDFS + "domain", False),
    ("Range includes", SCHEMA + "rangeIncludes", False), ("Range", RDFS + "range", False),
    ("In the domain of", SCHEMA + "domainIncludes", True),
    ("In the range of", SCHEMA + "rangeIncludes", True),
    ("Disjoint with", OWL + "disjointWith", False), ("Type", RDF + "type", False),
    ("In scheme", SKOS + "inScheme", False), ("Top concepts", SKOS + "hasTopConcept", False),
    ("Members", SKOS + "member", False), ("Close match", SKOS + "closeMatch", False),
    ("See also", RDFS + "seeAlso", False),
)


@dataclass(frozen=True)
class Ref:
    """A link to a term: to its anchor when documented here, else to its IRI."""

    iri: str
    name: str
    href: str


@dataclass
class Term:
    iri: str
    anchor: str
    name: str  # prefixed name, e.g. cg:Partnership
    kind: str
    labels: dict[str, list[str]] = field(default_factory=dict)
    comments: dict[str, list[str]] = field(default_factory=dict)
    relations: list[tuple[str, list[Ref]]] = field(default_factory=list)

    def label(self, lang: str = "en") -> str:
        values = self.labels.get(lang) or next(iter(self.labels.values()), [])
        return values[0] if values else self.name


@dataclass
class OntologyDoc:
    iri: str
    header: dict[str, list[str]]
    sections: dict[str, list[Term]]


Index = dict[str, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]]]


def anchor_of(iri: str) -> str:
    """``#Partnership`` for cg terms, ``relation-type-active`` for concepts under /def/."""
    if iri.startswith(CG):
        return iri[len(CG):]
    if iri.startswith(ONTOLOGY_BASE + "/"):
        return iri[len(ONTOLOGY_BASE) + 1:].strip("/").replace("/", "-") or "top"
    return shorten(iri, DOC_PREFIXES).strip("<>").replace(":", "-").replace("/", "-")


def index(triples: list[ox.Triple]) -> Index:
    idx: Index = defaultdict(lambda: defaultdict(list))
    for t in triples:
        if isinstance(t.subject, ox.NamedNode | ox.BlankNode) and \
                isinstance(t.object, ox.NamedNode | ox.BlankNode | ox.Literal):
            idx[t.subject.value][t.predicate.value].append(t.object)
    return idx


def _by_lang(values: list[ox.NamedNode | ox.BlankNode | ox.Literal]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for value in values:
        if isinstance(value, ox.Literal):
            out[value.language or ""].append(value.value)
    return dict(sorted(out.items(), key=lambda kv: (kv[0] not in ("de", "en"), kv[0])))


def _kind(props: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]]) -> str | None:
    kinds = [KINDS[t.value] for t in props.get(RDF + "type", []) if t.value in KINDS]
    return min(kinds, key=list(dict.fromkeys(KINDS.values())).index) if kinds else None


def _inverse(idx: Index) -> dict[str, dict[str, list[str]]]:
    inv: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for subject, props in idx.items():
        for predicate, values in props.items():
            for value in values:
                if isinstance(value, ox.NamedNode):
                    inv[value.value][predicate].append(subject)
    return inv


class _Builder:
    def __init__(self, triples: list[ox.Triple]) -> None:
        self.idx = index(triples)
        self.inv = _inverse(self.idx)
        self.kinds = {s: k for s, p in self.idx.items() if not s.startswith("_")
                      and (k := _kind(p)) is not None}

    def ref(self, iri: str) -> Ref:
        name = shorten(iri, DOC_PREFIXES)
        href = "#" + anchor_of(iri) if iri in self.kinds else iri
        return Ref(iri, name.strip("<>"), href)

    def term(self, iri: str) -> Term:
        props = self.idx[iri]
        labels = props.get(RDFS + "label", []) or props.get(SKOS + "prefLabel", [])
        comments = props.get(RDFS + "comment", []) + props.get(SKOS + "definition", [])
        term = Term(iri, anchor_of(iri), shorten(iri, DOC_PREFIXES).strip("<>"),
                    self.kinds[iri], _by_lang(labels), _by_lang(comments))
        for heading, predicate, inverse in RELATIONS:
            targets = (self.inv[iri].get(predicate, []) if inverse else
                       [o.value for o in props.get(predicate, []) if isinstance(o, ox.NamedNode)])
            if predicate == RDF + "type":
                targets = [t for t in targets if t not in KINDS]
            if targets:
                term.relations.append((heading, [self.ref(t) for t in sorted(set(targets))]))
        return term

    def header(self, iri: str) -> dict[str, list[str]]:
        names = {"Title": DCT + "title", "Description": DCT + "description",
                 "Version": OWL + "versionInfo", "Version IRI": OWL + "versionIRI",
                 "Licence": DCT + "license", "Created": DCT + "created",
                 "Modified": DCT + "modified",
                 "Preferred prefix": "http://purl.org/vocab/vann/preferredNamespacePrefix",
                 "Namespace": "http://purl.org/vocab/vann/preferredNamespaceUri"}
        props = self.idx.get(iri, {})
        return {name: [o.value for o in props.get(p, [])] for name, p in names.items()
                if props.get(p)}


def build_doc(triples: list[ox.Triple]) -> OntologyDoc:
    """The documentation model: ontology header and one sorted list of terms per section."""
    builder = _Builder(triples)
    sections: dict[str, list[Term]] = {k: [] for k in dict.fromkeys(KINDS.values())}
    for iri, kind in builder.kinds.items():
        sections[kind].append(builder.term(iri))
    for terms in sections.values():
        terms.sort(key=lambda t: (t.name.split(":")[0] != "cg", t.anchor.lower()))
    return OntologyDoc(ONTOLOGY_BASE, builder.header(ONTOLOGY_BASE), sections)


def version_of(triples: list[ox.Triple]) -> str | None:
    """owl:versionInfo of the ontology resource (for /def/<version>)."""
    for t in triples:
        if t.subject == ox.NamedNode(ONTOLOGY_BASE) and \
                t.predicate.value == OWL + "versionInfo" and isinstance(t.object, ox.Literal):
            return t.object.value
    return None
