"""The streaming parts of dump writing: outputs that hash while they write, and the distinct
triples of all named graphs without a set of every triple.

Memory stays bounded by the store's size only through a fixed-size Bloom filter
(``FILTER_MAX_BITS``): Oxigraph's ``SELECT DISTINCT`` keeps every triple it has seen
(about 390 MB for 1.6 million quads), and re-running it per format read the store again each
time, which costs more than writing.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

# 16 bits per quad keep false positives (each one a store lookup) near 0.15 %; the cap
# (32 MiB) is what bounds memory: above 16 million quads lookups grow, the result stays exact.
FILTER_BITS_PER_QUAD = 16
FILTER_MIN_BITS = 1 << 16
FILTER_MAX_BITS = 1 << 28
# gzip's own default: level 9 took twice as long for a file 7 % smaller
GZIP_LEVEL = 6


@dataclass
class Written:
    """What an output put on disk: its size in bytes and their SHA-256."""

    size: int = 0
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)

    @property
    def sha256(self) -> str:
        return self.digest.hexdigest()


class _HashingWriter:
    """A binary file that feeds every byte it writes to a ``Written``, so a dump is never read
    back for its checksum."""

    def __init__(self, raw: IO[bytes], written: Written) -> None:
        self.raw, self.written = raw, written

    def write(self, data: bytes) -> int:
        self.written.digest.update(data)
        self.written.size += len(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()


@contextlib.contextmanager
def output(path: Path, compressed: bool) -> Iterator[tuple[IO[bytes], Written]]:
    """A new binary file, gzip-wrapped if asked (mtime 0: equal content, equal bytes), with
    the measures of the bytes that reach the disk, synced before the caller renames it."""
    written = Written()
    with open(path, "wb") as raw:
        hashing = cast(IO[bytes], _HashingWriter(raw, written))
        if compressed:
            with gzip.GzipFile(filename="", mode="wb", fileobj=hashing, mtime=0,
                               compresslevel=GZIP_LEVEL) as zipped:
                yield cast(IO[bytes], zipped), written
        else:
            yield hashing, written
        raw.flush()
        os.fsync(raw.fileno())


class Counted:
    """An iterable that counts what passes through it."""

    def __init__(self, items: Iterable[ox.Triple]) -> None:
        self.items, self.count = items, 0

    def __iter__(self) -> Iterator[ox.Triple]:
        for item in self.items:
            self.count += 1
            yield item


def triples_of(path: Path) -> Iterator[ox.Triple]:
    """The triples of a gzip-compressed N-Triples file, in file order."""
    with gzip.open(path, "rb") as handle:
        for quad in ox.parse(cast(IO[bytes], handle), ox.RdfFormat.N_TRIPLES):
            yield quad.triple


def distinct_triples(quads: Iterable[ox.Quad], store: ox.Store, quad_count: int
                     ) -> Iterator[ox.Triple]:
    """Each triple of the named graphs once, at its first quad, in the order of ``quads``.

    ``quads`` must come graph by graph, as ``Store.dump`` writes them (Oxigraph walks its
    graph-first index). A triple the filter may have seen is looked up in the store: it is a
    repeat when a graph already passed holds it. The default graph is left out, as in the
    ``GRAPH ?g`` pattern the endpoint counts with.
    """
    seen = _BloomFilter(quad_count)
    passed: set[ox.NamedNode | ox.BlankNode] = set()  # named graphs only
    current: ox.NamedNode | ox.BlankNode | ox.DefaultGraph | None = None
    for quad in quads:
        graph = quad.graph_name
        if graph != current:  # checked once per graph, not per quad
            if graph in passed:
                raise ValueError(f"the quads of {graph} do not come together")
            if current is not None and not isinstance(current, ox.DefaultGraph):
                passed.add(current)
            current = graph
        if isinstance(current, ox.DefaultGraph):
            continue
        triple = quad.triple
        if seen.add(hash(triple)) and _in_any(store, triple, passed):
            continue
        yield triple


def _in_any(store: ox.Store, triple: ox.Triple, graphs: set[ox.NamedNode | ox.BlankNode]
            ) -> bool:
    matches = store.quads_for_pattern(triple.subject, triple.predicate, triple.object, None)
    return any(match.graph_name in graphs for match in matches)


class _BloomFilter:
    """A fixed-size set of hashes that may answer "seen" for a value it has not seen.

    Blocked (https://doi.org/10.1007/978-3-540-72845-0_9): the three bits of a value lie in
    one 64-bit word, one array access instead of three; in Python that halves the time, for
    twice the (small) rate of false answers."""

    def __init__(self, items: int) -> None:
        wanted = max(FILTER_MIN_BITS, min(FILTER_MAX_BITS, items * FILTER_BITS_PER_QUAD))
        words = max(1, 1 << (wanted // 64 - 1).bit_length())  # a power of two: a mask away
        self.mask = words - 1
        self.words = array("Q", bytes(8 * words))

    def add(self, value: int) -> bool:
        """Add a hash; True when all its bits were set before (probably added before)."""
        word = value & self.mask
        value >>= 32  # the bits within the word come from the other half of the hash
        bits = 1 << (value & 63) | 1 << (value >> 6 & 63) | 1 << (value >> 12 & 63)
        old = self.words[word]
        if old & bits == bits:
            return True
        self.words[word] = old | bits
        return False
