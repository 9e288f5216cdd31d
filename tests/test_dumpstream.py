"""The streamed distinct triples of the dumps: exact however often the filter errs, and a
gzip dump that does not depend on when it was written."""

from __future__ import annotations

import gzip
import hashlib
import io
from pathlib import Path

import pyoxigraph as ox
import pytest

from citygraph.namespaces import DISTINCT_TRIPLES
from citygraph.publishing import dumpstream
from citygraph.publishing.dumpstream import distinct_triples, output

EX = "http://example.org/"


def node(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def store_with_repeats(path: Path) -> ox.Store:
    """Triples held by one, two or three named graphs, and in the default graph; on disk,
    as builds are (the memory store does not keep the quads of a graph together)."""
    store = ox.Store(str(path))
    graphs = [node(f"g{i}") for i in range(3)]
    for i in range(200):
        triple = ox.Triple(node(f"s{i % 17}"), node(f"p{i % 5}"), ox.Literal(str(i)))
        for graph in graphs[: 1 + i % 3]:
            store.add(ox.Quad(*triple, graph))
    store.add(ox.Quad(node("only"), node("in"), node("default"), ox.DefaultGraph()))
    store.add(ox.Quad(node("s0"), node("p0"), ox.Literal("0"), ox.DefaultGraph()))  # also in g0
    store.add(ox.Quad(ox.BlankNode(), node("p"), ox.BlankNode(), graphs[2]))
    return store


def dumped_quads(store: ox.Store) -> list[ox.Quad]:
    return list(ox.parse(store.dump(format=ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS))


def expected(store: ox.Store) -> set[ox.Triple]:
    solutions = store.query(DISTINCT_TRIPLES)
    assert isinstance(solutions, ox.QuerySolutions)
    return {ox.Triple(s["s"], s["p"], s["o"]) for s in solutions}


@pytest.mark.parametrize("bits", [8, 1 << 16])
def test_each_triple_of_the_named_graphs_comes_once(bits: int, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # an 8-bit filter answers "seen" for nearly everything: every answer goes to the store
    monkeypatch.setattr(dumpstream, "FILTER_MIN_BITS", bits)
    monkeypatch.setattr(dumpstream, "FILTER_MAX_BITS", bits)
    store = store_with_repeats(tmp_path / "store")
    quads = dumped_quads(store)
    triples = list(distinct_triples(quads, store, len(quads)))
    assert len(triples) == len(set(triples))
    assert set(triples) == expected(store)


def test_quads_out_of_graph_order_are_refused(tmp_path: Path) -> None:
    store = store_with_repeats(tmp_path / "store")
    quads = dumped_quads(store)
    shuffled = quads[1::2] + quads[::2]
    with pytest.raises(ValueError, match="do not come together"):
        list(distinct_triples(shuffled, store, len(quads)))


def test_gzip_output_is_measured_and_reproducible(tmp_path: Path) -> None:
    files = []
    for name in ("a.gz", "b.gz"):
        with output(tmp_path / name, compressed=True) as (handle, written):
            handle.write(b"<http://example.org/s> <http://example.org/p> \"o\" .\n" * 1000)
        files.append((tmp_path / name, written))
    (first, measured), (second, _) = files
    data = first.read_bytes()
    assert data == second.read_bytes()  # mtime 0, no file name in the header
    assert measured.size == len(data)
    assert measured.sha256 == hashlib.sha256(data).hexdigest()
    assert gzip.GzipFile(fileobj=io.BytesIO(data)).read().count(b"\n") == 1000
