"""Any city: a second, small city built from a fixture directory with ``--data`` shows its own
name, and never Rostock's, on every page that names the city (the dataset description)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from citygraph.app import create_app
from citygraph.cli import main
from citygraph.config import load_config
from tests.helpers import FIXTURES, ROOT

SECOND_CITY = FIXTURES / "second-city"
PAGES = ["/", "/?lang=de", "/glance", "/glance?lang=de", "/catalog.ttl",
         "/.well-known/void.ttl", "/sparql", "/sparql?format=turtle",
         "/doc/city/musterstadt", "/doc/city/testhausen?lang=de",
         "/doc/relation/musterstadt-testhausen", "/doc/city/musterstadt.ttl",
         "/network/", "/network/city?city=Musterstadt&depth=2", "/network/ranking/degree"]


@pytest.fixture(scope="module")
def second_city_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    store = tmp_path_factory.mktemp("second-city") / "store"
    result = CliRunner().invoke(main, ["build", "--data", str(SECOND_CITY), "--store",
                                       str(store), "--no-dumps"])
    assert result.exit_code == 0, result.output
    config = load_config(env={}, store=store, project_dir=ROOT, data_dir=SECOND_CITY,
                         fair_use_loopback=False, query_timeout=10.0)
    app = create_app(config)
    yield app
    app.extensions["citygraph"].executor.close()


@pytest.fixture()
def client(second_city_app: Flask) -> FlaskClient:
    return second_city_app.test_client()


@pytest.mark.parametrize("path", PAGES)
def test_the_second_city_is_named_and_rostock_never(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"} if "." not in path else {})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    body = response.get_data(as_text=True)
    assert "Musterstadt" in body
    assert not re.search("rostock", body, re.IGNORECASE), path


def test_home_page_title_and_introduction_come_from_the_dataset_description(
        client: FlaskClient) -> None:
    body = client.get("/?lang=de").get_data(as_text=True)
    assert "<title>citygraph – Städtepartnerschaften von Musterstadt" in body
    assert "Ein kleiner Graph der Städtepartnerschaften von Musterstadt." in body


def test_catalogue_takes_publisher_licence_and_originator_from_the_data(
        client: FlaskClient) -> None:
    body = client.get("/catalog.ttl").get_data(as_text=True)
    assert "Musterstadt-Testprojekt" in body
    assert "<http://dcat-ap.de/def/licenses/cc-zero>" in body
    assert "dcatde:originator <https://w3id.org/citygraph/id/city/musterstadt>" in body


def test_a_data_directory_without_a_dataset_description_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "relations.ttl").write_bytes((SECOND_CITY / "relations.ttl").read_bytes())
    result = CliRunner().invoke(main, ["build", "--data", str(data), "--store",
                                       str(tmp_path / "store"), "--no-dumps"])
    assert result.exit_code == 1
    assert "no dataset description" in result.output
    assert not (tmp_path / "store").exists()


def test_data_dir_comes_from_the_environment(tmp_path: Path) -> None:
    config = load_config(env={"CITYGRAPH_DATA_DIR": str(SECOND_CITY)})
    assert config.data_path == SECOND_CITY
    assert load_config(env={}).data_path == load_config(env={}).project_dir / "data"
