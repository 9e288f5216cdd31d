"""The workbench in a real headless Chromium (Selenium), with the YASGUI CDN unreachable:
the server-rendered form, table, map and timeline must work on their own.

Screenshots go to $CITYGRAPH_ARTIFACTS (default: pytest's tmp_path), which CI keeps.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "chromium"  # Debian's packages chromium and
CHROMEDRIVER = shutil.which("chromedriver") or "chromedriver"  # chromium-driver
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--window-size=1280,1600",
         # No network beyond the local test server: the YASGUI CDN is unreachable.
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if missing:
        pytest.skip(f"chromium/chromedriver not installed: {', '.join(missing)} missing")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    profile = tempfile.mkdtemp(prefix="citygraph-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options,
                              service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture()
def artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CITYGRAPH_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _by() -> Any:
    from selenium.webdriver.common.by import By

    return By


def click_and_load(driver: Any, element: Any) -> None:
    """Click a link or button and wait until the next page has replaced this one."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    # Mark the current document; the next one has no mark. (Waiting for the old <html> to go
    # stale races with Chrome's inspector while the page is being replaced.)
    driver.execute_script("window.citygraphOldPage = true;")
    element.click()
    WebDriverWait(driver, 30, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script("return window.citygraphOldPage === undefined "
                                   "&& document.readyState === 'complete'"))


def table_rows(driver: Any) -> list[list[str]]:
    by = _by()
    rows = driver.find_elements(by.CSS_SELECTOR, "#wb-table tbody tr")
    return [[td.text for td in row.find_elements(by.TAG_NAME, "td")] for row in rows]


def test_click_an_example(browser: Any, live_server: Any, artifacts: Path) -> None:
    by = _by()
    browser.get(live_server.url + "/query")
    textarea = browser.find_element(by.ID, "wb-query")
    assert textarea.is_displayed()  # without YASGUI the plain form stays
    assert browser.execute_script("return typeof window.Yasgui") == "undefined"
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
    assert len(browser.find_elements(by.CSS_SELECTOR, "svg.wb-map circle.point")) == 14


def test_glance(browser: Any, live_server: Any, artifacts: Path) -> None:
    by = _by()
    browser.get(live_server.url + "/glance")
    browser.save_screenshot(str(artifacts / "glance.png"))
    circles = browser.find_elements(by.CSS_SELECTOR, "#glance-map circle.point")
    assert len(circles) == 14 + 5  # partner cities and friendship cities
    events = browser.find_elements(by.CSS_SELECTOR, "#glance-timeline .event")
    assert len(events) == 14
    assert events[0].text.startswith("1957")
    browser.get(live_server.url + "/glance?lang=de")
    assert browser.find_element(by.TAG_NAME, "h1").text == "Rostock auf einen Blick"


def test_shared_link(browser: Any, live_server: Any, artifacts: Path) -> None:
    by = _by()
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
