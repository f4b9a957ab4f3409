"""/api/v1/overrides: put one user on call over a schedule's layers for a span."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from quart import Blueprint, request
from quart_schema import document_querystring, tag, validate_request

from ..errors import Invalid
from ..models import Override
from ..store import overrides as store
from ..store import schedules
from .errors import ApiError
from .params import instant_arg, iso, page, page_args, to_instant
from .schemas import OverrideIn, OverridesQuery

bp = Blueprint("overrides", __name__)


@bp.get("/overrides")
@tag(["overrides"])
@document_querystring(OverridesQuery)
async def list_overrides():
    """Overrides overlapping `?since=&until=`, optionally of one `?schedule_id=`, by start time."""
    limit, after = page_args()
    after = _position(after)
    schedule_id = request.args.get("schedule_id") or None
    zone = ZoneInfo((await schedules.get(schedule_id)).timezone) if schedule_id else None
    since, until = instant_arg("since", zone), instant_arg("until", zone)
    rows = await store.list_page(limit, after, schedule_id, since, until)
    return page([override_json(r) for r in rows], limit, lambda item: [item["start"], item["id"]])


@bp.post("/overrides")
@tag(["overrides"])
@validate_request(OverrideIn)
async def create_override(data: OverrideIn):
    """Create an override; times without an offset are wall-clock in the schedule's zone."""
    schedule = await schedules.get(data.schedule_id)
    zone = ZoneInfo(schedule.timezone)
    start, end = _instant("start", data.start, zone), _instant("end", data.end, zone)
    return override_json(await store.create(schedule, data.user, start, end)), 201


@bp.delete("/overrides/<override_id>")
@tag(["overrides"])
async def delete_override(override_id: str):
    """Remove an override."""
    await store.delete(override_id)
    return "", 204


def _position(cursor: Any) -> tuple[datetime, str] | None:
    """A list cursor here is [start, id] of the last override sent."""
    if cursor is None:
        return None
    try:
        start, ident = cursor
        start = datetime.fromisoformat(start)
        if start.tzinfo is None:
            raise ValueError("naive")
        return start, str(ident)
    except (TypeError, ValueError):
        raise ApiError(400, "query parameter cursor: not a cursor from this API", [{"field": "cursor"}]) from None


def _instant(field: str, value, zone: ZoneInfo):
    try:
        return to_instant(value, zone)
    except ValueError as exc:
        raise Invalid(field, str(exc)) from None


def override_json(row: Override) -> dict[str, Any]:
    return {
        "id": row.id,
        "schedule_id": row.schedule_id,
        "user": row.user,
        "start": iso(row.start_at),
        "end": iso(row.end_at),
        "created_at": iso(row.created_at),
    }
