"""Handoff notices of a schedule: the messages written, and the ones still to come, for a range of shifts."""

from __future__ import annotations

from datetime import datetime

from .. import oncall
from ..oncall.handoffs import LATE, handoffs, shift_starts
from ..records import NoticeItem
from ..store import notices as store
from ..store.cache import ScheduleCache
from .instants import now
from .schedules import check_cost, query_range, schedule_over


async def notices(
    cache: ScheduleCache, schedule_id: str, since: datetime | None, until: datetime | None
) -> list[NoticeItem]:
    """The notices of shifts starting in [since, until) (default now and 14 days on, at most 400 days), in due
    order: each message written, and for every notice not yet written, what the schedule as it is now plans.

    Those come from the schedule rather than from the planner's rows, which reach only a little ahead and
    may lag a change by a pass; they are the ones the engine will send. A shift that started more than LATE
    ago without its notice written never gets it, so none is shown for it."""
    loaded = await cache.get(schedule_id)
    since, until = query_range(since, until, loaded.pure.zone)
    written = await store.notified(schedule_id, since, until)
    instant = now()
    lo = max(since, instant - LATE)
    rules = loaded.record.notices
    if not rules or lo >= until:
        return written
    schedule = await schedule_over(loaded, lo, until)
    check_cost(oncall.render_cost(schedule, lo, until))
    done = {(item.shift_start, item.user, item.notice) for item in written}
    coming = [
        NoticeItem(h.shift_start, h.user, h.index, h.notice.channel, h.due_at,
                   "planned" if h.due_at > instant else "pending", None, None)
        for h in handoffs(shift_starts(schedule, lo, until), rules)
        if (h.shift_start, h.user, h.index) not in done
    ]
    return sorted(written + coming, key=lambda item: (item.due_at, item.shift_start, item.notice))
