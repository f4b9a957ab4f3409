"""Events from alert sources (integrations) and pings from jobs (heartbeats): what each one does.

A door without the API token checks its key first (store/intake_keys.py: one indexed lookup of the key's hash, and
the key's rate counted in the same statement); only then is the event read. Every format comes down to an `Event`,
applied the same way: a trigger opens an escalation of the integration's policy, unless one of that integration's
is open with the same dedup key (then nobody is paged again; `refresh` replaces its details with the event's);
acknowledge and resolve act on that open one, by `integration:{id}`, and change nothing when none is open.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import Conflict, NotFound
from ..escalation import Rule
from ..records import IntegrationRecord, Source
from ..store import escalations, heartbeats, integrations
from ..store.intake_keys import Limited
from .instants import now

#: The longest dedup key (the column's length, PagerDuty's limit too).
DEDUP_MAX = 255
SUMMARY_MAX = 1024


class UnknownKey(Exception):
    """No integration or heartbeat has this key (never had, or deleted). The key is not repeated."""

    def __init__(self) -> None:
        super().__init__("unknown key")


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"too many events for this key; try again in {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Event:
    """What an alert source asks: `action` is "trigger", "acknowledge" or "resolve". A trigger without a dedup key
    gets a new one (and so a new escalation); `refresh`: the event's details replace the open escalation's."""

    action: str
    dedup_key: str | None
    summary: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    refresh: bool = False


@dataclass(frozen=True)
class Outcome:
    """What an event did: `action` is "triggered", "updated", "deduplicated" (an open one, unchanged),
    "acknowledged", "resolved" or "ignored" (nothing open to act on)."""

    escalation_id: str | None
    dedup_key: str
    action: str


async def integration(key: str, rule: Rule) -> IntegrationRecord:
    """The integration of `key`, this event counted against its rate (UnknownKey, RateLimited)."""
    return _admitted(await integrations.admit(key, now(), rule))


async def apply(found: IntegrationRecord, event: Event, wake: Callable[[], None]) -> Outcome:
    source, actor = Source(integration_id=found.id), f"integration:{found.id}"
    key = event.dedup_key or secrets.token_hex(16)
    if event.action == "trigger":
        escalation_id, created = await escalations.open_or_new(
            found.policy_id, event.summary, event.details, key, now(), actor=actor, source=source
        )
        if created:
            wake()
            return Outcome(escalation_id, key, "triggered")
        if event.refresh and await escalations.replace_details(escalation_id, event.details, now()):
            return Outcome(escalation_id, key, "updated")
        return Outcome(escalation_id, key, "deduplicated")
    open_id = await escalations.open_id(key, source)
    if open_id is None:
        return Outcome(None, key, "ignored")
    if event.refresh:  # Alertmanager's resolved group: its alerts as they ended
        await escalations.replace_details(open_id, event.details, now())
    change = escalations.acknowledge if event.action == "acknowledge" else escalations.resolve
    try:
        record = await change(open_id, actor, now(), actor=actor)
    except (Conflict, NotFound):  # resolved (and maybe deleted) since it was found open
        return Outcome(None, key, "ignored")
    return Outcome(record.id, key, "acknowledged" if event.action == "acknowledge" else "resolved")


async def ping(key: str, rule: Rule) -> None:
    """A heartbeat's ping: it expires one interval from now, and the escalation its expiry opened is resolved, by
    `heartbeat:{id}` (UnknownKey, RateLimited)."""
    heartbeat_id = _admitted(await heartbeats.ping(key, now(), rule))
    source, actor = Source(heartbeat_id=heartbeat_id), f"heartbeat:{heartbeat_id}"
    open_id = await escalations.open_id(heartbeats.dedup_key(heartbeat_id), source)
    if open_id is not None:
        try:
            await escalations.resolve(open_id, actor, now(), actor=actor)
        except (Conflict, NotFound):
            pass  # resolved by someone else meanwhile


def _admitted(found: Any) -> Any:
    if found is None:
        raise UnknownKey()
    if isinstance(found, Limited):
        raise RateLimited(found.retry_after)
    return found


def dedup_key(value: str) -> str:
    """A source's own key for its alert (Alertmanager's groupKey can be longer than a dedup key may be): itself, or
    "sha256:" and its hash when it is too long."""
    if len(value) <= DEDUP_MAX:
        return value
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()


def clipped(text: str, limit: int = SUMMARY_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
