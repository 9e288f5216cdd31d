"""The home page's queries: headline counts, the relations by start year, example queries.

Each count is its own SELECT so the page can link every number to the query that produced it.
No Flask here; ``lang`` is always one of i18n.LANGUAGES (never raw request text).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from citygraph.namespaces import sparql_prologue

_USED = ("rdf", "rdfs", "skos", "dct", "schema", "org", "cg", "cgrel", "wgs")
PROLOGUE = sparql_prologue(names=_USED)


@dataclass(frozen=True)
class Example:
    title_en: str
    title_de: str
    query: str

    def title(self, lang: str) -> str:
        return self.title_de if lang == "de" else self.title_en


# Where each headline number leads a person: the list (or page) of the things counted.
COUNT_TARGETS: dict[str, tuple[str, dict[str, Any]]] = {
    "partner_cities": ("relation", {"relation_type": "partnership"}),
    "countries": ("", {}),  # the map of partner and friendship cities
    "friendship_cities": ("relation", {"relation_type": "friendship"}),
    "networks_count": ("network", {}),
    "events": ("event", {}),
}


def count_queries(home: str) -> list[tuple[str, str]]:
    """(i18n key, SELECT returning ?n) for each headline number."""
    h = f"<{home}>"
    bodies = {
        "partner_cities": f"{h} cg:partnerCity ?x .",
        "countries": f"{h} cg:partnerCity|cg:friendshipCity ?city . "
                     "?city schema:containedInPlace ?x .",
        "friendship_cities": f"{h} cg:friendshipCity ?x .",
        "networks_count": "?x a cg:CityNetwork .",
        "events": "?x a/rdfs:subClassOf* cg:Event .",
    }
    return [(key, f"{PROLOGUE}SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {body} }}")
            for key, body in bodies.items()]


def label_pattern(var: str, lang: str) -> str:
    """OPTIONAL labels of ?var in the page language and in English (the fallback)."""
    return (f"OPTIONAL {{ {var} skos:prefLabel {var}L FILTER(lang({var}L) = \"{lang}\") }}\n"
            f"  OPTIONAL {{ {var} skos:prefLabel {var}E FILTER(lang({var}E) = \"en\") }}\n")


def relations_query(home: str, lang: str) -> str:
    """The focal city's relations with partner, type and start, oldest first."""
    return f"""{PROLOGUE}SELECT DISTINCT ?relation ?relationL ?relationE
  ?partner ?partnerL ?partnerE ?type ?typeL ?typeE ?start
WHERE {{
  ?relation cg:partner <{home}> , ?partner ; a/rdfs:subClassOf* cg:CityRelation .
  FILTER(?partner != <{home}>)
  OPTIONAL {{ ?relation schema:startDate ?start }}
  OPTIONAL {{ ?relation cg:relationType ?type }}
  {label_pattern("?relation", lang)}  {label_pattern("?partner", lang)}  \
{label_pattern("?type", lang)}}}
ORDER BY (SUBSTR(STR(?start), 1, 10)) ?partnerE"""


def examples(home: str) -> list[Example]:
    h = f"<{home}>"
    return [
        Example("Partner cities with country and start year",
                "Partnerstädte mit Staat und Beginn",
                f"{PROLOGUE}SELECT ?city ?name ?country ?since WHERE {{\n"
                f"  ?rel a cg:Partnership ; cg:partner {h}, ?city ; schema:startDate ?since .\n"
                f"  FILTER(?city != {h})\n"
                "  ?city skos:prefLabel ?name ; schema:containedInPlace ?c .\n"
                "  ?c skos:prefLabel ?country .\n"
                "  FILTER(lang(?name) = \"en\" && lang(?country) = \"en\")\n"
                "} ORDER BY ?since"),
        Example("Where sources disagree (claims)", "Wo Quellen voneinander abweichen",
                f"{PROLOGUE}SELECT ?resource ?property ?official ?claimed ?source WHERE {{\n"
                "  ?claim a cg:Claim ; rdf:subject ?resource ; rdf:predicate ?property ;\n"
                "         rdf:object ?claimed ; dct:source ?source .\n"
                "  ?resource ?property ?official .\n"
                "}"),
        Example("The city's networks and roles", "Netzwerke der Stadt und Rollen",
                f"{PROLOGUE}SELECT ?network ?name ?role ?since WHERE {{\n"
                f"  ?m org:member {h} ; org:organization ?network .\n"
                "  OPTIONAL { ?m org:role ?role } OPTIONAL { ?m schema:startDate ?since }\n"
                "  ?network skos:prefLabel ?name FILTER(lang(?name) = \"en\")\n"
                "} ORDER BY ?since"),
        Example("Events by date", "Veranstaltungen nach Datum",
                f"{PROLOGUE}SELECT ?event ?name ?date WHERE {{\n"
                "  ?event a/rdfs:subClassOf* cg:Event ; schema:startDate ?date .\n"
                "  OPTIONAL { ?event skos:prefLabel ?name FILTER(lang(?name) = \"en\") }\n"
                "} ORDER BY ?date"),
        Example("Coordinates of all related cities", "Koordinaten aller verbundenen Städte",
                f"{PROLOGUE}SELECT ?city ?lat ?long WHERE {{\n"
                f"  {h} cg:partnerCity|cg:friendshipCity ?city .\n"
                "  ?city wgs:lat ?lat ; wgs:long ?long .\n"
                "}"),
    ]
