"""/api/v1/schedules: schedules, who is on call, and the final schedule."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from quart import Blueprint, current_app
from quart_schema import document_querystring, tag, validate_request

from ..models import Layer, Schedule
from ..oncall import Interval
from ..store import schedules as store
from ..store.cache import ScheduleCache
from .errors import ApiError
from .params import instant_arg, iso, now, page, page_args
from .schemas import OncallQuery, PageQuery, ScheduleIn, SchedulePatch, ShiftsQuery, patch_fields

bp = Blueprint("schedules", __name__)

MAX_RANGE = timedelta(days=400)
DEFAULT_RANGE = timedelta(days=14)


@bp.get("/schedules")
@tag(["schedules"])
@document_querystring(PageQuery)
async def list_schedules():
    """List schedules, by id."""
    limit, after = page_args()
    rows = await store.list_page(limit, after)
    items = [schedule_json(row, sorted(row.layers, key=lambda layer: layer.position)) for row in rows]
    return page(items, limit, lambda item: item["id"])


@bp.post("/schedules")
@tag(["schedules"])
@validate_request(ScheduleIn)
async def create_schedule(data: ScheduleIn):
    """Create a schedule; `id` is derived from `name` when absent."""
    row = await store.create(data.model_dump())
    return await _with_oncall(row.id), 201


@bp.get("/schedules/<schedule_id>")
@tag(["schedules"])
async def get_schedule(schedule_id: str):
    """One schedule, with who is on call now."""
    return await _with_oncall(schedule_id)


@bp.patch("/schedules/<schedule_id>")
@tag(["schedules"])
@validate_request(SchedulePatch)
async def update_schedule(schedule_id: str, data: SchedulePatch):
    """Change name, description, timezone or the whole list of layers."""
    await store.update(schedule_id, patch_fields(data))
    return await _with_oncall(schedule_id)


@bp.delete("/schedules/<schedule_id>")
@tag(["schedules"])
async def delete_schedule(schedule_id: str):
    """Remove a schedule and its overrides; refused (409) while a policy names it."""
    await store.delete(schedule_id)
    return "", 204


@bp.get("/schedules/<schedule_id>/oncall")
@tag(["schedules"])
@document_querystring(OncallQuery)
async def get_oncall(schedule_id: str):
    """Who is on call at `?at=` (default now), with the final-schedule interval holding it."""
    loaded = await _cache().get(schedule_id)
    instant = instant_arg("at", loaded.pure.zone, default=now())
    answer = store.oncall_at(loaded, instant)
    return {"schedule_id": schedule_id, "at": iso(instant), **interval_json(answer)}


@bp.get("/schedules/<schedule_id>/shifts")
@tag(["schedules"])
@document_querystring(ShiftsQuery)
async def get_shifts(schedule_id: str):
    """The final schedule over `?since=&until=` (default: now and 14 days on; at most 400 days)."""
    loaded = await _cache().get(schedule_id)
    since = instant_arg("since", loaded.pure.zone, default=now())
    until = instant_arg("until", loaded.pure.zone, default=since + DEFAULT_RANGE)
    if until < since or until - since > MAX_RANGE:
        raise ApiError(400, "until must not be before since, and at most 400 days after it")
    return {"items": [interval_json(piece) for piece in store.final_schedule(loaded, since, until)]}


def _cache() -> ScheduleCache:
    return current_app.extensions["schedule_cache"]


async def _with_oncall(schedule_id: str) -> dict[str, Any]:
    loaded = await _cache().get(schedule_id)
    instant = now()
    answer = store.oncall_at(loaded, instant)
    return {**schedule_json(loaded.row, loaded.layers), "oncall": {"at": iso(instant), **interval_json(answer)}}


def schedule_json(row: Schedule, layers: list[Layer]) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "description": row.description,
        "timezone": row.timezone,
        "layers": [_layer_json(layer) for layer in layers],
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }


def _layer_json(layer: Layer) -> dict[str, Any]:
    return {
        "name": layer.name,
        "users": layer.users,
        "rotation": {"unit": layer.rotation_unit, "length": layer.rotation_length},
        "start": layer.start,
        "end": layer.end,
        "restrictions": layer.restrictions,
    }


def interval_json(interval: Interval) -> dict[str, Any]:
    source = None
    if interval.source is not None:
        key = "layer" if interval.source.type == "layer" else "id"
        source = {"type": interval.source.type, key: interval.source.ref}
    return {"user": interval.user, "start": iso(interval.start), "end": iso(interval.end), "source": source}
