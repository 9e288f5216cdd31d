"""The example library: the competency questions in ``citygraph/queries/*.rq``.

Each file starts with header comments (``# title@en:``, ``# title@de:``, ``# group:``,
``# description@en:``, ``# description@de:``) followed by the query. A page in German shows
the German title and description, the English ones only where a German one is missing (and
marks them ``lang="en"``: ``title_lang``, ``description_lang``). Files are read with
importlib.resources, so the library works from a wheel as well as from a source checkout.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

PACKAGE = "citygraph.queries"
_HEADER = re.compile(r"#\s*([a-z]+)(?:@([a-z]{2}))?\s*:\s*(.*)")
_NUMBER = re.compile(r"^\d+-")
LANGS = ("en", "de")

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
    descriptions: dict[str, str]
    query: str

    @property
    def description(self) -> str:
        """The English description (the reference text)."""
        return self.descriptions.get("en", "")

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.name

    def title_lang(self, lang: str) -> str:
        """The language of ``title(lang)``."""
        return lang if lang in self.titles else "en"

    def description_in(self, lang: str) -> str:
        return self.descriptions.get(lang) or self.description

    def description_lang(self, lang: str) -> str:
        """The language of ``description_in(lang)``."""
        return lang if lang in self.descriptions else "en"


def parse(name: str, text: str) -> Example:
    """An example from the text of an .rq file; header comments end at the first other line."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        match = _HEADER.fullmatch(line.strip())
        if not match:
            break
        key, lang, value = match.groups()
        fields[f"{key}@{lang}" if lang else key] = value.strip()
    def texts(key: str) -> dict[str, str]:
        return {lang: fields[f"{key}@{lang}"] for lang in LANGS if fields.get(f"{key}@{lang}")}

    return Example(name=name, titles=texts("title"), group=fields.get("group", ""),
                   descriptions=texts("description"), query=text)


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
