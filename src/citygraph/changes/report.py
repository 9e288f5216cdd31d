"""``citygraph diff`` and the summary ``build`` prints: changes per graph and per thing, with
labels, and the patch files for a diff between any two builds (or a build and the data)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox

from citygraph.changes.changeset import Diff, counts, write_nquads, write_patch
from citygraph.namespaces import PREFIXES, data_prefixes, shorten

LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
MAX_THINGS = 40


def label_of(iri: str, stores: list[ox.Store], lang: str = "en") -> str | None:
    node = ox.NamedNode(iri)
    for store in stores:
        labels = [q.object for q in store.quads_for_pattern(node, LABEL, None)
                  if isinstance(q.object, ox.Literal)]
        for lit in sorted(labels, key=lambda lit: lit.language != lang):
            return lit.value
    return None


def summary_lines(summary: dict[str, Any], base: str, stores: list[ox.Store]) -> list[str]:
    """Readable lines for a change-set summary (see changeset.record)."""
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
