"""The OpenAPI document: path ids with their pattern, required bodies, 204 answers without one, calendar feeds,
metrics, the HTML pages of action links, and TwiML answers."""

from __future__ import annotations

from typing import Any

from quart_schema import OpenAPIProvider
from quart_schema.validation import DataSource
from werkzeug.routing import BaseConverter

from ..logs import REQUEST_ID_HEADER, SANE_REQUEST_ID
from .fields import Converter
from .responses import ActionPage, CalendarFeed, MetricsText, NoContent, TwiMLOut
from .schemas import ActorIn, ChannelTestIn

# Routes that read their body with bodies.optional_body: an empty one means all defaults.
_OPTIONAL_BODIES = (ChannelTestIn, ActorIn)
# On every answer (logs.RequestIds sets it).
_REQUEST_ID = {
    "description": "The request's own X-Request-Id when it was sane, else a new id; its log lines carry it too",
    "required": True,
    "schema": {"type": "string", "pattern": f"^{SANE_REQUEST_ID.pattern}$"},
}


class Provider(OpenAPIProvider):
    def build_path_parameter(self, name: str, converter: BaseConverter) -> dict[str, Any]:
        """A path id that does not match its converter's pattern is a 404 before any query: say so."""
        parameter = super().build_path_parameter(name, converter)
        if isinstance(converter, Converter):
            parameter["schema"]["pattern"] = converter.pattern
        return parameter

    def build_request_body(self, model: type, source: DataSource) -> tuple[dict[str, Any], dict[str, Any]]:
        """validate_request answers a missing body with 400: the body is required."""
        body, components = super().build_request_body(model, source)
        body["required"] = model not in _OPTIONAL_BODIES
        return body, components

    def build_response_object(self, model: type, headers_model: type | None) -> tuple[dict[str, Any], dict[str, Any]]:
        response, components = self._response_object(model, headers_model)
        response.setdefault("headers", {})[REQUEST_ID_HEADER] = _REQUEST_ID
        return response, components

    def _response_object(self, model: type, headers_model: type | None) -> tuple[dict[str, Any], dict[str, Any]]:
        if model is NoContent:
            return {"description": "No content"}, {}
        if model is CalendarFeed:
            return {"description": model.__doc__, "content": {"text/calendar": {"schema": {"type": "string"}}}}, {}
        if model is ActionPage:
            return {"description": model.__doc__, "content": {"text/html": {"schema": {"type": "string"}}}}, {}
        if model is TwiMLOut:
            return {"description": model.__doc__, "content": {"text/xml": {"schema": {"type": "string"}}}}, {}
        if model is MetricsText:
            return {"description": model.__doc__, "content": {"text/plain": {"schema": {"type": "string"}}}}, {}
        return super().build_response_object(model, headers_model)
