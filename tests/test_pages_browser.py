"""Every page type in a real Chromium, in German and English, on a desktop (1366 px) and a
phone (390 px): axe-core finds no serious or critical violation, nothing is wider than the
viewport, nothing is requested from another origin, no script error; a screenshot of each is
saved to $CITYGRAPH_ARTIFACTS. One server and one browser for all (tests/browser_harness.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser_harness import WIDTHS, artifacts_dir, check_page, load, set_width

pytestmark = [pytest.mark.browser, pytest.mark.server]

GRAPH_QUERY = ("PREFIX cg: <https://w3id.org/citygraph/def#>\n"
               "SELECT ?relation ?partner WHERE { ?relation a cg:Partnership ; "
               "cg:partner ?partner }")
PAGES = {
    "home": "/",
    "glance": "/glance",
    "lists": "/lists",
    "list": "/list/relation",
    "city": "/doc/city/riga",
    "relation": "/doc/relation/rostock-raleigh",
    "network": "/doc/network/ubc",
    "event": "/doc/event/council-vote-rostock-raleigh-2001",
    "claim": "/doc/claim/ubc-founded-on-initiative-of-gdansk",
    "query": "/query",
    "query-table": "/query?example=oldest-partnership",
    "query-map": "/query?example=partner-cities-coordinates",
    "query-timeline": "/query?example=partnership-timeline",
    "query-graph": "/query?" + __import__("urllib.parse").parse.urlencode({"query": GRAPH_QUERY}),
    "queries": "/queries",
    "catalog": "/catalog",
    "void": "/.well-known/void",
    "dumps": "/dumps/",
    "def": "/def",
    "search": "/search?q=ro",
    "about": "/about",
    "404": "/no/such/page",
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return artifacts_dir(tmp_path_factory.mktemp("screens"))


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_type(browser: Any, live_server: Any, folder: Path, name: str, lang: str) -> None:
    path = PAGES[name]
    path += ("&" if "?" in path else "?") + f"lang={lang}"
    problems = []
    for device, (width, height) in WIDTHS.items():
        # axe once per page and language (its rules do not depend on the width; the phone
        # view is checked for overflow, requests and errors) to keep the suite short.
        report = check_page(browser, live_server.url, path, f"{name}-{lang}-{device}", width,
                            height, folder, axe=device == "desktop")
        problems += [f"{device}: {p}" for p in report.problems]
        assert browser.execute_script("return document.documentElement.lang") == lang
    assert not problems, "\n".join(problems)


def test_phones_get_the_results_before_the_filters(browser: Any, live_server: Any) -> None:
    box = ("const r = document.querySelector(arguments[0]).getBoundingClientRect();"
           "return [r.top, r.left];")
    for width in (390, 1366):
        set_width(browser, width, 844)
        load(browser, live_server.url + "/list/city")
        filters = browser.execute_script(box, ".ld-facets")
        results = browser.execute_script(box, ".ld-list table")
        if width == 390:
            assert results[0] < filters[0], (results, filters)  # the rows first, then filters
        else:
            assert filters[1] < results[1], (results, filters)  # side by side, filters left


def test_the_first_tab_reaches_the_skip_link_with_a_visible_focus(browser: Any,
                                                                 live_server: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    set_width(browser, 1366, 900)
    load(browser, live_server.url + "/?lang=de")
    ActionChains(browser).send_keys(Keys.TAB).perform()
    focused = browser.execute_script(
        "const e = document.activeElement, s = getComputedStyle(e);"
        "return [e.className, e.getAttribute('href'), s.outlineStyle, s.outlineWidth,"
        "        e.getBoundingClientRect().height];")
    assert focused[:2] == ["skip-link", "#main"], focused
    assert focused[2] != "none" and focused[3] != "0px", focused  # the focus shows
    assert focused[4] > 0, focused  # and the link itself comes into view
