"""A SPARQL 1.1 tokenizer that reads a query as the grammar does, in time linear in its length.

The terminals are those of SPARQL 1.1 Query §19.8 (https://www.w3.org/TR/sparql11-query/#terminals):
all four string forms with their escapes (ECHAR), IRIREF, prefixed names with PN_LOCAL
escapes and percent codes, blank-node labels, variables, numbers, language tags and comments.
Unicode escapes (\\u, \\U) are replaced first, as §19.2 asks. Keywords need no white space
around them (``SERVICESILENT<…>`` is SERVICE SILENT <…> to Oxigraph), so bare words are kept
whole and the guard looks inside them.

Every token is matched where the previous one ended, with possessive patterns, so no
character is read more than a few times: a string that never ends is a syntax error at once
(it could not be anything else), and a run of name characters found not to end in ':' is
remembered, so the names inside it are not searched for a colon again.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from citygraph.errors import BadQuery, ErrorCode

# §19.8 [164]-[169]: the characters of names.
_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF"
         "\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD"
         "\U00010000-\U000EFFFF")
_CHARS_U = _BASE + "_"
_CHARS = _CHARS_U + "\\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_ECHAR = r"""\\[tbnrf\\"']"""

_WS = re.compile(r"[ \t\r\n]++")
_COMMENT = re.compile(r"#[^\r\n]*+")
_STRINGS = {
    '"': re.compile(rf'"""(?:(?:""?+)?+(?:[^"\\]|{_ECHAR}))*+"""|"(?:[^"\\\n\r]|{_ECHAR})*+"'),
    "'": re.compile(rf"'''(?:(?:''?+)?+(?:[^'\\]|{_ECHAR}))*+'''|'(?:[^'\\\n\r]|{_ECHAR})*+'"),
}
_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*+>")
_VAR = re.compile(f"[?$][{_CHARS_U}0-9][{_CHARS_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*+")
_LANGTAG = re.compile(r"@[a-zA-Z]++(?:-[a-zA-Z0-9]++)*+")
_NUMBER = re.compile(r"[0-9]++\.[0-9]*+[eE][+-]?+[0-9]++|\.?+[0-9]++[eE][+-]?+[0-9]++"
                     r"|[0-9]*+\.[0-9]++|[0-9]++")
_BNODE = re.compile(f"_:[{_CHARS_U}0-9][{_CHARS}]*+(?:\\.++[{_CHARS}]++)*+")
# PN_PREFIX? ':' PN_LOCAL?; dots inside a name only, never at its end.
_PREFIX = re.compile(f"(?:[{_BASE}][{_CHARS}]*+(?:\\.++[{_CHARS}]++)*+)?+")
_LOCAL = re.compile(f"(?:[{_CHARS_U}:0-9]|{_PLX})(?:[{_CHARS}:]|{_PLX})*+"
                    f"(?:\\.++(?:[{_CHARS}:]|{_PLX})++)*+")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*+")
_OPERATORS = ("^^", "||", "&&", "!=", "<=", ">=")
_NAME_START = re.compile(f"[{_BASE}:]")
_SIMPLE = {"<": ("iri", _IRI), "?": ("var", _VAR), "$": ("var", _VAR),
           "@": ("langtag", _LANGTAG), "_": ("bnode", _BNODE)}
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class Token(NamedTuple):
    """kind: word, pname, bnode, var, iri, string, number, langtag, punct (one symbol)."""

    kind: str
    text: str
    start: int
    end: int

    @property
    def prefix(self) -> str:
        """The part of a prefixed name before its first ':'."""
        return self.text.split(":", 1)[0]


def unescape(query: str) -> str:
    """§19.2: \\uXXXX and \\UXXXXXXXX anywhere in the query stand for their character."""
    return _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)


def _line_col(text: str, at: int) -> str:
    line = text.count("\n", 0, at) + 1
    return f"line {line}, column {at - (text.rfind(chr(10), 0, at) + 1) + 1}"


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.no_colon_until = -1  # names starting before this index do not end in ':'

    def token(self, at: int) -> Token:
        """The token starting at ``at`` (never white space or a comment)."""
        text, char = self.text, self.text[at]
        if char in "\"'":
            found = _STRINGS[char].match(text, at)
            if found is None:
                raise BadQuery(f"syntax error in the query: a string starting at "
                               f"{_line_col(text, at)} never ends", code=ErrorCode.SYNTAX_ERROR)
            return Token("string", found.group(), at, found.end())
        simple = _SIMPLE.get(char)
        if simple is not None and (found := simple[1].match(text, at)) is not None:
            return Token(simple[0], found.group(), at, found.end())
        if char.isdigit() or (char == "." and text[at + 1:at + 2].isdigit()):
            found = _NUMBER.match(text, at)
            if found is not None:
                return Token("number", found.group(), at, found.end())
        if _NAME_START.match(char):
            named = self._name(at)
            if named is not None:
                return named
        operator = text[at:at + 2]
        if operator in _OPERATORS:
            return Token("punct", operator, at, at + 2)
        return Token("punct", char, at, at + 1)

    def _name(self, at: int) -> Token | None:
        """A prefixed name, else a bare word (keywords, possibly glued together)."""
        text = self.text
        if at >= self.no_colon_until:
            prefix_end = _PREFIX.match(text, at).end()  # type: ignore[union-attr]
            if text[prefix_end:prefix_end + 1] == ":":
                local = _LOCAL.match(text, prefix_end + 1)
                end = local.end() if local else prefix_end + 1
                return Token("pname", text[at:end], at, end)
            self.no_colon_until = prefix_end
        word = _WORD.match(text, at)
        return Token("word", word.group(), at, word.end()) if word else None


def scan(query: str, most: int = 0) -> list[Token]:
    """The significant tokens of ``query`` (as given: unescape first for the engine's view);
    with ``most``, a query of more tokens is refused as soon as the scan gets there."""
    scanner, at, size = _Scanner(query), 0, len(query)
    found: list[Token] = []
    while at < size:
        if most and len(found) > most:
            raise BadQuery(f"the query has more than {most} tokens (words, names, literals, "
                           "symbols); this endpoint accepts at most that",
                           code=ErrorCode.QUERY_TOO_COMPLEX)
        space = _WS.match(query, at) or _COMMENT.match(query, at)
        if space is not None:
            at = space.end()
            continue
        token = scanner.token(at)
        found.append(token)
        at = token.end
    return found


def string_value(token: str) -> str:
    """The lexical form of a string token: quotes removed, ECHAR escapes decoded (§19.7)."""
    quote = 3 if token[:3] in ('"""', "'''") else 1
    body = token[quote:-quote]
    table = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f"}
    return re.sub(r"\\(.)", lambda m: table.get(m.group(1), m.group(1)), body, flags=re.S)
