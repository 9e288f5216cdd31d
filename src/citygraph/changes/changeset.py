"""Change sets between builds: added and removed quads per graph and per thing, written as
RDF Patch (https://afs.github.io/rdf-patch/) and N-Quads add/delete files, kept for the last
builds under ``<store>/changes/<build-id>/``, with the time each entity last changed.

Quads with blank nodes are left out: their labels are not stable between builds, so a patch
could not name them (the data and the ontology use blank nodes only for nested descriptions).
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from citygraph.store import BuildInfo

CHANGES = "changes"
SUMMARY = "summary.json"
MODIFIED = "modified.json"
PATCH, ADDED, REMOVED = "patch.rdfp", "added.nq", "removed.nq"


@dataclass
class Diff:
    added: set[str] = field(default_factory=set)  # N-Quads lines without the final " ."
    removed: set[str] = field(default_factory=set)


def _quads(path: Path) -> set[str]:
    store = ox.Store.read_only(str(path))
    return {str(q) for q in store if not isinstance(q.subject, ox.BlankNode)
            and not isinstance(q.object, ox.BlankNode)}


def diff_builds(old: Path | None, new: Path) -> Diff:
    before = _quads(old) if old is not None else set()
    after = _quads(new)
    return Diff(added=after - before, removed=before - after)


def _parsed(lines: set[str]) -> ox.QuadParser:
    return ox.parse("".join(f"{line} .\n" for line in lines).encode(),
                    format=ox.RdfFormat.N_QUADS)


def counts(diff: Diff) -> tuple[dict[str, list[int]], dict[str, list[int]], set[str]]:
    """Per graph and per thing (subject): [added, removed]; and every IRI touched."""
    graphs: dict[str, list[int]] = {}
    things: dict[str, list[int]] = {}
    touched: set[str] = set()
    for index, lines in ((0, diff.added), (1, diff.removed)):
        for quad in _parsed(lines):
            subject, obj = quad.subject.value, quad.object
            graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
            graphs.setdefault(graph, [0, 0])[index] += 1
            things.setdefault(subject, [0, 0])[index] += 1
            touched.add(subject)
            if isinstance(obj, ox.NamedNode):
                touched.add(obj.value)
    return graphs, things, touched


def write_patch(diff: Diff, out: Path, build_id: str, previous: str | None) -> None:
    """An RDF Patch: header, one transaction, deletions before additions."""
    with out.open("w", encoding="utf-8") as f:
        f.write(f"H id <urn:citygraph:build:{build_id}> .\n")
        if previous:
            f.write(f"H prev <urn:citygraph:build:{previous}> .\n")
        f.write("TX .\n")
        f.writelines(f"D {line} .\n" for line in sorted(diff.removed))
        f.writelines(f"A {line} .\n" for line in sorted(diff.added))
        f.write("TC .\n")


def write_nquads(lines: set[str], out: Path) -> None:
    with out.open("w", encoding="utf-8") as f:
        f.writelines(f"{line} .\n" for line in sorted(lines))


def changes_root(store_root: Path) -> Path:
    return store_root / CHANGES


def _previous_modified(root: Path, previous: BuildInfo | None) -> dict[str, Any]:
    if previous is None:
        return {}
    try:
        data: dict[str, Any] = json.loads((root / previous.build_id / MODIFIED).read_text("utf-8"))
        return data
    except (OSError, ValueError):
        return {"base": previous.built_at, "changed": {}}


def record(store_root: Path, info: BuildInfo, previous: BuildInfo | None, *,
           max_triples: int, keep: int) -> dict[str, Any]:
    """Compute and write the change set of a new (not yet published) build; prune old ones."""
    assert info.path is not None
    root = changes_root(store_root)
    target = root / info.build_id
    target.mkdir(parents=True, exist_ok=True)
    summary: dict[str, Any] = {"build": info.build_id, "built_at": info.built_at,
                               "previous": previous.build_id if previous else None}
    sizes = [info.triples, previous.triples if previous else 0]
    modified = _previous_modified(root, previous)
    if previous is None or max(sizes) > max_triples:
        summary["skipped"] = ("first build: fetch the dumps" if previous is None else
                              f"more than {max_triples} triples: fetch the dumps instead")
        modified = {"base": info.built_at, "changed": {}}
    else:
        diff = diff_builds(previous.path if previous else None, info.path)
        graphs, things, touched = counts(diff)
        summary.update(added=len(diff.added), removed=len(diff.removed), graphs=graphs,
                       things=dict(Counter({k: sum(v) for k, v in things.items()})
                                   .most_common(200)))
        summary["thing_counts"] = {k: things[k] for k in summary["things"]}
        write_patch(diff, target / PATCH, info.build_id, summary["previous"])
        write_nquads(diff.added, target / ADDED)
        write_nquads(diff.removed, target / REMOVED)
        if not modified:
            modified = {"base": info.built_at, "changed": {}}
        else:
            modified["changed"].update(dict.fromkeys(touched, info.built_at))
    (target / MODIFIED).write_text(json.dumps(modified), encoding="utf-8")
    (target / SUMMARY).write_text(json.dumps(summary, indent=1), encoding="utf-8")
    _prune(root, keep)
    return summary


def _prune(root: Path, keep: int) -> None:
    sets = sorted(p for p in root.iterdir() if p.is_dir())
    for old in sets[:-keep]:
        shutil.rmtree(old, ignore_errors=True)


def summaries(store_root: Path) -> list[dict[str, Any]]:
    """The kept change sets, newest first."""
    root = changes_root(store_root)
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.iterdir(), reverse=True):
        try:
            found.append(json.loads((path / SUMMARY).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return found


def last_modified(store_root: Path, build_id: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(
            (changes_root(store_root) / build_id / MODIFIED).read_text(encoding="utf-8"))
        return data
    except (OSError, ValueError):
        return {}


_MODIFIED_CACHE: dict[tuple[str, str], dict[str, Any]] = {}


def entity_modified(store_root: Path, build_id: str, iri: str) -> str | None:
    """When the thing last changed: the time of the build that last touched it (read once per
    build and process), None when the store keeps no change sets."""
    key = (str(store_root), build_id)
    data = _MODIFIED_CACHE.get(key)
    if data is None:
        data = last_modified(store_root, build_id)
        _MODIFIED_CACHE.clear()  # one build at a time: the current one
        _MODIFIED_CACHE[key] = data
    if not data:
        return None
    changed: str | None = data.get("changed", {}).get(iri)
    return changed or data.get("base")
