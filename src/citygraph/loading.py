"""Find the source files, name their graphs, parse them with Oxigraph and build a new store.

Every file of data/ becomes one named graph ``{base}graph/{file stem}``; the ontology and the
shapes go into ``{base}graph/ontology`` and ``{base}graph/shapes``.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from citygraph.config import Config
from citygraph.errors import DataError
from citygraph.formats import rdf_format_for
from citygraph.inference import materialise
from citygraph.progress import LoadProgress
from citygraph.store import BuildInfo, StoreDir, graph_counts
from citygraph.tables.schema import TABLE_SUFFIXES, is_table

DATA_SUFFIXES = (".ttl", ".nt", ".nq", ".trig", ".jsonld", ".rdf", ".owl", *TABLE_SUFFIXES)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Source:
    """One file and the named graph it is loaded into."""

    path: Path
    graph: str

    @property
    def format(self) -> ox.RdfFormat:
        # a table (CSVW) yields triples, loaded like N-Triples (see citygraph.tables)
        return ox.RdfFormat.N_TRIPLES if is_table(self.path) else rdf_format_for(self.path)


def _files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix.lower() in DATA_SUFFIXES)


def graph_iri(config: Config, name: str) -> str:
    return f"{config.base_iri}graph/{name}"


def discover(config: Config) -> list[Source]:
    """Ontology, shapes and data files of the project, each with its graph IRI."""
    if not config.data_path.is_dir():
        raise DataError(f"no data directory at {config.data_path}")
    sources = [Source(p, graph_iri(config, "ontology")) for p in _files(config.ontology_dir)]
    sources += [Source(p, graph_iri(config, "shapes")) for p in _files(config.shapes_dir)]
    sources += [Source(p, graph_iri(config, p.stem)) for p in _files(config.data_path)]
    return sources


def data_files(config: Config) -> list[Path]:
    """The data files only (what the shapes check), without ontology and shapes."""
    return _files(config.data_path)


def shown(path: Path) -> str:
    """A path as a user typed it: relative to the working directory where possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def syntax_message(path: Path, exc: BaseException) -> str:
    """'file:line:column: message' for a parser error."""
    msg = getattr(exc, "msg", None) or str(exc)
    line = getattr(exc, "lineno", None)
    col = getattr(exc, "offset", None)
    where = f"{shown(path)}:{line}:{col}" if line else shown(path)
    return f"{where}: syntax error: {msg}"


