"""The example queries in the page's language (Flask test client): German titles and
descriptions on ``?lang=de`` in /queries and in the workbench, English only where a German text
is missing, and then marked ``lang="en"``."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from citygraph.workbench import library


@pytest.fixture()
def client(module_app: Flask) -> FlaskClient:
    return module_app.test_client()


BROWSER = "text/html,application/xhtml+xml"


def page(client: Any, path: str) -> str:
    response = client.get(path, headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.mimetype == "text/html", path
    return html.unescape(response.get_data(as_text=True))


def test_queries_page_in_german(client: Any) -> None:
    german = page(client, "/queries?lang=de")
    assert "Zeitleiste der Städtepartnerschaften" in german
    assert ("Listet alle Städtepartnerschaften der Stadt in der Reihenfolge ihres Beginns."
            in german)
    assert "Timeline of the town twinnings" not in german
    assert "Lists every town twinning" not in german
    for example in library.load():  # every file has both German texts: nothing in English
        assert example.titles["de"] in german and example.descriptions["de"] in german
        assert example.description not in german
    assert 'lang="en"' not in german.split("<main", 1)[1]
    english = page(client, "/queries?lang=en")
    assert "Lists every town twinning of the focal city in the order in which it began." in english
    assert "Zeitleiste" not in english


def test_workbench_example_list_in_german(client: Any) -> None:
    german = page(client, "/query?example=partnership-timeline&lang=de")
    listed = re.findall(r'<a class="wb-example-link" data-example="[^"]+" href="[^"]+"'
                        r'(?: aria-current="page")?>([^<]+)</a>', german)
    assert listed == [e.titles["de"] for _, group in library.grouped() for e in group]
    assert "Partnerstädte nach Ländern, mit dem Jahr des Partnerschaftsbeginns" in listed
    heading = german.split('<p class="wb-example">', 1)[1].split("</p>", 1)[0]
    assert heading == ("<strong>Zeitleiste der Städtepartnerschaften</strong> — <span>Listet "
                       "alle Städtepartnerschaften der Stadt in der Reihenfolge ihres Beginns."
                       "</span>")


def test_queries_json_carries_both_languages(client: Any) -> None:
    item = next(i for i in client.get("/queries.json").get_json()
                if i["name"] == "partnership-timeline")
    assert item["title"]["de"] == "Zeitleiste der Städtepartnerschaften"
    assert item["descriptions"]["de"].startswith("Listet alle Städtepartnerschaften")
    assert item["description"] == item["descriptions"]["en"]


def test_english_fallback_is_marked(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = library.parse("only-english", "# title@en: Only in English\n# group: places\n"
                          "# description@en: No German text yet.\nSELECT * WHERE { ?s ?p ?o }")
    examples = (*library.load(), extra)
    monkeypatch.setattr(library, "load", lambda: examples)
    german = page(client, "/queries?lang=de")
    assert '?example=only-english&lang=de" lang="en">Only in English</a>' in german
    assert '<span class="wb-description" lang="en">No German text yet.</span>' in german
    assert '<a href="/query?example=oldest-partnership&lang=de">' in german  # German: no mark
