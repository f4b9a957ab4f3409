"""Response bodies as the OpenAPI document describes them.

The routes build plain dicts (views.py) and Quart serializes them as they are: these models
only document the answers, with `answers(...)`, so that a client (and tests/api/test_schemathesis.py)
can check every body against its status. Fields are always present, nullable ones included,
and no other field may appear (additionalProperties: false).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from quart_schema import document_response

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorDetail(Out):
    field: str
    message: str


class Error(Out):
    code: str = Field(description="bad_request, unauthorized, not_found, conflict, validation_error, ...")
    message: str
    details: list[ErrorDetail]


class ErrorOut(Out):
    """The error shape of every failure."""

    error: Error


class NoContent(BaseModel):
    """No content."""


class Page(Out, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="`?cursor=` for the next page; null on the last page")


class LayerSource(Out):
    type: Literal["layer"]
    layer: str


class OverrideSource(Out):
    type: Literal["override"]
    id: str
    replaces: str | None = Field(description="whom the override stands in for; null for an add")


class TemporarySource(Out):
    type: Literal["temporary"]
    id: str


class IntervalOut(Out):
    """A piece of the final schedule: `user` null is a gap, `start` null since ever, `end` null for ever."""

    user: str | None
    start: datetime | None
    end: datetime | None
    source: Annotated[LayerSource | OverrideSource | TemporarySource, Field(discriminator="type")] | None


class Shifts(Out):
    """The final schedule over the range."""

    items: list[IntervalOut]


class OncallNow(IntervalOut):
    at: datetime


class OncallOut(OncallNow):
    """Who is on call at `at`, with the final-schedule interval holding it."""

    schedule_id: str


class GapOut(Out):
    start: datetime
    end: datetime


class GapsOut(Out):
    """The uncovered stretches of the range, and how much of it is covered, in whole seconds."""

    since: datetime
    until: datetime
    items: list[GapOut]
    covered_seconds: int
    range_seconds: int


class LoadOut(Out):
    user: str
    shifts: int = Field(description="the user's intervals that overlap the range")
    seconds: int = Field(description="on-call time in the range, whole seconds")
    night_seconds: int = Field(description="of which at night, by the schedule's clock")
    weekend_seconds: int = Field(description="of which on a Saturday or Sunday, by the schedule's clock")


class ReportOut(Out):
    """Each person's on-call time in the range: most first, then by user."""

    since: datetime
    until: datetime
    timezone: str
    night: str = Field(description="the night window used, HH:MM-HH:MM")
    items: list[LoadOut]


class ScheduleOncallOut(IntervalOut):
    schedule_id: str
    schedule_name: str


class EverywhereOut(Out):
    """Who is on call at `at` on each schedule (one page of them, by id); `user` null in a gap."""

    at: datetime
    items: list[ScheduleOncallOut]
    next_cursor: str | None = Field(description="`?cursor=` for the next page; null on the last page")


class UserShiftOut(Out):
    schedule_id: str
    schedule_name: str
    start: datetime | None
    end: datetime | None
    source: Annotated[LayerSource | OverrideSource | TemporarySource, Field(discriminator="type")]


class UserOncallOut(Out):
    """Where the user is on call at `at`, and their next interval on any schedule within 400 days."""

    user_id: str
    at: datetime
    now: list[UserShiftOut]
    next: UserShiftOut | None


class UserShiftsOut(Out):
    """The user's intervals on every schedule, clipped to the range, by start then schedule id."""

    items: list[UserShiftOut]


class RotationOut(Out):
    unit: Literal["hour", "day", "week", "month"]
    length: int


class RestrictionOut(Out):
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] | None
    start: str = Field(description="HH:MM or HH:MM:SS")
    end: str = Field(description="HH:MM or HH:MM:SS")


class LayerOut(Out):
    name: str
    users: list[str]
    rotation: RotationOut
    start: str = Field(description="as written: wall-clock time without an offset, or UTC with Z")
    end: str | None = Field(description="as written, like start; null: no end")
    restrictions: list[RestrictionOut]


