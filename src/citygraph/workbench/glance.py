"""The figures of the glance page ("{focal city} at a glance"), each built from named queries
of the library, which find the focal city through the dataset description (cg:focalCity).

Map: ``partner-cities-coordinates`` with the start years of ``partnership-timeline``, plus the
friendship cities of ``friendship-cities`` (their points come from FRIENDSHIP_POINTS, because
no library query gives friendship-city coordinates). Timeline: ``partnership-timeline``.
Memberships: ``city-memberships``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from citygraph.sparql.runtime import Binding
from citygraph.web.mapping import GeoPoint
from citygraph.workbench import figures, library

MAP_PARTNERS = "partner-cities-coordinates"
TIMELINE = "partnership-timeline"
FRIENDSHIPS = "friendship-cities"
MEMBERSHIPS = "city-memberships"
FRIENDSHIP_POINTS = """PREFIX cg:  <https://w3id.org/citygraph/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#>

SELECT ?city ?lat ?long
WHERE {
  ?dataset cg:focalCity ?home .
  ?relation a cg:Friendship ;
            cg:partner ?home , ?friend .
  FILTER(?friend != ?home)
  ?friend rdfs:label ?city ; wgs:lat ?la ; wgs:long ?lo .
  FILTER(lang(?city) = "en")
  BIND(STR(?la) AS ?lat)
  BIND(STR(?lo) AS ?long)
}
ORDER BY ?city"""

Select = Callable[[str], list[dict[str, Binding]]]


@dataclass(frozen=True)
class Glance:
    map: figures.MapFigure | None
    timeline: list[figures.Event]
    memberships: list[dict[str, str]]
    sources: dict[str, str]  # figure → example name
    friendship_points_query: str


def _rows(select: Select, name: str) -> list[dict[str, str]]:
    example = library.find(name)
    if example is None:
        raise LookupError(f"the library has no example '{name}'")
    return [{k: v.get("value", "") for k, v in row.items()} for row in select(example.query)]


def _geo(rows: list[dict[str, str]], name: str, years: dict[str, str], css: str
         ) -> list[GeoPoint]:
    out = []
    for row in rows:
        try:
            lat, lon = float(row["lat"]), float(row["long"])
        except (KeyError, ValueError):
            continue
        year = years.get(row[name], "")
        label = f"{row[name]} ({year})" if year else row[name]
        out.append(GeoPoint(lon, lat, label, None, css))
    return out


def build(select: Select) -> Glance:
    """Run the four library queries (and the friendship points) and build the figures."""
    timeline_rows = _rows(select, TIMELINE)
    partner_years = {r["partner"]: r["since"] for r in timeline_rows}
    friend_rows = _rows(select, FRIENDSHIPS)
    friend_years = {r["city"]: r.get("since", "") for r in friend_rows}
    friend_points = [{k: v.get("value", "") for k, v in row.items()}
                     for row in select(FRIENDSHIP_POINTS)]
    points = (_geo(_rows(select, MAP_PARTNERS), "partner", partner_years, "point partner")
              + _geo(friend_points, "city", friend_years, "point friendship"))
    events = [figures.Event(r["since"], f"{r['partner']} ({r['country']})", None)
              for r in timeline_rows]
    return Glance(map=figures.build_map(points), timeline=events,
                  memberships=_rows(select, MEMBERSHIPS),
                  sources={"map": MAP_PARTNERS, "friendships": FRIENDSHIPS,
                           "timeline": TIMELINE, "memberships": MEMBERSHIPS},
                  friendship_points_query=FRIENDSHIP_POINTS)
