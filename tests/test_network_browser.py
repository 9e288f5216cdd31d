"""The network pages in headless Chromium: drawn and labelled, no sideways scrolling at 390 px,
no axe-core violations (WCAG 2 A/AA rules, axe-core vendored under static/vendor)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.test_browser import _by, artifacts  # noqa: F401  (fixture; browser: conftest)

pytestmark = pytest.mark.browser

AXE = (Path(__file__).resolve().parent.parent / "src" / "citygraph" / "static" / "vendor"
       / "axe-core" / "axe.min.js")
NETWORK = "https://w3id.org/citygraph/id/network/icncm"
PAGES = {
    "index": "/network/",
    "ego": "/network/city?city=Rostock&depth=2",
    "path": "/network/path?from=Turku&to=Riga",
    "members": f"/network/members?network={NETWORK}",
    "countries": "/network/countries",
    "year": "/network/year?year=1990",
    "timeline": "/network/timeline",
    "ranking": "/network/ranking/betweenness",
    "ego-de": "/network/city?city=Rostock&lang=de",
}


def axe_violations(driver: Any) -> list[str]:
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
        ".then(r => done(r.passes.length ? r.violations.map(v => v.id + ': ' + v.nodes.length"
        " + ' ' + v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(' | ')) : ['no rule ran']))"
        ".catch(e => done(['axe failed: ' + e]));")
    return list(result)


@pytest.mark.parametrize("name", list(PAGES))
def test_network_page_in_a_browser(browser: Any, live_server: Any,
                                   artifacts: Path, name: str) -> None:  # noqa: F811
    by = _by()
    browser.set_script_timeout(60)
    browser.set_window_size(390, 900)
    browser.get(live_server.url + PAGES[name])
    browser.save_screenshot(str(artifacts / f"network-{name}-390.png"))
    heading = browser.find_element(by.TAG_NAME, "h1").text
    assert heading.strip(), "the page has a visible heading"
    main = browser.find_element(by.TAG_NAME, "main").text
    assert len(main) > 200 and "https://w3id.org" not in heading
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: {overflow} px wider than a 390 px screen"
    if name in ("ego", "members", "ego-de"):
        labels = [t.text for t in browser.find_elements(by.CSS_SELECTOR, "svg.nw-svg text")]
        assert len(labels) >= 2 and all(labels), "the drawing names its cities"
        assert browser.find_element(by.CSS_SELECTOR, "svg.nw-svg title").get_attribute(
            "textContent")
    assert axe_violations(browser) == []
    browser.set_window_size(1280, 1600)
