"""/api/v1/overrides: put one user on call over a schedule's layers for a span."""

from __future__ import annotations

from quart import Blueprint, current_app
from quart_schema import tag, validate_querystring, validate_request

from ..service import overrides as service
from .actor import actor
from .responses import BODY, QUERY, NoContent, OverrideOut, Page, answers
from .schemas import OverrideIn, OverridesQuery
from .views import iso, override_json, page_json

bp = Blueprint("overrides", __name__)


@bp.get("/overrides")
@tag(["overrides"])
@validate_querystring(OverridesQuery)
@answers(Page[OverrideOut], errors=(*QUERY, 404))
async def list_overrides(query_args: OverridesQuery):
    """Overrides overlapping `?since=&until=`, optionally of one `?schedule_id=` and naming one `?user=` (on either
    side of a replace), by start time."""
    q = query_args
    page = await service.list_overrides(
        current_app.extensions["schedule_cache"], q.limit, q.cursor, q.schedule_id, q.since, q.until, q.user
    )
    return page_json(page, override_json, lambda o: (iso(o.start), o.id))


@bp.post("/overrides")
@tag(["overrides"])
@validate_request(OverrideIn)
@answers(OverrideOut, 201, errors=(*BODY, 404))
async def create_override(data: OverrideIn):
    """Create an override: an add (`user` above every layer), a replace (`user` wherever `replaces` would be on call)
    or a remove (`user` null: `replaces` taken off). Times without an offset are wall-clock in the schedule's zone."""
    cache = current_app.extensions["schedule_cache"]
    created = await service.create(
        cache, data.schedule_id, data.user, data.replaces, data.start, data.end, actor=actor()
    )
    return override_json(created), 201


@bp.delete("/overrides/<server_id:override_id>")
@tag(["overrides"])
@answers(NoContent, 204, errors=(404,))
async def delete_override(override_id: str):
    """Remove an override."""
    await service.delete(override_id, actor=actor())
    return "", 204
