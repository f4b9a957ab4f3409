"""Pure schedules kept in memory, each valid for one version of its row.

Reading who is on call is the hot path. A schedule's layers and overrides change
rarely, so each request asks the database one small question (the row's version,
bumped in the same transaction as every change to the schedule, its layers or its
overrides, with its creation time, which tells a re-created schedule from the one
deleted before it) and loads everything again only when that answer moved.
Several processes can share one database: each asks on every read.
"""

from __future__ import annotations

import asyncio
import bisect
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from tortoise import connections

from .. import oncall
from ..errors import NotFound
from ..models import Layer, Override, Schedule

_VERSION_SQL = {
    "sqlite": "SELECT version, created_at FROM schedules WHERE id = ?",
    "postgres": "SELECT version, created_at FROM schedules WHERE id = $1",
}

#: A schedule row's version and creation time, as the database returns them.
Version = tuple[Any, ...]


@dataclass(frozen=True)
class Loaded:
    """One version of a schedule: its row, its layer rows, and the pure model.

    `pure.overrides` holds every override, ordered by end so that a range can be cut out.
    `answers` keeps the last final-schedule intervals found: they partition time, so
    the one holding an instant is the answer for it while the version stands.
    """

    version: Version
    row: Schedule
    layers: list[Layer]
    pure: oncall.Schedule
    ends: list[datetime]
    answers: list[oncall.Interval] = field(default_factory=list, compare=False)

    def overlapping(self, since: datetime | None, until: datetime | None) -> oncall.Schedule:
        """The pure schedule with only the overrides that overlap [since, until)."""
        first = 0 if since is None else bisect.bisect_right(self.ends, since)
        chosen = [o for o in self.pure.overrides[first:] if until is None or o.start < until]
        return oncall.Schedule(zone=self.pure.zone, layers=self.pure.layers, overrides=tuple(chosen))


class ScheduleCache:
    def __init__(self, size: int = 1024):
        self._size = size
        self._entries: OrderedDict[str, Loaded] = OrderedDict()
        self._versions = _VersionReads()

    async def get(self, schedule_id: str) -> Loaded:
        version = await self._versions.read(schedule_id)
        entry = self._entries.get(schedule_id)
        if entry is None or entry.version != version:
            entry = await _load(schedule_id, version)
            self._entries[schedule_id] = entry
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        self._entries.move_to_end(schedule_id)
        return entry


class _VersionReads:
    """Reads of a schedule's version, shared by the requests that wait at the same time.

    A request may only use a read that began after it arrived (else it could miss
    a change committed just before). So requests that arrive while a read is under
    way wait together for the next one, which starts when that read ends.
    """

    def __init__(self) -> None:
        self._busy: set[str] = set()
        self._next: dict[str, asyncio.Future[Version]] = {}

    async def read(self, schedule_id: str) -> Version:
        if schedule_id not in self._busy:
            self._busy.add(schedule_id)
            try:
                return await _current_version(schedule_id)
            finally:
                self._done(schedule_id)
        if schedule_id not in self._next:
            self._next[schedule_id] = asyncio.get_running_loop().create_future()
        return await asyncio.shield(self._next[schedule_id])

    def _done(self, schedule_id: str) -> None:
        waiting = self._next.pop(schedule_id, None)
        if waiting is None:
            self._busy.discard(schedule_id)
        else:
            asyncio.ensure_future(self._read_for(schedule_id, waiting))

    async def _read_for(self, schedule_id: str, waiting: asyncio.Future[Version]) -> None:
        try:
            waiting.set_result(await _current_version(schedule_id))
        except Exception as exc:  # every waiter gets the same error (unknown schedule, database down)
            waiting.set_exception(exc)
        finally:
            self._done(schedule_id)


async def _current_version(schedule_id: str) -> Version:
    connection = connections.get("default")
    rows = await connection.execute_query_dict(_VERSION_SQL[connection.capabilities.dialect], [schedule_id])
    if not rows:
        raise NotFound("schedule", schedule_id)
    return tuple(rows[0].values())


async def _load(schedule_id: str, version: Version) -> Loaded:
    """Everything is read after `version` was: the data is never older than the version it carries."""
    row = await Schedule.get_or_none(id=schedule_id)
    if row is None:
        raise NotFound("schedule", schedule_id)
    layers = await Layer.filter(schedule_id=schedule_id).order_by("position")
    overrides = await Override.filter(schedule_id=schedule_id).order_by("end_at", "id")
    zone = ZoneInfo(row.timezone)
    pure = oncall.Schedule(
        zone=zone,
        layers=tuple(to_pure_layer(layer, zone) for layer in layers),
        overrides=tuple(
            oncall.Override(id=o.id, user=o.user, start=o.start_at, end=o.end_at, created_at=o.created_at)
            for o in overrides
        ),
    )
    return Loaded(version, row, layers, pure, [o.end for o in pure.overrides])


def to_pure_layer(row: Layer, zone: ZoneInfo) -> oncall.Layer:
    written = datetime.fromisoformat(row.start)
    start = oncall.to_instant(written, zone)
    anchor = written if written.tzinfo is None else oncall.local(written, zone)
    return oncall.Layer(
        name=row.name,
        users=tuple(row.users),
        rotation=oncall.Rotation(row.rotation_unit, row.rotation_length),
        anchor=anchor,
        start=start,
        end=None if row.end is None else oncall.to_instant(datetime.fromisoformat(row.end), zone),
        restrictions=tuple(_restriction(r) for r in row.restrictions),
    )


def _restriction(data: dict[str, Any]) -> oncall.Restriction:
    days = data.get("days")
    return oncall.Restriction(
        start=time.fromisoformat(data["start"]),
        end=time.fromisoformat(data["end"]),
        days=None if days is None else frozenset(oncall.DAYS.index(d) for d in days),
    )
