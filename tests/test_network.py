"""The relation network: measures in SPARQL, the /network/ pages, the files (loaded in networkx
and pandas) and ``citygraph network``, for the shipped data and with an imported graph."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pytest

from citygraph.app import create_app
from citygraph.config import Config, load_config
from tests.helpers import FIXTURES, ROOT, run_cli

CITY = "https://w3id.org/citygraph/id/city/"
ROSTOCK, TURKU, RIGA = CITY + "rostock", CITY + "turku", CITY + "riga"
IMPORT_GRAPH = "https://example.org/network-import/graph"
NORDIC = ("aarhus", "bergen", "goeteborg", "turku")
CG = "PREFIX cg: <https://w3id.org/citygraph/def#>\n"


@pytest.fixture(scope="module")
def import_store(store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped data plus an imported graph of relations among four partner cities."""
    store = tmp_path_factory.mktemp("network") / "store"
    shutil.copytree(store_dir, store, symlinks=True)
    run_cli("add", "--graph", IMPORT_GRAPH, str(FIXTURES / "network" / "nordic-import.ttl"),
            "--store", str(store), check=True)
    return store


@pytest.fixture(scope="module")
def import_client(import_store: Path) -> Iterator[Any]:
    config = load_config(env={}, store=import_store, project_dir=ROOT, fair_use_loopback=False,
                         query_timeout=10.0)
    app = create_app(config)
    yield app.test_client()
    app.extensions["citygraph"].executor.close()


