"""The kinds of things the graph describes: type segment of the IRI → class, label, count.

Used for the lists overview and for naming a search hit's kind in the page language. Queried
once per build; labels come from the ontology in the store (rdfs:label @de/@en).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from citygraph.linkeddata.iris import HELPER_TYPES
from citygraph.namespaces import PREFIXES

Rows = list[dict[str, dict[str, str]]]


@dataclass
class Kind:
    type: str  # IRI segment: city, relation, …
    count: int = 0
    cls: str = ""
    names: dict[str, str] = field(default_factory=dict)  # language → class label

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("en") or self.type


def kinds_query(base: str) -> str:
    prefix = base + "id/"
    return (f"PREFIX rdfs: <{PREFIXES['rdfs']}>\n"
            "SELECT ?type ?cls ?l (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?cls . "
            f'FILTER(STRSTARTS(STR(?s), "{prefix}")) '
            f'BIND(STRBEFORE(STRAFTER(STR(?s), "{prefix}"), "/") AS ?type) '
            "OPTIONAL { ?cls rdfs:label ?l } } GROUP BY ?type ?cls ?l")


def build_kinds(rows: Rows) -> dict[str, Kind]:
    """Per type segment the class most of its things have (citygraph's own classes first)."""
    own = PREFIXES["cg"]
    best: dict[str, tuple[tuple[bool, int], str]] = {}
    totals: dict[str, dict[str, int]] = {}
    names: dict[str, dict[str, str]] = {}
    for row in rows:
        type_, cls = row["type"]["value"], row["cls"]["value"]
        count = int(row["n"]["value"])
        totals.setdefault(type_, {})[cls] = count
        if "l" in row:
            names.setdefault(cls, {})[row["l"].get("xml:lang", "")[:2]] = row["l"]["value"]
        score = (cls.startswith(own), count)
        if type_ not in best or score > best[type_][0]:
            best[type_] = (score, cls)
    kinds = {}
    for type_, (_, cls) in best.items():
        if not type_ or type_ in HELPER_TYPES:
            continue
        label_names = {k: v[:1].upper() + v[1:] for k, v in names.get(cls, {}).items()}
        kinds[type_] = Kind(type_, max(totals[type_].values()), cls, label_names)
    return kinds
