"""Lazy dump generation for the web process, in a killable child process.

The web process does not read whole builds (see ``citygraph.sparql.executor``): when the dumps of
the current build are missing, a spawned child runs ``ensure_dumps`` (which holds the file
lock across processes) and the request waits for it, up to a time limit.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from pathlib import Path

from citygraph.errors import StoreError
from citygraph.publishing.dumps import Manifest, dumps_dir, read_manifest
from citygraph.publishing.dumpsets import ensure_dumps
from citygraph.store import BuildInfo

log = logging.getLogger("citygraph.publishing")
_CONTEXT = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
_GUARD = threading.Lock()  # one generating child per web process at a time
GENERATION_TIMEOUT = 300.0  # seconds


def _child(store_root: Path, info: BuildInfo) -> None:
    ensure_dumps(store_root, info)


def manifest_for(store_root: Path, info: BuildInfo,
                 timeout: float = GENERATION_TIMEOUT) -> Manifest:
    """The dumps manifest of the build, generating the dumps in a child process if absent."""
    if info.path is None:
        return Manifest.empty(info)
    manifest = read_manifest(dumps_dir(store_root, info))
    if manifest is not None:
        return manifest
    with _GUARD:
        manifest = read_manifest(dumps_dir(store_root, info))
        if manifest is None:
            _run_child(store_root, info, timeout)
            manifest = read_manifest(dumps_dir(store_root, info))
    if manifest is None:
        raise StoreError("the dumps of this build could not be written; the problem was logged")
    return manifest


def _run_child(store_root: Path, info: BuildInfo, timeout: float) -> None:
    process = _CONTEXT.Process(target=_child, args=(store_root, info), daemon=True,
                               name="citygraph-dumps")
    process.start()
    process.join(timeout)
    if process.is_alive():
        process.kill()
        process.join(5)
        log.error("dump generation for build %s timed out after %g s", info.build_id, timeout)
        raise StoreError(f"writing the dumps took longer than {timeout:g} s; try again later",
                         headers={"Retry-After": "60"})
    if process.exitcode != 0:
        log.error("dump generation for build %s exited with %s", info.build_id, process.exitcode)
        raise StoreError(f"writing the dumps failed (exit status {process.exitcode})")
