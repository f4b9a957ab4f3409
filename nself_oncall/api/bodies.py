"""Bodies a route may go without: an empty body means every field's default."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError
from quart import request
from quart_schema.validation import RequestSchemaValidationError

M = TypeVar("M", bound=BaseModel)


async def optional_body(model: type[M]) -> M:
    """The request body validated as `model` (422 like validate_request); no body at all is `{}`."""
    raw = await request.get_data()
    data = await request.get_json() if raw.strip() else {}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestSchemaValidationError(exc) from None
