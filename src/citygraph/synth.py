"""Synthetic data in citygraph's own model (docs/model.md), for load and HTTP benchmarks.

Everything is invented: cities are called "Synthstadt Kalomi 12", sources live under
example.org. Only the country IRIs and their names are real, because cities must lie in a
country of the EU authority table; the names match data/countries.ttl, so a synthetic graph
can be added on top of the real one without two labels in one language.

The file is streamed city by city (nothing but a few counters stays in memory) and depends
only on ``cities`` and ``seed``. Partners are drawn from earlier cities with a bias towards
low numbers, which gives a few hubs (Synthstadt 1 has about 2·√cities partners) and many
cities with one or two relations, as in real twinning networks.
"""

from __future__ import annotations

import itertools
import os
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, TextIO

from citygraph.namespaces import PREFIXES

DEFAULT_BASE = "https://w3id.org/citygraph/"
SOURCE_BASE = "https://example.org/citygraph-synthetic/source/"
LANGUAGE = "http://publications.europa.eu/resource/authority/language/"

DATA_PATHS = ("city", "geometry", "relation", "agreement", "network", "membership", "event")


class Country(NamedTuple):
    code: str
    de: str
    en: str
    lang: str | None  # the local language, None where it is German
    lat: float  # rough centre
    long: float


def _country(row: str) -> Country:
    code, de, en, lang, lat, long = row.split()
    return Country(code, de, en, None if lang == "-" else lang, float(lat), float(long))


# EU member states, names as in data/countries.ttl. Weights fall with the rank (Zipf-like), so
# the GROUP BY by country has a long tail.
COUNTRIES = tuple(_country(row) for row in (
    "DEU Deutschland Germany - 51.0 10.0", "FRA Frankreich France fr 46.5 2.5",
    "POL Polen Poland pl 52.0 19.5", "ITA Italien Italy it 43.0 12.5",
    "ESP Spanien Spain es 40.0 -3.5", "NLD Niederlande Netherlands nl 52.2 5.5",
    "SWE Schweden Sweden sv 60.0 15.5", "DNK Dänemark Denmark da 56.0 9.5",
    "FIN Finnland Finland fi 62.5 25.5", "BEL Belgien Belgium nl 50.6 4.5",
    "AUT Österreich Austria - 47.5 14.0", "CZE Tschechien Czechia cs 49.8 15.5",
    "LVA Lettland Latvia lv 57.0 24.5", "LTU Litauen Lithuania lt 55.3 24.0",
    "EST Estland Estonia et 58.7 25.5", "PRT Portugal Portugal pt 39.6 -8.0",
    "HUN Ungarn Hungary hu 47.2 19.5", "GRC Griechenland Greece el 39.3 22.0",
    "ROU Rumänien Romania ro 45.9 25.0", "BGR Bulgarien Bulgaria bg 42.7 25.3",
    "HRV Kroatien Croatia hr 45.3 16.0", "SVN Slowenien Slovenia sl 46.1 14.8",
    "SVK Slowakei Slovakia sk 48.7 19.5", "IRL Irland Ireland ga 53.2 -8.0",
    "LUX Luxemburg Luxembourg lb 49.7 6.1", "CYP Zypern Cyprus el 35.0 33.2",
    "MLT Malta Malta mt 35.9 14.4",
))
COUNTRY_WEIGHTS = [1.0 / (rank + 1) for rank in range(len(COUNTRIES))]
_CUM_WEIGHTS = list(itertools.accumulate(COUNTRY_WEIGHTS))
SYLLABLES = ("ka", "lo", "mi", "ra", "te", "vu", "no", "si", "be", "du", "fa", "go", "hu", "pe",
             "zo", "ri")
EVENT_CLASSES = ("DelegationVisit", "DelegationVisit", "Meeting", "Conference")
ROLES = ("member", "member", "member", "member", "co-founder", "host")
PARTNERSHIPS_PER_CITY = (0, 1, 1, 2)  # mean 1
FRIENDSHIPS_PER_CITY = (0, 0, 0, 1, 1, 0)  # mean 1/3
CITIES_PER_NETWORK = 100
CITIES_PER_SOURCE = 50
# Measured with this module: write_synthetic(f, 20_000) wrote 851,125 triples, 162 of them for
# the countries (fixed), so a city brings about 42 triples with its relations, memberships, events.
TRIPLES_PER_CITY = 42.5
FIXED_TRIPLES = 162


def cities_for_triples(triples: int) -> int:
    """Number of cities that gives about ``triples`` triples (±2 % from 10k triples on)."""
    return max(2, round((triples - FIXED_TRIPLES) / TRIPLES_PER_CITY))


