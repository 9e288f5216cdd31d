"""Five tasks of a first-time visitor, each clicked from the home page in Chromium (nothing
typed into the address bar after the home page): the answer must be reachable by links.
Downloads are checked by fetching the link the visitor would click.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.browser_harness import WIDTHS, artifacts_dir, click_and_load, set_width

pytestmark = [pytest.mark.browser, pytest.mark.server]


def by() -> Any:
    from selenium.webdriver.common.by import By

    return By


@pytest.fixture()
def home(browser: Any, live_server: Any, tmp_path: Path) -> Any:
    set_width(browser, *WIDTHS["desktop"])
    browser.get(live_server.url + "/")
    return browser


def link(driver: Any, css: str, text: str) -> Any:
    """The first link under ``css`` whose text contains ``text``."""
    found = [a for a in driver.find_elements(by().CSS_SELECTOR, f"{css} a") if text in a.text]
    assert found, f"no link with '{text}' under {css} on {driver.current_url}"
    return found[0]


def row_of(driver: Any, table_css: str, heading: str) -> Any:
    for row in driver.find_elements(by().CSS_SELECTOR, f"{table_css} tr"):
        th = row.find_elements(by().TAG_NAME, "th")
        if th and th[0].text.strip() == heading:
            return row
    raise AssertionError(f"no row '{heading}' in {table_css} on {driver.current_url}")


def test_a_raleigh_start_year_and_its_source(home: Any, tmp_path: Path) -> None:
    click_and_load(home, link(home, "section[aria-labelledby=relations]",
                              "Raleigh town twinning"))
    assert home.find_element(by().TAG_NAME, "h1").text == "Rostock–Raleigh town twinning"
    assert "2001" in row_of(home, ".ld-facts", "Since").text
    sources = row_of(home, "section[aria-labelledby=statements] table", "start date")
    cited = sources.find_elements(by().CSS_SELECTOR, "td:last-child a")
    assert cited and all(a.get_attribute("href").startswith("http") for a in cited)
    assert all(a.get_attribute("title") for a in cited)  # each source named by its title
    home.save_screenshot(str(artifacts_dir(tmp_path) / "task-a-raleigh.png"))


def test_b_all_partner_cities_on_a_map(home: Any, tmp_path: Path) -> None:
    click_and_load(home, link(home, ".site-nav", "Map"))
    world = home.find_element(by().ID, "map-world-figure")
    assert world.is_displayed()
    assert len(world.find_elements(by().CSS_SELECTOR, "g.point.partner")) == 14
    assert len(world.find_elements(by().CSS_SELECTOR, "g.point.focal")) == 1
    legend = world.find_element(by().CSS_SELECTOR, ".map-legend").text
    assert "Partner city" in legend and "Rostock" in legend
    home.save_screenshot(str(artifacts_dir(tmp_path) / "task-b-map.png"))


def test_c_networks_of_the_focal_city(home: Any, tmp_path: Path) -> None:
    intro = home.find_element(by().CSS_SELECTOR, "main > p")
    click_and_load(home, intro.find_element(by().TAG_NAME, "a"))
    assert home.find_element(by().TAG_NAME, "h1").text == "Rostock"
    networks = row_of(home, ".ld-facts", "Networks").find_elements(by().TAG_NAME, "a")
    names = {a.text for a in networks}
    assert len(names) == 4 and "Union of the Baltic Cities" in names
    home.save_screenshot(str(artifacts_dir(tmp_path) / "task-c-networks.png"))


def test_d_full_dump_in_turtle(home: Any, tmp_path: Path) -> None:
    click_and_load(home, link(home, ".site-nav", "Data"))
    turtle = link(home, ".dump-list", "Turtle")
    item = turtle.find_element(by().XPATH, "./ancestor::li")
    assert "Turtle" in item.text and ("kB" in item.text or "MB" in item.text)  # says its size
    assert turtle.get_attribute("download") is not None
    response = requests.get(turtle.get_attribute("href"), timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/turtle")
    assert "@prefix" in response.text[:2000]
    home.save_screenshot(str(artifacts_dir(tmp_path) / "task-d-dump.png"))


def test_e_example_answer_as_csv(home: Any, tmp_path: Path) -> None:
    click_and_load(home, link(home, "section[aria-labelledby=examples]",
                              "Partner cities with country"))
    rows = home.find_elements(by().CSS_SELECTOR, "#wb-table tbody tr")
    assert len(rows) == 14
    # The results come right after the editor, before the example library.
    results_y = home.find_element(by().ID, "results").location["y"]
    assert results_y < home.find_element(by().ID, "examples").location["y"]
    download = link(home, ".wb-share", "CSV")
    response = requests.get(download.get_attribute("href"), timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.text)))
    assert table[0] == ["city", "name", "country", "since"] and len(table) == 15
    home.save_screenshot(str(artifacts_dir(tmp_path) / "task-e-csv.png"))


def test_search_from_the_header(home: Any) -> None:
    box = home.find_element(by().ID, "site-q")
    box.send_keys("arhus")
    click_and_load(home, home.find_element(by().CSS_SELECTOR, ".site-search button"))
    hits = home.find_elements(by().CSS_SELECTOR, ".search-results a")
    assert hits and hits[0].text == "Aarhus"  # accent-insensitive: Århus
