"""Due escalations -> notification rows, one transaction per batch.

For each step that is due, every target becomes rows: a channel is notified directly, a user
through each of their contact methods, a schedule through the contacts of whoever is on call at
the instant the step is due (asked of the same cache and resolver as the API). A target nobody can
be reached through is written `undeliverable` with the reason, and the escalation goes on. What is
looked up is the store's (store/targets.py); what it means is decided by the pure
`escalation.expand`, which the policy preview calls too.
"""

from __future__ import annotations

import logging
from datetime import datetime

from .. import escalation
from ..logs import ESCALATION_ID
from ..records import UserRecord
from ..store import steps, targets
from ..store.cache import ScheduleCache
from ..store.steps import Advance, DueEscalation

log = logging.getLogger(__name__)


class Escalator:
    def __init__(self, cache: ScheduleCache, batch: int = 50, sender: str | None = None):
        self.cache = cache
        self.batch = batch
        self.sender = sender  # names the engine in the notifications that wake the others (see wake_engines)

    async def run_once(self, now: datetime) -> int:
        """Notify every step due at `now` of up to `batch` escalations; returns how many were handled."""
        found: dict[str, UserRecord | None] = {}  # the users read in this pass (one transaction), by id

        async def plan(due: DueEscalation) -> Advance:
            return await self._plan(due, now, found)

        return await steps.advance_due(now, self.batch, plan, self.sender)

    async def _plan(self, due: DueEscalation, now: datetime, found: dict[str, UserRecord | None]) -> Advance:
        token = ESCALATION_ID.set(due.id)  # on every log line written for it
        try:
            return await self._advance(due, now, found)
        finally:
            ESCALATION_ID.reset(token)

    async def _advance(self, due: DueEscalation, now: datetime, found: dict[str, UserRecord | None]) -> Advance:
        reached, next_due = escalation.due(due.policy, due.triggered_at, due.steps_done, now)
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
        return Advance(planned, due.steps_done + len(reached), next_due)

    async def _messages(self, step: escalation.Due, found: dict[str, UserRecord | None]) -> list[escalation.Message]:
        """The messages of one step; `found` holds the users read earlier in this pass, and takes the ones read
        now (many escalations of one pass often page the same people)."""
        schedules = {t.id for t in step.targets if t.type == "schedule"}
        oncall = await targets.oncall_at(self.cache, schedules, step.at)
        known = await targets.read_users(escalation.users_named(step, oncall), found)
        return escalation.expand(step, oncall, known)

