"""/api/v1/schedules: schedules, who is on call, and the final schedule."""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import asdict
from datetime import time
from typing import Any

from quart import Blueprint, Response, current_app
from quart_schema import tag, validate_querystring, validate_request

from ..oncall.report import NIGHT
from ..service import coverage, everywhere
from ..service import notices as notice_service
from ..service import schedules as service
from ..service.schedules import Oncall, ScheduleView
from .fields import encode_cursor
from .responses import (
    BODY,
    QUERY,
    EverywhereOut,
    GapsOut,
    NoContent,
    Notices,
    OncallOut,
    Page,
    ReportOut,
    ScheduleItem,
    ScheduleOut,
    Shifts,
    answers,
)
from .schemas import (
    EverywhereQuery,
    OncallQuery,
    RangeQuery,
    ReportQuery,
    ScheduleIn,
    SchedulePatch,
    ShiftsQuery,
    SlugPageQuery,
    patch_fields,
)
from .views import by_id, interval_json, iso, notice_item_json, page_json, schedule_json

bp = Blueprint("schedules", __name__)


def _cache():
    return current_app.extensions["schedule_cache"]


def _channels():
    return current_app.config["SETTINGS"].channels


@bp.get("/schedules")
@tag(["schedules"])
@validate_querystring(SlugPageQuery)
@answers(Page[ScheduleItem], errors=QUERY)
async def list_schedules(query_args: SlugPageQuery):
    """List schedules, by id."""
    return page_json(await service.list_schedules(query_args.limit, query_args.cursor), schedule_json, by_id)


@bp.post("/schedules")
@tag(["schedules"])
@validate_request(ScheduleIn)
@answers(ScheduleOut, 201, errors=(*BODY, 409))
async def create_schedule(data: ScheduleIn):
    """Create a schedule; `id` is derived from `name` when absent. A notice's channel must be configured."""
    return _with_oncall(await service.create(_cache(), data.model_dump(), _channels())), 201


@bp.get("/schedules/<slug:schedule_id>")
@tag(["schedules"])
@answers(ScheduleOut, errors=(404,))
async def get_schedule(schedule_id: str):
    """One schedule, with who is on call now."""
    return _with_oncall(await service.get(_cache(), schedule_id))


@bp.patch("/schedules/<slug:schedule_id>")
@tag(["schedules"])
@validate_request(SchedulePatch)
@answers(ScheduleOut, errors=(*BODY, 404))
async def update_schedule(schedule_id: str, data: SchedulePatch):
    """Change name, description, timezone, the whole list of layers or the whole list of notices (a notice
    left as it was, at the same index, keeps its `configured_at`)."""
    return _with_oncall(await service.update(_cache(), schedule_id, patch_fields(data), _channels()))


@bp.delete("/schedules/<slug:schedule_id>")
@tag(["schedules"])
@answers(NoContent, 204, errors=(404, 409))
async def delete_schedule(schedule_id: str):
    """Remove a schedule and its overrides; refused (409) while a policy names it."""
    await service.delete(schedule_id)
    return "", 204


@bp.get("/schedules/<slug:schedule_id>/oncall")
@tag(["schedules"])
@validate_querystring(OncallQuery)
@answers(OncallOut, errors=(*QUERY, 404))
async def get_oncall(schedule_id: str, query_args: OncallQuery):
    """Who is on call at `?at=` (default now), with the final-schedule interval holding it."""
    return oncall_json(await service.oncall_at(_cache(), schedule_id, query_args.at))


@bp.get("/schedules/<slug:schedule_id>/shifts")
@tag(["schedules"])
@validate_querystring(ShiftsQuery)
@answers(Shifts, errors=(*QUERY, 404, 422))
async def get_shifts(schedule_id: str, query_args: ShiftsQuery):
    """The final schedule over `?since=&until=` (default: now and 14 days on; at most 400 days); `?user=` keeps
    only that user's intervals."""
    q = query_args
    pieces = await service.shifts(_cache(), schedule_id, q.since, q.until, q.user)
    return {"items": [interval_json(piece) for piece in pieces]}


