"""Policy preview: a dry run of an escalation triggered at `at`, every message through the last repeat.

It looks up what the engine looks up when each step is reached (store/targets.py) and lets the same
pure functions decide (`escalation.expand`, and `escalation.sent_problem` for what delivery refuses),
so the preview and the engine cannot disagree, the messages of people's notification rules included (each at its own
due time). The one difference is time: the engine looks each
step up when it is due, the preview looks every step up now, with the schedules, overrides and users
as they are now.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from .. import escalation, oncall
from ..errors import Invalid
from ..plugins import Registry
from ..records import UserRecord
from ..store import policies, targets
from ..store.cache import Loaded, ScheduleCache
from .instants import now, query_instant


@dataclass(frozen=True)
class Item:
    """One message of the dry run; `reason` set: it would be undeliverable."""

    message: escalation.Message
    reason: str | None

    @property
    def status(self) -> str:
        return "would_send" if self.reason is None else "undeliverable"


@dataclass(frozen=True)
class Preview:
    policy_id: str
    at: datetime
    items: tuple[Item, ...]


async def preview(cache: ScheduleCache, registry: Registry, policy_id: str, at: datetime | None) -> Preview:
    """What an escalation of the policy triggered at `at` (default now; it needs an offset) would send if nobody
    acknowledged it, in due order. 404 for an unknown policy, 422 over escalation.MAX_MESSAGES messages: at once when
    its targets alone make that many (as when it is saved or triggered), else as soon as the expansion does."""
    policy = policies.snapshot(await policies.get(policy_id))
    instant = query_instant("at", at, None, default=now())
    await policies.check_size(policy, "policy_id")
    _check_end(policy, instant)
    steps = escalation.schedule_of_steps(policy, instant)
    oncall_by_step = await _oncall(cache, steps)
    wanted = set().union(*(escalation.users_named(s, o) for s, o in zip(steps, oncall_by_step, strict=True)))
    known = await targets.read_users(wanted, {})
    messages = _messages(steps, oncall_by_step, known)
    channels = {name: state.error for name, state in registry.channels.items()}
    return Preview(policy.id, instant, tuple(Item(m, escalation.sent_problem(m, channels)) for m in messages))


def _check_end(policy: escalation.Policy, at: datetime) -> None:
    try:
        last = escalation.step_due_at(policy, at, escalation.total_steps(policy) - 1)
    except OverflowError:
        last = None
    if last is None or last >= oncall.LATEST:
        raise Invalid("at", f"an escalation triggered then would run past the year {oncall.LATEST.year - 1}")


async def _oncall(cache: ScheduleCache, steps: list[escalation.Due]) -> list[dict[str, escalation.OnCall]]:
    """Per step, who is on call at its due instant on each schedule it names; each schedule is read once."""
    ids = {t.id for step in steps for t in step.targets if t.type == "schedule"}
    loaded: dict[str, Loaded | escalation.OnCall] = {i: await targets.loaded_schedule(cache, i) for i in sorted(ids)}
    found = []
    for step in steps:
        named = {t.id for t in step.targets if t.type == "schedule"}
        found.append({i: await targets.oncall_in(loaded[i], step.at) for i in named})
        await asyncio.sleep(0)  # many steps of many schedules: let other requests in between
    return found


def _messages(
    steps: list[escalation.Due], oncall_by_step: list[dict[str, escalation.OnCall]], known: Mapping[str, UserRecord | None]
) -> list[escalation.Message]:
    messages: list[escalation.Message] = []
    for step, found in zip(steps, oncall_by_step, strict=True):
        messages += escalation.expand(step, found, known)
        if len(messages) > escalation.MAX_MESSAGES:
            raise Invalid("policy_id", escalation.too_many(f"more than {escalation.MAX_MESSAGES:,}"))
    return sorted(messages, key=lambda m: m.due_at)  # a notification rule's message may come after later steps
