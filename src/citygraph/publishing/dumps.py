"""Bulk dumps of a published build: dated files, never rewritten, plus a manifest.

Formats: the ones linked-data portals harvest (DBpedia and Wikidata publish N-Triples dumps
as well; https://www.w3.org/TR/n-triples/ , https://www.w3.org/TR/turtle/ ,
https://www.w3.org/TR/json-ld11/ , https://www.w3.org/TR/n-quads/):

- ``citygraph-{YYYY-MM-DD}-{build}.nt.gz``  distinct triples of all graphs, N-Triples, gzip
- ``citygraph-{YYYY-MM-DD}-{build}.ttl``    the same triples in Turtle
- ``citygraph-{YYYY-MM-DD}-{build}.jsonld`` the same triples in JSON-LD
- ``citygraph-{YYYY-MM-DD}-{build}.nq``     every quad: the named graph is the provenance

``write_dumps`` writes them with ``manifest.json`` (size in bytes, SHA-256 and triple count
per file) into a directory, each file under a temporary name then renamed; ``dumpsets`` places
whole sets in ``{store}/dumps/{build}/``.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from citygraph.formats import Kind, MediaType, by_name
from citygraph.namespaces import DISTINCT_TRIPLES, data_prefixes
from citygraph.store import BuildInfo, open_read_only

MANIFEST = "manifest.json"
GZIP_MIME = "application/gzip"  # RFC 6713
# Distinct triples over all named graphs (the pattern the tests count on /sparql); sorted, so
# that Turtle groups by subject and equal data gives equal bytes and checksums.
# No ORDER BY: sorting the whole graph cost ~12 s per format at 100k triples. Oxigraph walks
# its index in key order and DISTINCT keeps the first occurrence, so the same build still
# gives the same bytes.
TRIPLES_QUERY = DISTINCT_TRIPLES


@dataclass(frozen=True)
class DumpSpec:
    """One dump format: a registry entry, optionally gzip-compressed."""

    format: str
    compressed: bool = False

    @property
    def media(self) -> MediaType:
        media = by_name(self.format)
        assert media is not None and media.rdf is not None, self.format
        return media

    @property
    def extension(self) -> str:
        return self.media.extension + (".gz" if self.compressed else "")


DUMP_SPECS: tuple[DumpSpec, ...] = (
    DumpSpec("ntriples", compressed=True),
    DumpSpec("turtle"),
    DumpSpec("jsonld"),
    DumpSpec("nquads"),
)


@dataclass(frozen=True)
class DumpFile:
    """One written dump file, as listed in the manifest."""

    name: str
    format: str  # registry name of the RDF syntax
    extension: str  # "nt.gz", "ttl", …: also the key of /dumps/latest.<extension>
    media_type: str  # of the RDF syntax (the content once decompressed)
    compression: str | None  # "gzip" or None
    size: int  # bytes on disk
    sha256: str
    triples: int  # distinct triples (triple formats) or quads (N-Quads)

    @property
    def content_type(self) -> str:
        """The HTTP Content-Type of the file as stored."""
        if self.compression == "gzip":
            return GZIP_MIME
        media = by_name(self.format)
        return media.content_type if media else self.media_type


@dataclass(frozen=True)
class Manifest:
    """The manifest of one build's dumps."""

    build_id: str
    built_at: str
    base_iri: str
    generated_at: str
    distinct_triples: int
    quads: int
    files: tuple[DumpFile, ...]

    def file(self, name: str) -> DumpFile | None:
        return next((f for f in self.files if f.name == name), None)

    def by_extension(self, extension: str) -> DumpFile | None:
        return next((f for f in self.files if f.extension == extension), None)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["files"] = [asdict(f) for f in self.files]
        return data

    @classmethod
    def empty(cls, info: BuildInfo) -> Manifest:
        """No dumps: a build held by a remote SPARQL server has no local files to dump."""
        return cls(info.build_id, info.built_at, info.base_iri, info.built_at, 0, 0, ())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        files = tuple(DumpFile(**f) for f in data["files"])
        return cls(**{**data, "files": files})


def dumps_root(store_root: Path) -> Path:
    return store_root / "dumps"


def dumps_dir(store_root: Path, info: BuildInfo) -> Path:
    """Where the dumps of one build live: ``{store}/dumps/{build id}/``."""
    return dumps_root(store_root) / info.build_id


