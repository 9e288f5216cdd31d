"""The one error type of citygraph, its subclasses and the one enum of error codes; every
failure a user sees is one of these."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """The stable ``code`` of every error body (JSON ``{status, code, message}``)."""

    INTERNAL_ERROR = "internal_error"
    QUERY_ENGINE_FAILURE = "query_engine_failure"
    CONFIG_ERROR = "config_error"
    DATA_ERROR = "data_error"
    STORE_UNAVAILABLE = "store_unavailable"
    BAD_REQUEST = "bad_request"
    BAD_QUERY = "bad_query"
    BAD_ENCODING = "bad_encoding"
    MISSING_QUERY = "missing_query"
    SYNTAX_ERROR = "syntax_error"
    QUERY_TOO_COMPLEX = "query_too_complex"
    FORBIDDEN = "forbidden"
    UPDATE_FORBIDDEN = "update_forbidden"
    SERVICE_FORBIDDEN = "service_forbidden"
    NOT_FOUND = "not_found"
    GONE = "gone"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    QUERY_TOO_LARGE = "query_too_large"
    REQUEST_TOO_LARGE = "request_entity_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    TOO_MANY_REQUESTS = "too_many_requests"
    QUERY_TIMEOUT = "query_timeout"
    QUERY_NOT_SUPPORTED = "query_not_supported"
    QUERY_MEMORY_LIMIT = "query_memory_limit"
    TOO_MANY_GRAPHS = "too_many_graphs"
    GRAPH_IRI_TOO_LONG = "graph_iri_too_long"
    REQUEST_TIMEOUT = "request_timeout"
    METRICS_FORBIDDEN = "metrics_forbidden"

    @classmethod
    def for_status(cls, status: int) -> ErrorCode:
        """The code of a plain HTTP error (one raised by Werkzeug, not by citygraph)."""
        return _BY_STATUS.get(status, cls.BAD_REQUEST if status < 500 else cls.INTERNAL_ERROR)


_BY_STATUS = {400: ErrorCode.BAD_REQUEST, 403: ErrorCode.FORBIDDEN, 404: ErrorCode.NOT_FOUND,
              405: ErrorCode.METHOD_NOT_ALLOWED, 406: ErrorCode.NOT_ACCEPTABLE,
              410: ErrorCode.GONE, 413: ErrorCode.REQUEST_TOO_LARGE,
              415: ErrorCode.UNSUPPORTED_MEDIA_TYPE, 429: ErrorCode.TOO_MANY_REQUESTS}


class CitygraphError(Exception):
    """An error with an HTTP status, a stable code and a message a person understands."""

    status = 500
    code = ErrorCode.INTERNAL_ERROR

    def __init__(self, message: str, *, status: int | None = None,
                 code: ErrorCode | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        self.headers = headers or {}

    def to_dict(self) -> dict[str, object]:
        return {"status": self.status, "code": self.code, "message": self.message}


class ConfigError(CitygraphError):
    code = ErrorCode.CONFIG_ERROR


class DataError(CitygraphError):
    """Data that cannot be read or parsed (file, line and column in the message)."""

    status = 422
    code = ErrorCode.DATA_ERROR


class StoreError(CitygraphError):
    status = 503
    code = ErrorCode.STORE_UNAVAILABLE


class BadRequest(CitygraphError):
    status = 400
    code = ErrorCode.BAD_REQUEST


class BadQuery(BadRequest):
    code = ErrorCode.BAD_QUERY


class Forbidden(CitygraphError):
    status = 403
    code = ErrorCode.FORBIDDEN


class NotFound(CitygraphError):
    status = 404
    code = ErrorCode.NOT_FOUND


class MethodNotAllowed(CitygraphError):
    status = 405
    code = ErrorCode.METHOD_NOT_ALLOWED


class NotAcceptable(CitygraphError):
    status = 406
    code = ErrorCode.NOT_ACCEPTABLE


class PayloadTooLarge(CitygraphError):
    status = 413
    code = ErrorCode.QUERY_TOO_LARGE


class UnsupportedMediaType(CitygraphError):
    status = 415
    code = ErrorCode.UNSUPPORTED_MEDIA_TYPE


class TooManyRequests(CitygraphError):
    status = 429
    code = ErrorCode.TOO_MANY_REQUESTS


class QueryTimeout(CitygraphError):
    status = 503
    code = ErrorCode.QUERY_TIMEOUT


class Gone(CitygraphError):
    """410: a retired IRI that points nowhere (data/retired.tsv)."""

    status = 410
    code = ErrorCode.GONE


def error_class(name: str) -> type[CitygraphError]:
    """A CitygraphError subclass by its name (errors crossing a process boundary keep their
    type), else CitygraphError itself."""
    found = globals().get(name)
    if isinstance(found, type) and issubclass(found, CitygraphError):
        return found
    return CitygraphError
