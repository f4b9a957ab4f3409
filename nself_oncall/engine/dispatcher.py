"""Notification rows -> notifier calls -> results.

Claims are committed before any notifier is called, and results are written in batches by one
writer, each only while its lease is held (see store/claims.py and store/results.py). A temporary failure is tried again
later with backoff (engine/retry.py) until the attempts run out; a permanent one fails at once. The
`delivery_attempted` observers are told of an attempt once its result is handed over (engine/runner.py).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta

from ..logs import written_for
from ..metrics import EngineMetrics
from ..plugins import Action, Attempt, Contact, Message, Outcome, Registry, Target, attempt, observe
from ..store import action_links, claims
from ..store.claims import Claimed
from ..store.results import Result
from .retry import Retry

log = logging.getLogger(__name__)

#: A lease lasts this much longer than the slowest channel's timeout.
LEASE_MARGIN = 5.0


class Dispatcher:
    def __init__(
        self,
        registry: Registry,
        base_url: str,
        owner: str,
        retry: Retry | None = None,
        concurrency: int = 200,
        rand: Callable[[], float] = random.random,
        metrics: EngineMetrics | None = None,
        link_key: bytes | None = None,
    ):
        """`link_key`: the key of the acknowledge and resolve links in escalation messages (keys.link_key);
        None: messages go without them."""
        self.registry = registry
        self.base_url = base_url
        self.owner = owner
        self.retry = retry or Retry()
        self.concurrency = concurrency
        self.rand = rand
        self.metrics = metrics
        timeouts = [state.timeout for state in registry.channels.values() if state.ok]
        self.lease = timedelta(seconds=max(timeouts, default=0) + LEASE_MARGIN)
        self.limits = {name: state.rate_limit for name, state in registry.channels.items() if state.rate_limit}
        self.link_key = link_key
        self.replying = registry.replying_channels()

    async def claim(self, now: datetime, limit: int) -> list[Claimed]:
        return await claims.claim(now, limit, self.owner, now + self.lease, self.limits, self.link_key, self.replying)

    async def send(self, claimed: Claimed, clock: Callable[[], datetime]) -> tuple[Result, Attempt]:
        """Call the notifier for one claimed notification (never raises for a delivery failure): its result, and
        the attempt to tell the observers of once the result is handed over (`observe`).

        Every log line written meanwhile, the notifier's own included, carries the notification's ids."""
        with written_for(claimed.escalation_id, claimed.id):
            return await self._send(claimed, clock)

    async def observe(self, done: Attempt) -> None:
        """Tell the `delivery_attempted` observers of an attempt; their log lines carry the notification's ids."""
        with written_for(done.message.escalation_id, done.message.id):
            await observe(self.registry, done)

    async def _send(self, claimed: Claimed, clock: Callable[[], datetime]) -> tuple[Result, Attempt]:
        message = Message(
            id=claimed.id,
            escalation_id=claimed.escalation_id,
            summary=claimed.summary,
            details=claimed.details,
            step=claimed.step,
            loop=claimed.loop,
            target=Target(claimed.target.type, claimed.target.id),
            link=self._link(claimed),
            created_at=claimed.created_at,
            actions=self._actions(claimed),
            reply_code=None if claimed.reply_code is None else str(claimed.reply_code),
            base_url=None if claimed.escalation_id is None else self.base_url,
        )
        contact = Contact(claimed.channel or "", claimed.address, claimed.user, claimed.user_name)
        done = await attempt(self.registry, claimed.channel or "", message, contact)
        result = self.result(claimed, done.outcome, clock())
        if self.metrics is not None:
            self._count(claimed.channel or "", done.outcome, result)
        return result, done

    def _count(self, channel: str, outcome: Outcome, result: Result) -> None:
        """Count one attempt in this process's metrics (a notifier that is not configured is labelled "")."""
        state = self.registry.channels.get(channel)
        labels = (channel, state.notifier if state else "")
        kind = outcome.status
        if kind == "failed":
            kind = "temporary_failure" if outcome.temporary else "permanent_failure"
        self.metrics.attempts.labels(*labels, kind).inc()
        if kind != "undeliverable":
            self.metrics.duration.labels(*labels).observe(outcome.duration_ms / 1000)
        if outcome.temporary and result.status == "pending":
            self.metrics.retries.labels(*labels).inc()
        elif outcome.temporary and result.status == "failed":
            self.metrics.given_up.labels(*labels).inc()

    def _link(self, claimed: Claimed) -> str:
        """Where a reader sees more: the escalation, or a handoff notice's schedule notices."""
        if claimed.escalation_id is None:
            return f"{self.base_url}/api/v1/schedules/{claimed.schedule_id}/notices"
        return f"{self.base_url}/api/v1/escalations/{claimed.escalation_id}"

    def _actions(self, claimed: Claimed) -> tuple[Action, ...]:
        """An escalation's message links to acknowledge and resolve it (stored when it was claimed); a notice's has none."""
        if claimed.escalation_id is None or self.link_key is None:
            return ()
        return tuple(
            Action(name, f"{self.base_url}/a/{action_links.token(self.link_key, claimed.id, name)}")
            for name in action_links.ACTIONS
        )

    def result(self, claimed: Claimed, outcome: Outcome, now: datetime) -> Result:
        done = Result(claimed.id, claimed.lease, outcome.status, provider_id=outcome.provider_id, error=outcome.error)
        if outcome.status == "sent":
            return Result(claimed.id, claimed.lease, "sent", sent_at=outcome.attempted_at, provider_id=outcome.provider_id)
        if outcome.status != "failed" or not outcome.temporary:
            return done
        if claimed.attempts >= self.retry.attempts:
            log.error("message %s via channel %r: gave up after %d attempts", claimed.id, claimed.channel, claimed.attempts)
            return Result(
                claimed.id, claimed.lease, "failed", error=f"{outcome.error} (gave up after {claimed.attempts} attempts)"
            )
        wait = self.retry.delay(claimed.attempts, outcome.retry_after, self.rand)
        return Result(claimed.id, claimed.lease, "pending", retry_at=now + timedelta(seconds=wait), error=outcome.error)
