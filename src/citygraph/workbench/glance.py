"""The figures of the glance page ("{focal city} at a glance"): maps (Europe in detail, and the
world) of the partner and friendship cities with the focal city (``map_query``), the timeline
of the partnerships from the same rows, and the memberships (``memberships_query``); names in
the page language (English where the data has no German label), linked to their pages. Each
figure names the library query that gives the same answer (``sources``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from citygraph.namespaces import PREFIXES
from citygraph.sparql.runtime import Binding
from citygraph.web import mapping
from citygraph.web.tiles import TileSource
from citygraph.workbench import figures

MAP_PARTNERS = "partner-cities-coordinates"
TIMELINE = "partnership-timeline"
FRIENDSHIPS = "friendship-cities"
MEMBERSHIPS = "city-memberships"

Select = Callable[[str], list[dict[str, Binding]]]
PROLOGUE = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("cg", "org", "schema", "skos", "wgs"))
Link = Callable[[str], str | None]
# The detail map: Europe, where most partners lie (their dots would overlap on a world map).
EUROPE = mapping.Frame(west=-12.0, south=34.0, east=46.0, north=68.0, width=640, height=560)


def map_query(home: str, lang: str) -> str:
    """Partner and friendship cities with coordinates (a municipality's: those of its seat),
    names in ``lang`` (English fallback), start year; and the focal city itself (kind
    "focal"). ``lang`` is one of de/en."""
    return f"""{PROLOGUE}SELECT ?city ?cityL ?cityE ?countryL ?countryE ?lat ?long ?kind ?start
WHERE {{
  {{ ?relation cg:partner <{home}> , ?city ; a ?class .
     VALUES (?class ?kind) {{ (cg:Partnership "partner") (cg:Friendship "friendship") }}
     FILTER(?city != <{home}>)
     OPTIONAL {{ ?relation schema:startDate ?start }} }}
  UNION {{ BIND(<{home}> AS ?city) BIND("focal" AS ?kind) }}
  OPTIONAL {{ ?city wgs:lat ?ownLat ; wgs:long ?ownLong }}
  OPTIONAL {{ ?city cg:seat ?seat . ?seat wgs:lat ?seatLat ; wgs:long ?seatLong }}
  BIND(COALESCE(?ownLat, ?seatLat) AS ?lat)
  BIND(COALESCE(?ownLong, ?seatLong) AS ?long)
  FILTER(BOUND(?lat) && BOUND(?long))
  OPTIONAL {{ ?city schema:containedInPlace ?country
             FILTER(STRSTARTS(STR(?country), "{PREFIXES['country']}")) }}
  {_labels("city", lang)} {_labels("country", lang)}
}} ORDER BY ?start"""


def _labels(var: str, lang: str) -> str:
    """?{var}L in ``lang`` and ?{var}E in English (the fallback), both optional."""
    return (f'OPTIONAL {{ ?{var} skos:prefLabel ?{var}L FILTER(lang(?{var}L) = "{lang}") }} '
            f'OPTIONAL {{ ?{var} skos:prefLabel ?{var}E FILTER(lang(?{var}E) = "en") }}')


def _name(row: dict[str, str], var: str, lang: str) -> tuple[str, str]:
    """(name, its language): ?{var}L in ``lang``, else ?{var}E in English, else the IRI's last
    segment (of no language: '')."""
    if row.get(var + "L"):
        return row[var + "L"], lang
    if row.get(var + "E"):
        return row[var + "E"], "en"
    return row.get(var, "").rsplit("/", 1)[-1], ""


def memberships_query(home: str, lang: str) -> str:
    """The focal city's memberships: network, role (names in ``lang``), start and end."""
    return f"""{PROLOGUE}SELECT ?network ?networkL ?networkE ?roleL ?roleE ?start ?end WHERE {{
  ?membership org:member <{home}> ; org:organization ?network .
  OPTIONAL {{ ?membership org:role ?role }}
  OPTIONAL {{ ?membership schema:startDate ?start }}
  OPTIONAL {{ ?membership schema:endDate ?end }}
  {_labels("network", lang)} {_labels("role", lang)}
}}"""


@dataclass(frozen=True)
class MapEntry:
    point: mapping.GeoPoint
    year: str
    country: str = ""
    country_lang: str = ""


def map_entries(select: Select, home: str, lang: str, link: Link) -> list[MapEntry]:
    out = []
    for row in select(map_query(home, lang)):
        value = {k: v.get("value", "") for k, v in row.items()}
        try:
            lat, lon = float(value["lat"]), float(value["long"])
        except (KeyError, ValueError):
            continue
        name, name_lang = _name(value, "city", lang)
        point = mapping.GeoPoint(lon, lat, name, link(value["city"]), value["kind"],
                                 lang=name_lang)
        has_country = "country" in value or "countryE" in value
        country, country_lang = _name(value, "country", lang) if has_country else ("", "")
        out.append(MapEntry(point, value.get("start", "")[:4], country, country_lang))
    return out


def memberships(select: Select, home: str, lang: str, link: Link) -> list[dict[str, str]]:
    rows = [{k: v.get("value", "") for k, v in row.items()}
            for row in select(memberships_query(home, lang))]
    out = []
    for r in rows:
        network, network_lang = _name(r, "network", lang)
        role, role_lang = _name(r, "role", lang) if ("roleL" in r or "roleE" in r) else ("", "")
        out.append({"network": network, "network_lang": network_lang,
                    "href": link(r["network"]) or "", "role": role, "role_lang": role_lang,
                    "since": r.get("start", "")[:4], "until": r.get("end", "")[:4]})
    return sorted(out, key=lambda m: m["network"].casefold())


@dataclass(frozen=True)
class Glance:
    europe: mapping.Drawing | None
    world: mapping.Drawing | None
    places: list[MapEntry]
    timeline: list[figures.Event]
    memberships: list[dict[str, str]]
    sources: dict[str, str]  # figure → example name
    map_query: str


def build(select: Select, home: str, lang: str, link: Link,
          tiles: TileSource | None = None) -> Glance:
    """Run the map and membership queries and build the figures (over ``tiles``, if any)."""
    places = map_entries(select, home, lang, link)
    points = [e.point for e in places]
    europe = [p for p in points if EUROPE.west <= p.lon <= EUROPE.east
              and EUROPE.south <= p.lat <= EUROPE.north]
    events = sorted((figures.Event(e.year, e.point.label, e.point.href, e.point.lang,
                                   e.country, e.country_lang)
                     for e in places if e.point.kind == "partner" and e.year),
                    key=lambda e: e.date)
    return Glance(europe=mapping.draw(europe, frame=EUROPE, tiles=tiles),
                  world=mapping.draw(points, 640, 360, tiles=tiles), places=places, timeline=events,
                  memberships=memberships(select, home, lang, link),
                  sources={"map": MAP_PARTNERS, "friendships": FRIENDSHIPS,
                           "timeline": TIMELINE, "memberships": MEMBERSHIPS},
                  map_query=map_query(home, lang))
