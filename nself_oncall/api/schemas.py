"""Request bodies and query strings: shape and field rules. Rules that need the database live in service/."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from .fields import (
    Address,
    ChannelName,
    Clock,
    DailyWindow,
    Description,
    Details,
    Instant,
    InstantIdCursor,
    Label,
    Limit,
    Name,
    NotificationCursor,
    ServerIdCursor,
    Slug,
    SlugCursor,
    Summary,
    TimeZone,
    UserCursor,
    UserId,
    check_channel,
    check_slug,
    check_user_id,
)


class Body(BaseModel):
    """Unknown fields are ignored, so an object read from the API can be sent back."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)


class RotationIn(Body):
    unit: Literal["hour", "day", "week", "month"]
    length: int = Field(default=1, ge=1, le=1000, strict=True)


class RestrictionIn(Body):
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] | None = Field(default=None, min_length=1)
    start: Clock
    end: Clock


class LayerIn(Body):
    name: Name | None = None
    users: list[UserId] = Field(min_length=1, max_length=1000)
    rotation: RotationIn
    start: Instant
    end: Instant | None = None
    restrictions: list[RestrictionIn] = Field(default_factory=list, max_length=100)


#: A notice is sent at most a week ahead of its shift.
MAX_MINUTES_BEFORE = 10_080


class NoticeIn(Body):
    """A handoff notice: exactly one of `channel` and `oncall_contacts: true`."""

    channel: ChannelName | None = Field(default=None, description="a channel of plugins.toml (unknown: 422)")
    oncall_contacts: bool = Field(default=False, description="true: each contact method of the user taking over")
    minutes_before: float = Field(
        default=0.0, ge=0, le=MAX_MINUTES_BEFORE, description="how long before the shift starts (0 to 10,080)"
    )

    @field_validator("minutes_before")
    @classmethod
    def _finite(cls, value: float) -> float:
        return _finite_number(value)

    @model_validator(mode="after")
    def _one_target(self):
        if (self.channel is None) == (not self.oncall_contacts):
            raise ValueError('give exactly one of "channel" and "oncall_contacts": true')
        return self


_NOTICES = "handoff notices (at most 20); a PATCH replaces the whole list"


class ScheduleIn(Body):
    id: Slug | None = None
    name: Name
    description: Description = ""
    timezone: TimeZone = "UTC"
    layers: list[LayerIn] = Field(default_factory=list, max_length=100)
    notices: list[NoticeIn] = Field(default_factory=list, max_length=20, description=_NOTICES)

    @model_validator(mode="after")
    def _layer_names(self):
        return _unique_layer_names(self)


class SchedulePatch(Body):
    name: Name | None = None
    description: Description | None = None
    timezone: TimeZone | None = None
    layers: list[LayerIn] | None = Field(default=None, max_length=100)
    notices: list[NoticeIn] | None = Field(default=None, max_length=20, description=_NOTICES)

    @model_validator(mode="after")
    def _layer_names(self):
        return _unique_layer_names(self)


def _unique_layer_names(body):
    seen: set[str] = set()
    for i, layer in enumerate(body.layers or []):
        name = layer.name or f"layer-{i + 1}"
        if name in seen:
            raise ValueError(f"layers[{i}].name: {name!r} is used by another layer; layer names must be unique")
        seen.add(name)
    return body


class OverrideIn(Body):
    """`{"user": "dave"}` puts dave above every layer; `{"user": "dave", "replaces": "alice"}` puts dave wherever alice
    would be on call; `{"user": null, "replaces": "alice"}` takes alice off (whoever is next below takes her time)."""

    schedule_id: Slug
    user: UserId | None = Field(description="who is on call; null, with `replaces`, removes that user")
    replaces: UserId | None = Field(default=None, description="the user this override stands in for, or removes")
    start: Instant
    end: Instant

    @model_validator(mode="after")
    def _a_kind(self):
        if self.user is None and self.replaces is None:
            raise ValueError('a remove names whom it takes off: give "replaces" (or a "user" to add)')
        if self.user is not None and self.user == self.replaces:
            raise ValueError('"user" and "replaces" name the same person: that changes nothing')
        return self


class ShiftIn(Body):
    user: UserId
    start: Instant
    end: Instant


#: The most shifts one temporary schedule may list.
MAX_SHIFTS = 1_000


class TemporaryIn(Body):
    """From `start` to `end` the schedule's layers are set aside and only `shifts` count, each only inside that span
    (a gap where none). Shifts must not overlap one another."""

    start: Instant
    end: Instant
    shifts: list[ShiftIn] = Field(default_factory=list, max_length=MAX_SHIFTS)


class ContactIn(Body):
    channel: ChannelName
    address: Address


