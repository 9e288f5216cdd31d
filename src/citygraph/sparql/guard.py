"""Static checks of a query string before it reaches the engine: the public-endpoint rules.

Oxigraph would call any host named in SERVICE and its planner blows up on very large queries,
so both are refused before evaluation. The query is read by citygraph.sparql.lexer exactly as
the SPARQL grammar reads it (strings, IRIs and comments skipped whole, escapes decoded first),
so a keyword inside a literal does not count and no bracket or keyword hides in a string.
Every check is linear in the query length. The query processes also run without a network.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from citygraph.errors import BadQuery, ErrorCode, Forbidden, PayloadTooLarge
from citygraph.sparql.lexer import Token, scan, unescape

UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD",
                "WITH")
QUERY_WORDS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
# Oxigraph parses and plans recursively: about 1000 nested brackets overflow the query
# process's stack and kill it. No real query nests this deep.
MAX_NESTING = 250
# Reading a token costs the guard microseconds; no real query of 20 000 characters has this
# many (a VALUES list of 1000 IRIs has about 1000), so a refused flood costs little CPU.
MAX_TOKENS = 4000


@dataclass(frozen=True)
class Limits:
    max_length: int
    max_patterns: int


def engine_tokens(query: str, most: int = 0) -> list[Token]:
    """The tokens the engine reads: unicode escapes decoded first (§19.2)."""
    return scan(unescape(query), most)


def keyword_text(token: Token) -> str:
    """The part of a token where the engine may find keywords: all of a bare word, and the
    prefix of a prefixed name (``SERVICE:x`` is SERVICE :x when the prefix is unknown).
    Keywords need no space between them, so the caller searches inside (ASCII case)."""
    if token.kind == "word":
        return token.text.upper()
    if token.kind == "pname":
        return token.prefix.upper()
    return ""


def uses_service(words: list[Token]) -> bool:
    return any("SERVICE" in keyword_text(t) for t in words)


def estimate_patterns(words: list[Token]) -> int:
    """Triple patterns ≈ separators ('.', ';', ',') inside braces, plus one per group.

    Commas between function arguments are no separators: inside brackets they are skipped,
    except in a group nested there (FILTER EXISTS { … }), which counts again.
    """
    brackets: list[int] = []  # open round brackets, per enclosing group
    patterns = 0
    for token in words:
        word = token.text
        if token.kind != "punct":
            continue
        if word == "{":
            brackets.append(0)
            patterns += 1
        elif word == "}":
            if brackets:
                brackets.pop()
        elif word in ("(", ")") and brackets:
            brackets[-1] = max(brackets[-1] + (1 if word == "(" else -1), 0)
        elif brackets and not brackets[-1] and word in (".", ";", ","):
            patterns += 1
    return patterns


def nesting_depth(words: list[Token]) -> int:
    """Deepest nesting of (), [] and {} outside strings and comments. Brackets inside an
    IRIREF count too: ``?a<((…)>?b`` is an IRI to the tokenizer but may be two comparisons
    around nested brackets to the engine, so the safe reading is taken."""
    depth = deepest = 0
    for token in words:
        if token.kind not in ("punct", "iri"):
            continue
        for char in token.text:
            if char in "([{":
                depth += 1
                deepest = max(deepest, depth)
            elif char in ")]}":
                depth = max(depth - 1, 0)
    return deepest


def _first_keyword(words: list[Token]) -> str:
    """The first bare word after the prologue (PREFIX / BASE declarations)."""
    return next((t.text.upper() for t in words if t.kind == "word"
                 and not t.text.upper().startswith(("PREFIX", "BASE"))), "")


@dataclass(frozen=True)
class Checked:
    """Proof that a client's query text passed ``check_query``; ``Runtime.answer`` runs a
    client's job only with the Checked of its very query."""

    query: str


@functools.lru_cache(maxsize=1024)
def check_query(query: str, limits: Limits) -> Checked:
    """Raise a CitygraphError when the query breaks a rule of the public endpoint.

    Passing queries are remembered (the same text passes again), so a repeated query costs
    no tokenising; a refused one is checked again each time (it is not cached)."""
    if len(query) > limits.max_length:
        raise PayloadTooLarge(f"the query has {len(query)} characters; this endpoint accepts at "
                              f"most {limits.max_length}")
    words = engine_tokens(query, MAX_TOKENS)
    first = _first_keyword(words)
    if first.startswith(UPDATE_WORDS):
        raise Forbidden(f"SPARQL Update ({first}) is not allowed: this endpoint is read-only",
                        code=ErrorCode.UPDATE_FORBIDDEN)
    if uses_service(words):
        raise Forbidden("SERVICE (federated query) is disabled: this endpoint does not contact "
                        "other servers", code=ErrorCode.SERVICE_FORBIDDEN)
    depth = nesting_depth(words)
    if depth > MAX_NESTING:
        raise BadQuery(f"the query nests brackets {depth} levels deep; this endpoint accepts at "
                       f"most {MAX_NESTING}", code=ErrorCode.QUERY_TOO_COMPLEX)
    patterns = estimate_patterns(words)
    if patterns > limits.max_patterns:
        raise BadQuery(f"the query has about {patterns} triple patterns; this endpoint accepts "
                       f"at most {limits.max_patterns}", code=ErrorCode.QUERY_TOO_COMPLEX)
    return Checked(query)


def names_dataset(query: str) -> bool:
    """True when the query has FROM or FROM NAMED: then it, not the union, is the dataset.

    Every uncached query asks this in its query process. Without an escape (§19.2) a FROM
    word is FROM in the text, so a query whose text has neither is answered without
    tokenising it (upper() maps character by character, as for each word below)."""
    if "FROM" not in query.upper() and "\\u" not in query.lower():
        return False
    return any(t.kind == "word" and t.text.upper().startswith("FROM")
               for t in engine_tokens(query))


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first query keyword after the prologue."""
    for token in engine_tokens(query):
        upper = token.text.upper()
        if token.kind == "word" and upper.startswith(QUERY_WORDS):
            return next(w for w in QUERY_WORDS if upper.startswith(w))
    raise BadQuery("the query has no SELECT, ASK, CONSTRUCT or DESCRIBE form",
                   code=ErrorCode.SYNTAX_ERROR)
