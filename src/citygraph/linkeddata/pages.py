"""Template contexts for the linked-data views: home page numbers, listings with facet and paging
links, the map, and the JSON-LD / CSV bodies of listings. Flask is used for URLs only; every
query goes through the Runtime.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from flask import request, url_for

from citygraph.errors import NotFound
from citygraph.linkeddata import home, listing
from citygraph.linkeddata.describe import Page
from citygraph.linkeddata.rdfterms import Linker, local_name
from citygraph.site import Site
from citygraph.sparql.runtime import Binding, Runtime
from citygraph.web import mapping
from citygraph.web.i18n import texts
from citygraph.web.mapping import GeoPoint
from citygraph.web.tiles import TileSource

Row = dict[str, Binding]
# Entry points, some served by other parts of citygraph; each answers a browser with HTML.
ENTRY_POINTS = (("ep_glance", "workbench.glance_page"), ("ep_workbench", "workbench.query_page"),
                ("ep_dumps", "publishing.dumps_index"), ("ep_catalog", "publishing.catalog"),
                ("ep_void", "publishing.void"), ("ep_def", "/def"), ("ep_sparql", "/sparql"))


def sparql_url(query: str) -> str:
    """A link that runs the query on this server's SPARQL endpoint."""
    return f"{request.script_root}/sparql?{urlencode({'query': query})}"


def _value(row: Row, name: str) -> str:
    return row.get(name, {}).get("value", "")


def _label(row: Row, var: str) -> str:
    """A label from ?var+L (page language), ?var+E (English) or the IRI's last segment."""
    return _value(row, var + "L") or _value(row, var + "E") or local_name(_value(row, var))


def other_lang_url(lang: str) -> str:
    """This page in the other language (?lang= switched, other parameters kept)."""
    args = request.args.to_dict()
    args["lang"] = "de" if lang == "en" else "en"
    return f"{request.script_root}{request.path}?{urlencode(args)}"


def home_point(site: Site, lang: str) -> GeoPoint | None:
    """The focal city's point, drawn for reference on every map."""
    if site.city_point is None:
        return None
    lon, lat = site.city_point
    return GeoPoint(lon, lat, site.city(lang), reference=True, lang=site.city_lang(lang))


RELATION_KINDS = {"https://w3id.org/citygraph/def#Partnership": "partner",
                  "https://w3id.org/citygraph/def#Friendship": "friendship"}


def map_of(page: Page, home: str, home_point: GeoPoint | None,
           tiles: TileSource | None = None) -> mapping.Drawing | None:
    """The map of the page's points; the focal city marked as such (also on its own page and
    on a relation's), a relation's partner drawn as partner or friendship city."""
    other = next((RELATION_KINDS[t.iri] for t in page.types if t.iri in RELATION_KINDS),
                 "other")

    def kind(p: GeoPoint) -> str:
        at_home = home_point is not None and (p.lon, p.lat) == (home_point.lon, home_point.lat)
        return "focal" if p.reference or page.iri == home or at_home else other

    points = [replace(p, href=None, kind=kind(p), reference=False) for p in page.points]
    return mapping.draw(points, 480, 300, tiles=tiles)


def _entry_url(target: str) -> str:
    """A path as it is (its canonical spelling), an endpoint through url_for (keeps ?lang)."""
    return request.script_root + target if target.startswith("/") else url_for(target)


def home_context(rt: Runtime, iri: str, lang: str, link: Linker) -> dict[str, Any]:
    """Counts (each linked to its query), relations by start year, entry points, lists."""
    t = texts(lang)
    counts = []
    for key, query in home.count_queries(iri):
        rows = rt.select(query)
        type_, args = home.COUNT_TARGETS[key]
        target = (url_for("linkeddata.listing", name=type_, **args) if type_
                  else url_for("workbench.glance_page"))
        counts.append((t[key], int(_value(rows[0], "n") or 0) if rows else 0, target))
    relations = [{
        "label": _label(row, "relation"), "href": link(_value(row, "relation")),
        "partner": _label(row, "partner"), "partner_href": link(_value(row, "partner")),
        "type": _label(row, "type") if _value(row, "type") else "",
        "start": _value(row, "start"),
    } for row in rt.select(home.relations_query(iri, lang))]
    return {"counts": counts, "relations": relations,
            "entry_points": [(t[key], _entry_url(target)) for key, target in ENTRY_POINTS],
            "home_href": link(iri)}


@dataclass
class FacetValue:
    key: str
    label: str
    count: int
    href: str
    active: bool


@dataclass
class FacetView:
    name: str
    values: list[FacetValue]
    clear_href: str | None  # set when this facet filters the list now


@dataclass
class ListRow:
    iri: str
    href: str | None
    label: str
    cls: str
    date: str
    country: str


