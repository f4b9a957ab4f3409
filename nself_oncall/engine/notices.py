"""Handoff notices: planned ahead from the final schedule, checked again and written to the outbox when due.

Two passes, each a transaction of the store (store/notices.py):

- `plan`: for each schedule whose planning time has come (any change to it or its overrides makes it come
  at once, and it comes again every REPLAN), a row per notice of every shift starting from LATE ago to
  `horizon` ahead (the largest `minutes_before` plus MARGIN). Rows of shifts the schedule no longer has
  are dropped, rows of a changed notice are moved. Planning ahead is what lets anyone see what will be sent
  (GET /schedules/{id}/notices) and lets the engine sleep until the next one is due.
- `send`: for each planned row that is due, the schedule as it is now decides. The shift must still start
  at that instant with that user (the same `interval_at` the API answers with) and the notice must still be
  there, else the row is dropped and never sent; a schedule change that moved the shift has made a row of
  its own at the planner's next pass. Otherwise the message is written as notification rows, which the
  dispatcher delivers with the escalations' leases, retries and rate limits.

A schedule or a notice that fails (any error but one of the moment: the database away, a deadlock) is contained as
an escalation is (engine/escalator.py): logged with its traceback and counted; a schedule is planned again in
REPLAN, its rows left as they are, and a notice is written as an `undeliverable` notification with the reason. The
others go on. The notification rows written, once committed, are counted in `nself_oncall_messages_planned_total`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from .. import escalation
from ..errors import NotFound, described
from ..escalation import Target
from ..metrics import EngineMetrics, count_planned
from ..oncall import EARLIEST
from ..oncall.handoffs import (
    LATE,
    REPLAN,
    Handoff,
    Notice,
    handoff_text,
    handoffs,
    horizon,
    shift_starts,
    still_holds,
)
from ..records import UserRecord
from ..store import notices, targets
from ..store.cache import Loaded, ScheduleCache, interval_at
from ..store.notices import Decision, Drop, DueNotice, Plan, PlanCounts, Retime, Send, SendCounts

log = logging.getLogger(__name__)

_TICK = timedelta(microseconds=1)
#: What the resolver raises for a schedule it cannot read (as the escalator catches it).
_UNREADABLE = (ValueError, ArithmeticError, KeyError)


class Notices:
    def __init__(
        self, cache: ScheduleCache, batch: int = 50, sender: str | None = None, metrics: EngineMetrics | None = None
    ):
        self.cache = cache
        self.batch = batch
        self.sender = sender  # names the engine in the notifications that wake the others (see wake_engines)
        self.metrics = metrics

    async def plan(self, now: datetime) -> PlanCounts:
        async def plan(schedule_id: str) -> Plan:
            return await self._plan(schedule_id, now)

        async def unplanned(schedule_id: str, error: Exception) -> Plan:
            self._failed("notice_planner", error, "schedule %r: its notices could not be planned; again in %s",
                         schedule_id, REPLAN)
            return Plan(now - LATE, None, now + REPLAN)

        counts = await notices.plan_due(now, self.batch, plan, unplanned)
        if counts.added or counts.moved or counts.dropped:
            log.info("notices: %d schedule(s) planned: %d notice(s) added, %d moved, %d dropped",
                     counts.schedules, counts.added, counts.moved, counts.dropped)
        return counts

    async def _plan(self, schedule_id: str, now: datetime) -> Plan:
        loaded = await self.cache.get(schedule_id)  # the row is locked: it exists
        rules = loaded.record.notices
        if not rules:
            return Plan(EARLIEST, [], None)
        since = now - LATE
        try:
            shifts = shift_starts(loaded.pure, since, now + horizon(rules))
        except _UNREADABLE as exc:
            log.warning("schedule %r: cannot plan its notices: %s: %s; trying again in %s",
                        schedule_id, type(exc).__name__, exc, REPLAN)
            return Plan(since, None, now + REPLAN)
        return Plan(since, handoffs(shifts, rules), now + REPLAN)

    async def send(self, now: datetime) -> SendCounts:
        found: dict[str, UserRecord | None] = {}  # the users read in this pass (one transaction), by id

        async def decide(due: DueNotice) -> Decision:
            return await self._decide(due, now, found)

        async def undecided(due: DueNotice, error: Exception) -> Decision:
            return self._undecided(due, error)

        counts = await notices.send_due(now, self.batch, decide, undecided, self.sender)
        count_planned(self.metrics, counts.planned)
        for due, reason in counts.dropped:
            log.info("schedule %r: notice %d for %s's shift at %s dropped: %s",
                     due.schedule_id, due.index, due.user, due.shift_start.isoformat(), reason)
        if counts.sent:
            log.info("notices: %d handoff notice(s) sent to the outbox", counts.sent)
        return counts

    def _undecided(self, due: DueNotice, error: Exception) -> Send:
        """The notice, written `undeliverable` with why it could not be prepared."""
        self._failed("notice_sender", error, "schedule %r: notice %d for %s's shift at %s could not be prepared",
                     due.schedule_id, due.index, due.user, due.shift_start.isoformat())
        reason = f"could not be prepared: {described(error)}"
        handoff = Handoff(due.shift_start, due.user, due.index, Notice(due.channel, due.minutes_before, EARLIEST))
        summary = f"Handoff notice for {due.user}'s shift at {due.shift_start.isoformat()}: {reason}"
        return Send(summary, {"schedule_id": due.schedule_id, "error": reason}, escalation.unplanned(_step(handoff), reason))

    def _failed(self, job: str, error: Exception, what: str, *args: object) -> None:
        log.error(f"{what}: %s: %s", *args, type(error).__name__, error, exc_info=error)
        if self.metrics is not None:
            self.metrics.failures.labels(job).inc()

    async def _decide(self, due: DueNotice, now: datetime, found: dict[str, UserRecord | None]) -> Decision:
        if due.shift_start < now - LATE:
            return Drop(f"its shift started more than {LATE} ago")
        try:
            loaded = await self.cache.get(due.schedule_id)
        except NotFound:
            return Drop("the schedule no longer exists")
        rules = loaded.record.notices
        if due.index >= len(rules):
            return Drop("the notice was removed")
        handoff = Handoff(due.shift_start, due.user, due.index, rules[due.index])
        if (handoff.notice.channel, handoff.notice.minutes_before) != (due.channel, due.minutes_before):
            if handoff.due_at > now:
                return Retime(handoff.notice.channel, handoff.notice.minutes_before, handoff.due_at)
        try:
            return await self._message(loaded, handoff, found)
        except _UNREADABLE as exc:
            log.warning("schedule %r: cannot tell who is on call: %s: %s", due.schedule_id, type(exc).__name__, exc)
            return Drop(f"cannot tell who is on call ({type(exc).__name__})")

    async def _message(self, loaded: Loaded, handoff: Handoff, found: dict[str, UserRecord | None]) -> Decision:
        shift = await interval_at(loaded, handoff.shift_start)
        reason = still_holds(handoff, shift, loaded.record.notices)
        if reason:
            return Drop(reason)
        previous = (await interval_at(loaded, handoff.shift_start - _TICK)).user
        record = loaded.record
        text = handoff_text(record.id, record.name, loaded.pure.zone, shift, previous, handoff)
        messages = await self._rows(handoff, found)
        for m in messages:
            if m.reason is not None:
                log.warning("schedule %r: notice %d for %s's shift at %s undeliverable: %s",
                            record.id, handoff.index, handoff.user, handoff.shift_start.isoformat(), m.reason)
        return Send(text.summary, text.details, messages)

    async def _rows(self, handoff: Handoff, found: dict[str, UserRecord | None]) -> list[escalation.Message]:
        """The handoff's messages, decided as an escalation step's are: to the channel, or to each of the incoming
        user's contacts at once, whatever their notification rules (none: undeliverable, with the reason)."""
        step = _step(handoff)
        known = await targets.read_users(escalation.users_named(step, {}), found)
        return escalation.expand(step, {}, known, rules=False)


def _step(handoff: Handoff) -> escalation.Due:
    """The handoff as an escalation step of one target: its channel, or the incoming user."""
    channel = handoff.notice.channel
    target = Target("channel", channel) if channel is not None else Target("user", handoff.user)
    return escalation.Due(index=0, loop=0, step=handoff.index, at=handoff.due_at, targets=(target,))
