"""Pure schedules kept in memory, each valid for one version of its row.

Reading who is on call is the hot path. A schedule's layers, overrides and temporary schedules change
rarely, so each request asks the database one small question (the row's version,
bumped in the same transaction as every change to the schedule, its layers, its temporary schedules or its
overrides, with its creation time, which tells a re-created schedule from the one
deleted before it) and loads everything again only when that answer moved.
Several processes can share one database: each asks on every read.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from contextvars import copy_context
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from .. import oncall
from ..clock import utcnow
from ..errors import NotFound
from ..models import Layer, Schedule
from ..oncall.handoffs import Notice
from ..oncall.people import Rendered, named
from ..records import LayerRecord, ScheduleRecord
from . import overrides, temporaries
from .sql import default, rows, transaction_open

_VERSION_SQL = "SELECT version, created_at FROM schedules WHERE id = $1"
_PAGE_SQL = "SELECT id, version, created_at FROM schedules WHERE id > $1 ORDER BY id LIMIT $2"
#: LIMIT for "every row" (ids sort after "", as none is empty)
_EVERY = 2**62
#: A cached schedule holds the overrides that end after its load time minus this.
HISTORY_KEPT = timedelta(days=35)
#: Final-schedule intervals remembered per cached version (see Loaded.answers).
ANSWERS_KEPT = 8

#: A schedule row's version and creation time, as the database returns them.
Version = tuple[Any, ...]
#: Schedule ids with their versions, and whether more schedules follow.
PageOfVersions = tuple[list[tuple[str, Version]], bool]
K = TypeVar("K")
V = TypeVar("V")


@dataclass
class Loaded:
    """One version of a schedule: its record and the pure model.

    `pure.overrides` holds only the overrides that ended at most HISTORY_KEPT before the
    load, so the cost of a load does not grow with the schedule's history. `history_end`
    is the latest end of those left out (None: none were): the pure model is exact from
    that instant on, and an answer that reaches further back loads the older overrides
    it needs (see service/schedules.py).
    `answers` remembers the last final-schedule intervals found: they partition time,
    so the one holding an instant is the answer for it while the version stands.
    `named` holds everyone `pure` names (see `may_name`).
    `rendered` is the window people's views last rendered of it (service/people.py).
    """

    version: Version
    record: ScheduleRecord
    pure: oncall.Schedule
    history_end: datetime | None
    named: frozenset[str]
    answers: deque[oncall.Interval] = field(default_factory=lambda: deque(maxlen=ANSWERS_KEPT))
    rendered: Rendered | None = None


class ScheduleCache:
    def __init__(self, size: int = 1024):
        self._size = size
        self._entries: OrderedDict[str, Loaded] = OrderedDict()
        self._versions = _SharedReads(_current_version)
        self._pages = _SharedReads(_page_versions)

    async def get(self, schedule_id: str) -> Loaded:
        version = await self._versions.read(schedule_id)
        entry = self._entries.get(schedule_id)
        if entry is None or entry.version != version:
            entry = await _load(schedule_id, version)
        self._keep(schedule_id, entry)
        return entry

    async def page(self, limit: int | None = None, after: str | None = None) -> tuple[list[Loaded], bool]:
        """Schedules in id order after `after` (None: from the first), up to `limit` (None: all), and whether
        more follow. One query reads every version; only the schedules whose version moved are loaded again."""
        versions, more = await self.versions(limit, after)
        return await self.of_versions(versions), more

    async def versions(self, limit: int | None = None, after: str | None = None) -> PageOfVersions:
        """The ids and versions of the schedules after `after` in id order, up to `limit` (None: all), and
        whether more follow: one query, shared by the requests for the same page that wait for it together."""
        return await self._pages.read((limit, after))

    async def of_versions(self, versions: list[tuple[str, Version]]) -> list[Loaded]:
        """The schedules of `versions` (as `versions` read them), loaded again where the version moved; one
        deleted since is left out."""
        found = []
        for schedule_id, version in versions:
            entry = self._entries.get(schedule_id)
            if entry is not None and entry.version == version:
                self._entries.move_to_end(schedule_id)
            else:
                try:
                    entry = await _load(schedule_id, version)
                except NotFound:
                    continue
                self._keep(schedule_id, entry)
            found.append(entry)
        return found

    def _keep(self, schedule_id: str, entry: Loaded) -> None:
        self._entries[schedule_id] = entry
        self._entries.move_to_end(schedule_id)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)


class _SharedReads(Generic[K, V]):
    """Reads of the database (a schedule's version, a page of versions), shared by the requests that wait
    for the same one at the same time.

    A request may only use a read that began after it arrived (else it could miss
    a change committed just before). So requests that arrive while a read is under
    way wait together for the next one, which starts when that read ends.

    Only reads outside any transaction are shared. A caller inside one reads alone, through it: it must see its
    own transaction's writes, nobody else may read through its transaction (uncommitted, and finished or back in
    the pool by the time a later read ran), and on SQLite its transaction holds the connection that a shared read
    would wait for. So the next read starts in the context of a caller that is in no transaction (`_done` runs in
    that caller's task, or in the previous shared read's), and copies it.
    """

    def __init__(self, reader: Callable[[K], Awaitable[V]], alone: Callable[[], bool] = transaction_open) -> None:
        """`alone()`: whether the caller reads by itself (by default: when it is inside a transaction)."""
        self._reader = reader
        self._alone = alone
        self._busy: set[K] = set()
        self._next: dict[K, asyncio.Future[V]] = {}
        self._tasks: set[asyncio.Task[None]] = set()  # the loop keeps only weak references

    async def read(self, key: K) -> V:
        if self._alone():
            return await self._reader(key)
        if key not in self._busy:
            self._busy.add(key)
            try:
                return await self._reader(key)
            finally:
                self._done(key)
        if key not in self._next:
            self._next[key] = asyncio.get_running_loop().create_future()
        return await asyncio.shield(self._next[key])

    def _done(self, key: K) -> None:
        waiting = self._next.pop(key, None)
        if waiting is None:
            self._busy.discard(key)
        else:
            task = asyncio.get_running_loop().create_task(self._read_for(key, waiting), context=copy_context())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _read_for(self, key: K, waiting: asyncio.Future[V]) -> None:
        try:
            waiting.set_result(await self._reader(key))
        except Exception as exc:  # every waiter gets the same error (unknown schedule, database down)
            waiting.set_exception(exc)
        finally:
            self._done(key)


async def _page_versions(page: tuple[int | None, str | None]) -> PageOfVersions:
    limit, after = page
    found = await rows(default(), _PAGE_SQL, [after or "", _EVERY if limit is None else limit + 1])
    more = limit is not None and len(found) > limit
    return [(row["id"], (row["version"], row["created_at"])) for row in found[:limit]], more


async def _current_version(schedule_id: str) -> Version:
    found = await rows(default(), _VERSION_SQL, [schedule_id])
    if not found:
        raise NotFound("schedule", schedule_id)
    return found[0]["version"], found[0]["created_at"]


async def _load(schedule_id: str, version: Version) -> Loaded:
    """Everything is read after `version` was: the data is never older than the version it carries."""
    row = await Schedule.get_or_none(id=schedule_id)
    if row is None:
        raise NotFound("schedule", schedule_id)
    layers = await Layer.filter(schedule_id=schedule_id).order_by("position")
    horizon = utcnow() - HISTORY_KEPT
    zone = ZoneInfo(row.timezone)
    pure = oncall.Schedule(
        zone=zone,
        layers=tuple(to_pure_layer(layer, zone) for layer in layers),
        overrides=await overrides.ending_after(schedule_id, horizon),
        temporaries=await temporaries.pure(schedule_id),
    )
    history_end = await overrides.last_end_at_or_before(schedule_id, horizon)
    return Loaded(version, schedule_record(row, layers), pure, history_end, named(pure))


def may_name(loaded: Loaded, user: str, since: datetime) -> bool:
    """False when `user` is on call nowhere in `loaded` from `since` on (older overrides are not in `named`)."""
    return user in loaded.named or (loaded.history_end is not None and since < loaded.history_end)


def schedule_record(row: Schedule, layers: list[Layer]) -> ScheduleRecord:
    return ScheduleRecord(
        id=row.id,
        name=row.name,
        description=row.description,
        timezone=row.timezone,
        layers=tuple(_layer_record(layer) for layer in sorted(layers, key=lambda layer: layer.position)),
        created_at=row.created_at,
        updated_at=row.updated_at,
        notices=notices_of(row.notices),
    )


def notices_of(data: list[dict[str, Any]] | None) -> tuple[Notice, ...]:
    """A schedule's handoff notices from its JSON column (NULL: none)."""
    return tuple(
        Notice(n["channel"], float(n["minutes_before"]), datetime.fromisoformat(n["configured_at"])) for n in data or ()
    )


