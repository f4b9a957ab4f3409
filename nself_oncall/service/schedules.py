"""Schedules: their records, who is on call, and the final schedule over a range."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from .. import oncall
from ..errors import BadQuery, Invalid
from ..records import Page, ScheduleRecord
from ..store import overrides
from ..store import schedules as store
from ..store.cache import Loaded, ScheduleCache, interval_at
from .instants import now, query_instant

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


async def create(cache: ScheduleCache, data: dict[str, Any], channels: Collection[str]) -> ScheduleView:
    """A new schedule; a notice's channel must be one of `channels` (the configured ones), else 422."""
    return await get(cache, await store.create(data, channels))


async def get(cache: ScheduleCache, schedule_id: str) -> ScheduleView:
    """The schedule with who is on call now."""
    loaded = await cache.get(schedule_id)
    instant = now()
    return ScheduleView(loaded.record, Oncall(schedule_id, instant, await interval_at(loaded, instant)))


async def update(cache: ScheduleCache, schedule_id: str, data: dict[str, Any], channels: Collection[str]) -> ScheduleView:
    await store.update(schedule_id, data, channels)
    return await get(cache, schedule_id)


async def delete(schedule_id: str) -> None:
    await store.delete(schedule_id)


async def oncall_at(cache: ScheduleCache, schedule_id: str, at: datetime | None) -> Oncall:
    """Who is on call at `at` (default now); a naive `at` is wall-clock time in the schedule's zone."""
    loaded = await cache.get(schedule_id)
    instant = query_instant("at", at, loaded.pure.zone, default=now())
    return Oncall(schedule_id, instant, await interval_at(loaded, instant))


async def shifts(
    cache: ScheduleCache, schedule_id: str, since: datetime | None, until: datetime | None
) -> list[oncall.Interval]:
    """The final schedule over [since, until): default now and 14 days on, at most 400 days."""
    loaded = await cache.get(schedule_id)
    since, until = query_range(loaded, since, until)
    schedule = await schedule_over(loaded, since, until)
    check_cost(schedule, since, until)
    return oncall.render(schedule, since, until)


def query_range(loaded: Loaded, since: datetime | None, until: datetime | None) -> tuple[datetime, datetime]:
    """A range of the query (400 when unusable): default now and 14 days on, at most 400 days."""
    zone = loaded.pure.zone
    since = query_instant("since", since, zone, default=now())
    until = query_instant("until", until, zone, default=since + DEFAULT_RANGE)
    if until < since or until - since > MAX_RANGE:
        raise BadQuery("until", "must not be before since, and at most 400 days after it")
    return since, until


def check_cost(schedule: oncall.Schedule, since: datetime, until: datetime) -> None:
    """A render over [since, until) that would cost more than a request may is refused (422)."""
    cost = oncall.render_cost(schedule, since, until)
    if cost > oncall.MAX_RENDER_COST:
        raise Invalid(
            "until",
            f"this range needs about {cost:,} steps to compute, over the limit of {oncall.MAX_RENDER_COST:,}"
            " per request: ask for a shorter range",
        )


async def schedule_over(loaded: Loaded, since: datetime, until: datetime) -> oncall.Schedule:
    """The pure schedule with the overrides that overlap [since, until)."""
    if loaded.history_end is not None and since < loaded.history_end:
        chosen = await overrides.ending_after(loaded.record.id, since, before=until)
    else:
        chosen = tuple(o for o in loaded.pure.overrides if o.end > since and o.start < until)
    return replace(loaded.pure, overrides=chosen)
