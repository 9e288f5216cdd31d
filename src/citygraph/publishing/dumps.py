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

import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from citygraph.formats import MediaType, by_name
from citygraph.namespaces import data_prefixes
from citygraph.publishing.dumpstream import Counted, distinct_triples, output, triples_of
from citygraph.store import BuildInfo, open_read_only

MANIFEST = "manifest.json"
GZIP_MIME = "application/gzip"  # RFC 6713
# The triples keep the order in which Oxigraph's graph-first index holds the quads (no
# ORDER BY: sorting the whole graph cost ~12 s per format at 100k triples): Turtle groups them
# by subject within each graph, and the same build gives the same bytes and checksums.


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


def write_dumps(build_path: Path, info: BuildInfo, out_dir: Path,
                on_file: Callable[[DumpFile], None] = lambda _file: None) -> list[DumpFile]:
    """Write every dump of the build at ``build_path`` and the manifest into ``out_dir``.

    Opens the build read-only and reads it once, into N-Quads (every quad, ``Store.dump``);
    the distinct triples of all named graphs are taken from that file into N-Triples, and
    Turtle and JSON-LD are that N-Triples file in other syntaxes. Each file is hashed while it
    is written. Counts are those written. ``on_file`` hears of each file once it is in place.
    """
    store = open_read_only(build_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    prefixes = data_prefixes(info.base_iri)
    written: dict[str, DumpFile] = {}
    nquads = written["nquads"] = _write_one(
        info, _spec("nquads"), out_dir, lambda h: _dump_quads(store, h), on_file)
    quads = out_dir / nquads.name
    ntriples = written["ntriples"] = _write_one(
        info, _spec("ntriples"), out_dir,
        lambda h: _serialize(distinct_triples(_parse_quads(quads), store, nquads.triples),
                             h, ox.RdfFormat.N_TRIPLES), on_file)
    for spec in DUMP_SPECS:
        if spec.format not in written:
            written[spec.format] = _write_one(
                info, spec, out_dir, _resyntax(out_dir / ntriples.name, spec.media, prefixes),
                on_file)
    files = [written[spec.format] for spec in DUMP_SPECS]
    files += _network_files(store, info, out_dir)
    for file in files[len(DUMP_SPECS):]:
        on_file(file)
    manifest = Manifest(
        build_id=info.build_id, built_at=info.built_at, base_iri=info.base_iri,
        generated_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        distinct_triples=ntriples.triples, quads=nquads.triples, files=tuple(files))
    _write_json(out_dir / MANIFEST, manifest.to_dict())
    return files


def _spec(fmt: str) -> DumpSpec:
    return next(spec for spec in DUMP_SPECS if spec.format == fmt)


def _write_one(info: BuildInfo, spec: DumpSpec, out_dir: Path,
               write: Callable[[IO[bytes]], int], on_file: Callable[[DumpFile], None]
               ) -> DumpFile:
    """Write one file under a temporary name with ``write`` (which returns its count), then
    rename it into place."""
    name = dump_name(info, spec)
    tmp = out_dir / f".{name}.tmp-{os.getpid()}"
    with output(tmp, spec.compressed) as (handle, written):
        count = write(handle)
    os.replace(tmp, out_dir / name)
    file = DumpFile(name=name, format=spec.format, extension=spec.extension,
                    media_type=spec.media.mime, compression="gzip" if spec.compressed else None,
                    size=written.size, sha256=written.sha256, triples=count)
    on_file(file)
    return file


def _resyntax(source: Path, media: MediaType, prefixes: dict[str, str]
              ) -> Callable[[IO[bytes]], int]:
    """A writer of the triples of the gzip-compressed N-Triples file ``source`` in another
    syntax: parsing it back costs less than reading the store again."""
    return lambda handle: _serialize(triples_of(source), handle, media.rdf, prefixes)


def _dump_quads(store: ox.Store, handle: IO[bytes]) -> int:
    """Every quad, each in its named graph; N-Quads has one quad a line."""
    lines = _Lines(handle)
    store.dump(cast(IO[bytes], lines), ox.RdfFormat.N_QUADS)
    return lines.count


def _parse_quads(path: Path) -> Iterator[ox.Quad]:
    return ox.parse(path=path, format=ox.RdfFormat.N_QUADS)  # read in Rust, not through Python


def _serialize(triples: Iterable[ox.Triple], handle: IO[bytes], rdf: ox.RdfFormat | None,
               prefixes: dict[str, str] | None = None) -> int:
    assert rdf is not None
    counted = Counted(triples)
    wants_prefixes = rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML)
    ox.serialize(counted, handle, rdf, prefixes=prefixes if wants_prefixes else None)
    return counted.count


class _Lines:
    """A binary writer that counts the lines passing through it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.count = raw, 0

    def write(self, data: bytes) -> int:
        self.count += data.count(b"\n")
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()


def _network_files(store: ox.Store, info: BuildInfo, out_dir: Path) -> list[DumpFile]:
    """The whole relation network for Gephi, networkx, R (docs/research.md); ``triples``
    holds the number of relations."""
    from citygraph.network.export import whole_network_files

    files = []
    for fmt, extension, media_type, body, relations in whole_network_files(store):
        name = f"citygraph-{info.built_at[:10]}-{info.build_id}.{extension}"
        tmp = out_dir / f".{name}.tmp-{os.getpid()}"
        with output(tmp, False) as (handle, written):
            handle.write(body)
        os.replace(tmp, out_dir / name)
        files.append(DumpFile(name=name, format=fmt, extension=extension, media_type=media_type,
                              compression=None, size=written.size, sha256=written.sha256,
                              triples=relations))
    return files


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
