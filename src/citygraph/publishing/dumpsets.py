"""Dump sets on disk: ``{store}/dumps/{build}/`` written once per build, under a file lock.

``ensure_dumps`` is the entry point for ``citygraph build`` and for the lazy generation of the
web process (``background``). A set is written into a temporary directory and renamed into
place, so a reader sees either no set or a complete one with its manifest; dumps of builds
that ``StoreDir.prune`` removed are removed with them.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from citygraph.publishing.dumps import (
    DumpFile,
    Manifest,
    dumps_dir,
    dumps_root,
    read_manifest,
    write_dumps,
)
from citygraph.store import BuildInfo


def ensure_dumps(store_root: Path, info: BuildInfo) -> Manifest:
    """The dumps of a build, written first if they are missing (safe across processes).

    Call it after a build is published. A file lock serialises writers; the set is written
    into a temporary directory and renamed to ``{store}/dumps/{build}/``.
    """
    if info.path is None:
        return Manifest.empty(info)
    target = dumps_dir(store_root, info)
    manifest = read_manifest(target)
    if manifest is not None:
        return manifest
    root = dumps_root(store_root)
    root.mkdir(parents=True, exist_ok=True)
    with _locked(root / ".lock"):
        manifest = read_manifest(target)
        if manifest is None:
            _write_set(store_root, info, target)
            manifest = read_manifest(target)
            _prune(store_root)
    assert manifest is not None
    return manifest


def _write_set(store_root: Path, info: BuildInfo, target: Path) -> None:
    tmp = dumps_root(store_root) / f".{info.build_id}.tmp-{secrets.token_hex(4)}"
    assert info.path is not None, "only a local build has dumps"
    try:
        write_dumps(info.path, info, tmp)
        if target.exists():  # an incomplete leftover without a manifest
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive flock; the kernel releases it when a holder dies (no stale lock)."""
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _prune(store_root: Path) -> None:
    """Under the lock: drop dumps of builds that were pruned, and crashed temporaries."""
    builds = store_root / "builds"
    for path in dumps_root(store_root).iterdir():
        if not path.is_dir():
            continue
        stale_tmp = path.name.startswith(".") and ".tmp-" in path.name
        orphan = not path.name.startswith(".") and not (builds / f"{path.name}.json").exists()
        if stale_tmp or orphan:
            shutil.rmtree(path, ignore_errors=True)


def find_dump(store_root: Path, name: str) -> tuple[Path, DumpFile] | None:
    """A dump file listed in any complete manifest under ``{store}/dumps``, by file name.

    Only names from manifests are ever served, so no request path reaches the file system.
    """
    root = dumps_root(store_root)
    if not root.is_dir():
        return None
    for directory in sorted(root.iterdir(), reverse=True):
        manifest = read_manifest(directory) if not directory.name.startswith(".") else None
        entry = manifest.file(name) if manifest else None
        if entry is not None:
            return directory / entry.name, entry
    return None
