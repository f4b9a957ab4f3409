"""One JSON error shape for every failure: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from quart import Quart, jsonify
from quart_schema.validation import QuerystringValidationError, RequestSchemaValidationError
from werkzeug.exceptions import BadRequest, HTTPException

from ..errors import BadQuery, Conflict, Invalid, NotFound

log = logging.getLogger(__name__)

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    422: "validation_error",
    503: "unavailable",
}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        details: list[Any] | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details or []
        self.code = code or _CODES.get(status, "error")
        self.headers = headers or {}


def error_response(status: int, message: str, details: list[Any] | None = None, code: str | None = None):
    body = {"error": {"code": code or _CODES.get(status, "error"), "message": message, "details": details or []}}
    return jsonify(body), status


def register_error_handlers(
    app: Quart, input_error_status: Callable[[Exception], int | None], unavailable: Callable[[Exception], bool]
) -> None:
    """JSON answers for every error; `input_error_status` maps the store's errors that bad input causes,
    `unavailable` tells the database being down or an error of the moment, such as a deadlock (503 with Retry-After,
    so that alert senders try again)."""

    @app.errorhandler(ApiError)
    async def _api_error(exc: ApiError):
        response, status = error_response(exc.status, exc.message, exc.details, exc.code)
        response.headers.update(exc.headers)
        return response, status

    @app.errorhandler(NotFound)
    async def _not_found(exc: NotFound):
        return error_response(404, str(exc))

    @app.errorhandler(Conflict)
    async def _conflict(exc: Conflict):
        return error_response(409, str(exc))

    @app.errorhandler(Invalid)
    async def _invalid(exc: Invalid):
        return error_response(422, str(exc), [{"field": exc.field, "message": exc.message}])

    @app.errorhandler(BadQuery)
    async def _bad_query_value(exc: BadQuery):
        return error_response(400, str(exc), [{"field": exc.field, "message": exc.message}])

    @app.errorhandler(QuerystringValidationError)
    async def _bad_query(exc: QuerystringValidationError):
        details = pydantic_details(exc.validation_error)
        first = details[0] if details else {"field": "query", "message": "invalid"}
        return error_response(400, f"query parameter {first['field']}: {first['message']}", details)

    @app.errorhandler(RequestSchemaValidationError)
    async def _bad_body(exc: RequestSchemaValidationError):
        details = pydantic_details(exc.validation_error)
        first = details[0] if details else {"field": "body", "message": "invalid"}
        return error_response(422, f"{first['field']}: {first['message']}", details)

    @app.errorhandler(HTTPException)
    async def _http_error(exc: HTTPException):
        status = exc.code or 500
        message = exc.description or exc.name
        if status == 400 and message == BadRequest.description:
            message = "request body is not valid JSON"
        return error_response(status, message)

    @app.errorhandler(Exception)
    async def _unexpected(exc: Exception):
        if unavailable(exc):
            log.warning("database unavailable or busy: %s: %s", type(exc).__name__, exc)
            response, status = error_response(503, "the database cannot answer just now; try again")
            response.headers["Retry-After"] = "1"
            return response, status
        status = input_error_status(exc)
        if status is not None:
            log.warning("input reached the database unvalidated: %s", type(exc).__name__)
            return error_response(status, "the database refused this input", code=_CODES[status])
        log.exception("unhandled error")
        return error_response(500, "internal error", code="internal_error")


def pydantic_details(error: Exception) -> list[dict[str, str]]:
    errors = getattr(error, "errors", None)
    if not callable(errors):
        return [{"field": "body", "message": str(error)}]
    details = []
    for e in errors():
        field = _field_path(e.get("loc", ()))
        message = e.get("msg", "invalid").removeprefix("Value error, ")
        details.append({"field": field or "body", "message": message})
    return details


def _field_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path
