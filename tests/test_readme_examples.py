"""The README's examples do what the README says: the curl query lists the focal city's partners
(never the focal city itself), and with ``base_iri`` set to the server's address the data IRIs
dereference on that server."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from citygraph.app import create_app
from citygraph.config import Config, load_config
from tests.helpers import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def curl_query() -> str:
    """The query of the README's curl example against /sparql."""
    found = re.search(r"curl -H 'Accept: text/csv' --data-urlencode 'query=(.*?)' http", README,
                      re.S)
    assert found, "the README has no curl example"
    return found.group(1)


def test_readme_curl_example_lists_each_partner_once(config: Config) -> None:
    app = create_app(config)
    try:
        response = app.test_client().post("/sparql", data={"query": curl_query()},
                                          headers={"Accept": "text/csv"})
    finally:
        app.extensions["citygraph"].executor.close()
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    partners = [r["partner"] for r in rows]
    assert len(partners) == 14 == len(set(partners))  # 14 twinnings (data/partnerships.ttl)
    assert "Rostock" not in partners
    assert partners[0] == "Szczecin" and [r["since"] for r in rows] == sorted(
        r["since"] for r in rows)


def test_local_base_iri_makes_data_iris_dereference_locally(tmp_path: Path) -> None:
    """README: build and serve with CITYGRAPH_BASE_IRI set to the server's own address."""
    base = "http://localhost/"
    store = tmp_path / "local-store"
    run_cli("build", "--store", str(store), "--no-dumps", env={"CITYGRAPH_BASE_IRI": base},
            check=True)
    app = create_app(load_config(env={}, store=store, project_dir=ROOT, base_iri=base,
                                 fair_use_loopback=False))
    try:
        client = app.test_client()
        thing = client.get("/id/relation/rostock-turku")
        assert thing.status_code == 303
        assert thing.headers["Location"].endswith("/doc/relation/rostock-turku")
        doc = client.get("/doc/relation/rostock-turku", headers={"Accept": "text/turtle"})
        assert doc.status_code == 200
        assert f"<{base}id/relation/rostock-turku>" in doc.get_data(as_text=True)
    finally:
        app.extensions["citygraph"].executor.close()
