"""The embedded Oxigraph store on disk: immutable builds, an atomic ``current`` link, read-only.

Layout of a store directory::

    builds/<build-id>/        one complete Oxigraph (RocksDB) store, never changed once published
    builds/<build-id>.json    its metadata (triple counts per graph, time, base IRI)
    current -> builds/<id>    symlink, replaced atomically by rename(2) when a build succeeds

A build or an `add` writes a new directory and swaps ``current`` only when it is complete, so
a crash or invalid data leaves the previous store serving. Readers open builds read-only; an
on-disk store may have one writer process only, and no writer ever touches a published build.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from citygraph.errors import StoreError

KEEP_BUILDS = 3  # the current build and two predecessors, for servers still reading them


@dataclass(frozen=True)
class BuildInfo:
    """Metadata of one published build."""

    build_id: str
    path: Path | None  # None for a build held by a remote SPARQL server
    built_at: str
    base_iri: str
    triples: int
    graphs: dict[str, int] = field(default_factory=dict)

    def etag(self, representation: str) -> str:
        """The entity tag of one representation of this build (``web.conditional``)."""
        digest = hashlib.sha256(representation.encode()).hexdigest()[:16]
        return f"{self.build_id}-{digest}"


class StoreDir:
    """One store directory and its builds."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.builds = root / "builds"
        self.current = root / "current"

    def exists(self) -> bool:
        return self.current.is_symlink() and self.current.resolve().is_dir()

    def current_build(self) -> BuildInfo:
        if not self.exists():
            raise StoreError(f"no store has been built in {self.root} yet; "
                             "run 'citygraph build' first")
        path = self.current.resolve()
        return read_info(path)

    def current_target(self) -> str:
        """The build the ``current`` link points to now (cheap: one readlink)."""
        try:
            return os.readlink(self.current)
        except OSError:
            return ""

    def new_build_path(self) -> Path:
        self.builds.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        return self.builds / f"{stamp}-{secrets.token_hex(3)}"

    @contextlib.contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Serialises builds. flock is released by the kernel when a builder dies: no stale lock."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(f"another build is running on {self.root}") from None
            yield

    def publish(self, info: BuildInfo) -> None:
        """Write the metadata, then point ``current`` at the build in one atomic rename."""
        assert info.path is not None
        meta = info.path.with_suffix(".json")
        tmp_meta = meta.with_suffix(".json.tmp")
        tmp_meta.write_text(json.dumps(_info_dict(info), indent=2), encoding="utf-8")
        os.replace(tmp_meta, meta)
        link = self.root / f".current-{secrets.token_hex(4)}"
        os.symlink(os.path.relpath(info.path, self.root), link)
        os.replace(link, self.current)
        _fsync_dir(self.root)
        self.prune()

    def prune(self) -> None:
        """Remove unpublished leftovers of crashed builds and all but the newest builds."""
        keep = self.current.resolve() if self.exists() else None
        dirs = sorted(p for p in self.builds.iterdir() if p.is_dir())
        published = [p for p in dirs if p.with_suffix(".json").exists()]
        for path in dirs:
            if path != keep and not path.with_suffix(".json").exists():
                shutil.rmtree(path, ignore_errors=True)
        for path in published[:-KEEP_BUILDS]:
            if path != keep:
                shutil.rmtree(path, ignore_errors=True)
                path.with_suffix(".json").unlink(missing_ok=True)
        for stray in self.root.glob(".current-*"):
            stray.unlink(missing_ok=True)


def _info_dict(info: BuildInfo) -> dict[str, object]:
    return {"build_id": info.build_id, "built_at": info.built_at, "base_iri": info.base_iri,
            "triples": info.triples, "graphs": info.graphs}


def read_info(path: Path) -> BuildInfo:
    try:
        raw = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"store build {path.name} has no readable metadata: {exc}") from None
    return BuildInfo(build_id=raw["build_id"], path=path, built_at=raw["built_at"],
                     base_iri=raw["base_iri"], triples=int(raw["triples"]),
                     graphs={k: int(v) for k, v in raw["graphs"].items()})


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def open_read_only(path: Path) -> ox.Store:
    """Open a published build for reading; a clear error when it cannot be opened."""
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {path}: {exc}") from None


def open_current(root: Path) -> tuple[ox.Store, BuildInfo]:
    info = StoreDir(root).current_build()
    assert info.path is not None
    return open_read_only(info.path), info


def graph_counts(store: ox.Store) -> dict[str, int]:
    """Triples per named graph (plus the default graph under the key '')."""
    counts: dict[str, int] = {}
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        counts[str(row["g"].value)] = int(row["n"].value)
    default = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert isinstance(default, ox.QuerySolutions)
    total = int(next(iter(default))["n"].value)
    if total:
        counts[""] = total
    return counts
