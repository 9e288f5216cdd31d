"""The crawler blueprint: ``/robots.txt`` and ``/sitemap.xml`` for search engines and harvesters.

The sitemap (https://www.sitemaps.org/protocol.html) lists every HTML document: the home page,
the lists, the ontology, catalogue, dumps and query pages, and the page of every resource under
``{base}id/``, each with the time of the build as ``lastmod``. A file holds at most 50,000 URLs
(protocol limit); past that ``/sitemap.xml`` is a sitemap index of ``/sitemap-{n}.xml``.
robots.txt (RFC 9309) points to it and keeps crawlers off the query URLs of ``/sparql`` and the
workbench, which would run queries on every fetch.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response, request, url_for

from citygraph.errors import NotFound
from citygraph.linkeddata import iris
from citygraph.web.conditional import conditional
from citygraph.web.current import runtime
from citygraph.web.links import local_page
from citygraph.workbench import library

bp = Blueprint("crawlers", __name__)
MAX_URLS = 50_000  # per sitemap file, https://www.sitemaps.org/protocol.html#index
XML = "application/xml; charset=utf-8"
NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# HTML pages with a fixed address; the lists, queries and resources are added by name.
FIXED = ("/", "/def", "/catalog", "/dumps/", "/queries", "/glance", "/sparql")


def _resources() -> list[str]:
    """The local page path of every resource under the base, in IRI order."""
    base = runtime().config.base_iri
    rows = runtime().select(f"""SELECT DISTINCT ?s WHERE {{ ?s ?p ?o
        FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{base}id/")) }} ORDER BY ?s""")
    pages = (local_page(row["s"]["value"]) for row in rows if "s" in row)
    return [page for page in pages if page]


def _paths() -> list[str]:
    paths = [request.script_root + path for path in FIXED]
    paths += [url_for("linkeddata.listing", name=name) for name in iris.TYPES]
    paths += [url_for("workbench.canned", name=e.name) for e in library.load()]
    return paths + _resources()


def _respond(body: str, tag: str, media: str = XML) -> Response:
    return conditional(Response(body, content_type=media), runtime().build(), tag)


def _urlset(paths: list[str], lastmod: str) -> str:
    root = request.host_url.rstrip("/")
    urls = "".join(f"<url><loc>{escape(root + p)}</loc><lastmod>{lastmod}</lastmod></url>\n"
                   for p in paths)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NS}">\n{urls}</urlset>\n'


@bp.route("/sitemap.xml", methods=["GET", "HEAD"])
def sitemap() -> Response:
    paths, lastmod = _paths(), runtime().build().built_at
    if len(paths) <= MAX_URLS:
        return _respond(_urlset(paths, lastmod), "sitemap")
    parts = (len(paths) + MAX_URLS - 1) // MAX_URLS
    entries = "".join(
        f"<sitemap><loc>{escape(url_for('crawlers.sitemap_part', n=n, _external=True))}</loc>"
        f"<lastmod>{lastmod}</lastmod></sitemap>\n" for n in range(1, parts + 1))
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{NS}">\n{entries}'
            "</sitemapindex>\n")
    return _respond(body, "sitemap-index")


@bp.route("/sitemap-<int:n>.xml", methods=["GET", "HEAD"])
def sitemap_part(n: int) -> Response:
    paths = _paths()
    chunk = paths[(n - 1) * MAX_URLS:n * MAX_URLS] if n >= 1 else []
    if not chunk or len(paths) <= MAX_URLS:
        raise NotFound(f"there is no sitemap part {n}; start at /sitemap.xml")
    return _respond(_urlset(chunk, runtime().build().built_at), f"sitemap-{n}")


@bp.route("/robots.txt", methods=["GET", "HEAD"])
def robots() -> Response:
    sitemap_url = url_for("crawlers.sitemap", _external=True)
    body = ("User-agent: *\n"
            "# query URLs run a query on every fetch\n"
            "Disallow: /sparql?\n"
            "Disallow: /sparql/\n"
            "Disallow: /query\n"
            "Allow: /\n\n"
            f"Sitemap: {sitemap_url}\n")
    return _respond(body, "robots", "text/plain; charset=utf-8")