@bp.get("/schedules/<slug:schedule_id>/notices")
@tag(["schedules"])
@validate_querystring(RangeQuery)
@answers(Notices, errors=(*QUERY, 404, 422))
async def get_notices(schedule_id: str, query_args: RangeQuery):
    """The handoff notices of the shifts starting in `?since=&until=` (default: now and 14 days on; at most
    400 days), in due order: one item per message written (per contact method for a notice to the on-call
    user's contacts), and one per notice still to come (`planned`, or `pending` once due)."""
    items = await notice_service.notices(_cache(), schedule_id, query_args.since, query_args.until)
    return {"items": [notice_item_json(item) for item in items]}


@bp.get("/schedules/<slug:schedule_id>/gaps")
@tag(["schedules"])
@validate_querystring(RangeQuery)
@answers(GapsOut, errors=(*QUERY, 404, 422))
async def get_gaps(schedule_id: str, query_args: RangeQuery):
    """The stretches of `?since=&until=` nobody covers, and the covered and total seconds."""
    found = await coverage.gaps(_cache(), schedule_id, query_args.since, query_args.until)
    return {
        "since": iso(found.since),
        "until": iso(found.until),
        "items": [{"start": iso(start), "end": iso(end)} for start, end in found.gaps],
        "covered_seconds": found.covered_seconds,
        "range_seconds": found.range_seconds,
    }


@bp.get("/schedules/<slug:schedule_id>/report")
@tag(["schedules"])
@validate_querystring(ReportQuery)
@answers(ReportOut, errors=(*QUERY, 404, 422))
async def get_report(schedule_id: str, query_args: ReportQuery):
    """Each person's on-call time over `?since=&until=`, with night (`?night=`, default 22:00-07:00) and weekend
    time by the schedule's own clock, in whole seconds."""
    q = query_args
    night = q.night or NIGHT
    found = await coverage.load_report(_cache(), schedule_id, q.since, q.until, night)
    return {
        "since": iso(found.since),
        "until": iso(found.until),
        "timezone": found.timezone,
        "night": f"{night[0]:%H:%M}-{'24:00' if night[1] == time(0) else f'{night[1]:%H:%M}'}",
        "items": [asdict(load) for load in found.loads],
    }


@bp.get("/oncall")
@tag(["schedules"])
@validate_querystring(EverywhereQuery)
@answers(EverywhereOut, errors=QUERY)
async def get_oncall_everywhere(query_args: EverywhereQuery):
    """Who is on call at `?at=` (default now) on every schedule, one page of schedules at a time, by id."""
    q = query_args
    at, page = await everywhere.oncall_everywhere(_cache(), q.at, q.limit, q.cursor)
    cursor = encode_cursor(page.items[-1].schedule_id) if page.more else None
    body = f'{{"at":"{iso(at)}","items":{_items_json(page)},"next_cursor":{json.dumps(cursor)}}}'
    return Response(body, content_type="application/json")


#: The JSON of the last pages answered, by the identity of the page (kept alive here): an unchanged page
#: comes back from the service as the same object, and encoding it is most of the cost of a request.
_ENCODED: OrderedDict[int, tuple[Page, str]] = OrderedDict()


def _items_json(page: Page) -> str:
    known = _ENCODED.get(id(page))
    if known is None or known[0] is not page:
        items = [{"schedule_id": i.schedule_id, "schedule_name": i.schedule_name, **interval_json(i.interval)}
                 for i in page.items]
        known = _ENCODED[id(page)] = (page, json.dumps(items, separators=(",", ":"), sort_keys=True))
        while len(_ENCODED) > everywhere.KEPT:
            _ENCODED.popitem(last=False)
    return known[1]


def oncall_json(answer: Oncall) -> dict[str, Any]:
    return {"schedule_id": answer.schedule_id, "at": iso(answer.at), **interval_json(answer.interval)}


def _with_oncall(view: ScheduleView) -> dict[str, Any]:
    oncall = {"at": iso(view.oncall.at), **interval_json(view.oncall.interval)}
    return {**schedule_json(view.record), "oncall": oncall}
