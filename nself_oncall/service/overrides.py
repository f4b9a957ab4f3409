"""Overrides: listing, creating (times read in the schedule's zone) and removing."""

from __future__ import annotations

from datetime import datetime

from ..records import OverrideRecord, Page
from ..store import overrides as store
from ..store.cache import ScheduleCache
from .instants import body_instant, query_instant


async def list_overrides(
    cache: ScheduleCache,
    limit: int,
    after: tuple[datetime, str] | None,
    schedule_id: str | None,
    since: datetime | None,
    until: datetime | None,
    user: str | None = None,
) -> Page[OverrideRecord]:
    """Overrides overlapping [since, until) (naming `user` on either side); naive bounds need `schedule_id` to give
    them a zone."""
    zone = (await cache.get(schedule_id)).pure.zone if schedule_id else None
    since, until = query_instant("since", since, zone), query_instant("until", until, zone)
    return await store.list_page(limit, after, schedule_id, since, until, user)


async def create(
    cache: ScheduleCache,
    schedule_id: str,
    user: str | None,
    replaces: str | None,
    start: datetime,
    end: datetime,
    *,
    actor: str,
) -> OverrideRecord:
    """An add (`replaces` None), a replace, or a remove (`user` None)."""
    zone = (await cache.get(schedule_id)).pure.zone
    start, end = body_instant("start", start, zone), body_instant("end", end, zone)
    return await store.create(schedule_id, user, replaces, start, end, actor=actor)


async def delete(override_id: str, *, actor: str) -> None:
    await store.delete(override_id, actor=actor)
