"""/api/v1/schedules/{id}/temporary: for a span, set a schedule's layers aside and list who covers when."""

from __future__ import annotations

from quart import Blueprint, current_app
from quart_schema import tag, validate_request

from ..service import temporaries as service
from .actor import actor
from .responses import BODY, NoContent, TemporaryList, TemporaryOut, answers
from .schemas import TemporaryIn
from .views import temporary_json

bp = Blueprint("temporaries", __name__)


@bp.post("/schedules/<slug:schedule_id>/temporary")
@tag(["schedules"])
@validate_request(TemporaryIn)
@answers(TemporaryOut, 201, errors=(*BODY, 404, 409))
async def create_temporary(schedule_id: str, data: TemporaryIn):
    """Create a temporary schedule: from `start` to `end` only its `shifts` count (clipped to that span; a gap where
    none), overrides still apply on top. 409 when it overlaps another of the schedule. Times without an offset are
    wall-clock in the schedule's zone."""
    created = await service.create(
        current_app.extensions["schedule_cache"], schedule_id, data.start, data.end,
        [(s.user, s.start, s.end) for s in data.shifts], actor=actor(),
    )
    return temporary_json(created), 201


@bp.get("/schedules/<slug:schedule_id>/temporary")
@tag(["schedules"])
@answers(TemporaryList, errors=(404,))
async def list_temporaries(schedule_id: str):
    """The schedule's temporary schedules, by start."""
    return {"items": [temporary_json(t) for t in await service.of_schedule(schedule_id)]}


@bp.delete("/schedules/<slug:schedule_id>/temporary/<server_id:temporary_id>")
@tag(["schedules"])
@answers(NoContent, 204, errors=(404,))
async def delete_temporary(schedule_id: str, temporary_id: str):
    """Remove a temporary schedule: the layers count again over its span."""
    await service.delete(schedule_id, temporary_id, actor=actor())
    return "", 204
