"""Whom a reached step notifies: its targets, with what was looked up for them, -> one message each.

The engine calls `expand` when a step is reached and writes the messages as notification rows; the
policy preview calls it for every step of a dry run. A person with notification rules is reached by one message
per rule, each due at the step's instant plus the rule's delay: the engine writes those that are due and keeps the
others as planned rows until they are (store/planned.py), the preview lists them all with their own `due_at`. Both also judge a message's channel with
`channel_problem`, which delivery applies when it sends (plugins/delivery.py). Nothing here reads
a database or the registry: the callers look things up first and pass the answers in, so the
engine and the preview decide alike from the same facts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from .policy import Policy, Target
from .timing import Due

#: Why a schedule target reaches nobody: nobody is on call at the step's due instant.
GAP = "nobody on call"
#: The most messages an escalation may make through its last repeat: over it, a policy is refused when it is saved,
#: triggered or previewed. Whom a schedule target reaches is known only when its step is due, so the engine holds one
#: step to it too (`expand`).
MAX_MESSAGES = 10_000


@dataclass(frozen=True)
class OnCall:
    """Who a schedule has on call at a step's due instant: `user` None is a gap, unless `error` tells
    why the schedule could not be read at all (deleted since the trigger, a resolver failure)."""

    user: str | None
    error: str | None = None


class ContactLike(Protocol):
    @property
    def channel(self) -> str: ...

    @property
    def address(self) -> str: ...


class RuleLike(Protocol):
    """One notification rule: the index of a contact of the person, and the minutes after the step to message it."""

    @property
    def contact(self) -> int: ...

    @property
    def delay_minutes(self) -> float: ...


class Person(Protocol):
    """A user record as the store gives it (records.UserRecord). Without `notification_rules`, a step reaches every
    contact at once."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def contacts(self) -> Sequence[ContactLike]: ...

    @property
    def notification_rules(self) -> Sequence[RuleLike]: ...


@dataclass(frozen=True)
class Message:
    """One message of a step: through `channel` (to `address`, for a user's contact), or `reason` why
    nobody can be reached through this target (then it is undeliverable). A message of a notification rule has
    `rule`, its index among the person's rules (then `contact_position` is that index too, so that two rules of
    one contact are two messages), and is due `due_at`, the rule's delay after the step."""

    loop: int
    step: int
    target_position: int
    contact_position: int
    target: Target
    due_at: datetime
    user: str | None = None
    user_name: str | None = None
    channel: str | None = None
    address: str | None = None
    reason: str | None = None
    rule: int | None = None


def fewest_messages(policy: Policy, contacts: Mapping[str, int] | None = None) -> int:
    """How many messages an escalation of `policy` makes at least, through its last repeat: a user target one per
    contact or notification rule (`contacts` counts them by user, see `reach_count`; without, or for a user with
    none, one), any other target one at least (a schedule reaches whoever is on call when its step is due)."""
    counts = contacts or {}
    per_loop = sum(counts.get(t.id, 1) if t.type == "user" else 1 for step in policy.steps for t in step.targets)
    return (policy.repeat + 1) * per_loop


def reach_count(person: Person) -> int:
    """How many messages a step makes to `person`: one per notification rule, else one per contact."""
    return len(person.notification_rules) or len(person.contacts)


def too_many(count: str) -> str:
    """Why a policy is refused: `count` messages ("at least 12,000", say) are over MAX_MESSAGES."""
    return f"an escalation of this policy sends {count} messages through its last repeat, over the limit of {MAX_MESSAGES:,}"


def users_named(step: Due, oncall: Mapping[str, OnCall]) -> set[str]:
    """The users whose records the step needs: its user targets and the schedules' on-call users."""
    return {user for user, _ in (_named(target, oncall) for target in step.targets) if user is not None}


def expand(
    step: Due, oncall: Mapping[str, OnCall], users: Mapping[str, Person | None], rules: bool = True
) -> list[Message]:
    """The messages of a reached step, in the order of its targets and then of each user's contacts (or rules).

    `oncall` holds, for every schedule the step names, who is on call at `step.at`; `users` the records
    of the users among `users_named(step, oncall)` (a user missing, or None, has no record). `rules` False
    reaches every contact at once whatever the users' notification rules (a handoff notice).

    Never more than MAX_MESSAGES: a step that makes more (a schedule's on-call user with many contacts, a user
    who has had more contacts since the trigger) keeps its first MAX_MESSAGES - 1 and, in place of the others,
    one undeliverable message whose reason says how many were not sent and why."""
    made: list[Message] = []
    for position, target in enumerate(step.targets):
        made += _target(step, position, target, oncall, users, rules)
        if len(made) > MAX_MESSAGES:
            rest = sum(_reach(t, oncall, users, rules).count for t in step.targets[position + 1 :])
            return _cut(made, len(made) + rest)
    return made


def due_by(messages: Sequence[Message], now: datetime) -> tuple[list[Message], list[Message]]:
    """The messages due at `now`, to be written now, and the later ones (of notification rules), to be kept until
    they are due: a notification is never created ahead of its time."""
    return [m for m in messages if m.due_at <= now], [m for m in messages if m.due_at > now]


