"""Who is on call on every schedule at one instant, a page of schedules at a time.

Dashboards poll this over every schedule, so each page's answer is remembered with the versions of
its schedules and the stretch of time over which every interval in it holds: while neither moves, a
request costs the one query that reads the versions, and no lookup. The versions carry each
schedule's creation time, so an answer is never taken for another database's.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from .. import oncall
from ..records import Page
from ..store.cache import Loaded, ScheduleCache, interval_at
from .instants import now, query_instant

#: Pages remembered (each at most 1,000 schedules).
KEPT = 64


@dataclass(frozen=True)
class ScheduleOncall:
    """Who is on call on one schedule at an instant."""

    schedule_id: str
    schedule_name: str
    interval: oncall.Interval


@dataclass(frozen=True)
class _Known:
    page: Page[ScheduleOncall]
    holds_from: datetime
    holds_until: datetime


_known: OrderedDict[tuple, _Known] = OrderedDict()


async def oncall_everywhere(
    cache: ScheduleCache, at: datetime | None, limit: int, after: str | None
) -> tuple[datetime, Page[ScheduleOncall]]:
    """Who is on call at `at` (default now; it needs an offset) on one page of schedules, by id. The same answer
    comes back as the same object (see api/schedules.py)."""
    instant = query_instant("at", at, None, default=now())
    versions, more = await cache.versions(limit, after)
    key = (more, *versions)
    known = _known.get(key)
    if known is None or not known.holds_from <= instant < known.holds_until:
        known = await _answer(await cache.of_versions(versions), more, instant)
        _known[key] = known
        while len(_known) > KEPT:
            _known.popitem(last=False)
    _known.move_to_end(key)
    return instant, known.page


async def _answer(loaded: list[Loaded], more: bool, instant: datetime) -> _Known:
    items = tuple([ScheduleOncall(s.record.id, s.record.name, await interval_at(s, instant)) for s in loaded])
    starts = [i.interval.start for i in items if i.interval.start is not None]
    ends = [i.interval.end for i in items if i.interval.end is not None]
    return _Known(Page(items, more), max(starts, default=oncall.EARLIEST), min(ends, default=oncall.LATEST))
