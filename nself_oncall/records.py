"""Plain frozen values that the store hands out, never ORM rows.

The service layer and the API see only these, so nothing above the store can walk a
relation or trigger a query by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

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


@dataclass(frozen=True)
class OverrideRecord:
    id: str
    schedule_id: str
    user: str
    start: datetime
    end: datetime
    created_at: datetime


@dataclass(frozen=True)
class ContactRecord:
    channel: str
    address: str


@dataclass(frozen=True)
class UserRecord:
    id: str
    name: str
    contacts: tuple[ContactRecord, ...]
    created_at: datetime
    updated_at: datetime


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
class Page(Generic[T]):
    """One page of a list: `more` tells whether items follow the last one."""

    items: tuple[T, ...]
    more: bool