def unplanned(step: Due, reason: str) -> list[Message]:
    """The messages of a reached step whose targets could not be looked up at all: one per target, undeliverable
    with `reason` (a user target names its user)."""
    return [
        _undeliverable(Message(step.loop, step.step, position, 0, target, step.at),
                       target.id if target.type == "user" else None, reason)
        for position, target in enumerate(step.targets)
    ]


def channel_problem(channel: str, configured: bool, error: str | None) -> str | None:
    """Why a message through `channel` is undeliverable when it is sent, or None: the channel is not in
    plugins.toml, or it is and cannot be used (`error`: its notifier is not installed, its settings are
    invalid)."""
    if not configured:
        return f"no channel named {channel!r} in plugins.toml"
    return error


def sent_problem(message: Message, channels: Mapping[str, str | None]) -> str | None:
    """Why `message` ends undeliverable, decided when its step is reached or when it is sent; `channels`
    maps every configured channel to its error (None: usable)."""
    if message.reason is not None or message.channel is None:
        return message.reason
    return channel_problem(message.channel, message.channel in channels, channels.get(message.channel))


@dataclass(frozen=True)
class _Reach:
    """Whom one target of a step reaches: a channel directly, a person through each of their contacts, or nobody
    (`reason` says why; `user` names the user, if one is named)."""

    user: str | None = None
    channel: str | None = None
    person: Person | None = None  # a person with contacts
    reason: str | None = None
    rules: bool = True  # whether the person's notification rules apply

    @property
    def count(self) -> int:
        """How many messages the target makes (`_target`), without making them: the cap counts what it cuts."""
        if self.person is None:
            return 1
        return reach_count(self.person) if self.rules else len(self.person.contacts)


def _reach(
    target: Target, oncall: Mapping[str, OnCall], users: Mapping[str, Person | None], rules: bool = True
) -> _Reach:
    user_id, reason = _named(target, oncall)
    if reason is not None:
        return _Reach(user_id, reason=reason)
    if user_id is None:  # a channel, notified directly
        return _Reach(channel=target.id)
    user = users.get(user_id)
    if user is None:
        return _Reach(user_id, reason=f"user {user_id!r} does not exist")
    if not user.contacts:
        return _Reach(user_id, reason=f"user {user_id!r} has no contact methods")
    return _Reach(user_id, person=user, rules=rules)


def _target(
    step: Due,
    position: int,
    target: Target,
    oncall: Mapping[str, OnCall],
    users: Mapping[str, Person | None],
    rules: bool,
) -> list[Message]:
    """The messages of one target of a step: as many as its `_reach(...).count`."""
    base = Message(step.loop, step.step, position, 0, target, step.at)
    reach = _reach(target, oncall, users, rules)
    if reach.person is None:
        return [replace(base, user=reach.user, channel=reach.channel, reason=reach.reason)]
    person = reach.person
    base = replace(base, user=person.id, user_name=person.name)
    if reach.rules and person.notification_rules:
        return [_ruled(base, person, i, rule) for i, rule in enumerate(person.notification_rules)]
    return [
        replace(base, contact_position=j, channel=c.channel, address=c.address) for j, c in enumerate(person.contacts)
    ]


def _ruled(base: Message, person: Person, index: int, rule: RuleLike) -> Message:
    """The message of the person's rule `index`: to its contact, its delay after the step (a rule whose contact is
    gone, which the API never lets happen, is undeliverable rather than lost)."""
    due_at = base.due_at + timedelta(microseconds=round(rule.delay_minutes * 60_000_000))
    ruled = replace(base, contact_position=index, rule=index, due_at=due_at)
    if not 0 <= rule.contact < len(person.contacts):
        return replace(ruled, reason=f"notification rule {index} names contact {rule.contact}, which {person.id!r} lacks")
    contact = person.contacts[rule.contact]
    return replace(ruled, channel=contact.channel, address=contact.address)


def _cut(made: list[Message], total: int) -> list[Message]:
    """The first MAX_MESSAGES - 1 messages of a step of `total`, and one undeliverable in place of the others."""
    kept, first = made[: MAX_MESSAGES - 1], made[MAX_MESSAGES - 1]
    cut = total - len(kept)
    reason = (f"{cut:,} messages of this step not sent (this one and the {cut - 1:,} after it): the step makes "
              f"{total:,} messages, over the limit of {MAX_MESSAGES:,} per step")
    return [*kept, replace(first, channel=None, address=None, reason=reason)]


def _named(target: Target, oncall: Mapping[str, OnCall]) -> tuple[str | None, str | None]:
    """The user a target names (None for a channel), and why nobody can be reached through it, if so."""
    if target.type == "user":
        return target.id, None
    if target.type != "schedule":
        return None, None
    found = oncall[target.id]
    if found.error is not None:
        return None, found.error
    return found.user, None if found.user is not None else GAP


def _undeliverable(base: Message, user_id: str | None, reason: str) -> Message:
    return replace(base, user=user_id, reason=reason)
