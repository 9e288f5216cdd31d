"""Evaluate a query string with Oxigraph and serialise the outcome; no Flask, no HTTP.

The query string goes to Oxigraph as is (never pre-parsed by rdflib, which would fall back to
rdflib's slow engine). Dataset: https://www.w3.org/TR/sparql11-protocol/#dataset
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from citygraph.errors import BadQuery, CitygraphError, ErrorCode, NotAcceptable, StoreError
from citygraph.formats import Kind, MediaType, of_kinds
from citygraph.sparql import results
from citygraph.sparql.guard import names_dataset


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset of a request: default-graph-uri and named-graph-uri lists."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryJob:
    query: str
    dataset: Dataset = field(default_factory=Dataset)
    # Media type names by preference; the first one fitting the query form is used.
    accept: tuple[str, ...] = ("json", "turtle")
    max_rows: int = 10_000
    base_iri: str | None = None  # resolves relative IRIs in the query (the endpoint URL)
    build_path: str | None = None  # the build to query: the one the answer's ETag will name


@dataclass(frozen=True)
class Answer:
    body: bytes
    media: str  # registry name
    form: str  # select | ask | graph
    rows: int
    truncated: bool


def _syntax_error(exc: SyntaxError) -> BadQuery:
    return BadQuery(f"syntax error in the query: {exc.msg or exc}", code=ErrorCode.SYNTAX_ERROR)


Outcome = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


def run_query(store: ox.Store, query: str, dataset: Dataset,
              base_iri: str | None = None) -> Outcome:
    default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] | None = None
    named: list[ox.NamedNode | ox.BlankNode] | None = None
    try:
        # inside the try: a default-graph-uri / named-graph-uri that is no IRI is a 400
        # A dataset named by the protocol wins over FROM (Protocol §2.1.4) and has exactly the
        # graphs it names: default-graph-uri alone means no named graphs, named-graph-uri
        # alone an empty default graph (SPARQL 1.1 Query §13.2, W3C test graph-04).
        if dataset.default_graphs or dataset.named_graphs:
            default = [ox.NamedNode(g) for g in dataset.default_graphs]
            named = [ox.NamedNode(g) for g in dataset.named_graphs]
        # Without either, the default graph is the union of all named graphs
        # (sd:UnionDefaultGraph); FROM / FROM NAMED in the query are applied by Oxigraph.
        if default is not None or named is not None:
            return store.query(query, base_iri=base_iri, default_graph=default,
                               named_graphs=named)
        # Only the arguments in use: each one pyoxigraph converts costs a point lookup 3 %.
        union = not names_dataset(query)
        if base_iri is None:
            return store.query(query, use_default_graph_as_union=union)
        return store.query(query, base_iri=base_iri, use_default_graph_as_union=union)
    except SyntaxError as exc:
        raise _syntax_error(exc) from None
    except ValueError as exc:
        raise BadQuery(f"invalid dataset or query: {exc}") from None


def solutions(store: ox.Store, query: str) -> ox.QuerySolutions:
    """Internal SELECT over the union of all graphs."""
    outcome = run_query(store, query, Dataset())
    assert isinstance(outcome, ox.QuerySolutions)
    return outcome


def pick(accept: tuple[str, ...], kinds: tuple[Kind, ...]) -> MediaType:
    allowed = {m.name: m for m in of_kinds(*kinds)}
    for name in accept:
        if name in allowed:
            return allowed[name]
    names = ", ".join(m.mime for m in allowed.values())
    raise NotAcceptable(f"none of the requested formats fits this query; available: {names}")


# Oxigraph raises RuntimeError both for queries it cannot run (an unknown function, an
# unsupported feature) and for a damaged store; only the latter is the server's fault.
_STORAGE_WORDS = ("rocksdb", "corrupt", "storage", "i/o", "io error")


def rejected(exc: RuntimeError) -> CitygraphError:
    """The error a client sees when the engine refuses or fails to run its query."""
    reason = str(exc) or type(exc).__name__
    if any(word in reason.lower() for word in _STORAGE_WORDS):
        return StoreError(f"the store could not be read: {reason}")
    return BadQuery(f"the query cannot be evaluated: {reason}", code=ErrorCode.QUERY_NOT_SUPPORTED)


def evaluate(store: ox.Store, job: QueryJob, prefixes: dict[str, str]) -> Answer:
    """Run the job and serialise its outcome, cutting at max_rows (and saying so)."""
    try:
        return _evaluate(store, job, prefixes)
    except RuntimeError as exc:  # raised when the plan is made or while solutions stream
        raise rejected(exc) from None


def _evaluate(store: ox.Store, job: QueryJob, prefixes: dict[str, str]) -> Answer:
    outcome = run_query(store, job.query, job.dataset, job.base_iri)
    if isinstance(outcome, ox.QueryBoolean):
        media = pick(job.accept, (Kind.RESULTS,))
        return Answer(results.ask(bool(outcome), media), media.name, "ask", 1, False)
    if isinstance(outcome, ox.QuerySolutions):
        media = pick(job.accept, (Kind.RESULTS,))
        variables = [v.value for v in outcome.variables]
        rows: list[results.Row] = []
        truncated = False
        for solution in outcome:
            if len(rows) == job.max_rows:
                truncated = True
                break
            # A solution iterates over its values in the order of ``variables`` (None when
            # unbound): a third of the cost of looking each one up by name.
            rows.append(tuple(solution))
        body = results.select(variables, rows, media)
        return Answer(body, media.name, "select", len(rows), truncated)
    media = pick(job.accept, (Kind.GRAPH, Kind.DATASET))
    triples: list[ox.Triple] = []
    truncated = False
    for triple in outcome:
        if len(triples) == job.max_rows:
            truncated = True
            break
        triples.append(triple)
    body = results.graph(triples, media, prefixes)
    return Answer(body, media.name, "graph", len(triples), truncated)
