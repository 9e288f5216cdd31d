"""SPARQL 1.1 Protocol, query operation: turn an HTTP request into a query and a dataset.

https://www.w3.org/TR/sparql11-protocol/#query-operation — GET with ``query=``, POST with an
URL-encoded form, POST with ``application/sparql-query``. No Flask here: the view hands over
the method, the URL parameters, the content type and the raw body.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qs

from citygraph.errors import (
    BadRequest,
    ErrorCode,
    Forbidden,
    MethodNotAllowed,
    UnsupportedMediaType,
)
from citygraph.sparql.engine import Dataset

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"

Params = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class QueryRequest:
    query: str | None  # None: no query at all (a GET for the service description)
    dataset: Dataset


def _decode(body: bytes, charset: str | None) -> str:
    if charset and charset.lower().replace("-", "") not in ("utf8", "usascii", "ascii"):
        raise BadRequest(f"the request body must be UTF-8, not {charset}",
                         code=ErrorCode.BAD_ENCODING)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the request body is not valid UTF-8",
                         code=ErrorCode.BAD_ENCODING) from None


def _one(params: Params, name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise BadRequest(f"the request has {len(values)} '{name}' parameters; send exactly one")
    return values[0] if values else None


# Each graph of a protocol dataset costs memory in the query process and in the cache key; no
# real dataset description names more (SECURITY.md).
MAX_DATASET_GRAPHS = 100
MAX_IRI_LENGTH = 2048
MAX_FORM_FIELDS = 2 * MAX_DATASET_GRAPHS + 16


def _dataset(params: Params) -> Dataset:
    lists = {name: params.get(name, []) for name in ("default-graph-uri", "named-graph-uri")}
    for name, values in lists.items():
        if len(values) > MAX_DATASET_GRAPHS:
            raise BadRequest(f"the request has {len(values)} '{name}' parameters; this "
                             f"endpoint accepts at most {MAX_DATASET_GRAPHS}",
                             code=ErrorCode.TOO_MANY_GRAPHS)
        if any(len(value) > MAX_IRI_LENGTH for value in values):
            raise BadRequest(f"a '{name}' value is longer than {MAX_IRI_LENGTH} characters",
                             code=ErrorCode.GRAPH_IRI_TOO_LONG)
    return Dataset(default_graphs=tuple(lists["default-graph-uri"]),
                   named_graphs=tuple(lists["named-graph-uri"]))


def _refuse_update(params: Params) -> None:
    if params.get("update"):
        raise Forbidden("SPARQL Update is not allowed: this endpoint is read-only",
                        code=ErrorCode.UPDATE_FORBIDDEN)


def _form(body: bytes, charset: str | None) -> dict[str, list[str]]:
    text = _decode(body, charset)
    try:
        return parse_qs(text, keep_blank_values=True, strict_parsing=bool(text),
                        errors="strict", max_num_fields=MAX_FORM_FIELDS)
    except (ValueError, UnicodeDecodeError) as exc:
        if "max_num_fields" in str(exc) or "Max number of fields" in str(exc):
            raise BadRequest(f"the form has more than {MAX_FORM_FIELDS} fields",
                             code=ErrorCode.TOO_MANY_GRAPHS) from None
        raise BadRequest("the URL-encoded form in the body cannot be decoded") from None


def parse(method: str, args: Params, content_type: str | None, body: bytes) -> QueryRequest:
    """The query and dataset of a request, or the protocol error it deserves."""
    if method in ("GET", "HEAD"):
        _refuse_update(args)
        return QueryRequest(_one(args, "query"), _dataset(args))
    if method != "POST":
        raise MethodNotAllowed(f"{method} is not a SPARQL query method; use GET or POST",
                               headers={"Allow": "GET, HEAD, POST, OPTIONS"})
    mime, _, rest = (content_type or "").partition(";")
    mime = mime.strip().lower()
    charset = next((p.split("=", 1)[1].strip().strip('"') for p in rest.split(";")
                    if p.strip().lower().startswith("charset=")), None)
    if mime == FORM:
        if "query" in args:
            raise BadRequest("a form POST carries the query in the body, not also in the URL")
        form = _form(body, charset)
        _refuse_update(form)
        query = _one(form, "query")
        if query is None:
            raise BadRequest("the form has no 'query' parameter", code=ErrorCode.MISSING_QUERY)
        return QueryRequest(query, _dataset({**args, **form}))
    if mime == QUERY:
        if "query" in args:
            raise BadRequest("a direct POST carries the query in the body, not also in the URL")
        return QueryRequest(_decode(body, charset), _dataset(args))
    if mime == UPDATE:
        raise Forbidden("SPARQL Update is not allowed: this endpoint is read-only",
                        code=ErrorCode.UPDATE_FORBIDDEN)
    shown = mime or "no media type"
    raise UnsupportedMediaType(f"POST a query as {QUERY} or {FORM}, not {shown}")