@dataclass
class ListResult:
    type: str
    selection: listing.Selection
    total: int
    pages: int
    rows: list[ListRow]
    facets: list[FacetView]
    query_url: str
    links: dict[str, str | None] = field(default_factory=dict)  # prev, next, self, json, csv


def _list_url(type_: str, suffix: str, filters: dict[str, str], page: int, lang: str) -> str:
    args: dict[str, Any] = dict(filters)
    if page > 1:
        args["page"] = str(page)
    if request.args.get("lang"):
        args["lang"] = lang
    return url_for("linkeddata.listing", name=type_ + suffix, **args)


def listing_result(rt: Runtime, type_: str, args: dict[str, str], lang: str,
                   link: Linker, home_iri: str) -> ListResult:
    base = rt.config.base_iri
    all_facets = listing.facets(base, home_iri)
    sel = listing.selection(type_, args, all_facets, lang)
    count_rows = rt.select(listing.count_query(sel, base, all_facets))
    total = int(_value(count_rows[0], "n") or 0) if count_rows else 0
    if sel.page > listing.pages(total):
        raise NotFound(f"the list of '{type_}' has {listing.pages(total)} page(s) "
                       f"with these filters, not {sel.page}")
    query = listing.rows_query(sel, base, all_facets, home_iri)
    rows = [ListRow(_value(r, "item"), link(_value(r, "item")),
                    _value(r, "label") or _value(r, "labelEn") or local_name(_value(r, "item")),
                    _value(r, "class"), _value(r, "date"), _value(r, "country"))
            for r in rt.select(query)]
    filters = dict(sel.filters)
    result = ListResult(type_, sel, total, listing.pages(total), rows,
                        _facet_views(rt, sel, all_facets, filters), url_for("sparql.sparql",
                                                                            query=query))
    page = sel.page
    result.links = {
        "self": _list_url(type_, "", filters, page, lang),
        "prev": _list_url(type_, "", filters, page - 1, lang) if page > 1 else None,
        "next": _list_url(type_, "", filters, page + 1, lang) if page < result.pages else None,
        "json": _list_url(type_, ".json", filters, page, lang),
        "csv": _list_url(type_, ".csv", filters, page, lang),
    }
    return result


def _facet_views(rt: Runtime, sel: listing.Selection, all_facets: tuple[listing.Facet, ...],
                 filters: dict[str, str]) -> list[FacetView]:
    """Each facet's values as links that add (or replace) that filter; page back to 1."""
    base = rt.config.base_iri
    by_name = {f.name: f for f in all_facets}
    grouped: dict[str, list[FacetValue]] = {f.name: [] for f in all_facets}
    for row in rt.select(listing.facets_query(sel, base, all_facets)):
        facet = by_name[_value(row, "facet")]
        key = facet.key(_value(row, "v"))
        if key is None:
            continue
        href = _list_url(sel.type, "", {**filters, facet.name: key}, 1, sel.lang)
        grouped[facet.name].append(FacetValue(key, _value(row, "label") or key,
                                              int(_value(row, "n") or 0), href,
                                              filters.get(facet.name) == key))
    views = []
    for name, values in grouped.items():
        values.sort(key=lambda v: v.label.lower())
        clear = None
        if name in filters:
            rest = {k: v for k, v in filters.items() if k != name}
            clear = _list_url(sel.type, "", rest, 1, sel.lang)
        if values or clear:
            views.append(FacetView(name, values, clear))
    return views


def paging_links(result: ListResult) -> list[str]:
    """RFC 8288 Link header values for the neighbouring pages."""
    return [f'<{url}>; rel="{rel}"' for rel in ("prev", "next")
            if (url := result.links.get(rel))]


def listing_json(result: ListResult) -> str:
    """The page as JSON-LD: a schema:ItemList whose items are the listed resources."""
    doc = {
        "@context": {
            "schema": "https://schema.org/", "iri": "@id",
            "label": "http://www.w3.org/2000/01/rdf-schema#label",
            "date": "http://purl.org/dc/terms/date", "total": "schema:numberOfItems",
            "items": {"@id": "schema:itemListElement", "@container": "@list"},
        },
        "@id": result.links["self"], "@type": "schema:ItemList",
        "type": result.type, "total": result.total, "page": result.selection.page,
        "per_page": listing.PER_PAGE, "pages": result.pages,
        "filters": dict(result.selection.filters),
        "prev": result.links["prev"], "next": result.links["next"],
        "items": [{"iri": r.iri, "label": r.label, "class": r.cls, "date": r.date,
                   "country": r.country, "page": r.href} for r in result.rows],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1)


def listing_csv(result: ListResult) -> str:
    """The page as CSV (RFC 4180): header row, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["iri", "label", "class", "date", "country"])
    writer.writerows([r.iri, r.label, r.cls, r.date, r.country] for r in result.rows)
    return out.getvalue()
