"""The network pages in headless Chromium through the shared harness (tests/browser_harness.py):
no axe-core violations, no sideways scrolling at 390 px, nothing from another origin, no script
errors; each view non-empty with a heading, and the drawings name their cities."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser_harness import WIDTHS, artifacts_dir, check_page

pytestmark = pytest.mark.browser

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
DRAWN = ("ego", "members", "ego-de")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return artifacts_dir(tmp_path_factory.mktemp("network-screens"))


@pytest.mark.parametrize("name", list(PAGES))
def test_network_page_in_a_browser(browser: Any, live_server: Any, folder: Path,
                                   name: str) -> None:
    from selenium.webdriver.common.by import By

    problems = []
    for device, (width, height) in WIDTHS.items():
        report = check_page(browser, live_server.url, PAGES[name], f"network-{name}-{device}",
                            width, height, folder, axe=device == "phone")
        problems += [f"{device}: {p}" for p in report.problems]
    assert not problems, "\n".join(problems)
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading.strip() and "https://" not in heading
    assert len(browser.find_element(By.TAG_NAME, "main").text) > 200
    if name in DRAWN:
        labels = [t.text for t in browser.find_elements(By.CSS_SELECTOR, "svg.nw-svg text")]
        assert len(labels) >= 2 and all(labels), "the drawing names its cities"
        title = browser.find_element(By.CSS_SELECTOR, "svg.nw-svg title")
        assert title.get_attribute("textContent")