class NoticeOut(Out):
    """A handoff notice: a message `minutes_before` each shift that starts after `configured_at`."""

    channel: str | None = Field(description="the channel it is sent to; null when it goes to the incoming user's contacts")
    oncall_contacts: bool = Field(description="true: sent to each contact method of the user taking over")
    minutes_before: float
    configured_at: datetime = Field(
        description="when this notice was set (kept by a PATCH that leaves it as it was, at the same index)"
    )


class ScheduleItem(Out):
    id: str
    name: str
    description: str
    timezone: str
    layers: list[LayerOut]
    created_at: datetime
    updated_at: datetime
    notices: list[NoticeOut]


class ScheduleOut(ScheduleItem):
    """The schedule, with who is on call now."""

    oncall: OncallNow


class NoticeItemOut(Out):
    """One message of a handoff notice, or a notice still to come."""

    shift_start: datetime = Field(description="when the shift taken over starts")
    user: str = Field(description="the user taking over")
    notice: int = Field(description="the notice's index in the schedule's `notices`")
    channel: str | None = Field(
        description="the channel it goes through: the notice's, or for a notice to the user's contacts the contact's "
        "(null until the message is written, or when the user has no contact method)"
    )
    due_at: datetime = Field(description="`minutes_before` the shift's start")
    status: Literal["planned", "pending", "sent", "failed", "undeliverable"] = Field(
        description="planned: not yet due; pending: due, or waiting for a retry; sent; failed (error says why); "
        "undeliverable: nobody to send it to, or the channel cannot be used (error says why)"
    )
    sent_at: datetime | None = Field(description="when the channel accepted it")
    error: str | None = Field(description="why it failed or is undeliverable; the last error while it is retried")


class Notices(Out):
    """The handoff notices of the shifts starting in the range, in due order."""

    items: list[NoticeItemOut]


class OverrideOut(Out):
    """An override: an add (`replaces` null), a replace, or a remove (`user` null)."""

    id: str
    schedule_id: str
    user: str | None
    replaces: str | None
    start: datetime
    end: datetime
    created_at: datetime


class ShiftOut(Out):
    user: str
    start: datetime
    end: datetime


class TemporaryOut(Out):
    """A temporary schedule: from `start` to `end` only `shifts` count (each only inside the span)."""

    id: str
    schedule_id: str
    start: datetime
    end: datetime
    shifts: list[ShiftOut]
    created_at: datetime


class TemporaryList(Out):
    items: list[TemporaryOut]


class AuditEntryOut(Out):
    """One change made through the API: `before` null for a creation, `after` null for a deletion."""

    id: str
    at: datetime
    actor: str = Field(description="the trusted header's user id (NSELF_ONCALL_ACTOR_HEADER), else `api`")
    resource: str = Field(description="schedule, override, temporary_schedule, user, policy, calendar_subscription, escalation, integration or heartbeat")
    resource_id: str
    action: str = Field(description="create, update, delete; an escalation's trigger, acknowledge or resolve")
    before: dict[str, Any] | None = Field(description="the resource before, as the API shows it (addresses masked)")
    after: dict[str, Any] | None = Field(description="the resource after, as the API shows it (addresses masked)")


class SubscriptionItem(Out):
    """A calendar subscription; its link is not shown again."""

    id: str
    schedule_id: str | None
    user_id: str | None
    name: str
    created_at: datetime


class SubscriptionOut(SubscriptionItem):
    """The new subscription with its secret link, shown in this answer only."""

    url: str = Field(description="the feed: {public URL}/ical/{token}.ics; anyone with it can read the feed")


class CalendarFeed(BaseModel):
    """An iCalendar document (RFC 5545): one VEVENT per shift, times in UTC."""


class ActionPage(BaseModel):
    """A small HTML page (no JavaScript): the escalation and one button, the result, or why the link does not work."""


class TwiMLOut(BaseModel):
    """TwiML (Twilio's XML): what Twilio sends back by SMS, or says during the call."""


