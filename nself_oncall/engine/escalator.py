"""Due escalations -> notification rows, one transaction per batch.

For each step that is due, every target becomes rows: a channel is notified directly, a user
through each of their contact methods, a schedule through the contacts of whoever is on call at
the instant the step is due (asked of the same cache and resolver as the API). A target nobody can
be reached through is written `undeliverable` with the reason, and the escalation goes on. What is
looked up is the store's (store/targets.py); what it means is decided by the pure
`escalation.expand`, which the policy preview calls too, and which caps a step at escalation.MAX_MESSAGES
messages (made in one go: about 30 ms for the largest, on the engine's own loop; their rows are written a
chunk at a time, see store/notifications.py). The rows written, once committed, are counted in
`nself_oncall_messages_planned_total`.

An escalation that cannot be planned at all (any error but one of the moment: the database away, a deadlock, see
store/contained.py) is contained: logged with its traceback, counted, and its reached steps written `undeliverable`
with the reason; it goes on to its next step as it would have, and the other escalations of the pass are notified
as if nothing happened (store/steps.py).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from .. import escalation
from ..errors import described
from ..logs import written_for
from ..metrics import EngineMetrics, count_planned
from ..records import UserRecord
from ..store import steps, targets
from ..store.cache import ScheduleCache
from ..store.steps import Advance, DueEscalation

log = logging.getLogger(__name__)

#: When an escalation whose steps cannot be told (its policy unreadable, say) is looked at again.
RETRY_UNSTEPPED = timedelta(minutes=5)


class Escalator:
    def __init__(
        self, cache: ScheduleCache, batch: int = 50, sender: str | None = None, metrics: EngineMetrics | None = None
    ):
        self.cache = cache
        self.batch = batch
        self.sender = sender  # names the engine in the notifications that wake the others (see wake_engines)
        self.metrics = metrics

    async def run_once(self, now: datetime, free_slots: int | None = None) -> int:
        """Notify every step due at `now` of up to `batch` escalations; returns how many were handled. With
        `free_slots` (the calling engine's dispatcher's), the other engines are woken only for more messages than
        that (steps.advance_due)."""
        found: dict[str, UserRecord | None] = {}  # the users read in this pass (one transaction), by id

        async def plan(due: DueEscalation) -> Advance:
            with written_for(due.id):
                return await self._advance(due, now, found)

        async def unplanned(due: DueEscalation, error: Exception) -> Advance:
            with written_for(due.id):
                return self._unplanned(due, error, now)

        advanced = await steps.advance_due(now, self.batch, plan, unplanned, self.sender, free_slots)
        count_planned(self.metrics, advanced.planned)
        return advanced.escalations

    def _unplanned(self, due: DueEscalation, error: Exception, now: datetime) -> Advance:
        """The escalation's steps reached, each target `undeliverable` with why it could not be planned. When not
        even its steps can be told (its policy unreadable, say), it is looked at again in RETRY_UNSTEPPED."""
        log.error("escalation %s could not be planned: %s: %s", due.id, type(error).__name__, error, exc_info=error)
        if self.metrics is not None:
            self.metrics.failures.labels("escalator").inc()
        try:
            reached, next_due = escalation.due(due.policy(), due.triggered_at, due.steps_done, now)
        except Exception:
            log.exception("escalation %s: cannot tell its steps; looking again in %s", due.id, RETRY_UNSTEPPED)
            return _advance(due, now, [], due.steps_done, now + RETRY_UNSTEPPED)
        reason = f"could not be planned: {described(error)}"
        planned = [m for step in reached for m in escalation.unplanned(step, reason)]
        return _advance(due, now, planned, due.steps_done + len(reached), next_due)

    async def _advance(self, due: DueEscalation, now: datetime, found: dict[str, UserRecord | None]) -> Advance:
        reached, next_due = escalation.due(due.policy(), due.triggered_at, due.steps_done, now)
        planned = []
        for step in reached:
            messages = await self._messages(step, found)
            planned += messages
            log.info(
                "escalation %s: step %d of loop %d reached (due %s): %d notification(s)",
                due.id, step.step, step.loop, step.at.isoformat(), len(messages),
            )
            for m in messages:
                if m.reason is not None:
                    log.warning("escalation %s: step %d: %s %r undeliverable: %s",
                                due.id, step.step, m.target.type, m.target.id, m.reason)
        return _advance(due, now, planned, due.steps_done + len(reached), next_due)

    async def _messages(self, step: escalation.Due, found: dict[str, UserRecord | None]) -> list[escalation.Message]:
        """The messages of one step; `found` holds the users read earlier in this pass, and takes the ones read
        now (many escalations of one pass often page the same people)."""
        schedules = {t.id for t in step.targets if t.type == "schedule"}
        oncall = await targets.oncall_at(self.cache, schedules, step.at)
        known = await targets.read_users(escalation.users_named(step, oncall), found)
        return escalation.expand(step, oncall, known)


def _advance(
    due: DueEscalation, now: datetime, made: list[escalation.Message], steps_done: int, next_step: datetime | None
) -> Advance:
    """What to write for the escalation at `now`: the messages of the steps reached (`made`) that are due, and those
    of its notification rules kept from earlier steps that are due now; the others are kept until they are due,
    and the escalation is next due at its next step or the first of them, whichever is first."""
    written, later = escalation.due_by(made, now)
    taken = [p for p in due.planned if p.message.due_at <= now]
    waiting = [p.message.due_at for p in due.planned if p.message.due_at > now]
    next_due = escalation.earliest(next_step, *(m.due_at for m in later), *waiting)
    return Advance(written + [p.message for p in taken], steps_done, next_due, later, [p.id for p in taken])
