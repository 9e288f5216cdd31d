"""A small Turtle writer for generated data files: one block per subject, prefixed names where
they fit, IRIs under the base written relative (data files never write the base)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from citygraph.namespaces import PREFIXES

WD = "http://www.wikidata.org/entity/"
NAMES = {**{k: PREFIXES[k] for k in ("cg", "rdf", "rdfs", "skos", "dct", "schema", "wgs", "xsd",
                                     "prov", "owl")}, "wd": WD}
LOCAL = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
Term = tuple[str, str, str | None]  # kind ('iri' or 'lit'), value, datatype IRI or '@lang'


def iri(value: str) -> Term:
    return ("iri", value, None)


def lit(value: str, lang_or_type: str | None = None) -> Term:
    return ("lit", value, lang_or_type)


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r"))


def term_text(term: Term, base: str) -> str:
    kind, value, extra = term
    if kind == "lit":
        if extra is None:
            return f'"{_escape(value)}"'
        if extra.startswith("@"):
            return f'"{_escape(value)}"{extra}'
        return f'"{_escape(value)}"^^{term_text(iri(extra), base)}'
    for prefix, ns in NAMES.items():
        if value.startswith(ns) and LOCAL.match(value[len(ns):]):
            return f"{prefix}:{value[len(ns):]}"
    if value.startswith(base):
        return f"<{value[len(base):]}>"
    return f"<{value}>"


def write_turtle(path: Path, header: str, blocks: Iterable[tuple[Term, list[tuple[str, Term]]]],
                 base: str) -> int:
    """Write subject blocks to a file (atomically); returns the number of triples."""
    count = 0
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as out:
        out.write("".join(f"# {line}\n" for line in header.splitlines()) + "\n")
        out.write("".join(f"@prefix {p}: <{ns}> .\n" for p, ns in NAMES.items()) + "\n")
        for subject, pairs in blocks:
            if not pairs:
                continue
            lines = [f"    {term_text(iri(p), base)} {term_text(o, base)}" for p, o in pairs]
            out.write(f"{term_text(subject, base)}\n" + " ;\n".join(lines) + " .\n\n")
            count += len(pairs)
    tmp.replace(path)
    return count
