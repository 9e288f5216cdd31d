"""The workbench in a real headless Chromium (Selenium), with every other host unreachable:
the vendored editor loads from citygraph itself; the server-rendered table, map and timeline
work with or without it.

Screenshots go to $CITYGRAPH_ARTIFACTS (default: pytest's tmp_path), which CI keeps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser_harness import WIDTHS, artifacts_dir, click_and_load, set_width

pytestmark = pytest.mark.browser


@pytest.fixture()
def artifacts(tmp_path: Path) -> Path:
    return artifacts_dir(tmp_path)


def _by() -> Any:
    from selenium.webdriver.common.by import By

    return By


def table_rows(driver: Any) -> list[list[str]]:
    by = _by()
    rows = driver.find_elements(by.CSS_SELECTOR, "#wb-table tbody tr")
    return [[td.text for td in row.find_elements(by.TAG_NAME, "td")] for row in rows]


def test_click_an_example(browser: Any, live_server: Any, artifacts: Path) -> None:
    by = _by()
    set_width(browser, *WIDTHS["desktop"])
    browser.get(live_server.url + "/query")
    # The vendored editor replaced the textarea, prefixes folded so the query body shows.
    assert browser.execute_script("return typeof window.Yasgui") == "function"
    assert browser.find_element(by.CSS_SELECTOR, "#wb-editor .CodeMirror").is_displayed()
    assert not browser.find_element(by.ID, "wb-query").is_displayed()
    click_and_load(browser, browser.find_element(
        by.CSS_SELECTOR, 'a[data-example="partnership-timeline"]'))
    rows = table_rows(browser)
    browser.save_screenshot(str(artifacts / "workbench-example.png"))
    assert len(rows) == 14
    assert rows[0] == ["1957", "Szczecin", "Poland"]
    assert "example=partnership-timeline" in browser.current_url
    assert len(browser.find_elements(by.CSS_SELECTOR, "#wb-timeline .event")) == 14


def test_run_button_and_map(browser: Any, live_server: Any, artifacts: Path) -> None:
    by = _by()
    browser.get(live_server.url + "/query?example=partner-cities-coordinates")
    click_and_load(browser, browser.find_element(by.CSS_SELECTOR, "#wb-form button[type=submit]"))
    rows = table_rows(browser)
    browser.save_screenshot(str(artifacts / "workbench-map.png"))
    assert len(rows) == 14
    assert len(browser.find_elements(by.CSS_SELECTOR, "#wb-map svg.map g.point")) == 14


def test_glance(browser: Any, live_server: Any, artifacts: Path) -> None:
    by = _by()
    browser.get(live_server.url + "/glance")
    browser.save_screenshot(str(artifacts / "glance.png"))
    world = browser.find_elements(by.CSS_SELECTOR, "#map-world-figure g.point")
    assert len(world) == 14 + 5 + 1  # partner cities, friendship cities, the focal city
    events = browser.find_elements(by.CSS_SELECTOR, "#glance-timeline .event")
    assert len(events) == 14
    assert events[0].text.startswith("1957")
    browser.get(live_server.url + "/glance?lang=de")
    assert browser.find_element(by.TAG_NAME, "h1").text == "Rostock auf einen Blick"


def test_shared_link(browser: Any, live_server: Any, artifacts: Path) -> None:
    by = _by()
    set_width(browser, *WIDTHS["desktop"])
    browser.get(live_server.url + "/query?example=partnership-timeline")
    click_and_load(browser, browser.find_element(
        by.CSS_SELECTOR, "#wb-table thead th:nth-child(3) a"))
    sorted_rows = table_rows(browser)
    shared = browser.find_element(by.CSS_SELECTOR, ".wb-share a").get_attribute("href")
    browser.get("about:blank")
    browser.get(shared)
    browser.save_screenshot(str(artifacts / "workbench-shared.png"))
    assert table_rows(browser) == sorted_rows
    countries = [r[2] for r in sorted_rows]
    assert countries == sorted(countries)
