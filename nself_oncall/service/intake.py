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
from ..store import escalations, heartbeats, integrations, transient
from ..store.intake_keys import Limited
from .batches import Batches
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


class Intake:
    """The doors' work in one app, in batches (service/batches.py): the events of one key are let in together, by one
    statement per batch, and a run of triggers of one integration opens its new escalations together, in one
    transaction. One event at a time costs what it would alone; a storm of them, a fraction each."""

    def __init__(self, rule: Rule):
        self.rule = rule
        self._keys: Batches[str, None, IntegrationRecord] = Batches(self._admit)
        self._events: Batches[str, tuple[IntegrationRecord, Event, Callable[[], None]], Outcome] = Batches(self._apply)

    async def integration(self, key: str) -> IntegrationRecord:
        """The integration of `key`, this event counted against its rate (UnknownKey, RateLimited)."""
        return await self._keys.submit(key, None)

    async def apply(self, found: IntegrationRecord, event: Event, wake: Callable[[], None]) -> Outcome:
        return await self._events.submit(found.id, (found, event, wake))

    async def _admit(self, key: str, events: list[None]) -> list[IntegrationRecord | Exception]:
        found = await integrations.admit(key, now(), self.rule, len(events))
        if found is None:
            return [UnknownKey() for _ in events]
        if isinstance(found, Limited):
            return [RateLimited(found.retry_after) for _ in events]
        record, taken, retry_after = found
        return [record if i < taken else RateLimited(retry_after) for i in range(len(events))]

    async def _apply(self, _: str, events: list[tuple[IntegrationRecord, Event, Callable[[], None]]]) -> list:
        """Each run of triggers together, each other event alone, in the order they came."""
        results: list[Outcome | Exception] = []
        start = 0
        while start < len(events):
            end = start + 1
            if events[start][1].action == "trigger":
                while end < len(events) and events[end][1].action == "trigger":
                    end += 1
                results += await _triggers(events[start:end])
            else:
                results += [await _alone(*events[start])]
            start = end
        return results


async def _triggers(run: list[tuple[IntegrationRecord, Event, Callable[[], None]]]) -> list[Outcome | Exception]:
    """A run of triggers of one integration: their open escalations found by one query, the new ones written by one
    transaction. When that fails for any reason but one of the moment (a race with another process for a key, an
    event the database refuses), each event is applied alone, so that one bad event fails alone."""
    try:
        return await _together(run)
    except Exception as exc:
        if transient(exc):
            raise
        return [await _alone(*event) for event in run]


async def _together(run: list[tuple[IntegrationRecord, Event, Callable[[], None]]]) -> list[Outcome | Exception]:
    found, _, wake = run[0]
    source, actor, at = Source(integration_id=found.id), f"integration:{found.id}", now()
    keys = [event.dedup_key or secrets.token_hex(16) for _, event, _ in run]
    opened = await escalations.open_ids(set(keys), source)
    first: dict[str, int] = {}  # the event that opens each new escalation
    for i, key in enumerate(keys):
        if key not in opened:
            first.setdefault(key, i)
    if first:
        alerts = [(run[i][1].summary, run[i][1].details, key) for key, i in first.items()]
        opened |= await escalations.insert_many(found.policy_id, alerts, at, actor=actor, source=source)
        wake()
    refreshed = {key: run[i][1].details for i, key in enumerate(keys) if run[i][1].refresh and first.get(key) != i}
    updated = {key for key, details in refreshed.items() if await escalations.replace_details(opened[key], details, at)}
    outcomes: list[Outcome | Exception] = []
    for i, key in enumerate(keys):
        if first.get(key) == i:
            outcomes.append(Outcome(opened[key], key, "triggered"))
        elif not run[i][1].refresh:
            outcomes.append(Outcome(opened[key], key, "deduplicated"))
        elif key in updated:
            outcomes.append(Outcome(opened[key], key, "updated"))
        else:  # resolved since it was found open: this event fires again, alone
            outcomes.append(await _alone(*run[i]))
    return outcomes


async def _alone(found: IntegrationRecord, event: Event, wake: Callable[[], None]) -> Outcome | Exception:
    """One event by itself; what it raises is its result (the other events of its batch go on)."""
    try:
        return await _apply_one(found, event, wake)
    except Exception as exc:
        if transient(exc):
            raise
        return exc


async def _apply_one(found: IntegrationRecord, event: Event, wake: Callable[[], None]) -> Outcome:
    source, actor = Source(integration_id=found.id), f"integration:{found.id}"
    key = event.dedup_key or secrets.token_hex(16)
    if event.action == "trigger":
        for _ in range(3):
            escalation_id, created = await escalations.open_or_new(
                found.policy_id, event.summary, event.details, key, now(), actor=actor, source=source
            )
            if created:
                wake()
                return Outcome(escalation_id, key, "triggered")
            if not event.refresh:
                return Outcome(escalation_id, key, "deduplicated")
            if await escalations.replace_details(escalation_id, event.details, now()):
                return Outcome(escalation_id, key, "updated")
            # resolved since it was found open: the event fires again
        raise Conflict(f"dedup_key {key!r} is changing too fast; try again")
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