def _layer_record(row: Layer) -> LayerRecord:
    return LayerRecord(
        name=row.name,
        users=tuple(row.users),
        unit=row.rotation_unit,
        length=row.rotation_length,
        start=row.start,
        end=row.end,
        restrictions=tuple(row.restrictions),
    )


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


async def interval_at(loaded: Loaded, instant: datetime) -> oncall.Interval:
    """The final-schedule interval holding `instant`: remembered, from the cached overrides, or with older
    ones loaded. The API and the engine both ask this, so they name the same person."""
    for known in loaded.answers:
        if (known.start is None or known.start <= instant) and (known.end is None or instant < known.end):
            return known
    answer = oncall.at(loaded.pure, instant)
    if not _exact(answer, loaded.history_end):
        answer = await _with_history(loaded, instant)
    loaded.answers.appendleft(answer)
    return answer


async def _with_history(loaded: Loaded, instant: datetime) -> oncall.Interval:
    """Load older overrides, in spans that double, until the answer no longer reaches past them."""
    schedule_id, bound, span = loaded.record.id, loaded.history_end, HISTORY_KEPT
    while True:
        lo = max(bound - span, oncall.EARLIEST)
        older = await overrides.ending_after(schedule_id, lo)
        bound = await overrides.last_end_at_or_before(schedule_id, lo)
        answer = oncall.at(replace(loaded.pure, overrides=older), instant)
        if _exact(answer, bound):
            return answer
        span *= 2


def _exact(answer: oncall.Interval, bound: datetime | None) -> bool:
    """An answer computed with the overrides that end after `bound` is exact if it starts after it.

    No override that ended at or before `bound` covers any instant from `bound` on; `bound`
    None means no override was left out.
    """
    return bound is None or (answer.start is not None and answer.start > bound)