def select(client: Any, query: str) -> list[dict[str, str]]:
    response = client.post("/sparql", data={"query": query},
                           headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.data
    return [{k: v["value"] for k, v in row.items()}
            for row in response.get_json()["results"]["bindings"]]


def html(client: Any, url: str, status: int = 200) -> str:
    response = client.get(url, headers={"Accept": "text/html"})
    assert response.status_code == status, response.data[:300]
    text: str = response.data.decode()
    return text


def test_measures_are_data_in_their_own_graph(client: Any, config: Config) -> None:
    graph = f"{config.base_iri}graph/network-measures"
    rows = select(client, CG + f"SELECT ?d ?b WHERE {{ GRAPH <{graph}> {{ <{ROSTOCK}> "
                               "cg:degree ?d ; cg:betweenness ?b } }")
    assert rows == [{"d": "19", "b": rows[0]["b"]}] and float(rows[0]["b"]) > 0
    about = select(client, CG + f"SELECT ?p ?o WHERE {{ GRAPH <{graph}> {{ ?a a "
                                "cg:NetworkAnalysis ; ?p ?o } }")
    values = {(r["p"].rsplit("#", 1)[-1].rsplit("/", 1)[-1], r["o"]) for r in about}
    assert ("drawnFromGraph", f"{config.base_iri}graph/partnerships") in values
    assert ("drawnFromGraph", f"{config.base_iri}graph/friendships") in values
    assert ("complete", "false") in values
    assert any(p == "note" and "Incomplete network" in o for p, o in values)
    assert any(p == "description" and "Louvain" in o for p, o in values)
    kinds = select(client, CG + f"SELECT DISTINCT ?k WHERE {{ GRAPH <{graph}> {{ <{ROSTOCK}> "
                                "cg:strength/cg:relationType ?k } }")
    assert {r["k"].rsplit("/", 1)[-1] for r in kinds} == {"partnership", "friendship"}


def test_ego_page_names_partners_sources_and_filters(client: Any) -> None:
    page = html(client, f"/network/city?city={ROSTOCK}&lang=en")
    for name in ("Szczecin", "Turku", "Karlskrona", "partnerships", "friendships",
                 "town twinning", "<svg", "GraphML", "Measures of this city", "Degree: 19"):
        assert name in page
    friends = html(client, "/network/city?city=Rostock&type="
                   "https://w3id.org/citygraph/def/relation-type/friendship")
    assert "Karlskrona" in friends and "Szczecin" not in friends
    until = html(client, "/network/city?city=Rostock&until=1960")
    assert "Turku" in until and "Guldborgsund" not in until
    german = html(client, "/network/city?city=Rostock&lang=de")
    assert "Stettin" in german and "Netz um eine Stadt" in german


def test_views_of_the_shipped_network(client: Any) -> None:
    path = html(client, "/network/path?from=Turku&to=Riga")
    assert "Rostock" in path and "1 shortest paths of 2 links" in path
    assert "rathaus.rostock.de" in path  # each hop's source
    members = html(client, "/network/members?network=https://w3id.org/citygraph/id/network/"
                   "icncm")
    assert "International City Network for Crisis Management" in members
    assert "Rostock" in members
    countries = html(client, "/network/countries")
    assert "Germany" in countries and "Finland" in countries
    timeline = html(client, "/network/timeline")
    assert ">1957<" in timeline and "Undated relations" in timeline
    year = html(client, "/network/year?year=1960")
    assert "Turku" in year and "Guldborgsund" not in year
    for measure in ("degree", "betweenness", "clusteringCoefficient", "strength", "component",
                    "community"):
        ranking = html(client, f"/network/ranking/{measure}")
        assert "Rostock" in ranking and "Incomplete network" in ranking


@pytest.mark.parametrize(("url", "status", "words"), [
    ("/network/city?city=Atlantis", 404, "no city called 'Atlantis'"),
    ("/network/city?city=Rostock&depth=3", 400, "'depth' is 1"),
    ("/network/city", 400, "give a city"),
    ("/network/year?year=19x0", 400, "must be a year"),
    ("/network/city?city=Rostock&format=xls", 400, "unknown file format"),
    ("/network/city?city=Rostock&graph=https://example.org/none", 400, "unknown source graph"),
    ("/network/ranking/fame", 404, "no measure 'fame'"),
    ("/network/members?network=https://example.org/none", 404, "no city network"),
])
def test_bad_input_is_explained(client: Any, url: str, status: int, words: str) -> None:
    response = client.get(url, headers={"Accept": "application/json"})
    assert response.status_code == status
    assert words in response.get_json()["message"]


def test_files_load_in_networkx_and_pandas(client: Any) -> None:
    url = f"/network/city?city={ROSTOCK}&depth=2&format="
    graphs = [nx.read_graphml(io.BytesIO(client.get(url + "graphml").data)),
              nx.read_gexf(io.BytesIO(client.get(url + "gexf").data)),
              nx.node_link_graph(json.loads(client.get(url + "json").data), edges="edges")]
    for graph in graphs:
        assert graph.number_of_nodes() == 20 and graph.number_of_edges() == 19
        turku = dict(graph.nodes[TURKU])
        assert turku["label"] == "Turku" and float(turku["lat"]) > 60
        data = graph.get_edge_data(ROSTOCK, TURKU)
        edge = next(iter(data.values())) if graph.is_multigraph() else data
        assert edge["start_date"] in ("1959", 1959) and "rathaus.rostock.de" in edge["sources"]
        assert edge["relation_type"].endswith("/partnership") and edge["graph"].endswith(
            "graph/partnerships")
    response = client.get(url + "csv-edges")
    assert response.headers["Content-Disposition"] == 'attachment; filename="ego-2.edges.csv"'
    edges = pd.read_csv(io.BytesIO(response.data))
    nodes = pd.read_csv(io.BytesIO(client.get(url + "csv-nodes").data))
    assert len(edges) == 19 and len(nodes) == 20
    assert set(edges["target_label"]) >= {"Turku", "Szczecin"}
    assert edges["sources"].str.contains("https://").all()
    assert nodes.set_index("id").loc[RIGA, "country_label"] == "Latvia"


def test_an_imported_graph_joins_the_network(import_client: Any, config: Config) -> None:
    page = html(import_client, f"/network/city?city={ROSTOCK}")
    assert "network-import" in page.split('id="drawn-from"')[1].split("</section>")[0]
    pairs = select(import_client, (ROOT / "src/citygraph/queries/"
                                   "38-partners-twinned-with-each-other.rq").read_text())
    assert {(r["cityA"], r["cityB"]) for r in pairs} == {
        ("Aarhus", "Bergen"), ("Aarhus", "Gothenburg"), ("Aarhus", "Turku"),
        ("Bergen", "Gothenburg"), ("Bergen", "Turku"), ("Gothenburg", "Turku")}
    # Measures were recomputed on the larger network: Turku's partners are linked now.
    graph = f"{config.base_iri}graph/network-measures"
    rows = select(import_client, CG + f"SELECT ?c WHERE {{ GRAPH <{graph}> {{ <{TURKU}> "
                                      "cg:clusteringCoefficient ?c } }")
    assert float(rows[0]["c"]) > 0.5
    # The imported relations have no dates: a year view keeps them, marked undated.
    year = html(import_client, "/network/year?year=1970")
    assert "Undated relations (6)" in year
    one_hop = select(import_client, (ROOT / "src/citygraph/queries/"
                                     "40-one-intermediary.rq").read_text())
    assert one_hop == []  # every Nordic city is also Rostock's own partner
    ego = import_client.get(f"/network/city?city={TURKU}&graph={IMPORT_GRAPH}&format=json")
    data = json.loads(ego.data)
    assert len(data["edges"]) == 6 and {e["graph"] for e in data["edges"]} == {IMPORT_GRAPH}
    assert data["graph"]["drawn_from_graphs"] == IMPORT_GRAPH


def test_cli_writes_each_format(store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "ego.graphml"
    result = run_cli("network", "--around", ROSTOCK, "--depth", "2", "--format", "graphml",
                     "--out", str(out), "--store", str(store_dir))
    assert result.returncode == 0, result.stderr
    assert nx.read_graphml(out).number_of_edges() == 19
    csv_out = tmp_path / "net.csv"
    result = run_cli("network", "--year", "1965", "--format", "csv", "--out", str(csv_out),
                     "--store", str(store_dir))
    assert result.returncode == 0, result.stderr
    edges, nodes = pd.read_csv(csv_out), pd.read_csv(tmp_path / "net.nodes.csv")
    assert set(edges["start_date"].astype(str)) <= {str(y) for y in range(1900, 1966)}
    assert "Riga" in set(nodes["label"])
    bad = run_cli("network", "--around", CITY + "atlantis", "--format", "gexf", "--out",
                  str(tmp_path / "x.gexf"), "--store", str(store_dir))
    assert bad.returncode == 1 and "is not a city of the relation network" in bad.stderr
    assert not (tmp_path / "x.gexf").exists()


def test_synth_makes_a_network_of_the_size_asked_for(tmp_path: Path) -> None:
    out = tmp_path / "synthetic.nt"
    result = run_cli("synth", "--cities", "600", "--relations", "1000", "--out", str(out))
    assert result.returncode == 0, result.stderr
    partners = sum(1 for line in out.read_text().splitlines()
                   if "<https://w3id.org/citygraph/def#partner>" in line)
    assert 900 <= partners // 2 <= 1100


def test_dumps_hold_the_whole_network(client: Any) -> None:
    listing = client.get("/dumps/", headers={"Accept": "application/json"}).get_json()
    names = {f["format"]: f for f in listing["files"]}
    graphml = client.get("/dumps/latest.network.graphml", follow_redirects=True)
    graph = nx.read_graphml(io.BytesIO(graphml.data))
    assert graph.number_of_edges() == names["network-graphml"]["triples"] == 19
    edges = pd.read_csv(io.BytesIO(client.get("/dumps/latest.network.edges.csv",
                                              follow_redirects=True).data))
    assert len(edges) == 19 and edges["graph"].str.endswith("graph/partnerships").sum() == 14


def test_pages_and_files_carry_the_build_validators(client: Any) -> None:
    for url in ("/network/city?city=Rostock", "/network/city?city=Rostock&format=gexf"):
        first = client.get(url)
        assert first.status_code == 200 and first.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
    other = client.get("/network/city?city=Turku")
    assert other.headers["ETag"] != client.get("/network/city?city=Rostock").headers["ETag"]


def test_shortest_paths_agree_with_networkx() -> None:
    import random

    from citygraph.network.model import Edge, Network, Node
    from citygraph.network.subgraphs import paths

    rng = random.Random(7)
    pairs = {tuple(sorted(rng.sample(range(300), 2))) for _ in range(450)}
    edges = [Edge(i, f"r{i}", f"c{a}", f"c{b}", "g") for i, (a, b) in enumerate(sorted(pairs))]
    net = Network({f"c{i}": Node(f"c{i}") for i in range(300)}, edges, {}, {})
    graph = nx.Graph((e.a, e.b) for e in edges)
    graph.add_nodes_from(net.nodes)
    for _ in range(40):
        a, b = (f"c{n}" for n in rng.sample(range(300), 2))
        found, total = paths(net, a, b)
        try:
            expected = {tuple(p) for p in nx.all_shortest_paths(graph, a, b)}
        except nx.NetworkXNoPath:
            expected = set()
        assert total == len(expected)
        walked = set()
        for path in found:
            node, nodes = a, [a]
            for edge in path:
                node = edge.other(node)
                nodes.append(node)
            walked.add(tuple(nodes))
        assert walked <= expected and len(walked) == min(total, 20)