def city_slug(number: int) -> str:
    return f"synthstadt-{number}"


def city_iri(number: int, base: str = DEFAULT_BASE) -> str:
    """IRI of synthetic city ``number`` (1-based); the low numbers are the hubs."""
    return f"{base}id/city/{city_slug(number)}"


def city_name(number: int) -> str:
    """A pronounceable invented name with the number in it, e.g. 'Kalomi 12'."""
    rng = random.Random(number * 7919)  # independent of the seed: names are stable
    word = "".join(rng.choice(SYLLABLES) for _ in range(3))
    return f"{word.capitalize()} {number}"


@dataclass
class Terms:
    """Writes terms as N-Triples (absolute IRIs) or as Turtle (prefixed names)."""

    base: str
    turtle: bool
    namespaces: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        data = {name: f"{self.base}id/{name}/" for name in DATA_PATHS}
        self.namespaces = {**PREFIXES, **data, "source": SOURCE_BASE, "language": LANGUAGE}

    def iri(self, prefix: str, local: str) -> str:
        # Every local name written here is a slug, a code or a word: valid in Turtle as is.
        if self.turtle:
            return f"{prefix}:{local}"
        return f"<{self.namespaces[prefix]}{local}>"

    def lit(self, value: str, lang: str | None = None, datatype: str | None = None,
            ns: str = "xsd") -> str:
        """A literal; ``datatype`` is a local name in ``ns`` (xsd unless told)."""
        text = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if lang:
            return f"{text}@{lang}"
        return f"{text}^^{self.iri(ns, datatype)}" if datatype else text

    def header(self) -> str:
        if not self.turtle:
            return ""
        lines = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(self.namespaces.items())]
        comment = "# Synthetic citygraph data: invented, for benchmarks only.\n"
        return comment + "\n".join(lines) + "\n\n"


class Sink:
    """Collects the triples of one city and writes them in one call; counts what it wrote."""

    def __init__(self, handle: TextIO, terms: Terms) -> None:
        self.handle, self.t, self.count = handle, terms, 0
        self._lines: list[str] = []

    def add(self, s: str, p: str, o: str) -> None:
        """One triple; the predicate as a prefixed name such as 'rdfs:label'."""
        prefix, local = p.split(":", 1)
        self._lines.append(f"{s} {self.t.iri(prefix, local)} {o} .\n")

    def labels(self, s: str, names: dict[str, str], pref: bool = False) -> None:
        for lang, name in names.items():
            self.add(s, "rdfs:label", self.t.lit(name, lang))
            if pref:
                self.add(s, "skos:prefLabel", self.t.lit(name, lang))

    def flush(self) -> None:
        self.handle.write("".join(self._lines))
        self.count += len(self._lines)
        self._lines.clear()


class Plan(NamedTuple):
    """The sizes that follow from the number of cities."""

    cities: int
    networks: int
    sources: int
    per_city: float | None = None  # relations per city when asked for (--relations)


