"""Static checks of a query string before it reaches the engine: the public-endpoint rules.

Oxigraph would call any host named in SERVICE and its planner blows up on very large queries,
so both are refused before evaluation. The query is lexed as SPARQL is (escapes first, then
strings, IRIs and comments skipped whole), so a keyword inside a literal or an IRI does not
count. This is the first line of defence; the query processes also run without a network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from citygraph.errors import BadQuery, ErrorCode, Forbidden, PayloadTooLarge

# SPARQL 1.1 Query §19.2: \u and \U escapes are replaced before the query is parsed.
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# One left-to-right lexer (§19.8 terminals): strings, IRIREFs and comments are skipped whole,
# prefixed names are read with their escapes (PN_LOCAL_ESC, so "ex:a\#" is no comment).
LEXER = re.compile(r"""
   "{3}[\s\S]*?"{3} | '{3}[\s\S]*?'{3}
 | "(?:[^"\\\n\r]|\\.)*" | '(?:[^'\\\n\r]|\\.)*'
 | <[^<>"{}|^`\\\x00-\x20]*>
 | \#[^\n\r]*
 | \d+\.\d*[eE][+-]?\d+ | \d*\.\d+(?:[eE][+-]?\d+)? | \d+(?:[eE][+-]?\d+)?
 | (?P<word>
     (?:[^\W\d][\w\-.\u00B7]*)?:(?:[\w\-.:%\u00B7]|\\[_~.\-!$&'()*+,;=/?\#@%])*
   | [?$][\w\u00B7]+
   | [^\W\d][\w\-]*
   | [(){}.;,] )
 | [\s\S]
""", re.VERBOSE)
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD",
                "WITH"}
QUERY_WORDS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}
# Oxigraph parses and plans recursively: about 1000 nested brackets overflow the query
# process's stack and kill it. No real query nests this deep.
MAX_NESTING = 250


@dataclass(frozen=True)
class Limits:
    max_length: int
    max_patterns: int


def unescape(query: str) -> str:
    return _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)


def tokens(query: str) -> list[str]:
    """Keywords, prefixed names, variables and punctuation, outside strings, IRIs, comments."""
    return [m.group("word") for m in LEXER.finditer(unescape(query)) if m.group("word")]


def estimate_patterns(words: list[str]) -> int:
    """Triple patterns ≈ separators ('.', ';', ',') inside braces, plus one per group.

    Commas between function arguments are no separators: inside brackets they are skipped,
    except in a group nested there (FILTER EXISTS { … }), which counts again.
    """
    brackets: list[int] = []  # open round brackets, per enclosing group
    patterns = 0
    for word in words:
        if word == "{":
            brackets.append(0)
            patterns += 1
        elif word == "}":
            if brackets:
                brackets.pop()
        elif word in "()" and brackets:
            brackets[-1] = max(brackets[-1] + (1 if word == "(" else -1), 0)
        elif brackets and not brackets[-1] and word in ".;,":
            patterns += 1
    return patterns


def nesting_depth(query: str) -> int:
    """Deepest nesting of (), [] and {} outside strings, IRIs and comments."""
    depth = deepest = 0
    for match in LEXER.finditer(unescape(query)):
        char = match.group(0)
        if char in ("(", "[", "{"):
            depth += 1
            deepest = max(deepest, depth)
        elif char in (")", "]", "}"):
            depth = max(depth - 1, 0)
    return deepest


@dataclass(frozen=True)
class Checked:
    """Proof that a client's query text passed ``check_query``; ``Runtime.answer`` runs a
    client's job only with the Checked of its very query."""

    query: str


def check_query(query: str, limits: Limits) -> Checked:
    """Raise a CitygraphError when the query breaks a rule of the public endpoint."""
    if len(query) > limits.max_length:
        raise PayloadTooLarge(f"the query has {len(query)} characters; this endpoint accepts at "
                              f"most {limits.max_length}")
    words = tokens(query)
    upper = [w.upper() for w in words if ":" not in w and w[0] not in "?$"]
    first = next((w for w in upper if w not in {"PREFIX", "BASE"} and w.isalpha()), "")
    if first in UPDATE_WORDS:
        raise Forbidden(f"SPARQL Update ({first}) is not allowed: this endpoint is read-only",
                        code=ErrorCode.UPDATE_FORBIDDEN)
    if "SERVICE" in upper:
        raise Forbidden("SERVICE (federated query) is disabled: this endpoint does not contact "
                        "other servers", code=ErrorCode.SERVICE_FORBIDDEN)
    depth = nesting_depth(query)
    if depth > MAX_NESTING:
        raise BadQuery(f"the query nests brackets {depth} levels deep; this endpoint accepts at "
                       f"most {MAX_NESTING}", code=ErrorCode.QUERY_TOO_COMPLEX)
    patterns = estimate_patterns(words)
    if patterns > limits.max_patterns:
        raise BadQuery(f"the query has about {patterns} triple patterns; this endpoint accepts "
                       f"at most {limits.max_patterns}", code=ErrorCode.QUERY_TOO_COMPLEX)
    return Checked(query)


def names_dataset(query: str) -> bool:
    """True when the query has FROM or FROM NAMED: then it, not the union, is the dataset."""
    return any(w.upper() == "FROM" for w in tokens(query))


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first query keyword after the prologue."""
    for word in tokens(query):
        upper = word.upper()
        if upper in QUERY_WORDS:
            return upper
    raise BadQuery("the query has no SELECT, ASK, CONSTRUCT or DESCRIBE form",
                   code=ErrorCode.SYNTAX_ERROR)
