"""A schedule's next days as rows of blocks, one row per day of the schedule's own clock.

Each block is a piece of the final schedule (a person, from a layer, an override or a temporary schedule) or a gap,
clipped to its day and placed by percentages of that day's length: a day of a daylight-saving change lasts 23 or 25
hours. Each band is the part of a temporary schedule's span (where the layers are set aside) on its day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..oncall import Interval, to_instant
from ..records import TemporaryRecord


@dataclass(frozen=True)
class Block:
    user: str | None  # None: a gap
    source: str  # "layer", "override", "temporary" or "gap"
    label: str  # the layer's name, the override's or temporary schedule's id, or "gap"
    start: datetime
    end: datetime
    left: float  # percent of the day
    width: float
    replaces: str | None = None  # a replace override's: whom `user` stands in for

    @property
    def classes(self) -> str:
        """The CSS classes after "block": the source, and `kind-replace` for a replace override."""
        return f"{self.source} kind-replace" if self.replaces else self.source

    @property
    def text(self) -> str:
        """What the block says: who is on call (and whom they replace), or "gap"."""
        if self.user is None:
            return "gap"
        return f"{self.user} (replacing {self.replaces})" if self.replaces else self.user

    @property
    def about(self) -> str:
        """What its tooltip says before the times: where the block comes from."""
        if self.user is None:
            return "gap: nobody on call"
        if self.replaces:
            return f"{self.text}, override {self.label}"
        return f"{self.user} ({'temporary schedule' if self.source == 'temporary' else self.source} {self.label})"


@dataclass(frozen=True)
class Band:
    """A temporary schedule's span (whole `start` and `end`), placed on one day."""

    id: str
    start: datetime
    end: datetime
    left: float
    width: float


@dataclass(frozen=True)
class Day:
    day: date
    start: datetime
    end: datetime
    blocks: list[Block]
    now: float | None  # where "now" falls on this day, in percent
    temporaries: list[Band]


# Pale colours far apart, so that neighbouring shifts of two people never look alike.
PALETTE = ("#a8c8f0", "#f5c28c", "#b4dfa4", "#e3b1e6", "#f2e28b", "#9fd9d6", "#f0a9a9", "#c9c0ef")


def colours(rows: list[Day]) -> dict[str, str]:
    """A colour per person, in the order they first appear on the timeline."""
    people = dict.fromkeys(b.user for row in rows for b in row.blocks if b.user is not None)
    return {user: PALETTE[i % len(PALETTE)] for i, user in enumerate(people)}


def day_range(zone: ZoneInfo, now: datetime, days: int) -> tuple[datetime, datetime]:
    """From the start of today to the start of the day `days` on, by the schedule's clock."""
    today = now.astimezone(zone).date()
    return _midnight(today, zone), _midnight(today + timedelta(days=days), zone)


def days(
    intervals: list[Interval], gaps: list[tuple[datetime, datetime]], zone: ZoneInfo, since: datetime, until: datetime,
    now: datetime, temporaries: Sequence[TemporaryRecord] = (),
) -> list[Day]:
    """The rows of [since, until) (both midnights in `zone`), with the covered `intervals`, the `gaps` and the spans
    of the `temporaries`."""
    pieces = [(i.start or since, i.end or until, i.user, i.source) for i in intervals]
    pieces += [(start, end, None, None) for start, end in gaps]
    pieces.sort(key=lambda piece: piece[0])
    rows = []
    day = since.astimezone(zone).date()
    start = since
    while start < until:
        end = _midnight(day + timedelta(days=1), zone)
        blocks = [_block(p, start, end) for p in pieces if p[0] < end and p[1] > start]
        bands = [_band(t, start, end) for t in temporaries if t.start < end and t.end > start]
        rows.append(Day(day, start, end, blocks, _percent(now, start, end) if start <= now < end else None, bands))
        day, start = day + timedelta(days=1), end
    return rows


def _block(piece, day_start: datetime, day_end: datetime) -> Block:
    start, end, user, source = piece
    start, end = max(start, day_start), min(end, day_end)
    if user is None:
        kind, label, replaces = "gap", "gap", None
    elif source is None:
        kind, label, replaces = "layer", "", None
    else:
        kind, label, replaces = source.type, source.ref, source.replaces
    left = _percent(start, day_start, day_end)
    return Block(user, kind, label, start, end, left, _percent(end, day_start, day_end) - left, replaces)


def _band(temporary: TemporaryRecord, day_start: datetime, day_end: datetime) -> Band:
    left = _percent(max(temporary.start, day_start), day_start, day_end)
    width = _percent(min(temporary.end, day_end), day_start, day_end) - left
    return Band(temporary.id, temporary.start, temporary.end, left, width)


def _percent(at: datetime, start: datetime, end: datetime) -> float:
    return round((at - start) / (end - start) * 100, 3)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of `day` in `zone` (where clocks skip midnight, the first one after the skip)."""
    return to_instant(datetime.combine(day, time(0)), zone)
