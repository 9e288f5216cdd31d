"""The one error type of citygraph and its subclasses; every failure a user sees is one of these."""

from __future__ import annotations


class CitygraphError(Exception):
    """An error with an HTTP status, a stable code and a message a person understands."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
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
    code = "config_error"


class DataError(CitygraphError):
    """Data that cannot be read or parsed (file, line and column in the message)."""

    status = 422
    code = "data_error"


class StoreError(CitygraphError):
    status = 503
    code = "store_unavailable"


class BadRequest(CitygraphError):
    status = 400
    code = "bad_request"


class BadQuery(BadRequest):
    code = "bad_query"


class Forbidden(CitygraphError):
    status = 403
    code = "forbidden"


class NotFound(CitygraphError):
    status = 404
    code = "not_found"


class MethodNotAllowed(CitygraphError):
    status = 405
    code = "method_not_allowed"


class NotAcceptable(CitygraphError):
    status = 406
    code = "not_acceptable"


class PayloadTooLarge(CitygraphError):
    status = 413
    code = "query_too_large"


class UnsupportedMediaType(CitygraphError):
    status = 415
    code = "unsupported_media_type"


class TooManyRequests(CitygraphError):
    status = 429
    code = "too_many_requests"


class QueryTimeout(CitygraphError):
    status = 503
    code = "query_timeout"
