"""The figures of the glance page ("{focal city} at a glance"), each built from named queries
of the library, which find the focal city through the dataset description (cg:focalCity).

Maps (Europe in detail, and the world): partner and friendship cities with the focal city, by
``map_query`` (names in the page language, linked to their pages). Timeline:
``partnership-timeline``.
Memberships: ``city-memberships``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from citygraph.sparql.runtime import Binding
from citygraph.web import mapping
from citygraph.workbench import figures, library

MAP_PARTNERS = "partner-cities-coordinates"
TIMELINE = "partnership-timeline"
FRIENDSHIPS = "friendship-cities"
MEMBERSHIPS = "city-memberships"

Select = Callable[[str], list[dict[str, Binding]]]
Link = Callable[[str], str | None]
# The detail map: Europe, where most partners lie (their dots would overlap on a world map).
EUROPE = mapping.Frame(west=-12.0, south=34.0, east=46.0, north=68.0, width=640, height=560)


def map_query(home: str, lang: str) -> str:
    """Partner and friendship cities with coordinates (a municipality's: those of its seat),
    names in ``lang`` (English fallback), start year; and the focal city itself (kind
    "focal"). ``lang`` is one of de/en."""
    label = ("OPTIONAL {{ ?{v} skos:prefLabel ?{v}L FILTER(lang(?{v}L) = \"{lang}\") }} "
             "OPTIONAL {{ ?{v} skos:prefLabel ?{v}E FILTER(lang(?{v}E) = \"en\") }}")
    return f"""PREFIX cg: <https://w3id.org/citygraph/def#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#>
SELECT ?city ?cityL ?cityE ?lat ?long ?kind ?start WHERE {{
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
  {label.format(v="city", lang=lang)}
}} ORDER BY ?start"""


@dataclass(frozen=True)
class MapEntry:
    point: mapping.GeoPoint
    year: str


def map_entries(select: Select, home: str, lang: str, link: Link) -> list[MapEntry]:
    out = []
    for row in select(map_query(home, lang)):
        value = {k: v.get("value", "") for k, v in row.items()}
        try:
            lat, lon = float(value["lat"]), float(value["long"])
        except (KeyError, ValueError):
            continue
        name = value.get("cityL") or value.get("cityE") or value["city"].rsplit("/", 1)[-1]
        point = mapping.GeoPoint(lon, lat, name, link(value["city"]), value["kind"])
        out.append(MapEntry(point, value.get("start", "")[:4]))
    return out


@dataclass(frozen=True)
class Glance:
    europe: mapping.Drawing | None
    world: mapping.Drawing | None
    places: list[MapEntry]
    timeline: list[figures.Event]
    memberships: list[dict[str, str]]
    sources: dict[str, str]  # figure → example name
    map_query: str


def _rows(select: Select, name: str) -> list[dict[str, str]]:
    example = library.find(name)
    if example is None:
        raise LookupError(f"the library has no example '{name}'")
    return [{k: v.get("value", "") for k, v in row.items()} for row in select(example.query)]


def build(select: Select, home: str, lang: str, link: Link) -> Glance:
    """Run the library queries and the map query and build the figures."""
    timeline_rows = _rows(select, TIMELINE)
    places = map_entries(select, home, lang, link)
    points = [e.point for e in places]
    europe = [p for p in points if EUROPE.west <= p.lon <= EUROPE.east
              and EUROPE.south <= p.lat <= EUROPE.north]
    events = [figures.Event(r["since"], f"{r['partner']} ({r['country']})", None)
              for r in timeline_rows]
    return Glance(europe=mapping.draw(europe, frame=EUROPE),
                  world=mapping.draw(points, 640, 360), places=places, timeline=events,
                  memberships=_rows(select, MEMBERSHIPS),
                  sources={"map": MAP_PARTNERS, "friendships": FRIENDSHIPS,
                           "timeline": TIMELINE, "memberships": MEMBERSHIPS},
                  map_query=map_query(home, lang))