class NotificationRuleIn(Body):
    """Message contact number `contact` (an index into the user's contacts) `delay_minutes` after a step reaches the
    user."""

    contact: int = Field(ge=0, le=49, strict=True, description="the index of one of the user's contacts, from 0")
    delay_minutes: float = Field(ge=0, le=525_600, allow_inf_nan=False, description="minutes after the step, 0 to 525600 (a year)")


#: The most notification rules one user may have.
MAX_RULES = 50


class UserIn(Body):
    id: UserId
    name: Name | None = None
    contacts: list[ContactIn] = Field(default_factory=list, max_length=50)
    notification_rules: list[NotificationRuleIn] = Field(
        default_factory=list, max_length=MAX_RULES,
        description="how a step reaches this user: one message per rule; empty: every contact at once",
    )


class UserPatch(Body):
    name: Name | None = None
    contacts: list[ContactIn] | None = Field(default=None, max_length=50)
    notification_rules: list[NotificationRuleIn] | None = Field(default=None, max_length=MAX_RULES)


class ChannelTestIn(Body):
    address: Address | None = None
    user_id: UserId | None = None
    summary: Name | None = None

    @model_validator(mode="after")
    def _one_recipient(self):
        if self.address is not None and self.user_id is not None:
            raise ValueError("give address or user_id, not both")
        return self


class SubscriptionIn(Body):
    schedule_id: Slug | None = Field(default=None, description="the schedule of the feed (unknown: 404)")
    user_id: UserId | None = Field(
        default=None, description="only this person's shifts: on `schedule_id`, or on every schedule without it"
    )
    name: Name

    @model_validator(mode="after")
    def _something_to_show(self):
        if self.schedule_id is None and self.user_id is None:
            raise ValueError("give a schedule_id, a user_id, or both")
        return self


_TARGET_IDS = {"schedule": check_slug, "user": check_user_id, "channel": check_channel}


class TargetIn(Body):
    type: Literal["schedule", "user", "channel"]
    id: str = Field(min_length=1, max_length=255, description="a schedule id, a user id or a channel name, by `type`")

    @field_validator("id")
    @classmethod
    def _id_of_its_kind(cls, value: str, info: ValidationInfo) -> str:
        check = _TARGET_IDS.get(info.data.get("type"))
        return check(value) if check else value


class StepIn(Body):
    delay_minutes: float = Field(gt=0, le=525_600)
    targets: list[TargetIn] = Field(min_length=1, max_length=2000)

    @field_validator("delay_minutes")
    @classmethod
    def _finite(cls, value: float) -> float:
        return _finite_number(value)