def write_synthetic(out: Path, cities: int, seed: int = 0, base: str = DEFAULT_BASE,
                    relations: int | None = None) -> int:
    """Write ``cities`` synthetic cities with their relations to ``out``; the number of triples.

    ``.ttl`` gives Turtle with prefixes, any other extension N-Triples; IRIs are absolute under
    ``base``. The file is written next to ``out`` and renamed into place when complete.
    """
    if cities < 2:
        raise ValueError("at least 2 cities are needed for a relation")
    plan = Plan(cities, max(2, cities // CITIES_PER_NETWORK), max(2, cities // CITIES_PER_SOURCE),
                relations / cities if relations is not None else None)
    rng = random.Random(seed)
    terms = Terms(base, turtle=out.suffix.lower() == ".ttl")
    tmp = out.with_name(f".{out.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(terms.header())
        sink = Sink(handle, terms)
        _write_reference(sink, plan, rng)
        for number in range(1, cities + 1):
            _write_city_block(sink, plan, rng, number)
    os.replace(tmp, out)
    return sink.count


def _write_reference(sink: Sink, plan: Plan, rng: random.Random) -> None:
    """Countries, source pages and networks: written first, referred to by every city."""
    t = sink.t
    for c in COUNTRIES:
        country = t.iri("country", c.code)
        sink.add(country, "rdf:type", t.iri("schema", "Country"))
        sink.labels(country, {"de": c.de, "en": c.en}, pref=True)
        sink.add(country, "skos:notation", t.lit(c.code))
    for k in range(1, plan.sources + 1):
        page = t.iri("source", f"page-{k}")
        sink.add(page, "rdf:type", t.iri("schema", "WebPage"))
        sink.add(page, "dct:title", t.lit(f"Synthetic source page {k}", "en"))
        # Published by one of the synthetic cities, as data/sources.ttl names the city.
        publisher = 1 + (k - 1) % plan.cities
        sink.add(page, "dct:publisher", t.iri("city", city_slug(publisher)))
        sink.add(page, "dct:language", t.iri("language", ("DEU", "ENG")[k % 2]))
    for k in range(1, plan.networks + 1):
        network = t.iri("network", f"synth-network-{k}")
        sink.add(network, "rdf:type", t.iri("cg", "CityNetwork"))
        sink.labels(network, {"de": f"Synthetisches Städtenetz {k}",
                              "en": f"Synthetic City Network {k}"})
        sink.add(network, "schema:foundingDate", t.lit(str(rng.randint(1950, 2015)), None, "gYear"))
        sink.add(network, "dct:source", _source(sink, plan, rng))
    sink.flush()


def _source(sink: Sink, plan: Plan, rng: random.Random) -> str:
    return sink.t.iri("source", f"page-{rng.randint(1, plan.sources)}")


def _write_city_block(sink: Sink, plan: Plan, rng: random.Random, number: int) -> None:
    _write_city(sink, plan, rng, number)
    partners, twinnings = _pick_partners(rng, number, plan.per_city)
    for index, partner in enumerate(partners):
        kind = "Partnership" if index < twinnings else "Friendship"
        relation = _write_relation(sink, plan, rng, (number, partner), kind)
        if rng.random() < 0.15:
            _write_event(sink, plan, rng, (number, partner), relation, index)
    for network in _pick_networks(plan, rng):
        _write_membership(sink, plan, rng, number, network)
    sink.flush()


def _write_city(sink: Sink, plan: Plan, rng: random.Random, number: int) -> None:
    t = sink.t
    code, _, _, lang, lat0, long0 = rng.choices(COUNTRIES, cum_weights=_CUM_WEIGHTS)[0]
    city, geometry = t.iri("city", city_slug(number)), t.iri("geometry", city_slug(number))
    name = city_name(number)
    names = {"de": f"Synthstadt {name}", "en": f"Synthtown {name}"}
    if lang is not None:
        names[lang] = name  # the endonym of an invented place: the bare name
    lat, long = f"{lat0 + rng.uniform(-1.5, 1.5):.5f}", f"{long0 + rng.uniform(-1.5, 1.5):.5f}"
    sink.add(city, "rdf:type", t.iri("cg", "City"))
    sink.labels(city, names, pref=True)
    sink.add(city, "schema:containedInPlace", t.iri("country", code))
    sink.add(city, "wgs:lat", t.lit(lat, datatype="decimal"))
    sink.add(city, "wgs:long", t.lit(long, datatype="decimal"))
    sink.add(city, "geo:hasGeometry", geometry)
    sink.add(city, "dct:source", _source(sink, plan, rng))
    sink.add(geometry, "rdf:type", t.iri("geo", "Geometry"))
    sink.add(geometry, "geo:asWKT", t.lit(f"POINT({long} {lat})", None, "wktLiteral", ns="geo"))


def _pick_partners(rng: random.Random, number: int,
                   per_city: float | None = None) -> tuple[list[int], int]:
    """Distinct earlier cities and how many of them (the first ones) are town twinnings.

    Only earlier cities are drawn, so every pair comes up once (from its younger city) and no
    relation IRI is written twice. With ``per_city``, that many relations on average, three in
    four of them twinnings.
    """
    if per_city is None:
        wanted_p = rng.choice(PARTNERSHIPS_PER_CITY)
        wanted_f = rng.choice(FRIENDSHIPS_PER_CITY)
    else:
        total = int(per_city) + (1 if rng.random() < per_city - int(per_city) else 0)
        wanted_p = sum(1 for _ in range(total) if rng.random() < 0.75)
        wanted_f = total - wanted_p
    chosen: list[int] = []
    for _ in range(min(wanted_p + wanted_f, number - 1)):
        for _attempt in range(8):
            # u² skews the choice towards low numbers: a few hubs, many leaves.
            partner = 1 + int((number - 1) * rng.random() ** 2)
            if partner not in chosen:
                chosen.append(partner)
                break
    return chosen, min(wanted_p, len(chosen))


def _write_relation(sink: Sink, plan: Plan, rng: random.Random, pair: tuple[int, int],
                    kind: str) -> str:
    t = sink.t
    slug = f"{city_slug(pair[0])}-{city_slug(pair[1])}"
    relation, agreement = t.iri("relation", slug), t.iri("agreement", slug)
    cities = [t.iri("city", city_slug(n)) for n in pair]
    names = [f"Synthstadt {city_name(n)}" for n in pair]
    de, en = ("Städtepartnerschaft", "Town twinning") if kind == "Partnership" else (
        "Städtefreundschaft", "City friendship")
    de, en = f"{de} zwischen {names[0]} und {names[1]}", f"{en} between {names[0]} and {names[1]}"
    year = rng.randint(1950, 2024)
    sink.add(relation, "rdf:type", t.iri("cg", kind))
    sink.labels(relation, {"de": de, "en": en})
    for city in cities:
        sink.add(relation, "cg:partner", city)
    sink.add(relation, "cg:relationType", t.iri("cgrel", kind.lower()))
    sink.add(relation, "schema:startDate", t.lit(str(year), datatype="gYear"))
    sink.add(relation, "cg:status", t.iri("cgrel", "active"))
    sink.add(relation, "cg:basedOnAgreement", agreement)
    sink.add(relation, "dct:source", _source(sink, plan, rng))
    shortcut = "cg:partnerCity" if kind == "Partnership" else "cg:friendshipCity"
    sink.add(cities[0], shortcut, cities[1])
    sink.add(cities[1], shortcut, cities[0])
    _write_agreement(sink, plan, rng, agreement, year, names)
    return relation


def _write_agreement(sink: Sink, plan: Plan, rng: random.Random, agreement: str, year: int,
                     names: list[str]) -> None:
    t = sink.t
    sink.add(agreement, "rdf:type", t.iri("cg", "Agreement"))
    sink.labels(agreement, {"de": f"Vereinbarung zwischen {names[0]} und {names[1]}",
                            "en": f"Agreement between {names[0]} and {names[1]}"})
    signed = (t.lit(str(year), datatype="gYear") if rng.random() < 0.5 else
              t.lit(f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", datatype="date"))
    sink.add(agreement, "cg:signingDate", signed)
    sink.add(agreement, "dct:source", _source(sink, plan, rng))


def _pick_networks(plan: Plan, rng: random.Random) -> list[int]:
    draw = rng.random()
    count = 2 if draw < 0.1 else 1 if draw < 0.5 else 0
    return rng.sample(range(1, plan.networks + 1), count)


def _write_membership(sink: Sink, plan: Plan, rng: random.Random, number: int,
                      network_no: int) -> None:
    t = sink.t
    city = t.iri("city", city_slug(number))
    network = t.iri("network", f"synth-network-{network_no}")
    membership = t.iri("membership", f"{city_slug(number)}-synth-network-{network_no}")
    sink.add(membership, "rdf:type", t.iri("org", "Membership"))
    sink.add(membership, "org:member", city)
    sink.add(membership, "org:organization", network)
    sink.add(membership, "org:role", t.iri("cgrole", rng.choice(ROLES)))
    sink.add(membership, "schema:startDate", t.lit(str(rng.randint(1990, 2024)), None, "gYear"))
    sink.add(membership, "dct:source", _source(sink, plan, rng))
    sink.add(city, "org:memberOf", network)


def _write_event(sink: Sink, plan: Plan, rng: random.Random, pair: tuple[int, int],
                 relation: str, index: int) -> None:
    """A visit of the partner to the city, about their relation."""
    t = sink.t
    number = pair[0]
    event = t.iri("event", f"synth-event-{number}-{index + 1}")
    year, month, day = rng.randint(1990, 2024), rng.randint(1, 12), rng.randint(1, 24)
    sink.add(event, "rdf:type", t.iri("cg", rng.choice(EVENT_CLASSES)))
    sink.labels(event, {"de": f"Synthetischer Besuch {number}-{index + 1}",
                        "en": f"Synthetic visit {number}-{index + 1}"})
    end = day + rng.randint(0, 4)  # days run to 24 + 4: always a valid date
    sink.add(event, "schema:startDate", t.lit(f"{year}-{month:02d}-{day:02d}", None, "date"))
    sink.add(event, "schema:endDate", t.lit(f"{year}-{month:02d}-{end:02d}", None, "date"))
    sink.add(event, "schema:location", t.iri("city", city_slug(number)))
    sink.add(event, "schema:organizer", t.iri("city", city_slug(number)))
    sink.add(event, "schema:attendee", t.iri("city", city_slug(pair[1])))
    sink.add(event, "schema:about", relation)
    sink.add(event, "dct:source", _source(sink, plan, rng))

