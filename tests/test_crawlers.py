"""/robots.txt and /sitemap.xml, as a crawler fetches them (https://www.sitemaps.org/protocol.html)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from citygraph import crawlers
from citygraph.app import create_app
from citygraph.config import Config

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(scope="module")
def client(config: Config) -> Iterator[FlaskClient]:
    application = create_app(config)
    yield application.test_client()
    application.extensions["citygraph"].executor.close()


def locations(client: FlaskClient, path: str, kind: str) -> list[tuple[str, str]]:
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ET.fromstring(response.get_data())
    assert root.tag == f"{{{NS['sm']}}}{kind}"
    entry = "sm:url" if kind == "urlset" else "sm:sitemap"
    return [(e.findtext("sm:loc", namespaces=NS) or "", e.findtext("sm:lastmod", namespaces=NS)
             or "") for e in root.findall(entry, NS)]


def test_robots_points_to_the_sitemap_and_keeps_crawlers_off_query_urls(
        client: FlaskClient) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert "Sitemap: http://localhost/sitemap.xml" in lines
    assert {"Disallow: /sparql?", "Disallow: /query"} <= set(lines)


def test_sitemap_lists_every_html_document_with_the_build_time(client: FlaskClient) -> None:
    urls = locations(client, "/sitemap.xml", "urlset")
    built_at = client.get("/healthz").get_json()["built_at"]
    assert {lastmod for _, lastmod in urls} == {built_at}
    paths = [loc.removeprefix("http://localhost") for loc, _ in urls]
    assert len(paths) == len(set(paths))
    assert {"/", "/list/city", "/doc/relation/rostock-raleigh", "/doc/city/turku"} <= set(paths)
    # every page of a resource the store describes, and no statement nodes or foreign IRIs
    assert sum(p.startswith("/doc/") for p in paths) > 300
    for path in ("/", "/list/city", "/doc/relation/rostock-raleigh", paths[-1]):
        page = client.get(path, headers={"Accept": "text/html"})
        assert page.status_code == 200 and page.mimetype == "text/html", path


def test_sitemap_splits_past_the_url_limit(client: FlaskClient,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    every = [loc for loc, _ in locations(client, "/sitemap.xml", "urlset")]
    monkeypatch.setattr(crawlers, "MAX_URLS", 100)
    parts = locations(client, "/sitemap.xml", "sitemapindex")
    assert len(parts) == (len(every) + 99) // 100
    seen: list[str] = []
    for loc, _ in parts:
        chunk = locations(client, loc.removeprefix("http://localhost"), "urlset")
        assert 0 < len(chunk) <= 100
        seen += [u for u, _ in chunk]
    assert seen == every
    assert client.get(f"/sitemap-{len(parts) + 1}.xml").status_code == 404
