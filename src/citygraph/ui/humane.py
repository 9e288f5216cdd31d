"""Values as people read them: dates in words ("10 October 2001", "10. Oktober 2001"), and a
name for a web address that has no label ("GeoNames 2844588" instead of "2844588").

Registered as Jinja filters by the site blueprint. No Flask here.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"),
}
_ISO = re.compile(r"\b(\d{4})-(\d{2})(?:-(\d{2}))?(?:T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})?)?\b")
_WHOLE = re.compile(r"(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})?)?")
SITES = {"sws.geonames.org": "GeoNames", "www.geonames.org": "GeoNames",
         "www.wikidata.org": "Wikidata", "d-nb.info": "GND", "viaf.org": "VIAF",
         "dbpedia.org": "DBpedia", "www.openstreetmap.org": "OpenStreetMap"}


def _words(year: str, month: str | None, day: str | None, lang: str) -> str:
    names = MONTHS.get(lang, MONTHS["en"])
    if not month or not 1 <= int(month) <= 12:
        return year
    name = names[int(month) - 1]
    if not day:
        return f"{name} {year}"
    number = int(day)
    return f"{number}. {name} {year}" if lang == "de" else f"{number} {name} {year}"


def human_date(text: str, lang: str) -> str:
    """An ISO date, year-month or year as words; anything else unchanged."""
    match = _WHOLE.fullmatch(text.strip())
    if match is None:
        return text
    return _words(match.group(1), match.group(2), match.group(3), lang)


def human_dates(text: str, lang: str) -> str:
    """Every ISO date inside a text in words: '(2001-10-10)' → '(10 October 2001)'."""
    return _ISO.sub(lambda m: _words(m.group(1), m.group(2), m.group(3), lang), text)


def address_name(text: str, iri: str) -> str:
    """The text of a link to ``iri``: the label if it has one, else a readable name for the
    address ('GeoNames 2844588', 'example.org/page') instead of its bare last segment."""
    if not iri or not iri.startswith(("http://", "https://")):
        return text
    parts = urlsplit(iri)
    last = parts.path.rstrip("/").rsplit("/", 1)[-1] or parts.fragment
    if text not in (last, iri, iri.rstrip("/")):
        return text
    site = SITES.get(parts.netloc)
    if site:
        return f"{site} {last}"
    return (parts.netloc + parts.path).rstrip("/")
