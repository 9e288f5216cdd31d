"""Request paths ↔ data IRIs, and retired IRIs read from ``data/retired.tsv``.

Data IRIs always use the configured base (``Config.base_iri``), also when the server answers on
another host, so a request path ``/id/city/szczecin`` means ``{base}id/city/szczecin``.
Cool URIs: https://www.w3.org/TR/cooluris/#r303gendocument
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("citygraph.linkeddata")

# The IRI patterns of docs/model.md (``id/{type}/{slug}``); anything else is not ours.
TYPES: tuple[str, ...] = (
    "city", "municipality", "region", "relation", "agreement", "signature", "network",
    "membership", "organisation", "person", "project", "event", "place", "claim", "count",
    "geometry", "offer", "interval",
)
# Internal helper things (a point, a time span, a reported number, an offer): shown on their
# owners' pages, never offered as lists or search results.
HELPER_TYPES = frozenset({"geometry", "interval", "count", "offer"})
LISTED_TYPES = tuple(t for t in TYPES if t not in HELPER_TYPES)
# Slugs are lowercase ASCII joined by '-' (model.md); a dot never occurs, so it starts a suffix.
_SLUG = re.compile(r"[A-Za-z0-9_~-]+")
RETIRED_FILE = "retired.tsv"


@dataclass(frozen=True)
class Key:
    """One resource: its type segment and slug (``city``, ``szczecin``)."""

    type: str
    slug: str

    @property
    def path(self) -> str:
        return f"{self.type}/{self.slug}"


def parse_key(type_: str, slug: str) -> Key | None:
    """A valid key, or None when the type is unknown or the slug has unsafe characters.

    Only keys that pass this check are ever written into a query, so no IRI injection.
    """
    if type_ not in TYPES or not _SLUG.fullmatch(slug):
        return None
    return Key(type_, slug)


def thing_iri(base: str, key: Key) -> str:
    return f"{base}id/{key.path}"


def doc_iri(base: str, key: Key) -> str:
    return f"{base}doc/{key.path}"


def key_of(iri: str, base: str) -> Key | None:
    """The key of a data IRI under the base, for linking it to its local page; else None."""
    prefix = base + "id/"
    if not iri.startswith(prefix):
        return None
    type_, _, slug = iri[len(prefix):].partition("/")
    return parse_key(type_, slug)


def split_suffix(slug: str, extensions: set[str]) -> tuple[str, str | None]:
    """``szczecin.ttl`` → (``szczecin``, ``ttl``) when the extension is a known variant."""
    stem, dot, ext = slug.rpartition(".")
    if dot and stem and ext in extensions:
        return stem, ext
    return slug, None


@dataclass(frozen=True)
class Retirement:
    """What happened to a retired key: moved to ``target`` (301) or gone for good (410)."""

    target: Key | None  # None: 410 Gone


def _path_key(text: str) -> Key | None:
    parts = text.strip().strip("/").split("/")
    if len(parts) != 3 or parts[0] not in ("id", "doc"):
        return None
    return parse_key(parts[1], parts[2])


@functools.lru_cache(maxsize=4)
def _read(path: Path, mtime_ns: int) -> dict[Key, Retirement]:
    """Parse the file once per modification time (the mtime is part of the cache key)."""
    table: dict[Key, Retirement] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        old, _, new = line.partition("\t")
        old_key = _path_key(old)
        new_key = None if new.strip() == "410" else _path_key(new)
        if old_key is None or (new_key is None and new.strip() != "410"):
            log.warning("%s:%d: ignored, expected 'id/type/slug<TAB>id/type/slug|410'",
                        path.name, number)
            continue
        table[old_key] = Retirement(new_key)
    return table


def retired(data_dir: Path, key: Key) -> Retirement | None:
    """The retirement of a key listed in ``data/retired.tsv`` (optional file), else None."""
    path = data_dir / RETIRED_FILE
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    return _read(path, mtime).get(key)