class MetricsText(BaseModel):
    """Prometheus's text exposition format, version 0.0.4."""


class ContactOut(Out):
    channel: str
    address: str


class NotificationRuleOut(Out):
    contact: int = Field(description="the index of one of the user's contacts")
    delay_minutes: float = Field(description="minutes after the step that reaches the user")


class UserOut(Out):
    """A user."""

    id: str
    name: str
    contacts: list[ContactOut]
    notification_rules: list[NotificationRuleOut] = Field(
        description="one message per rule when a step reaches the user; empty: every contact at once"
    )
    created_at: datetime
    updated_at: datetime


class TargetOut(Out):
    type: Literal["schedule", "user", "channel"]
    id: str


class StepOut(Out):
    delay_minutes: float
    targets: list[TargetOut]


class PolicyOut(Out):
    """A policy."""

    id: str
    name: str
    description: str
    repeat: int
    steps: list[StepOut]
    created_at: datetime
    updated_at: datetime


class PolicySnapshotOut(Out):
    """The policy as it was when the escalation was triggered."""

    id: str
    name: str
    repeat: int
    steps: list[StepOut]


class StepMessageOut(Out):
    """What a notification and a preview item share: the message of one target of a step reached."""

    step: int = Field(description="the step's position in the policy, from 0")
    loop: int = Field(description="0 for the first pass through the steps, 1 for the first repeat, ...")
    due_at: datetime = Field(description="when it is due: its step's due time, plus its notification rule's delay")
    target: TargetOut
    user: str | None = Field(description="the user it reaches (a schedule's on-call user for a schedule target)")
    channel: str | None
    rule: int | None = Field(description="the index of the user's notification rule that makes it; null where no rules apply")


class NotificationOut(StepMessageOut):
    """One message of the escalation: created when it is due (its step reached, plus its rule's delay), never ahead
    of time."""

    id: str = Field(description="also the message id notifiers get (the webhook's Idempotency-Key)")
    status: Literal["pending", "sent", "failed", "undeliverable"]
    attempts: int
    sent_at: datetime | None
    error: str | None = Field(description="why it failed or is undeliverable; the last error while it is retried")


class PreviewItemOut(StepMessageOut):
    """One message of the dry run."""

    address: str | None = Field(description="the address of the user's contact it goes to; null for a channel target, or a target that reaches nobody")
    status: Literal["would_send", "undeliverable"]
    reason: str | None = Field(description="why it would be undeliverable; null when it would be sent")


class PreviewOut(Out):
    """Every message an escalation triggered at `at` would send if nobody acknowledged it, in due order."""

    policy_id: str
    at: datetime
    items: list[PreviewItemOut]


class EscalationItem(Out):
    id: str
    status: Literal["triggered", "acknowledged", "resolved"]
    policy_id: str
    policy: PolicySnapshotOut
    summary: str
    details: dict[str, Any]
    dedup_key: str | None
    created_at: datetime
    updated_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    steps_notified: int = Field(description="how many steps (loops included) have been reached")
    next_step_at: datetime | None = Field(
        description="when the engine next takes it: its next step, or a notification rule's message falling due, "
        "whichever is first; null when nothing is left"
    )
    integration_id: str | None = Field(description="the integration that triggered it; null when not one")
    heartbeat_id: str | None = Field(description="the heartbeat whose silence triggered it; null when not one")


class EscalationOut(EscalationItem):
    """An escalation with its first notifications (at most 100); GET /api/v1/escalations/{id}/notifications pages
    through all of them."""

    notifications: list[NotificationOut] = Field(description="the first 100 messages, in the order of the policy")
    notifications_next_cursor: str | None = Field(
        description="null when `notifications` holds them all; else `?cursor=` of "
        "GET /api/v1/escalations/{id}/notifications for the ones after these"
    )


class NotifierOut(Out):
    """A notifier, or a broken or disabled plugin (named after the plugin, `description` null)."""

    name: str
    description: str | None
    plugin: str
    distribution: str | None
    version: str | None
    builtin: bool
    status: Literal["ok", "broken", "disabled"]
    broken: bool
    disabled: bool
    error: str | None


