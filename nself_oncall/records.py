"""Plain frozen values that the store hands out, never ORM rows.

The service layer and the API see only these, so nothing above the store can walk a
relation or trigger a query by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from .escalation import Policy
from .oncall import Shift
from .oncall.handoffs import Notice

T = TypeVar("T")


@dataclass(frozen=True)
class LayerRecord:
    """A layer as written: `start`/`end` keep their text (naive wall-clock, or UTC with Z)."""

    name: str
    users: tuple[str, ...]
    unit: str
    length: int
    start: str
    end: str | None
    restrictions: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class ScheduleRecord:
    id: str
    name: str
    description: str
    timezone: str
    layers: tuple[LayerRecord, ...]
    created_at: datetime
    updated_at: datetime
    notices: tuple[Notice, ...] = ()


@dataclass(frozen=True)
class TemporaryRecord:
    """A temporary schedule: from `start` to `end` the layers are set aside and only `shifts` count."""

    id: str
    schedule_id: str
    start: datetime
    end: datetime
    shifts: tuple[Shift, ...]
    created_at: datetime


@dataclass(frozen=True)
class OverrideRecord:
    """An add (`replaces` None), a replace (`user` wherever `replaces` would be on call) or a remove (`user` None)."""

    id: str
    schedule_id: str
    user: str | None
    start: datetime
    end: datetime
    created_at: datetime
    replaces: str | None = None


@dataclass(frozen=True)
class SubscriptionRecord:
    """A calendar subscription: which feed its secret link serves (never the token, nor its hash)."""

    id: str
    schedule_id: str | None
    user_id: str | None
    name: str
    created_at: datetime


@dataclass(frozen=True)
class ContactRecord:
    channel: str
    address: str


@dataclass(frozen=True)
class NotificationRuleRecord:
    """Message the user's contact number `contact` (an index into their contacts) `delay_minutes` after a step."""

    contact: int
    delay_minutes: float


@dataclass(frozen=True)
class UserRecord:
    id: str
    name: str
    contacts: tuple[ContactRecord, ...]
    created_at: datetime
    updated_at: datetime
    notification_rules: tuple[NotificationRuleRecord, ...] = ()


@dataclass(frozen=True)
class TargetRecord:
    type: str  # "schedule", "user" or "channel"
    id: str


@dataclass(frozen=True)
class StepRecord:
    delay_minutes: float
    targets: tuple[TargetRecord, ...]


@dataclass(frozen=True)
class PolicyRecord:
    id: str
    name: str
    description: str
    repeat: int
    steps: tuple[StepRecord, ...]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class IntegrationRecord:
    id: str
    name: str
    policy_id: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class HeartbeatRecord:
    """`status` is "ok" until `expires_at` passes without a ping, then "expired" (whether or not the engine has
    triggered its escalation yet)."""

    id: str
    name: str
    policy_id: str
    interval_minutes: float
    created_at: datetime
    updated_at: datetime
    last_ping_at: datetime | None
    expires_at: datetime
    status: str  # "ok" or "expired"


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: `more` tells whether items follow the last one."""

    items: tuple[T, ...]
    more: bool


#: A notification's place in its escalation, in the order of the policy: (loop, step, target's place in the step,
#: contact's place among the user's contacts). Unique within an escalation.
NotificationPosition = tuple[int, int, int, int]


@dataclass(frozen=True)
class NotificationRecord:
    """One message of an escalation: `target` is whom the step named, `user` the person it reached (if any)."""

    id: str
    loop: int
    step: int
    target_position: int  # the target's place in its step
    contact_position: int  # the contact's place among the user's contacts (the rule's among their rules)
    target: TargetRecord
    user: str | None
    channel: str | None
    status: str  # "pending", "sent", "failed" or "undeliverable"
    attempts: int
    due_at: datetime
    sent_at: datetime | None
    error: str | None
    rule: int | None = None  # the index of the user's notification rule that made it

    @property
    def position(self) -> NotificationPosition:
        return self.loop, self.step, self.target_position, self.contact_position


@dataclass(frozen=True)
class Source:
    """Where an escalation comes from when not from the API: an integration or a heartbeat. Its dedup keys are its
    own (`scope`): the same key sent through another door names another escalation."""

    integration_id: str | None = None
    heartbeat_id: str | None = None

    @property
    def scope(self) -> str | None:
        if self.integration_id is not None:
            return f"integration:{self.integration_id}"
        return None if self.heartbeat_id is None else f"heartbeat:{self.heartbeat_id}"


API = Source()


@dataclass(frozen=True)
class EscalationRecord:
    """An escalation with the snapshot of its policy; `notifications` is None when not asked for, else its first
    ones, with `more_notifications` True when others follow them."""

    id: str
    status: str  # "triggered", "acknowledged" or "resolved"
    policy_id: str
    policy: Policy  # the snapshot taken at the trigger
    summary: str
    details: dict[str, Any]
    dedup_key: str | None
    created_at: datetime
    updated_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    steps_done: int
    next_step_at: datetime | None
    integration_id: str | None = None
    heartbeat_id: str | None = None
    notifications: tuple[NotificationRecord, ...] | None = None
    more_notifications: bool = False


@dataclass(frozen=True)
class NoticeItem:
    """One message of a handoff notice, or a notice still to come (`status` "planned": not yet due, or "pending").

    `channel` is the notice's channel, or the contact's for a notice to the user's contacts (None while
    those are not yet known, or when the user has none)."""

    shift_start: datetime
    user: str
    notice: int
    channel: str | None
    due_at: datetime
    status: str  # "planned", "pending", "sent", "failed" or "undeliverable"
    sent_at: datetime | None
    error: str | None


@dataclass(frozen=True)
class AuditRecord:
    """One change made through the API: `before` and `after` are plain JSON (None for a creation, a deletion)."""

    id: str
    at: datetime
    actor: str
    resource: str
    resource_id: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
