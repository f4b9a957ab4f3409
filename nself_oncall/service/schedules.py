"""Schedules: their records, who is on call, and the final schedule over a range."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .. import oncall
from ..errors import BadQuery, Invalid
from ..records import Page, ScheduleRecord
from ..store import overrides
from ..store import schedules as store
from ..store.cache import Loaded, ScheduleCache, interval_at
from .instants import now, query_instant
from .workers import off_loop

MAX_RANGE = timedelta(days=400)
DEFAULT_RANGE = timedelta(days=14)


@dataclass(frozen=True)
class Oncall:
    """Who is on call at `at`: the final-schedule interval (or gap) holding it."""

    schedule_id: str
    at: datetime
    interval: oncall.Interval


@dataclass(frozen=True)
class ScheduleView:
    record: ScheduleRecord
    oncall: Oncall


async def list_schedules(limit: int, after: str | None) -> Page[ScheduleRecord]:
    return await store.list_page(limit, after)


async def create(cache: ScheduleCache, data: dict[str, Any], channels: Collection[str], *, actor: str) -> ScheduleView:
    """A new schedule; a notice's channel must be one of `channels` (the configured ones), else 422. `actor`
    (as for every change) is who the audit log names."""
    return await get(cache, await store.create(data, channels, actor=actor))


async def get(cache: ScheduleCache, schedule_id: str) -> ScheduleView:
    """The schedule with who is on call now."""
    loaded = await cache.get(schedule_id)
    instant = now()
    return ScheduleView(loaded.record, Oncall(schedule_id, instant, await interval_at(loaded, instant)))


async def update(
    cache: ScheduleCache, schedule_id: str, data: dict[str, Any], channels: Collection[str], *, actor: str
) -> ScheduleView:
    await store.update(schedule_id, data, channels, actor=actor)
    return await get(cache, schedule_id)


async def delete(schedule_id: str, *, actor: str) -> None:
    await store.delete(schedule_id, actor=actor)


async def oncall_at(cache: ScheduleCache, schedule_id: str, at: datetime | None) -> Oncall:
    """Who is on call at `at` (default now); a naive `at` is wall-clock time in the schedule's zone."""
    loaded = await cache.get(schedule_id)
    instant = query_instant("at", at, loaded.pure.zone, default=now())
    return Oncall(schedule_id, instant, await interval_at(loaded, instant))


async def shifts(
    cache: ScheduleCache, schedule_id: str, since: datetime | None, until: datetime | None, user: str | None = None
) -> list[oncall.Interval]:
    """The final schedule over [since, until): default now and 14 days on, at most 400 days; only `user`'s
    intervals when given."""
    loaded = await cache.get(schedule_id)
    since, until = query_range(since, until, loaded.pure.zone)
    intervals = await final_schedule(loaded, since, until)
    return intervals if user is None else [i for i in intervals if i.user == user]


def query_range(
    since: datetime | None, until: datetime | None, zone: ZoneInfo | None, before: timedelta = timedelta(0),
    after: timedelta = DEFAULT_RANGE,
) -> tuple[datetime, datetime]:
    """A range from query parameters: `since` defaults to now - `before`, `until` to since + `after`; at most
    400 days. `zone` reads naive values (None: an offset is required); a default `until` stops at the
    resolver's last instant."""
    since = query_instant("since", since, zone, default=now() - before)
    until = query_instant("until", until, zone, default=min(since + after, oncall.LATEST))
    if until < since or until - since > MAX_RANGE:
        raise BadQuery("until", "must not be before since, and at most 400 days after it")
    return since, until


async def final_schedule(loaded: Loaded, since: datetime, until: datetime) -> list[oncall.Interval]:
    """The covered intervals of [since, until), refused (422) when rendering them would take too long, rendered
    by a worker thread (service/workers.py)."""
    schedule = await schedule_over(loaded, since, until)
    check_cost(oncall.render_cost(schedule, since, until))
    return await off_loop(oncall.render, schedule, since, until)


def check_cost(cost: int) -> None:
    if cost > oncall.MAX_RENDER_COST:
        raise Invalid(
            "until",
            f"this range needs about {cost:,} steps to compute, over the limit of {oncall.MAX_RENDER_COST:,}"
            " per request: ask for a shorter range",
        )


async def schedule_over(loaded: Loaded, since: datetime, until: datetime) -> oncall.Schedule:
    """The pure schedule with every override that overlaps [since, until) (and maybe others: `render`
    and `render_cost` look only at those overlapping their range)."""
    if loaded.history_end is not None and since < loaded.history_end:
        return replace(loaded.pure, overrides=await overrides.ending_after(loaded.record.id, since, before=until))
    return loaded.pure
