"""Escalations: trigger (deduplicated), list, read, acknowledge and resolve.

None of these waits on a notifier: a trigger writes rows and wakes the engine, which notifies.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from ..records import EscalationRecord, NotificationPosition, NotificationRecord, Page
from ..store import escalations as store
from .instants import now


async def trigger(
    policy_id: str,
    summary: str,
    details: dict[str, Any],
    dedup_key: str | None,
    wake: Callable[[], None],
    *,
    actor: str,
) -> tuple[EscalationRecord, bool]:
    """A new escalation following a snapshot of the policy (True), or the open one with this `dedup_key` (False)."""
    record, created = await store.trigger(policy_id, summary, details, dedup_key, now(), actor=actor)
    if created:
        wake()
    return record, created


async def list_escalations(
    statuses: Collection[str] | None, policy_id: str | None, limit: int, before: str | None
) -> Page[EscalationRecord]:
    return await store.list_page(statuses, policy_id, limit, before)


async def get(escalation_id: str) -> EscalationRecord:
    """The escalation with its first notifications (`more_notifications`: others follow, see `notifications`)."""
    return await store.get(escalation_id)


async def notifications(escalation_id: str, limit: int, after: NotificationPosition | None) -> Page[NotificationRecord]:
    return await store.notifications_page(escalation_id, limit, after)


async def acknowledge(escalation_id: str, by: str | None, *, actor: str) -> EscalationRecord:
    return await store.acknowledge(escalation_id, by, now(), actor=actor)


async def resolve(escalation_id: str, by: str | None, *, actor: str) -> EscalationRecord:
    return await store.resolve(escalation_id, by, now(), actor=actor)
