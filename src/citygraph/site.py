"""The dataset description (``data/dataset.ttl``): which city the graph is about, its titles,
introduction, publisher, licence and attribution, read from the store.

The home, glance, catalogue, VoID, service description and entity pages take every name and
text from here, so the code names no city. The resource is the one with ``cg:focalCity``
(its terms: ontology/dataset.ttl; its shape: shapes/dataset.ttl). No Flask here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from citygraph.namespaces import CG, PREFIXES

Binding = dict[str, str]
Select = Callable[[str], list[dict[str, Binding]]]
Texts = dict[str, str]  # language tag → text

FOAF = "http://xmlns.com/foaf/0.1/"
DCAT = "http://www.w3.org/ns/dcat#"
DCATDE = "http://dcat-ap.de/def/dcatde/"
CC_LICENSE = "http://creativecommons.org/ns#license"
DCT, SKOS, WGS = PREFIXES["dct"], PREFIXES["skos"], PREFIXES["wgs"]
PROV = "http://www.w3.org/ns/prov#"

# One query: the description's own statements, its publisher's, and the focal city's names
# and point. ?part says whose statement a row is.
QUERY = f"""SELECT ?part ?s ?p ?o WHERE {{
  {{ ?s <{CG}focalCity> ?city ; ?p ?o . BIND("dataset" AS ?part) }}
  UNION {{ ?ds <{CG}focalCity> ?city ; <{DCT}publisher> ?s . ?s ?p ?o .
          BIND("publisher" AS ?part) }}
  UNION {{ ?ds <{CG}focalCity> ?s . ?s ?p ?o .
          FILTER(?p IN (<{SKOS}prefLabel>, <{FOAF}name>, <{WGS}lat>, <{WGS}long>))
          BIND("city" AS ?part) }}
}}"""


def pick(texts: Texts, lang: str) -> str:
    """The text in ``lang``, else English, else any; '' when there is none."""
    return texts.get(lang) or texts.get("en") or next(iter(texts.values()), "")


def picked_lang(texts: Texts, lang: str) -> str:
    """The language of ``pick(texts, lang)``; '' when there is no text."""
    return next((key for key in (lang, "en") if texts.get(key)), next(iter(texts), ""))


@dataclass(frozen=True)
class Site:
    """What the site says about itself, each text by language."""

    iri: str
    focal_city: str
    city_name: Texts  # skos:prefLabel of the focal city
    city_official_name: Texts  # foaf:name, else the prefLabel
    city_point: tuple[float, float] | None  # (longitude, latitude)
    title: Texts
    description: Texts
    site_title: Texts
    introduction: Texts
    keywords: dict[str, tuple[str, ...]]
    publisher: str
    publisher_name: Texts
    licence: str  # dct:license (DCAT-AP.de licence IRI)
    licence_deed: str  # cc:license, else the dct:license
    attribution: Texts
    spatial: tuple[str, ...]
    geocoding: tuple[str, ...]  # dcatde:politicalGeocodingURI
    geocoding_level: str | None
    derived_from: tuple[str, ...]

    def city(self, lang: str) -> str:
        return pick(self.city_name, lang)

    def city_lang(self, lang: str) -> str:
        return picked_lang(self.city_name, lang)


class MissingDescription(LookupError):
    """The store has no resource with cg:focalCity (a build refuses such data)."""


def _facts(rows: list[dict[str, Binding]]) -> dict[tuple[str, str], list[Binding]]:
    out: dict[tuple[str, str], list[Binding]] = defaultdict(list)
    for row in rows:
        out[(row["part"]["value"], row["p"]["value"])].append(row["o"])
    return out


def _texts(terms: Iterable[Binding]) -> Texts:
    return {t.get("xml:lang", ""): t["value"] for t in sorted(terms, key=lambda t: t["value"])
            if t.get("type") == "literal"}


def _iris(terms: Iterable[Binding]) -> tuple[str, ...]:
    return tuple(sorted(t["value"] for t in terms if t.get("type") == "uri"))


def _point(facts: dict[tuple[str, str], list[Binding]]) -> tuple[float, float] | None:
    try:
        return (float(facts[("city", WGS + "long")][0]["value"]),
                float(facts[("city", WGS + "lat")][0]["value"]))
    except (IndexError, KeyError, ValueError):
        return None


def from_rows(rows: list[dict[str, Binding]]) -> Site:
    """The Site from the rows of QUERY."""
    if not rows:
        raise MissingDescription("the store holds no dataset description (cg:focalCity)")
    facts = _facts(rows)

    def ds(prop: str) -> list[Binding]:
        return facts.get(("dataset", prop), [])

    keywords: dict[str, list[str]] = defaultdict(list)
    for term in sorted(ds(DCAT + "keyword"), key=lambda t: t["value"]):
        keywords[term.get("xml:lang", "")].append(term["value"])
    licence = (_iris(ds(DCT + "license")) or ("",))[0]
    city_name = _texts(facts.get(("city", SKOS + "prefLabel"), []))
    dataset_rows = [r for r in rows if r["part"]["value"] == "dataset"]
    publishers = _iris(ds(DCT + "publisher"))
    return Site(
        iri=dataset_rows[0]["s"]["value"], focal_city=_iris(ds(CG + "focalCity"))[0],
        city_name=city_name,
        city_official_name=_texts(facts.get(("city", FOAF + "name"), [])) or city_name,
        city_point=_point(facts), title=_texts(ds(DCT + "title")),
        description=_texts(ds(DCT + "description")), site_title=_texts(ds(CG + "siteTitle")),
        introduction=_texts(ds(CG + "introduction")),
        keywords={lang: tuple(words) for lang, words in keywords.items()},
        publisher=publishers[0] if publishers else "",
        publisher_name=_texts(facts.get(("publisher", FOAF + "name"), [])),
        licence=licence, licence_deed=(_iris(ds(CC_LICENSE)) or (licence,))[0],
        attribution=_texts(ds(DCATDE + "licenseAttributionByText")),
        spatial=_iris(ds(DCT + "spatial")),
        geocoding=_iris(ds(DCATDE + "politicalGeocodingURI")),
        geocoding_level=(_iris(ds(DCATDE + "politicalGeocodingLevelURI")) or (None,))[0],
        derived_from=_iris(ds(PROV + "wasDerivedFrom")))


def load(select: Select) -> Site:
    """The dataset description of the store behind ``select``."""
    return from_rows(select(QUERY))


def has_description(paths: Iterable[Path], base_iri: str) -> bool:
    """Whether one of these data files states cg:focalCity (checked before a build)."""
    from citygraph.loading import parse_file  # loading imports pyoxigraph; keep this light

    focal = CG + "focalCity"
    for path in sorted(paths, key=lambda p: p.stat().st_size):
        if any(q.predicate.value == focal for q in parse_file(path, base_iri)):
            return True
    return False
