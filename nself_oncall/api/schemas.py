"""Request bodies: shape and field rules. Rules that need the database live in store/."""

from __future__ import annotations

import math
import re
from datetime import datetime, time
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from ..oncall import DAYS
from .params import SLUG, USER_ID, parse_wallclock_or_instant

_CLOCK = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)(?::([0-5]\d))?$")


def _slug(value: str) -> str:
    if not SLUG.match(value):
        raise ValueError("must match ^[a-z0-9][a-z0-9_-]{0,63}$")
    return value


def _user_id(value: str) -> str:
    if not USER_ID.match(value):
        raise ValueError("must be 1-255 characters, no whitespace, no '/'")
    return value


def _datetime(value: object) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("must be an RFC 3339 date-time string")
    return parse_wallclock_or_instant(value)


def _clock(value: object) -> time:
    match = _CLOCK.match(value) if isinstance(value, str) else None
    if not match or (match[1] == "24" and (match[2] != "00" or (match[3] or "00") != "00")):
        raise ValueError("must be a wall-clock time HH:MM (00:00-24:00)")
    hour = int(match[1]) % 24
    return time(hour, int(match[2]), int(match[3] or 0))


Slug = Annotated[str, BeforeValidator(lambda v: _slug(v) if isinstance(v, str) else v)]
UserId = Annotated[str, BeforeValidator(lambda v: _user_id(v) if isinstance(v, str) else v)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Description = Annotated[str, Field(max_length=2000)]
WallOrInstant = Annotated[datetime, BeforeValidator(_datetime)]
Clock = Annotated[time, BeforeValidator(_clock)]


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

    def day_numbers(self) -> frozenset[int] | None:
        return None if self.days is None else frozenset(DAYS.index(d) for d in self.days)


class LayerIn(Body):
    name: Name | None = None
    users: list[UserId] = Field(min_length=1, max_length=1000)
    rotation: RotationIn
    start: WallOrInstant
    end: WallOrInstant | None = None
    restrictions: list[RestrictionIn] = Field(default_factory=list, max_length=100)


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown IANA time zone {value!r}") from None
    return value


class ScheduleIn(Body):
    id: Slug | None = None
    name: Name
    description: Description = ""
    timezone: str = "UTC"
    layers: list[LayerIn] = Field(default_factory=list, max_length=100)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return _zone(value)

    @model_validator(mode="after")
    def _layer_names(self):
        return _unique_layer_names(self)


class SchedulePatch(Body):
    name: Name | None = None
    description: Description | None = None
    timezone: str | None = None
    layers: list[LayerIn] | None = Field(default=None, max_length=100)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        return None if value is None else _zone(value)

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
    schedule_id: Slug
    user: UserId
    start: WallOrInstant
    end: WallOrInstant


class ContactIn(Body):
    channel: Annotated[str, Field(min_length=1, max_length=64)]
    address: Annotated[str, Field(min_length=1, max_length=1000)]


class UserIn(Body):
    id: UserId
    name: Name | None = None
    contacts: list[ContactIn] = Field(default_factory=list, max_length=50)


class UserPatch(Body):
    name: Name | None = None
    contacts: list[ContactIn] | None = Field(default=None, max_length=50)


class ChannelTestIn(Body):
    address: Annotated[str, Field(min_length=1, max_length=1000)] | None = None
    user_id: UserId | None = None
    summary: Name | None = None

    @model_validator(mode="after")
    def _one_recipient(self):
        if self.address is not None and self.user_id is not None:
            raise ValueError("give address or user_id, not both")
        return self


class TargetIn(Body):
    type: Literal["schedule", "user", "channel"]
    id: Annotated[str, Field(min_length=1, max_length=255)]


class StepIn(Body):
    delay_minutes: float = Field(gt=0, le=525_600)
    targets: list[TargetIn] = Field(min_length=1, max_length=50)

    @field_validator("delay_minutes")
    @classmethod
    def _finite(cls, value: float) -> float:
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



def patch_fields(body: BaseModel) -> dict:
    """The fields a PATCH body set, each dumped whole (nested defaults included)."""
    return {k: v for k, v in body.model_dump().items() if k in body.model_fields_set}


# Query strings, for the OpenAPI document; api/params.py reads them.

_INSTANT = "RFC 3339 date-time; without an offset it is wall-clock time in the schedule's zone"


class PageQuery(BaseModel):
    limit: int = Field(default=100, ge=1, le=1000, description="items per page")
    cursor: str | None = Field(default=None, description="next_cursor of the previous page")


class OncallQuery(BaseModel):
    at: str | None = Field(default=None, description=f"the instant (default now); {_INSTANT}")


class ShiftsQuery(BaseModel):
    since: str | None = Field(default=None, description=f"range start (default now); {_INSTANT}")
    until: str | None = Field(default=None, description=f"range end (default since + 14 days, at most 400 days); {_INSTANT}")


class OverridesQuery(PageQuery):
    schedule_id: str | None = Field(default=None, description="only this schedule's overrides (unknown: 404)")
    since: str | None = Field(default=None, description="overlapping from; needs an offset unless schedule_id is given")
    until: str | None = Field(default=None, description="overlapping until; needs an offset unless schedule_id is given")
