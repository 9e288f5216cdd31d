"""The remote backend: an existing SPARQL 1.1 server (Virtuoso, Fuseki, QLever …) instead of
the embedded store, for data that outgrows one machine. No home-made engine: the server
evaluates; citygraph keeps its rules in front of it (read-only, no SERVICE, time limit, row
limit, content negotiation) and re-serialises the answers with its own writers.

Protocol: https://www.w3.org/TR/sparql11-protocol/ (query and update operations).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
import requests
from requests.auth import HTTPDigestAuth

from citygraph.config import Config
from citygraph.errors import BadQuery, ConfigError, StoreError
from citygraph.formats import Kind
from citygraph.namespaces import CG
from citygraph.sparql import results
from citygraph.sparql.engine import Answer, Dataset, QueryJob, pick
from citygraph.sparql.guard import query_form
from citygraph.store import BuildInfo


@dataclass(frozen=True)
class RemoteSettings:
    query_url: str
    update_url: str
    graph_store_url: str
    user: str
    password: str
    base_iri: str
    timeout: float

    @property
    def meta_graph(self) -> str:
        return self.base_iri + "graph/citygraph-build"


class RemoteStore:
    """Talks SPARQL 1.1 Protocol to one server; reads and writes citygraph's build metadata."""

    def __init__(self, settings: RemoteSettings) -> None:
        self.settings = settings
        self.session = requests.Session()
        if settings.user:
            self.session.auth = HTTPDigestAuth(settings.user, settings.password)

    def _post(self, url: str, data: dict[str, Any], accept: str) -> requests.Response:
        try:
            response = self.session.post(url, data=data, headers={"Accept": accept},
                                         timeout=self.settings.timeout + 5)
        except requests.RequestException as exc:
            raise StoreError(f"the SPARQL server at {url} cannot be reached: {exc}") from None
        if response.status_code == 400:
            raise BadQuery(f"the SPARQL server refused the query: {response.text[:300]}")
        if response.status_code >= 300:
            raise StoreError(f"the SPARQL server answered {response.status_code}: "
                             f"{response.text[:300]}")
        return response

    def select(self, query: str, dataset: Dataset | None = None) -> tuple[list[str], list[Any]]:
        data = {"query": query, **_dataset_params(dataset or Dataset())}
        body = self._post(self.settings.query_url, data, "application/sparql-results+json")
        doc = body.json()
        if "boolean" in doc:
            return [], [bool(doc["boolean"])]
        return list(doc["head"]["vars"]), list(doc["results"]["bindings"])

    def construct(self, query: str, dataset: Dataset) -> list[ox.Triple]:
        data = {"query": query, **_dataset_params(dataset)}
        body = self._post(self.settings.query_url, data, "text/turtle")
        return [ox.Triple(q.subject, q.predicate, q.object)
                for q in ox.parse(body.content, format=ox.RdfFormat.TURTLE)]

    def upload(self, graph: str, ntriples: str) -> None:
        """Add triples to a graph with the Graph Store Protocol (POST, §5.5 of the spec)."""
        url = self.settings.graph_store_url
        try:
            response = self.session.post(url, params={"graph-uri": graph, "graph": graph},
                                         data=ntriples.encode(), timeout=self.settings.timeout + 5,
                                         headers={"Content-Type": "application/n-triples"})
        except requests.RequestException as exc:
            raise StoreError(f"the graph store at {url} cannot be reached: {exc}") from None
        if response.status_code >= 300:
            raise StoreError(f"the graph store answered {response.status_code}: "
                             f"{response.text[:300]}")

    def update(self, text: str) -> None:
        self._post(self.settings.update_url or self.settings.query_url, {"update": text}, "*/*")

    def evaluate(self, job: QueryJob, prefixes: dict[str, str]) -> Answer:
        """Evaluate on the server (job.dataset already made explicit by ``effective``)."""
        dataset = job.dataset
        form = query_form(job.query)
        if form in ("SELECT", "ASK"):
            media = pick(job.accept, (Kind.RESULTS,))
            variables, rows = self.select(job.query, dataset)
            if form == "ASK":
                return Answer(results.ask(bool(rows[0]), media), media.name, "ask", 1, False)
            terms = [tuple(term(row.get(v)) for v in variables) for row in rows]
            cut = terms[:job.max_rows]
            body = results.select(variables, cut, media)
            return Answer(body, media.name, "select", len(cut), len(terms) > job.max_rows)
        media = pick(job.accept, (Kind.GRAPH, Kind.DATASET))
        triples = self.construct(job.query, dataset)
        cut_triples = triples[:job.max_rows]
        body = results.graph(cut_triples, media, prefixes)
        return Answer(body, media.name, "graph", len(cut_triples), len(triples) > job.max_rows)

    @staticmethod
    def effective(dataset: Dataset, info: BuildInfo) -> Dataset:
        """Without default-graph-uri, the default graph is the union of citygraph's graphs only
        (a server's own system graphs stay out of it, as they are not in the embedded store)."""
        if dataset.default_graphs or dataset.named_graphs:
            return dataset
        graphs = tuple(sorted(g for g in info.graphs if g))
        return Dataset(default_graphs=graphs, named_graphs=graphs)

    def dump(self, fmt: ox.RdfFormat) -> bytes:
        """All of citygraph's graphs on the server, as quads or merged triples."""
        graphs = " ".join(f"<{g}>" for g in self.build_info().graphs)
        _, rows = self.select("SELECT ?s ?p ?o ?g WHERE { VALUES ?g { " + graphs +
                              " } GRAPH ?g { ?s ?p ?o } }")
        quads = []
        for row in rows:
            s, p, o = (term(row[v]) for v in "spo")
            assert isinstance(s, ox.NamedNode | ox.BlankNode) and isinstance(p, ox.NamedNode)
            assert o is not None
            quads.append(ox.Quad(s, p, o, ox.NamedNode(row["g"]["value"])))
        if fmt.supports_datasets:
            return ox.serialize(quads, format=fmt) or b""
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
        return ox.serialize(sorted(triples, key=str), format=fmt) or b""

    # --- build metadata, kept in the server so every front-end sees the same build ---

    def build_info(self, known: BuildInfo | None = None) -> BuildInfo:
        """The server's current build. Counting its graphs scans them all, so a build equal
        to ``known`` is returned as it is (a build never changes once published)."""
        meta = self.settings.meta_graph
        only_meta = Dataset(default_graphs=(meta,))
        _, rows = self.select(f"SELECT ?id ?at WHERE {{ ?b <{CG}buildId> ?id ; "
                              f"<{CG}builtAt> ?at }}", only_meta)
        if not rows:
            raise StoreError("the SPARQL server holds no citygraph build yet; "
                             "run 'citygraph build' with the sparql backend first")
        if known is not None and known.build_id == rows[0]["id"]["value"]:
            return known
        _, graph_rows = self.select(f"SELECT ?g WHERE {{ ?b <{CG}hasGraph> ?g }}", only_meta)
        counts = self.graph_counts([r["g"]["value"] for r in graph_rows])
        return BuildInfo(build_id=rows[0]["id"]["value"], path=None,
                         built_at=rows[0]["at"]["value"], base_iri=self.settings.base_iri,
                         triples=sum(counts.values()), graphs=counts)

    def graph_counts(self, graphs: Iterable[str]) -> dict[str, int]:
        values = " ".join(f"<{g}>" for g in graphs)
        query = (f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
                 "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        _, rows = self.select(query)
        return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}

    def publish(self, graphs: Iterable[str]) -> str:
        """Record a new build: its id (a hash of the graph list and the time) and graphs."""
        graphs = sorted(set(graphs))
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        build_id = hashlib.sha256((stamp + json.dumps(graphs)).encode()).hexdigest()[:16]
        meta = self.settings.meta_graph
        listed = ", ".join(f"<{g}>" for g in graphs)
        self.update(f"DROP SILENT GRAPH <{meta}> ;\nINSERT DATA {{ GRAPH <{meta}> {{ "
                    f"<{meta}> <{CG}buildId> \"{build_id}\" ; <{CG}builtAt> \"{stamp}\" ; "
                    f"<{CG}hasGraph> {listed} }} }}")
        return build_id