class ChannelOut(Out):
    """A channel of plugins.toml; secret settings are masked."""

    name: str
    notifier: str
    ok: bool
    error: str | None = Field(description="why the channel cannot be used; null when ok")
    timeout: float
    rate_limit: list[str] = Field(description='per-contact limits, like "1/1m": a message over one waits until it fits')
    settings: dict[str, Any]


class Everything(Out, Generic[T]):
    items: list[T]
    next_cursor: None = Field(description="always null: the list is whole")


class ChannelTestOut(Out):
    """The outcome of the test message (200 even when delivery failed)."""

    channel: str
    notifier: str
    message_id: str
    ok: bool
    status: Literal["sent", "failed", "undeliverable"]
    temporary: bool
    provider_id: str | None
    error: str | None
    retry_after: float | None
    attempted_at: datetime
    duration_ms: float


class HealthOut(Out):
    """The process answers."""

    status: Literal["ok"]


class Unready(Out):
    """The database does not answer, migrations are pending (listed), or no channel can send."""

    status: Literal["unavailable"]
    reason: str
    pending: list[str] = Field(default_factory=list, description="present when migrations are pending")


class IntegrationUrls(Out):
    alertmanager: str = Field(description="Alertmanager's and Grafana's webhook URL (holds the key)")
    generic: str = Field(description="the generic format's URL (holds the key)")
    pagerduty: str = Field(description="the Events API v2 URL: send the key as `routing_key`")


class IntegrationOut(Out):
    id: str
    name: str
    policy_id: str
    created_at: datetime
    updated_at: datetime


class IntegrationCreated(IntegrationOut):
    """The new integration with its key and the urls that hold it: shown in this answer only, never again."""

    key: str
    urls: IntegrationUrls


class HeartbeatOut(Out):
    id: str
    name: str
    policy_id: str
    interval_minutes: float
    created_at: datetime
    updated_at: datetime
    last_ping_at: datetime | None
    expires_at: datetime = Field(description="when it expires without a ping (or expired)")
    status: Literal["ok", "expired"]


class HeartbeatCreated(HeartbeatOut):
    """The new heartbeat with the url that pings it (it holds the key): shown in this answer only, never again."""

    url: str


class IntakeOut(Out):
    escalation_id: str | None = Field(description="the escalation the event opened or acted on; null when none")
    dedup_key: str = Field(description="the alert's key: the event's own, the alert group's, or a new one")
    action: Literal["triggered", "updated", "deduplicated", "acknowledged", "resolved", "ignored"]


class PagerDutyOut(Out):
    status: Literal["success"]
    message: Literal["Event processed"]
    dedup_key: str


class PagerDutyError(Out):
    status: Literal["invalid event", "throttle event"]
    message: str
    errors: list[str] = Field(default_factory=list)


class PingOut(Out):
    status: Literal["ok"]


class SlackOut(Out):
    """Slack reads only the status; the body says what the click did."""

    action: Literal["acknowledged", "resolved", "ignored"] = Field(
        description="ignored: not a click on Acknowledge or Resolve, or the message's buttons no longer work"
    )
    escalation_id: str | None


# Error statuses shared by kinds of route; every /api/v1 route may also answer 401.
BODY = (400, 413, 422)  # a JSON body: not JSON or nested too deep (400), over 1 MiB (413), breaking a rule (422)
QUERY = (400,)  # a query string: a bad parameter


def answers(model: type[BaseModel], status: int = 200, *, errors: tuple[int, ...] = ()) -> Callable[[F], F]:
    """Document an /api/v1 route's success answer, and its error statuses with ErrorOut: 401 for every
    route, and 503 (with Retry-After) while the database cannot be reached."""

    def decorate(func: F) -> F:
        func = document_response(model, status)(func)
        for error in sorted({401, 503, *errors}):
            func = document_response(ErrorOut, error)(func)
        return func

    return decorate
