"""Due escalations -> notification rows, one transaction per batch.

For each step that is due, every target becomes rows: a channel is notified directly, a user
through each of their contact methods, a schedule through the contacts of whoever is on call at
the instant the step is due (asked of the same cache and resolver as the API). A target nobody can
be reached through is written `undeliverable` with the reason, and the escalation goes on.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from datetime import datetime

from .. import escalation
from ..errors import NotFound
from ..records import UserRecord
from ..store import outbox, users
from ..store.cache import ScheduleCache, interval_at
from ..store.outbox import Advance, DueEscalation, Planned

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

        return await outbox.advance_due(now, self.batch, plan, self.sender)

    async def _plan(self, due: DueEscalation, now: datetime, found: dict[str, UserRecord | None]) -> Advance:
        reached, next_due = escalation.due(due.policy, due.triggered_at, due.steps_done, now)
        planned = []
        for step in reached:
            rows = await self._step_rows(step, found)
            planned += rows
            log.info(
                "escalation %s: step %d of loop %d reached (due %s): %d notification(s)",
                due.id, step.step, step.loop, step.at.isoformat(), len(rows),
            )
            for row in rows:
                if row.status == "undeliverable":
                    log.warning("escalation %s: step %d: %s %r undeliverable: %s",
                                due.id, step.step, row.target.type, row.target.id, row.error)
        return Advance(planned, due.steps_done + len(reached), next_due)

    async def _step_rows(self, step: escalation.Due, found: dict[str, UserRecord | None]) -> list[Planned]:
        """The rows of one step; `found` holds the users read earlier in this pass, and takes the ones read now
        (many escalations of one pass often page the same people)."""
        whom: list[str | None] = []  # per target: the user it names, or None for a channel
        reasons: dict[int, str] = {}
        for i, target in enumerate(step.targets):
            user, reason = await self._user_of(target, step.at)
            whom.append(user)
            if reason:
                reasons[i] = reason
        missing = {u for u in whom if u is not None and u not in found}
        if missing:
            read = await users.get_many(missing)
            found.update({u: read.get(u) for u in missing})
        rows = []
        for i, target in enumerate(step.targets):
            base = Planned(step.loop, step.step, i, 0, target, step.at)
            if i in reasons:
                rows.append(_undeliverable(base, whom[i], reasons[i]))
            elif target.type == "channel":
                rows.append(replace(base, channel=target.id))
            else:
                rows += user_rows(base, whom[i], found.get(whom[i]))
        return rows

    async def _user_of(self, target: escalation.Target, at: datetime) -> tuple[str | None, str | None]:
        """The user a target names at `at` (None for a channel), and why nobody can be reached, if so."""
        if target.type == "user":
            return target.id, None
        if target.type != "schedule":
            return None, None
        try:
            interval = await interval_at(await self.cache.get(target.id), at)
        except NotFound:
            return None, f"schedule {target.id!r} no longer exists"
        except (ValueError, ArithmeticError, KeyError) as exc:
            # A schedule the resolver cannot read must not stop this escalation, nor every other one behind it.
            log.error("schedule %r: cannot tell who is on call at %s: %s: %s", target.id, at, type(exc).__name__, exc)
            return None, f"schedule {target.id!r}: cannot tell who is on call ({type(exc).__name__})"
        if interval.user is None:
            return None, f"nobody is on call on schedule {target.id!r} at {at.isoformat()}"
        return interval.user, None


def user_rows(base: Planned, user_id: str, user: UserRecord | None) -> list[Planned]:
    """A row per contact method of `user_id` (`user` its record, if any); one undeliverable row when there is none."""
    if user is None:
        return [_undeliverable(base, user_id, f"user {user_id!r} does not exist")]
    if not user.contacts:
        return [_undeliverable(base, user_id, f"user {user_id!r} has no contact methods")]
    return [
        replace(
            base,
            contact_position=j,
            user=user.id,
            user_name=user.name,
            channel=contact.channel,
            address=contact.address,
            contact_key=contact_key(contact.channel, contact.address),
        )
        for j, contact in enumerate(user.contacts)
    ]


def _undeliverable(base: Planned, user_id: str | None, reason: str) -> Planned:
    return replace(base, status="undeliverable", user=user_id, error=reason)


def contact_key(channel: str, address: str) -> str:
    """A short digest naming one contact (a channel and an address) for the rate limits."""
    return hashlib.blake2b(f"{channel}\n{address}".encode(), digest_size=16).hexdigest()
