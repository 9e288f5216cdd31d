"""Reading a Wikidata Query Service result of the documented P190 query (docs/wikidata-p190.rq)
as SPARQL 1.1 Query Results JSON (https://www.w3.org/TR/sparql11-results-json/) or CSV
(https://www.w3.org/TR/sparql11-results-csv-tsv/), as WDQS downloads them.

The result variables are the file contract; labels may come as several rows per language.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from citygraph.errors import DataError

VARIABLES = ("city", "cityLabel", "cityGeoNames", "twin", "twinLabel", "twinGeoNames",
             "twinCoord", "twinCountry", "twinType", "start", "end")
ENTITY = re.compile(r"^https?://www\.wikidata\.org/entity/(Q[0-9]+)$")
POINT = re.compile(r"^\s*Point\(\s*(-?[0-9.]+)\s+(-?[0-9.]+)\s*\)\s*$", re.IGNORECASE)
GEONAMES = re.compile(r"^[0-9]+$")
DATE = re.compile(r"^(-?[0-9]{4,})-([0-9]{2})-([0-9]{2})(T00:00:00Z?)?$")
MAX_BYTES = 512 << 20  # a full P190 result is a few MB; refuse what cannot be one

Cell = tuple[str, str | None]  # value, language tag


@dataclass
class Item:
    """One Wikidata item as the result describes it."""

    qid: str
    labels: dict[str, str] = field(default_factory=dict)
    geonames: set[str] = field(default_factory=set)
    coord: tuple[str, str] | None = None  # longitude, latitude
    countries: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)


@dataclass
class Statement:
    """One P190 link, merged over its rows; several start/end values are kept."""

    city: str
    twin: str
    starts: set[str] = field(default_factory=set)
    ends: set[str] = field(default_factory=set)
    rows: int = 0


@dataclass
class WdqsResult:
    items: dict[str, Item] = field(default_factory=dict)
    statements: dict[tuple[str, str], Statement] = field(default_factory=dict)
    rows: int = 0


def _json_rows(text: str, name: str) -> Iterator[dict[str, Cell]]:
    try:
        doc = json.loads(text)
        names = doc["head"]["vars"]
        bindings = doc["results"]["bindings"]
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(f"{name}: not a SPARQL JSON result ({exc})") from None
    _check_vars(names, name)
    for b in bindings:
        yield {k: (v.get("value", ""), v.get("xml:lang")) for k, v in b.items()}


def _csv_rows(text: str, name: str) -> Iterator[dict[str, Cell]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    _check_vars(header, name)
    for row in reader:
        yield {k: (v, None) for k, v in zip(header, row, strict=False) if v}


def _check_vars(names: list[str], file: str) -> None:
    missing = [v for v in VARIABLES if v not in names]
    if missing:
        names_text = ", ".join("?" + m for m in missing)
        raise DataError(f"{file}: the result lacks the variables {names_text} of the "
                        f"documented query (docs/wikidata-p190.rq)")


def qid(iri: str) -> str | None:
    m = ENTITY.match(iri)
    return m.group(1) if m else None


def _item(result: WdqsResult, q: str) -> Item:
    item = result.items.get(q)
    if item is None:
        item = result.items[q] = Item(q)
    return item


def _describe(item: Item, row: dict[str, Cell], prefix: str) -> None:
    label, lang = row.get(prefix + "Label", ("", None))
    if label and not (label.startswith("Q") and label[1:].isdigit()):  # WDQS falls back to QID
        item.labels.setdefault(lang or "", label)
    geonames = row.get(prefix + "GeoNames", ("", None))[0]
    if GEONAMES.match(geonames):
        item.geonames.add(geonames)


def read_result(path: Path) -> WdqsResult:
    """The items and P190 statements of a WDQS result file (JSON or CSV, by content)."""
    if path.stat().st_size > MAX_BYTES:
        raise DataError(f"{path}: larger than {MAX_BYTES >> 20} MB; not a P190 result")
    text = path.read_text(encoding="utf-8-sig")
    rows = _json_rows(text, path.name) if text.lstrip().startswith("{") \
        else _csv_rows(text, path.name)
    result = WdqsResult()
    for number, row in enumerate(rows, start=1):
        city, twin = qid(row.get("city", ("", None))[0]), qid(row.get("twin", ("", None))[0])
        if city is None or twin is None:
            raise DataError(f"{path.name}: result row {number}: ?city and ?twin must be "
                            f"Wikidata entity IRIs")
        result.rows += 1
        _describe(_item(result, city), row, "city")
        twin_item = _item(result, twin)
        _describe(twin_item, row, "twin")
        coord = POINT.match(row.get("twinCoord", ("", None))[0])
        if coord and twin_item.coord is None:
            twin_item.coord = (coord.group(1), coord.group(2))
        for var, target in (("twinCountry", twin_item.countries), ("twinType", twin_item.types)):
            value = qid(row.get(var, ("", None))[0])
            if value:
                target.add(value)
        st = result.statements.get((city, twin))
        if st is None:
            st = result.statements[(city, twin)] = Statement(city, twin)
        st.rows += 1
        for var, dates in (("start", st.starts), ("end", st.ends)):
            value = row.get(var, ("", None))[0]
            if value:
                dates.add(value)
    return result


def wikidata_date(value: str) -> tuple[str, str] | None:
    """(lexical, xsd type) of a WDQS date: 1 January stands for a year (WDQS drops the
    precision), anything else for a day; None for what is not a date."""
    m = DATE.match(value.strip())
    if not m:
        return None
    year, month, day = m.group(1), m.group(2), m.group(3)
    if (month, day) == ("01", "01"):
        return year, "gYear"
    return f"{year}-{month}-{day}", "date"