def _dataset_params(dataset: Dataset) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    if dataset.default_graphs:
        params["default-graph-uri"] = list(dataset.default_graphs)
    if dataset.named_graphs:
        params["named-graph-uri"] = list(dataset.named_graphs)
    return params


def term(binding: dict[str, str] | None) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
    """A SPARQL-JSON binding as an Oxigraph term (https://www.w3.org/TR/sparql11-results-json/)."""
    if binding is None:
        return None
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value) if value.replace("_", "").isalnum() else ox.BlankNode()
    if "xml:lang" in binding:
        return ox.Literal(value, language=binding["xml:lang"])
    if "datatype" in binding:
        return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(value)


def remote_store(config: Config) -> RemoteStore | None:
    """The remote server of the configuration, or None for the embedded store."""
    if config.backend == "oxigraph":
        return None
    if config.backend != "sparql":
        raise ConfigError(f"unknown backend '{config.backend}': use 'oxigraph' or 'sparql'")
    if not config.sparql_query_url:
        raise ConfigError("the sparql backend needs sparql_query_url (CITYGRAPH_SPARQL_QUERY_URL)")
    return RemoteStore(RemoteSettings(
        query_url=config.sparql_query_url, update_url=config.sparql_update_url,
        graph_store_url=config.sparql_graph_store_url,
        user=config.sparql_user, password=config.sparql_password,
        base_iri=config.base_iri, timeout=config.query_timeout))