def parse_file(path: Path, base_iri: str) -> Iterator[ox.Quad]:
    """Stream the quads of one file; unreadable files and syntax errors become DataError.

    Blank-node labels are scoped to their document (RDF 1.1 Concepts §3.5): each file's
    ``_:x`` becomes a node of its own, as bulk_load does for the large files.
    """
    if is_table(path):
        from citygraph.tables import table_quads

        yield from table_quads(path, base_iri)
        return
    fmt = rdf_format_for(path)
    try:
        yield from ox.parse(path=str(path), format=fmt, base_iri=base_iri,
                            rename_blank_nodes=True)
    except SyntaxError as exc:
        raise DataError(syntax_message(path, exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{shown(path)}: cannot read the file: {exc}") from None


def check_readable(sources: Iterable[Source]) -> None:
    for source in sources:
        if not source.path.is_file():
            raise DataError(f"{shown(source.path)}: no such file")
        source.format  # noqa: B018 — raises DataError for an unknown extension


# Every bulk call writes new files, so the many small files (ontology, shapes, data) go in
# one bulk_extend together and each large file gets a bulk_load of its own. Transactional
# loads would leave a write-ahead log as large as the data in the build directory.
BULK_BYTES = 8 << 20


def _small_quads(sources: list[Source], base_iri: str) -> Iterator[ox.Quad]:
    for source in sources:
        graph = ox.NamedNode(source.graph)
        for quad in parse_file(source.path, base_iri):
            yield ox.Quad(quad.subject, quad.predicate, quad.object, graph)


def _bulk_load(store: ox.Store, source: Source, base_iri: str, progress: Progress) -> None:
    # path= rather than a Python reader: Oxigraph reads in Rust without the GIL, and the
    # progress thread learns how far it got from the file offset (see citygraph.progress).
    try:
        with LoadProgress(source.path, source.format, shown(source.path), progress):
            store.bulk_load(path=str(source.path), format=source.format, base_iri=base_iri,
                            to_graph=ox.NamedNode(source.graph))
    except SyntaxError as exc:
        raise DataError(syntax_message(source.path, exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{shown(source.path)}: cannot load the file: {exc}") from None


def stderr_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_store(config: Config, sources: list[Source], *, start_from: Path | None = None,
                progress: Progress = stderr_progress) -> BuildInfo:
    """Load sources into a new build (optionally a copy of an existing one), publish it.

    Nothing is published unless every file loads; a failed build's directory is removed.
    """
    check_readable(sources)
    store_dir = StoreDir(config.store)
    with store_dir.writer_lock():
        path = store_dir.new_build_path()
        try:
            info = _load_build(config, sources, path, start_from, progress)
            _record_changes(config, store_dir, info)
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise
        store_dir.publish(info)
    return info


def _record_changes(config: Config, store_dir: StoreDir, info: BuildInfo) -> None:
    """The change set against the build now current (citygraph.changes), before publishing."""
    from citygraph.changes.changeset import record

    previous = store_dir.current_build() if store_dir.exists() else None
    record(config.store, info, previous, max_triples=config.changes_max_triples,
           keep=max(config.changes_kept, 3))


def _compact_and_count(store: ox.Store, progress: Progress, *, large: bool) -> dict[str, int]:
    """Compact the new build for queries, then count its triples per graph for BuildInfo.

    After bulk loads of several million triples both take a while with nothing to show for
    it, so the user is told what is going on and how long each step took.
    """
    if large:
        progress("compacting the store and counting the triples per graph")
    t0 = time.monotonic()
    store.flush()
    store.optimize()
    t1 = time.monotonic()
    counts = graph_counts(store)
    if large:
        progress(f"compacted ({t1 - t0:.2f} s), counted ({time.monotonic() - t1:.2f} s)")
    return counts


def _derived_graphs(store: ox.Store, config: Config, progress: Progress) -> None:
    """Graphs computed from the loaded ones: the comparison with imported Wikidata data."""
    from citygraph.wikidata.compare import add_comparison

    started = time.monotonic()
    count = add_comparison(store, config.base_iri, graph_iri(config, "comparison"))
    if count:
        progress(f"comparison with Wikidata: {count} triples → {graph_iri(config, 'comparison')} "
                 f"({time.monotonic() - started:.2f} s)")


def _load_build(config: Config, sources: list[Source], path: Path, start_from: Path | None,
                progress: Progress) -> BuildInfo:
    if start_from is not None:
        ox.Store.read_only(str(start_from)).backup(str(path))
    store = ox.Store(str(path))
    started = time.monotonic()
    small = [s for s in sources if s.path.stat().st_size < BULK_BYTES or is_table(s.path)]
    store.bulk_extend(_small_quads(small, config.base_iri))
    progress(f"loaded {len(small)} files ({time.monotonic() - started:.2f} s)")
    for source in sources:
        if source not in small:
            t0 = time.monotonic()
            _bulk_load(store, source, config.base_iri, progress)
            progress(f"loaded {shown(source.path)} → {source.graph} "
                     f"({time.monotonic() - t0:.2f} s)")
    _derived_graphs(store, config, progress)  # the comparison first: its claims get entailed
    materialise(store, config.base_iri, progress)
    from citygraph.network.measures import add_measures  # networkx: only when building

    add_measures(store, config.base_iri, progress)
    counts = _compact_and_count(store, progress, large=len(small) < len(sources))
    del store  # closes RocksDB before the build is published
    total = sum(counts.values())
    elapsed = time.monotonic() - started
    progress(f"{total} triples in {len(counts)} graphs, {elapsed:.2f} s "
             f"({total / max(elapsed, 1e-9):,.0f} triples/s)")
    return BuildInfo(build_id=path.name, path=path,
                     built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                     base_iri=config.base_iri, triples=total, graphs=counts)
