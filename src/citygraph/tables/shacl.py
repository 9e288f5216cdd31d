"""SHACL violations of nodes made from table rows, reported at their file, row and column."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from citygraph.namespaces import PREFIXES, data_prefixes
from citygraph.tables.reader import TableData
from citygraph.tables.rowerrors import RowError
from citygraph.validation import Violation

SH_MESSAGE = ox.NamedNode(PREFIXES["sh"] + "message")


def _expand(shown: str, prefixes: dict[str, str]) -> str:
    if shown.startswith("<") and shown.endswith(">"):
        return shown[1:-1]
    prefix, _, local = shown.partition(":")
    return prefixes.get(prefix, prefix + ":") + local


def shape_messages(shape_files: Iterable[Path], base_iri: str) -> dict[str, dict[str, str]]:
    """sh:message of every shape by language (pyshacl's report drops the language tags)."""
    found: dict[str, dict[str, str]] = {}
    for path in shape_files:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base_iri):
            obj = quad.object
            if quad.predicate == SH_MESSAGE and isinstance(obj, ox.Literal) and obj.language:
                found.setdefault(quad.subject.value, {})[obj.language] = obj.value
    return found


def shacl_row_errors(violations: Iterable[Violation], data: TableData, base_iri: str,
                     messages: dict[str, dict[str, str]]) -> list[RowError]:
    """Row errors for the violations whose focus node was made from a table row."""
    prefixes = data_prefixes(base_iri)
    # a code is shown as the clerk typed it ("active"), not as the IRI made from it
    typed = {(iri, file, row): text for iri, file, row, _column, text in data.refs}
    errors = []
    for v in violations:
        focus = _expand(v.focus, prefixes)
        origin = data.origins.get(focus)
        if origin is None:
            continue
        path = _expand(v.path, prefixes) if v.path else ""
        column = data.columns.get((focus, path), v.path or "")
        shape = _expand(v.shape, prefixes) if not v.shape.startswith("[") else ""
        by_lang = messages.get(shape, {})
        joined = " ".join(v.messages)
        value = v.value[1:-1] if v.value.startswith("<") else v.value.split('"')[1:2] or [v.value]
        shown = typed.get((_expand(v.value, prefixes), *origin), "".join(value))
        de, en = (by_lang.get(lang, joined).replace("{?value}", shown).replace("{$value}", shown)
                  for lang in ("de", "en"))
        errors.append(RowError(origin[0], origin[1], column, shown, de, en))
    return errors
