"""The example library: the competency questions in ``citygraph/queries/*.rq``.

Each file starts with header comments (``# title@en:``, ``# title@de:``, ``# group:``,
``# description@en:``) followed by the query. Files are read with importlib.resources, so the
library works from a wheel as well as from a source checkout.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

PACKAGE = "citygraph.queries"
_HEADER = re.compile(r"#\s*([a-z]+)(?:@([a-z]{2}))?\s*:\s*(.*)")
_NUMBER = re.compile(r"^\d+-")

GROUPS: dict[str, dict[str, str]] = {
    "partnerships": {"en": "Partnerships and friendships", "de": "Partnerschaften und "
                     "Freundschaften"},
    "networks": {"en": "City networks", "de": "Städtenetzwerke"},
    "visits-events": {"en": "Visits and events", "de": "Besuche und Veranstaltungen"},
    "places": {"en": "Places", "de": "Orte"},
    "provenance-conflicts": {"en": "Sources and conflicts", "de": "Quellen und Widersprüche"},
}


@dataclass(frozen=True)
class Example:
    """One canned query with its titles, group and description."""

    name: str
    titles: dict[str, str]
    group: str
    description: str
    query: str

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.name


def parse(name: str, text: str) -> Example:
    """An example from the text of an .rq file; header comments end at the first other line."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        match = _HEADER.fullmatch(line.strip())
        if not match:
            break
        key, lang, value = match.groups()
        fields[f"{key}@{lang}" if lang else key] = value.strip()
    titles = {lang: fields[f"title@{lang}"] for lang in ("en", "de") if f"title@{lang}" in fields}
    return Example(name=name, titles=titles, group=fields.get("group", ""),
                   description=fields.get("description@en", ""), query=text)


def example_name(filename: str) -> str:
    """``02-oldest-partnership.rq`` → ``oldest-partnership``."""
    return _NUMBER.sub("", filename.removesuffix(".rq"))


@functools.cache
def load() -> tuple[Example, ...]:
    """Every example, in file order (the files are numbered)."""
    files = sorted((f for f in resources.files(PACKAGE).iterdir() if f.name.endswith(".rq")),
                   key=lambda f: f.name)
    return tuple(parse(example_name(f.name), f.read_text(encoding="utf-8")) for f in files)


def find(name: str) -> Example | None:
    return next((e for e in load() if e.name == name), None)


def grouped() -> list[tuple[str, list[Example]]]:
    """(group, examples) in the order of GROUPS; unknown groups come last."""
    order = [*GROUPS, *sorted({e.group for e in load()} - set(GROUPS))]
    return [(g, [e for e in load() if e.group == g]) for g in order
            if any(e.group == g for e in load())]


def group_title(group: str, lang: str) -> str:
    return GROUPS.get(group, {}).get(lang, group)
