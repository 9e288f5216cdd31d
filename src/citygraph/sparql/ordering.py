"""A total order for ORDER BY, for queries the engine cannot sort.

SPARQL leaves the relative order of values of different types undefined (SPARQL 1.1 Query
§15.1, https://www.w3.org/TR/sparql11-query/#modOrderBy). Oxigraph 0.5.13 orders such pairs by
their lexical form and comparable pairs by value, which is no total order (9 < 10 by value,
"10" < "5"@de < "9" by text); Rust's sort then aborts the query process. For a query that did
so, the executor retries once with every condition ``D(E)`` rewritten to

    D(isNumeric(E)) D(datatype of non-numbers) D(LANG(E)) D(has a time zone) D(E)

so that only values of one kind are compared by value: numbers (all numeric types together,
as §15.1 asks), one datatype, one language, with or without time zone. Comparable values keep
their order; only the order between types, which the standard leaves open, is fixed.
"""

from __future__ import annotations

from dataclasses import dataclass

from citygraph.sparql.lexer import Token, scan

# Words that end the list of order conditions (SolutionModifier, ValuesClause, §19.8).
_AFTER_ORDER = {"LIMIT", "OFFSET", "VALUES", "HAVING", "GROUP", "ORDER"}


@dataclass(frozen=True)
class Condition:
    direction: str  # ASC or DESC
    expression: str


def _tokens(query: str) -> list[Token]:
    """Significant tokens (no white space, no comments) with their positions."""
    return scan(query)


def _closing(tokens: list[Token], opening: int) -> int:
    """Index of the bracket closing the one at ``opening``; -1 when it is never closed."""
    depth = 0
    for index in range(opening, len(tokens)):
        if tokens[index].text == "(":
            depth += 1
        elif tokens[index].text == ")":
            depth -= 1
            if depth == 0:
                return index
    return -1


def _condition(query: str, tokens: list[Token], at: int) -> tuple[Condition, int] | None:
    """The order condition starting at token ``at`` and the index after it (§19.8 [24])."""
    first = tokens[at].text
    followed_by_bracket = at + 1 < len(tokens) and tokens[at + 1].text == "("
    if first.upper() in ("ASC", "DESC") and followed_by_bracket:
        end = _closing(tokens, at + 1)
        if end < 0:
            return None
        inner = query[tokens[at + 1].end:tokens[end].start]
        return Condition(first.upper(), inner), end + 1
    if first[0] in "?$":
        return Condition("ASC", first), at + 1
    if first == "(" or (followed_by_bracket and first.upper() not in _AFTER_ORDER
                        and first not in "{}.;,"):
        end = _closing(tokens, at if first == "(" else at + 1)
        if end < 0:
            return None
        return Condition("ASC", query[tokens[at].start:tokens[end].end]), end + 1
    return None


def _total(condition: Condition) -> str:
    e, d = condition.expression, condition.direction
    keys = (f"isNumeric({e})", f'IF(isNumeric({e}), "", STR(DATATYPE({e})))', f"LANG({e})",
            f'(TZ({e}) != "")', e)
    return " ".join(f"{d}({key})" for key in keys)


def total_order(query: str) -> str | None:
    """The query with every ORDER BY made total; None when it has no ORDER BY."""
    tokens = _tokens(query)
    edits: list[tuple[int, int, str]] = []
    for index in range(len(tokens) - 1):
        if tokens[index].text.upper() != "ORDER" or tokens[index + 1].text.upper() != "BY":
            continue
        at, conditions = index + 2, []
        while at < len(tokens) and (found := _condition(query, tokens, at)) is not None:
            conditions.append(found[0])
            at = found[1]
        if conditions:
            start, end = tokens[index + 2].start, tokens[at - 1].end
            edits.append((start, end, " ".join(_total(c) for c in conditions)))
    if not edits:
        return None
    for start, end, text in reversed(edits):
        query = query[:start] + text + query[end:]
    return query
