"""Files of a subgraph for the tools researchers use: GraphML, GEXF, CSV, node-link JSON.

Every node carries its labels, coordinates and country; every edge its relation, relation type,
dates, status, the named graph it comes from and its source pages. GraphML and GEXF are
written by networkx (Gephi, igraph and R read both); CSV node and edge lists are plain RFC 4180.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

import networkx as nx

from citygraph.network.model import Network
from citygraph.network.subgraphs import Subgraph


@dataclass(frozen=True)
class FileFormat:
    name: str
    content_type: str
    extension: str


FORMATS = {f.name: f for f in (
    FileFormat("graphml", "application/graphml+xml", "graphml"),
    FileFormat("gexf", "application/gexf+xml", "gexf"),
    FileFormat("csv-edges", "text/csv; charset=utf-8", "edges.csv"),
    FileFormat("csv-nodes", "text/csv; charset=utf-8", "nodes.csv"),
    FileFormat("json", "application/json", "json"),
)}
NODE_FIELDS = ("id", "label", "label_en", "label_de", "lat", "long", "country", "country_label",
               "level")
EDGE_FIELDS = ("source", "target", "source_label", "target_label", "relation", "relation_type",
               "relation_type_label", "start_date", "end_date", "status", "dated", "graph",
               "sources")


def node_rows(net: Network, sub: Subgraph, lang: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for iri in sub.nodes:
        node = net.nodes.get(iri)
        country = node.country if node else None
        rows.append({
            "id": iri, "label": net.label(iri, lang),
            "label_en": node.labels.get("en") if node else None,
            "label_de": node.labels.get("de") if node else None,
            "lat": node.lat if node else None, "long": node.long if node else None,
            "country": country, "country_label": net.label(country, lang) if country else None,
            "level": sub.levels.get(iri)})
    return rows


def edge_rows(net: Network, sub: Subgraph, lang: str) -> list[dict[str, object]]:
    return [{
        "source": e.a, "target": e.b, "source_label": net.label(e.a, lang),
        "target_label": net.label(e.b, lang), "relation": e.relation,
        "relation_type": e.type, "relation_type_label": net.label(e.type, lang),
        "start_date": e.start, "end_date": e.end, "status": e.status,
        "dated": e.start_year is not None, "graph": e.graph, "sources": " ".join(e.sources),
    } for e in sub.edges]


def to_networkx(net: Network, sub: Subgraph, lang: str) -> nx.MultiGraph:
    """A MultiGraph (two authorities may share several relations) without None attributes."""
    graph = nx.MultiGraph()
    for row in node_rows(net, sub, lang):
        graph.add_node(row["id"], **{k: v for k, v in row.items() if v is not None and k != "id"})
    for row in edge_rows(net, sub, lang):
        attrs = {k: v for k, v in row.items() if v is not None and k not in ("source", "target")}
        graph.add_edge(row["source"], row["target"], key=row["relation"], **attrs)
    return graph


def _csv(rows: list[dict[str, object]], fields: tuple[str, ...]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return out.getvalue().encode("utf-8")


def render(net: Network, sub: Subgraph, fmt: str, lang: str = "en") -> bytes:
    """The subgraph as a file in ``fmt`` (a key of FORMATS)."""
    if fmt == "csv-nodes":
        return _csv(node_rows(net, sub, lang), NODE_FIELDS)
    if fmt == "csv-edges":
        return _csv(edge_rows(net, sub, lang), EDGE_FIELDS)
    graph = to_networkx(net, sub, lang)
    graph.graph["drawn_from_graphs"] = " ".join(sub.graphs())
    graph.graph["relation_types"] = " ".join(sub.types())
    if fmt == "json":
        data = nx.node_link_data(graph, edges="edges")
        return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    out = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(graph, out, encoding="utf-8")
    elif fmt == "gexf":
        nx.write_gexf(graph, out, encoding="utf-8")
    else:
        raise ValueError(f"unknown network file format {fmt!r}")
    return out.getvalue()


# The whole network as files of the dumps (publishing/dumps.py): dump format name, the format
# here and the media type the file is served and catalogued with (IANA-registered types).
DUMP_FILES = (("network-graphml", "graphml", "application/xml"),
              ("network-gexf", "gexf", "application/xml"),
              ("network-csv-edges", "csv-edges", "text/csv"),
              ("network-csv-nodes", "csv-nodes", "text/csv"),
              ("network-json", "json", "application/json"))


def whole_network_files(store: object) -> list[tuple[str, str, str, bytes, int]]:
    """(dump format, extension, media type, bytes, relations) of the whole network."""
    from citygraph.network.model import extract, store_select
    from citygraph.network.subgraphs import whole

    net = extract(store_select(store))
    sub = whole(net)
    return [(name, "network." + FORMATS[fmt].extension, media, render(net, sub, fmt),
             len(sub.edges)) for name, fmt, media in DUMP_FILES]
