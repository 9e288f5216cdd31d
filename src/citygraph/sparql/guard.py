"""Static checks of a query string before it reaches the engine: the public-endpoint rules.

Oxigraph would call any host named in SERVICE and its planner blows up on very large queries,
so both are refused before evaluation. The query is scanned as tokens with strings, IRIs and
comments removed, so a keyword inside a literal or an IRI does not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from citygraph.errors import BadQuery, Forbidden, PayloadTooLarge

_STRIP = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*")
_WORD = re.compile(r"[A-Za-z_][\w\-]*(?::[\w\-.]*)?|[{}.;,]")
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD",
                "WITH"}
QUERY_WORDS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}


@dataclass(frozen=True)
class Limits:
    max_length: int
    max_patterns: int


def tokens(query: str) -> list[str]:
    """Keywords, prefixed names and punctuation, outside strings, IRIs and comments."""
    return _WORD.findall(_STRIP.sub(" ", query))


def estimate_patterns(words: list[str]) -> int:
    """Triple patterns ≈ separators ('.', ';', ',') inside braces, plus one per group."""
    depth = patterns = 0
    for word in words:
        if word == "{":
            depth += 1
            patterns += 1
        elif word == "}":
            depth = max(depth - 1, 0)
        elif depth and word in ".;,":
            patterns += 1
    return patterns


def check_query(query: str, limits: Limits) -> None:
    """Raise a CitygraphError when the query breaks a rule of the public endpoint."""
    if len(query) > limits.max_length:
        raise PayloadTooLarge(f"the query has {len(query)} characters; this endpoint accepts at "
                              f"most {limits.max_length}")
    words = tokens(query)
    upper = [w.upper() for w in words if ":" not in w]
    first = next((w for w in upper if w not in {"PREFIX", "BASE"} and w.isalpha()), "")
    if first in UPDATE_WORDS:
        raise Forbidden(f"SPARQL Update ({first}) is not allowed: this endpoint is read-only",
                        code="update_forbidden")
    if "SERVICE" in upper:
        raise Forbidden("SERVICE (federated query) is disabled: this endpoint does not contact "
                        "other servers", code="service_forbidden")
    patterns = estimate_patterns(words)
    if patterns > limits.max_patterns:
        raise BadQuery(f"the query has about {patterns} triple patterns; this endpoint accepts "
                       f"at most {limits.max_patterns}", code="query_too_complex")


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first query keyword after the prologue."""
    for word in tokens(query):
        upper = word.upper()
        if upper in QUERY_WORDS:
            return upper
    raise BadQuery("the query has no SELECT, ASK, CONSTRUCT or DESCRIBE form",
                   code="syntax_error")
