"""Finding things by any of their names: an in-memory index of all labels, built once per build.

Every ``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel`` and ``schema:name`` of a thing under
``{base}id/`` is indexed in all its languages. Matching is accent- and case-insensitive
(Unicode NFKD without combining marks, then case folding, so "Arhus" finds "Århus" and
"strasse" finds "Straße") and by word prefix: every word of the query must begin a word of one
label. No Flask here.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from citygraph.linkeddata.iris import HELPER_TYPES
from citygraph.namespaces import PREFIXES

T = TypeVar("T")
MAX_QUERY = 200  # characters of a search request that are looked at
MAX_RESULTS = 50
_WORD = re.compile(r"[^\W_]+")
LABELS = ("rdfs:label", "skos:prefLabel", "skos:altLabel", "schema:name")


def normalise(text: str) -> str:
    """Lower case, no accents: 'Århus' → 'arhus', 'Straße' → 'strasse'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.casefold()


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


@dataclass
class Entry:
    iri: str
    type: str  # the type segment of the IRI (city, network, …)
    labels: list[tuple[str, str]] = field(default_factory=list)  # (text, language tag)
    preferred: dict[str, str] = field(default_factory=dict)  # language → preferred label

    def label(self, lang: str) -> str:
        """The name in the page language, else English, else any."""
        for key in (lang, "en", ""):
            if key in self.preferred:
                return self.preferred[key]
        return self.labels[0][0] if self.labels else self.iri.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Hit:
    entry: Entry
    matched: str  # the label that matched
    matched_lang: str
    rank: tuple[int, int, str]


def index_query(base: str) -> str:
    prologue = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("rdfs", "skos", "schema"))
    union = " UNION ".join(f"{{ ?s {p} ?l BIND({i} AS ?k) }}" for i, p in enumerate(LABELS))
    return (f"{prologue}SELECT ?s ?l ?k WHERE {{ {union} "
            f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{base}id/")) }}')


def build_index(rows: list[dict[str, dict[str, str]]], base: str) -> list[Entry]:
    prefix = base + "id/"
    entries: dict[str, Entry] = {}
    for row in rows:
        iri, literal = row["s"]["value"], row["l"]
        type_ = iri[len(prefix):].partition("/")[0]
        if type_ in HELPER_TYPES:
            continue
        entry = entries.setdefault(iri, Entry(iri, type_))
        text, lang = literal["value"], literal.get("xml:lang", "")[:2]
        if (text, lang) not in entry.labels:
            entry.labels.append((text, lang))
        if row["k"]["value"] in ("0", "1") and (row["k"]["value"] == "1"
                                                or lang not in entry.preferred):
            entry.preferred[lang] = text  # skos:prefLabel wins over rdfs:label
    return list(entries.values())


def _rank(label: str, query: str, terms: list[str]) -> tuple[int, int, str] | None:
    norm = normalise(label)
    label_words = words(label)
    if not all(any(w.startswith(t) for w in label_words) for t in terms):
        return None
    tier = 0 if norm == query else 1 if norm.startswith(query) else 2
    return (tier, len(label), norm)


def search(entries: list[Entry], text: str, limit: int = MAX_RESULTS) -> list[Hit]:
    """Things with a label whose words begin with all words of the query, best first."""
    query = " ".join(words(text[:MAX_QUERY]))
    terms = query.split()
    if not terms:
        return []
    hits = []
    for entry in entries:
        best: Hit | None = None
        for label, lang in entry.labels:
            rank = _rank(label, query, terms)
            if rank is not None and (best is None or rank < best.rank):
                best = Hit(entry, label, lang, rank)
        if best is not None:
            hits.append(best)
    hits.sort(key=lambda h: h.rank)
    return hits[:limit]


class PerBuild(Generic[T]):
    """One value computed per build (recomputed when the build changes), shared by threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._build = ""
        self._value: T | None = None

    def get(self, build_id: str, load: Callable[[], T]) -> T:
        with self._lock:
            if build_id == self._build and self._value is not None:
                return self._value
        value = load()
        with self._lock:
            self._build, self._value = build_id, value
        return value
