"""Class listings ``/list/<type>``: the items under ``{base}id/<type>/``, facets and paging.

Facets are links that filter (country, relation type, decade, network, SDG). A facet value in a
URL is a short key (``POL``, ``partnership``, ``1950s``, ``ubc``, ``11``) that is checked against
a strict pattern and turned back into an IRI under the facet's namespace before it is written
into a query, so request text never reaches SPARQL unchecked. No Flask here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from citygraph.namespaces import PREFIXES, sparql_prologue

PER_PAGE = 50
_USED = ("rdf", "rdfs", "skos", "dct", "schema", "org", "cg")
PROLOGUE = sparql_prologue(names=_USED)
_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
_DECADE = re.compile(r"[0-9]{3}0s")
DATE_PATH = "schema:startDate|schema:foundingDate|cg:signingDate|dct:date"


@dataclass(frozen=True)
class Facet:
    """One facet: ``pattern`` binds ``?v`` from ``?item``; IRI values live under ``namespace``."""

    name: str
    namespace: str  # "" for the literal decade facet
    pattern: str

    def key(self, value: str) -> str | None:
        """The URL key of a value found by the facet query, or None if it cannot be one."""
        if not self.namespace:
            return value if _DECADE.fullmatch(value) else None
        if not value.startswith(self.namespace):
            return None
        key = value[len(self.namespace):].strip("/")
        return key if _KEY.fullmatch(key) else None

    def term(self, key: str) -> str | None:
        """The SPARQL term of a key from a URL; None for anything that is not a valid key."""
        if not self.namespace:
            return f'"{key}"' if _DECADE.fullmatch(key) else None
        if not _KEY.fullmatch(key):
            return None
        return f"<{self.namespace}{key}>"


def facets(base: str, home: str) -> tuple[Facet, ...]:
    country = PREFIXES["country"]
    network = base + "id/network/"
    return (
        Facet("country", country,
              "{ ?item schema:containedInPlace ?v } UNION "
              "{ ?item cg:partner ?_p . ?_p schema:containedInPlace ?v "
              f"FILTER(?_p != <{home}>) }} UNION "
              "{ ?item org:member/schema:containedInPlace ?v } "
              f'FILTER(STRSTARTS(STR(?v), "{country}"))'),
        Facet("relation_type", PREFIXES["cgrel"], "?item cg:relationType ?v"),
        Facet("decade", "",
              f"?item {DATE_PATH} ?_d BIND(CONCAT(SUBSTR(STR(?_d), 1, 3), \"0s\") AS ?v)"),
        Facet("network", network,
              "?item org:memberOf|org:organization|schema:about ?v "
              f'FILTER(STRSTARTS(STR(?v), "{network}"))'),
        Facet("sdg", PREFIXES["sdg"],
              f'?item dct:subject ?v FILTER(STRSTARTS(STR(?v), "{PREFIXES["sdg"]}"))'),
    )


@dataclass(frozen=True)
class Selection:
    """What a listing request asks for: type, valid facet filters, page, language."""

    type: str
    filters: tuple[tuple[str, str], ...]  # (facet name, key), only valid ones
    page: int
    lang: str


def selection(type_: str, args: dict[str, str], all_facets: tuple[Facet, ...],
              lang: str) -> Selection:
    """Read filters and page from request arguments, dropping anything invalid."""
    chosen = []
    for facet in all_facets:
        key = args.get(facet.name, "")
        if key and facet.term(key) is not None:
            chosen.append((facet.name, key))
    try:
        page = max(int(args.get("page", "1")), 1)
    except ValueError:
        page = 1
    return Selection(type_, tuple(chosen), page, lang)


def items_pattern(sel: Selection, base: str, all_facets: tuple[Facet, ...]) -> str:
    """The group selecting the listed items: typed resources under the type's IRI prefix."""
    by_name = {f.name: f for f in all_facets}
    lines = ["?item a ?_class .", f'FILTER(STRSTARTS(STR(?item), "{base}id/{sel.type}/"))']
    for name, key in sel.filters:
        facet = by_name[name]
        pattern = re.sub(r"\?v\b", f"?f_{name}", facet.pattern)
        lines.append(f"FILTER EXISTS {{ {pattern} FILTER(?f_{name} = {facet.term(key)}) }}")
    return "\n  ".join(lines)


def count_query(sel: Selection, base: str, all_facets: tuple[Facet, ...]) -> str:
    return (f"{PROLOGUE}SELECT (COUNT(DISTINCT ?item) AS ?n) WHERE {{\n  "
            f"{items_pattern(sel, base, all_facets)}\n}}")


def rows_query(sel: Selection, base: str, all_facets: tuple[Facet, ...], home: str) -> str:
    """One page of items with label, class, earliest date and country, ordered by label.

    The country of a relation is its partner's (not the focal city's).
    """
    lang = sel.lang
    return f"""{PROLOGUE}SELECT ?item (SAMPLE(?l) AS ?label) (SAMPLE(?le) AS ?labelEn)
  (SAMPLE(?cl) AS ?class) (MIN(STR(?d)) AS ?date) (SAMPLE(?cnl) AS ?country)
WHERE {{
  {{ SELECT DISTINCT ?item WHERE {{ {items_pattern(sel, base, all_facets)} }} }}
  OPTIONAL {{ ?item skos:prefLabel ?l FILTER(lang(?l) = "{lang}") }}
  OPTIONAL {{ ?item skos:prefLabel ?le FILTER(lang(?le) = "en") }}
  OPTIONAL {{ ?item a ?c . ?c rdfs:label ?cl FILTER(lang(?cl) = "{lang}") }}
  OPTIONAL {{ ?item {DATE_PATH} ?d }}
  OPTIONAL {{ {{ ?item schema:containedInPlace ?cn }} UNION
             {{ ?item cg:partner ?p FILTER(?p != <{home}>) ?p schema:containedInPlace ?cn }}
             ?cn skos:prefLabel ?cnl FILTER(lang(?cnl) = "{lang}") }}
}}
GROUP BY ?item
ORDER BY LCASE(COALESCE(?label, ?labelEn, STR(?item))) ?item
LIMIT {PER_PAGE} OFFSET {(sel.page - 1) * PER_PAGE}"""


def facets_query(sel: Selection, base: str, all_facets: tuple[Facet, ...]) -> str:
    """Every facet value among the selected items, with its label and item count."""
    branches = " UNION ".join(f'{{ BIND("{f.name}" AS ?facet) {f.pattern} }}'
                              for f in all_facets)
    return f"""{PROLOGUE}SELECT ?facet ?v (SAMPLE(?vl) AS ?label) (COUNT(DISTINCT ?item) AS ?n)
WHERE {{
  {{ SELECT DISTINCT ?item WHERE {{ {items_pattern(sel, base, all_facets)} }} }}
  {branches}
  OPTIONAL {{ ?v skos:prefLabel ?vl FILTER(lang(?vl) = "{sel.lang}") }}
}}
GROUP BY ?facet ?v
ORDER BY ?facet ?v"""


def pages(total: int) -> int:
    return max(math.ceil(total / PER_PAGE), 1)
