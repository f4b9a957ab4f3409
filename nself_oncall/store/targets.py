"""What a reached step's targets need looked up: who is on call on each schedule at the step's due
instant, and the records of the users to notify. The engine and the policy preview both ask here,
then leave the deciding to the pure `escalation.expand`.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime

from tortoise.exceptions import BaseORMException

from ..errors import NotFound, described
from ..escalation import OnCall
from ..records import UserRecord
from . import transient, users
from .cache import Loaded, ScheduleCache, interval_at

log = logging.getLogger(__name__)


async def loaded_schedule(cache: ScheduleCache, schedule_id: str) -> Loaded | OnCall:
    """The cached schedule, or the answer for every instant: it was deleted since the trigger, or it cannot be
    loaded (a time zone that this machine's tzdata lacks, say), which reaches nobody through it and must not stop
    the step's other targets. An error of the database is not this schedule's: one of the moment (the database
    away, a deadlock) stops the whole pass, which is tried again; any other fails the escalation's step, which is
    recorded with it (see store/contained.py): on PostgreSQL it aborted the transaction up to the step's savepoint,
    so no other target could be read after it."""
    try:
        return await cache.get(schedule_id)
    except NotFound:
        return OnCall(None, f"schedule {schedule_id!r} no longer exists")
    except Exception as exc:
        if transient(exc) or isinstance(exc, BaseORMException):
            raise
        log.exception("schedule %r cannot be loaded", schedule_id)
        return OnCall(None, f"schedule {schedule_id!r} cannot be loaded ({described(exc)})")


async def oncall_in(schedule: Loaded | OnCall, at: datetime) -> OnCall:
    """Who is on call on `schedule` at `at`, as the API's /oncall says."""
    if isinstance(schedule, OnCall):
        return schedule
    try:
        return OnCall((await interval_at(schedule, at)).user)
    except (ValueError, ArithmeticError, KeyError) as exc:
        # A schedule the resolver cannot read must not stop this escalation, nor every other one behind it.
        schedule_id = schedule.record.id
        log.error("schedule %r: cannot tell who is on call at %s: %s: %s", schedule_id, at, type(exc).__name__, exc)
        return OnCall(None, f"schedule {schedule_id!r}: cannot tell who is on call ({type(exc).__name__})")


async def oncall_at(cache: ScheduleCache, schedule_ids: Collection[str], at: datetime) -> dict[str, OnCall]:
    """Who is on call at `at` on each of the schedules."""
    return {ident: await oncall_in(await loaded_schedule(cache, ident), at) for ident in schedule_ids}


async def read_users(wanted: Collection[str], known: dict[str, UserRecord | None]) -> dict[str, UserRecord | None]:
    """`known` (the users read so far, None for those that do not exist) with the `wanted` ones it lacked,
    read in one query."""
    missing = {u for u in wanted if u not in known}
    if missing:
        read = await users.get_many(missing)
        known.update({u: read.get(u) for u in missing})
    return known