def _finite_number(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


class PolicyIn(Body):
    id: Slug | None = None
    name: Name
    description: Description = ""
    repeat: int = Field(default=0, ge=0, le=20, strict=True)
    steps: list[StepIn] = Field(min_length=1, max_length=50)


class PolicyPatch(Body):
    name: Name | None = None
    description: Description | None = None
    repeat: int | None = Field(default=None, ge=0, le=20, strict=True)
    steps: list[StepIn] | None = Field(default=None, min_length=1, max_length=50)


class EscalationIn(Body):
    policy_id: Slug
    summary: Summary
    details: Details = Field(default_factory=dict, description="any JSON object, shown to notifiers as it is")
    dedup_key: Label | None = Field(
        default=None, description="while an escalation with this key is not resolved, a trigger with it returns that one"
    )


class ActorIn(Body):
    by: Label | None = Field(default=None, description="who acts (a user id or a name, one line); recorded as it is")


class IntegrationIn(Body):
    id: Slug | None = Field(default=None, description="derived from name when omitted")
    name: Name
    policy_id: Slug = Field(description="the policy its escalations follow")


class IntegrationPatch(Body):
    name: Name | None = None
    policy_id: Slug | None = None




class HeartbeatIn(Body):
    id: Slug | None = Field(default=None, description="derived from name when omitted")
    name: Name
    policy_id: Slug = Field(description="the policy its escalation follows")
    interval_minutes: float = Field(
        ge=0.1, le=525_600, allow_inf_nan=False, strict=True,
        description="minutes from a ping (or the creation) to expiry: 0.1 to 525600 (a year)",
    )


class HeartbeatPatch(Body):
    name: Name | None = None
    policy_id: Slug | None = None
    interval_minutes: float | None = Field(default=None, ge=0.1, le=525_600, allow_inf_nan=False, strict=True)


def patch_fields(body: BaseModel) -> dict:
    """The fields a PATCH body set, each dumped whole (nested defaults included)."""
    return {k: v for k, v in body.model_dump().items() if k in body.model_fields_set}


# Query strings: every route that takes one validates it with one of these.

_INSTANT = "RFC 3339 date-time; without an offset it is wall-clock time in the schedule's zone"
_INSTANT_OFFSET = "RFC 3339 date-time with an offset or Z (this is not about one schedule: no zone to read it in)"


class Query(BaseModel):
    """Unknown parameters are ignored; a parameter given twice is a 400."""

    model_config = ConfigDict(extra="ignore")


class PageQuery(Query):
    limit: Limit = Field(default=100, description="items per page (1-1000)")


class SlugPageQuery(PageQuery):
    cursor: SlugCursor | None = Field(default=None, description="next_cursor of the previous page")


class UserPageQuery(PageQuery):
    cursor: UserCursor | None = Field(default=None, description="next_cursor of the previous page")


class OncallQuery(Query):
    at: Instant | None = Field(default=None, description=f"the instant (default now); {_INSTANT}")


class PreviewQuery(Query):
    at: Instant | None = Field(
        default=None,
        description=f"when the escalation would be triggered (default now); {_INSTANT_OFFSET}",
    )


class RangeQuery(Query):
    since: Instant | None = Field(default=None, description=f"range start (default now); {_INSTANT}")
    until: Instant | None = Field(
        default=None, description=f"range end (default since + 14 days, at most 400 days); {_INSTANT}"
    )


class ShiftsQuery(RangeQuery):
    user: UserId | None = Field(default=None, description="only this user's intervals")


class ReportQuery(RangeQuery):
    night: DailyWindow | None = Field(
        default=None, description="the night, by the schedule's clock: HH:MM-HH:MM (default 22:00-07:00)"
    )


class EverywhereQuery(SlugPageQuery):
    at: Instant | None = Field(default=None, description=f"the instant (default now); {_INSTANT_OFFSET}")


class UserOncallQuery(Query):
    at: Instant | None = Field(default=None, description=f"the instant (default now); {_INSTANT_OFFSET}")


class UserRangeQuery(Query):
    since: Instant | None = Field(default=None, description=f"range start (default now); {_INSTANT_OFFSET}")
    until: Instant | None = Field(
        default=None, description=f"range end (default since + 14 days, at most 400 days); {_INSTANT_OFFSET}"
    )


class FeedQuery(Query):
    since: Instant | None = Field(default=None, description=f"range start (default now - 14 days); {_INSTANT}")
    until: Instant | None = Field(
        default=None, description=f"range end (default since + 194 days: now + 180 days; at most 400 days); {_INSTANT}"
    )
    user: UserId | None = Field(default=None, description="only this user's shifts")


class ServerIdPageQuery(PageQuery):
    cursor: ServerIdCursor | None = Field(default=None, description="next_cursor of the previous page")


class OverridesQuery(PageQuery):
    cursor: InstantIdCursor | None = Field(default=None, description="next_cursor of the previous page")
    schedule_id: Slug | None = Field(default=None, description="only this schedule's overrides (unknown: 404)")
    user: UserId | None = Field(default=None, description="only overrides naming this user, as `user` or `replaces`")
    since: Instant | None = Field(default=None, description="overlapping from; needs an offset unless schedule_id is given")
    until: Instant | None = Field(default=None, description="overlapping until; needs an offset unless schedule_id is given")


AUDITED = (
    "schedule", "override", "temporary_schedule", "user", "policy", "calendar_subscription", "escalation",
    "integration", "heartbeat",
)


class AuditQuery(PageQuery):
    cursor: InstantIdCursor | None = Field(default=None, description="next_cursor of the previous page")
    since: Instant | None = Field(default=None, description=f"entries at or after this instant; {_INSTANT_OFFSET}")
    until: Instant | None = Field(default=None, description=f"entries before this instant; {_INSTANT_OFFSET}")
    resource: Literal[AUDITED] | None = Field(default=None, description="only changes of this kind of resource")
    id: UserId | None = Field(default=None, description="only changes of the resource with this id")


class NotificationsQuery(PageQuery):
    cursor: NotificationCursor | None = Field(
        default=None, description="next_cursor of the previous page, or the escalation's notifications_next_cursor"
    )


STATUSES = ("triggered", "acknowledged", "resolved")


class EscalationsQuery(PageQuery):
    cursor: ServerIdCursor | None = Field(default=None, description="next_cursor of the previous page")
    status: str | None = Field(
        default=None,
        pattern=r"^(triggered|acknowledged|resolved)(,(triggered|acknowledged|resolved))*$",
        description="only these statuses: one of triggered, acknowledged, resolved, or several comma-separated",
    )
    policy_id: Slug | None = Field(default=None, description="only escalations of this policy")

    @property
    def statuses(self) -> list[str] | None:
        return None if self.status is None else sorted(set(self.status.split(",")))
