"""The pure schedule model: plain frozen values, no I/O.

Instants are aware datetimes in UTC. Wall-clock values (a layer's anchor,
restriction times) are naive and read in the schedule's zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

UNITS = ("hour", "day", "week", "month")

#: Instants the resolver works within; the API refuses instants outside them.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Rotation:
    unit: str  # one of UNITS
    length: int  # >= 1


@dataclass(frozen=True)
class Restriction:
    """A daily window from `start` to `end` wall-clock; `end <= start` wraps past midnight.

    `days` holds weekday numbers (Monday 0) on which a window starts; None means every day.
    """

    start: time
    end: time
    days: frozenset[int] | None = None


@dataclass(frozen=True)
class Layer:
    """One rotation layer.

    `anchor` is the wall-clock time handoffs count from; `start` is the instant
    the layer begins to cover (the anchor resolved, or the exact instant given).
    """

    name: str
    users: tuple[str, ...]
    rotation: Rotation
    anchor: datetime
    start: datetime
    end: datetime | None = None
    restrictions: tuple[Restriction, ...] = ()


@dataclass(frozen=True)
class Override:
    """`replaces` None: `user` is on call above every layer (an add). With `replaces`: `user` is on call wherever
    `replaces` would be (a replace), or, `user` None, `replaces` is taken off (a remove): see render.py."""

    id: str
    user: str | None
    start: datetime
    end: datetime
    created_at: datetime
    replaces: str | None = None

    @property
    def adds(self) -> bool:
        return self.replaces is None


@dataclass(frozen=True)
class Shift:
    """One person on call from `start` to `end`, in a temporary schedule."""

    user: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Temporary:
    """From `start` to `end` the layers are set aside and only `shifts` count (a gap where none).

    `shifts` are in time order and disjoint; only their parts inside [start, end) count. The temporaries of one
    schedule do not overlap."""

    id: str
    start: datetime
    end: datetime
    shifts: tuple[Shift, ...] = ()


@dataclass(frozen=True)
class Schedule:
    zone: ZoneInfo
    layers: tuple[Layer, ...] = ()
    overrides: tuple[Override, ...] = field(default=())
    temporaries: tuple[Temporary, ...] = ()


@dataclass(frozen=True)
class Source:
    """Where an interval comes from: a layer by name, an override by id (with whom it replaces, if anyone), or a
    temporary schedule by id."""

    type: str  # "layer", "override" or "temporary"
    ref: str
    replaces: str | None = None


@dataclass(frozen=True)
class Interval:
    """A piece of the final schedule; `user` None is a gap.

    `start` None means since the beginning of time, `end` None means for ever.
    """

    user: str | None
    source: Source | None
    start: datetime | None
    end: datetime | None
