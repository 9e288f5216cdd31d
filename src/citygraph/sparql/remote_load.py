"""Load sources into a remote SPARQL server with standard SPARQL 1.1 Update.

Each graph is first written to a staging graph in chunks of INSERT DATA, and moved over the
live graph (MOVE, https://www.w3.org/TR/sparql11-update/#move) only when every file loaded, so a
file that fails half-way never replaces live data. Blank nodes are skolemised
(https://www.w3.org/TR/rdf11-concepts/#section-skolemization) so that one node split across
two chunks stays one node.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pyoxigraph as ox

from citygraph.loading import Progress, Source, parse_file
from citygraph.sparql.remote import RemoteStore

CHUNK = 2_000


def _skolem(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, base_iri: str,
            salt: str) -> ox.NamedNode | ox.Literal:
    if isinstance(term, ox.BlankNode):
        digest = hashlib.sha256(f"{salt}:{term.value}".encode()).hexdigest()[:20]
        return ox.NamedNode(f"{base_iri}.well-known/genid/{digest}")
    if isinstance(term, ox.Triple):
        raise ValueError("quoted triples cannot be sent to a remote server")
    return term


def _chunks(source: Source, base_iri: str) -> Iterator[list[str]]:
    salt = str(source.path.resolve())
    chunk: list[str] = []
    for quad in parse_file(source.path, base_iri):
        s = _skolem(quad.subject, base_iri, salt)
        o = _skolem(quad.object, base_iri, salt)
        chunk.append(f"{s} {quad.predicate} {o} .")
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def upload(remote: RemoteStore, sources: list[Source], base_iri: str, build_tag: str,
           progress: Progress) -> list[str]:
    """Stage every source, then move the staged graphs over the live ones. Returns graphs."""
    staged: dict[str, str] = {}
    try:
        _stage(remote, sources, base_iri, build_tag, staged, progress)
    except BaseException:
        for staging in staged.values():  # leave nothing half-loaded behind
            remote.update(f"DROP SILENT GRAPH <{staging}>")
        raise
    for graph, staging in staged.items():
        remote.update(f"DROP SILENT GRAPH <{graph}> ;\nMOVE SILENT GRAPH <{staging}> TO "
                      f"GRAPH <{graph}>")
    return list(staged)


def _stage(remote: RemoteStore, sources: list[Source], base_iri: str, build_tag: str,
           staged: dict[str, str], progress: Progress) -> None:
    for source in sources:
        staging = staged.setdefault(source.graph, f"{source.graph}-staging-{build_tag}")
        count = 0
        for chunk in _chunks(source, base_iri):
            body = "\n".join(chunk)
            if remote.settings.graph_store_url:
                remote.upload(staging, body + "\n")
            else:
                remote.update(f"INSERT DATA {{ GRAPH <{staging}> {{\n{body}\n}} }}")
            count += len(chunk)
        progress(f"staged {source.path.name} → {source.graph} ({count} triples)")