def dump_name(info: BuildInfo, spec: DumpSpec) -> str:
    return f"citygraph-{info.built_at[:10]}-{info.build_id}.{spec.extension}"


def write_dumps(build_path: Path, info: BuildInfo, out_dir: Path) -> list[DumpFile]:
    """Write every dump of the build at ``build_path`` and the manifest into ``out_dir``.

    Opens the build read-only. Triple formats hold the distinct triples of all named graphs;
    N-Quads holds every quad (``Store.dump``). Counts are those written.
    """
    store = open_read_only(build_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    prefixes = data_prefixes(info.base_iri)
    files = [_write_one(store, info, spec, out_dir, prefixes) for spec in DUMP_SPECS]
    triple_counts = {f.triples for f in files if f.format != "nquads"}
    files += _network_files(store, info, out_dir)
    manifest = Manifest(
        build_id=info.build_id, built_at=info.built_at, base_iri=info.base_iri,
        generated_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        distinct_triples=max(triple_counts, default=0),
        quads=sum(f.triples for f in files if f.format == "nquads"), files=tuple(files))
    _write_json(out_dir / MANIFEST, manifest.to_dict())
    return files


def _write_one(store: ox.Store, info: BuildInfo, spec: DumpSpec, out_dir: Path,
               prefixes: dict[str, str]) -> DumpFile:
    name = dump_name(info, spec)
    tmp = out_dir / f".{name}.tmp-{os.getpid()}"
    with _output(tmp, spec.compressed) as handle:
        count = _serialize(store, spec.media, handle, prefixes)
    size, digest = _measure(tmp)
    os.replace(tmp, out_dir / name)
    return DumpFile(name=name, format=spec.format, extension=spec.extension,
                    media_type=spec.media.mime, compression="gzip" if spec.compressed else None,
                    size=size, sha256=digest, triples=count)


def _network_files(store: ox.Store, info: BuildInfo, out_dir: Path) -> list[DumpFile]:
    """The whole relation network for Gephi, networkx, R (docs/research.md); ``triples``
    holds the number of relations."""
    from citygraph.network.export import whole_network_files

    files = []
    for fmt, extension, media_type, body, relations in whole_network_files(store):
        name = f"citygraph-{info.built_at[:10]}-{info.build_id}.{extension}"
        tmp = out_dir / f".{name}.tmp-{os.getpid()}"
        with _output(tmp, False) as handle:
            handle.write(body)
        size, digest = _measure(tmp)
        os.replace(tmp, out_dir / name)
        files.append(DumpFile(name=name, format=fmt, extension=extension, media_type=media_type,
                              compression=None, size=size, sha256=digest, triples=relations))
    return files


@contextlib.contextmanager
def _output(path: Path, compressed: bool) -> Iterator[IO[bytes]]:
    """A binary file, gzip-wrapped if asked (mtime 0: equal content, equal bytes)."""
    with open(path, "wb") as raw:
        if compressed:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as zipped:
                yield cast(IO[bytes], zipped)
        else:
            yield raw
        raw.flush()
        os.fsync(raw.fileno())


def _serialize(store: ox.Store, media: MediaType, handle: IO[bytes],
               prefixes: dict[str, str]) -> int:
    assert media.rdf is not None
    if media.kind is Kind.DATASET:
        store.dump(handle, media.rdf)  # all quads, each in its named graph
        return len(store)
    counted = _Counted(_distinct_triples(store))
    wants_prefixes = media.rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML)
    ox.serialize(counted, handle, media.rdf, prefixes=prefixes if wants_prefixes else None)
    return counted.count


def _distinct_triples(store: ox.Store) -> Iterator[ox.Triple]:
    solutions = store.query(TRIPLES_QUERY)
    assert isinstance(solutions, ox.QuerySolutions)
    for solution in solutions:
        yield ox.Triple(solution["s"], solution["p"], solution["o"])


class _Counted:
    """An iterable that counts what passes through it."""

    def __init__(self, items: Iterable[ox.Triple]) -> None:
        self.items, self.count = items, 0

    def __iter__(self) -> Iterator[ox.Triple]:
        for item in self.items:
            self.count += 1
            yield item


def _measure(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return path.stat().st_size, digest.hexdigest()


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_manifest(directory: Path) -> Manifest | None:
    """The manifest of a complete dump set, or None when there is none (yet)."""
    try:
        data = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        return Manifest.from_dict(data)
    except (OSError, ValueError, TypeError, KeyError):
        return None
