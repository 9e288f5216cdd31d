"""Change sets: `citygraph diff`, the summary `build` prints, /changes (Activity Streams 2.0)
with its patch files, the catalogue entry, and Last-Modified of the build a thing changed in."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from click.testing import CliRunner, Result

from citygraph.app import create_app
from citygraph.cli import main
from citygraph.config import load_config
from tests.helpers import ROOT

TURKU = "https://w3id.org/citygraph/id/relation/rostock-turku"


def cli(*args: str, env: dict[str, str]) -> Result:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("changes") / "project"
    for name in ("ontology", "shapes", "data"):
        shutil.copytree(ROOT / name, root / name)
    env = {"CITYGRAPH_PROJECT_DIR": str(root), "CITYGRAPH_STORE": str(root / "store")}
    first = cli("build", "--skip-validation", "--no-dumps", env=env)
    assert first.exit_code == 0, first.output
    partnerships = root / "data" / "partnerships.ttl"
    text = partnerships.read_text(encoding="utf-8")
    assert text.count('"1959"^^xsd:gYear') == 2  # the fact and its cg:Statement
    partnerships.write_text(text.replace('"1959"^^xsd:gYear', '"1960"^^xsd:gYear'), "utf-8")
    diff = cli("diff", "--patch", str(root / "p.rdfp"), "--added", str(root / "a.nq"),
               "--removed", str(root / "r.nq"), env=env)
    time.sleep(1.1)  # build times have a resolution of one second
    second = cli("build", "--skip-validation", "--no-dumps", env=env)
    assert second.exit_code == 0, second.output
    config = load_config(env={}, store=root / "store", project_dir=root)
    app = create_app(config)
    yield {"root": root, "env": env, "diff": diff, "second": second,
           "client": app.test_client()}
    app.extensions["citygraph"].executor.close()


def test_diff_shows_the_change_by_graph_and_thing_with_patch_files(
        two_builds: dict[str, Any]) -> None:
    diff, root = two_builds["diff"], two_builds["root"]
    assert diff.exit_code == 0, diff.output
    assert "changes since" in diff.output  # derived graphs (network measures) may change too
    assert "graph:partnerships  +1 −1" in diff.output
    assert "Rostock–Turku town twinning (id/relation/rostock-turku)  +1 −1" in diff.output
    patch = (root / "p.rdfp").read_text(encoding="utf-8").splitlines()
    assert patch[-1] == "TC ."
    assert any(line.startswith(f"D <{TURKU}> <https://schema.org/startDate> \"1959\"")
               for line in patch)
    assert any(line.startswith(f"A <{TURKU}> <https://schema.org/startDate> \"1960\"")
               for line in patch)
    assert '"1960"' in (root / "a.nq").read_text() and '"1959"' in (root / "r.nq").read_text()


def test_build_prints_the_summary(two_builds: dict[str, Any]) -> None:
    out = two_builds["second"].output
    assert "changes since" in out and "graph:partnerships  +1 −1" in out
    assert "rostock-turku" in out


def test_changes_collection_and_pages(two_builds: dict[str, Any]) -> None:
    client = two_builds["client"]
    response = client.get("/changes")
    assert response.status_code == 200
    assert response.content_type.startswith("application/ld+json")
    collection = response.get_json()
    assert collection["type"] == "OrderedCollection" and collection["totalItems"] == 2
    assert collection["@context"] == "https://www.w3.org/ns/activitystreams"
    newest = client.get(collection["first"].replace("http://localhost", "")).get_json()
    assert newest["type"] == "OrderedCollectionPage" and "next" in newest
    links = {link["mediaType"]: link["href"] for link in newest["orderedItems"][0]["url"]}
    patch = client.get(links["application/rdf-patch"].replace("http://localhost", ""))
    assert patch.status_code == 200 and patch.content_type == "application/rdf-patch"
    assert f"A <{TURKU}> <https://schema.org/startDate> \"1960\"" in patch.get_data(as_text=True)
    graphs = {item["object"]["id"] for item in newest["orderedItems"][1:]}
    assert "https://w3id.org/citygraph/graph/partnerships" in graphs
    assert "https://w3id.org/citygraph/graph/friendships" not in graphs
    older = client.get(newest["next"].replace("http://localhost", "")).get_json()
    assert older["prev"] == newest["id"] and "next" not in older
    assert client.get("/changes/20000101T000000-000000").status_code == 404
    assert client.get("/changes/..%2F..%2Fetc/passwd").status_code == 404


def test_catalogue_and_void_list_the_changes(two_builds: dict[str, Any]) -> None:
    client = two_builds["client"]
    catalogue = client.get("/catalog", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "/changes>" in catalogue and "activitystreams-core" in catalogue
    void = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert "/changes>" in void.get_data(as_text=True)


def test_entities_carry_the_time_they_last_changed(two_builds: dict[str, Any]) -> None:
    client = two_builds["client"]
    changed = client.get("/doc/relation/rostock-turku.ttl")
    unchanged = client.get("/doc/relation/rostock-szczecin.ttl")
    assert changed.status_code == unchanged.status_code == 200
    changed_at = parsedate_to_datetime(changed.headers["Last-Modified"])
    unchanged_at = parsedate_to_datetime(unchanged.headers["Last-Modified"])
    assert changed_at > unchanged_at
    again = client.get("/doc/relation/rostock-szczecin.ttl",
                       headers={"If-Modified-Since": unchanged.headers["Last-Modified"]})
    assert again.status_code == 304


def test_diff_between_two_kept_builds(two_builds: dict[str, Any]) -> None:
    root, env = two_builds["root"], two_builds["env"]
    builds = sorted(p.name for p in (root / "store" / "changes").iterdir())
    result = cli("diff", "--from", builds[0], "--to", builds[1], env=env)
    assert result.exit_code == 0, result.output
    assert "graph:partnerships  +1 −1" in result.output and "rostock-turku" in result.output
    result = cli("diff", "--from", "no-such-build", env=env)
    assert result.exit_code == 1 and "no build 'no-such-build'" in result.output
