"""``citygraph diff`` and the summary ``build`` prints: changes per graph and per thing, with
labels, and the patch files for a diff between any two builds (or a build and the data)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from citygraph.changes.changeset import Diff, counts, diff_builds, write_nquads, write_patch
from citygraph.config import Config
from citygraph.errors import DataError
from citygraph.namespaces import PREFIXES, data_prefixes, shorten
from citygraph.store import StoreDir

LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
MAX_THINGS = 40
BUILD_ID = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9a-f]{6}$")


def label_of(iri: str, stores: list[ox.Store], lang: str = "en") -> str | None:
    node = ox.NamedNode(iri)
    for store in stores:
        labels = [q.object for q in store.quads_for_pattern(node, LABEL, None)
                  if isinstance(q.object, ox.Literal)]
        for lit in sorted(labels, key=lambda lit: lit.language != lang):
            return lit.value
    return None


def summary_lines(summary: dict[str, Any], base: str, builds: list[Path]) -> list[str]:
    """Readable lines for a change-set summary (see changeset.record); labels from builds."""
    stores = [ox.Store.read_only(str(p)) for p in builds]
    if "skipped" in summary:
        return [f"no change set: {summary['skipped']}"]
    since = summary.get("previous") or "an empty store"
    prefixes = data_prefixes(base)
    lines = [f"changes since {since}: +{summary['added']} −{summary['removed']} triples"]
    for graph, (added, removed) in sorted(summary["graphs"].items()):
        lines.append(f"  {shorten(graph, prefixes) if graph else '(default graph)'}  "
                     f"+{added} −{removed}")
    things = summary.get("thing_counts", {})
    if not summary.get("previous"):
        things = {}  # a first build adds everything: the graphs say enough
    for iri, (added, removed) in list(things.items())[:MAX_THINGS]:
        label = label_of(iri, stores)
        short = iri.removeprefix(base) if iri.startswith(base) else shorten(iri, prefixes)
        name = f"{label} ({short})" if label else short
        lines.append(f"    {name}  +{added} −{removed}")
    if len(things) > MAX_THINGS:
        lines.append(f"    … and {len(things) - MAX_THINGS} more things")
    return lines


def diff_summary(diff: Diff, old: str | None, new: str) -> dict[str, Any]:
    graphs, things, _ = counts(diff)
    ranked = sorted(things.items(), key=lambda kv: -sum(kv[1]))
    return {"previous": old, "build": new, "added": len(diff.added),
            "removed": len(diff.removed), "graphs": graphs, "thing_counts": dict(ranked)}


def write_files(diff: Diff, summary: dict[str, Any], patch: Path | None, added: Path | None,
                removed: Path | None) -> list[Path]:
    written = []
    if patch is not None:
        write_patch(diff, patch, summary["build"], summary["previous"])
        written.append(patch)
    if added is not None:
        write_nquads(diff.added, added)
        written.append(added)
    if removed is not None:
        write_nquads(diff.removed, removed)
        written.append(removed)
    return written


def _build_path(store_dir: StoreDir, build_id: str | None) -> Path:
    if build_id is None:
        info = store_dir.current_build()
        assert info.path is not None
        return info.path
    path = store_dir.builds / build_id
    if not BUILD_ID.match(build_id) or not path.is_dir():
        known = sorted(p.name for p in store_dir.builds.iterdir() if p.is_dir()) \
            if store_dir.builds.is_dir() else []
        raise DataError(f"no build '{build_id}' in {store_dir.root} (kept: {', '.join(known)})")
    return path


def run_diff(config: Config, from_build: str | None, to_build: str | None, *,
             patch: Path | None, added: Path | None,
             removed: Path | None) -> tuple[list[str], list[Path]]:
    """``citygraph diff``: from a build (default: the current one) to another build or to
    what building the data directory now gives (built aside, never published)."""
    from citygraph.loading import build_store, discover

    store_dir = StoreDir(config.store)
    old = _build_path(store_dir, from_build) if from_build or store_dir.exists() else None
    parent = config.store.parent if config.store.parent.is_dir() else None
    with tempfile.TemporaryDirectory(prefix=".diff-", dir=parent) as tmp:
        if to_build is not None:
            new = _build_path(store_dir, to_build)
        else:
            scratch = config.replace(store=Path(tmp) / "store", changes_max_triples=0)
            info = build_store(scratch, discover(config), progress=lambda _m: None)
            assert info.path is not None
            new = info.path
        changes = diff_builds(old, new)
        summary = diff_summary(changes, old.name if old else None, to_build or "data")
        lines = summary_lines(summary, config.base_iri, [p for p in (new, old) if p])
        return lines, write_files(changes, summary, patch, added, removed)
