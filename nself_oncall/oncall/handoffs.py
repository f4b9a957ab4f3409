"""Handoff notices, pure: which shifts of the final schedule a schedule's notices are for, and what they say.

A shift is an interval of the final schedule (as `render` gives them) with a user; it starts where the
interval starts. A notice is sent for a shift that starts after the notice was configured, `minutes_before`
the shift's start. The engine plans the shifts a little ahead (`horizon`) and, when a notice comes due,
asks the schedule again: the same functions decide what the API shows as planned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from .model import Interval, Schedule
from .render import render

#: How long after a shift started its notice is still sent (planned late: the engine was down, or the
#: notice was configured less than `minutes_before` ahead). Older shifts are never planned.
LATE = timedelta(hours=1)
#: Shifts are planned this much further ahead than the largest `minutes_before`, and planned again every
#: half of it, so a shift is planned at least MARGIN / 2 before its earliest notice is due.
MARGIN = timedelta(hours=1)
REPLAN = MARGIN / 2
_TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class Notice:
    """One notice of a schedule: to `channel`, or to the incoming user's contacts when `channel` is None."""

    channel: str | None
    minutes_before: float
    configured_at: datetime

    @property
    def oncall_contacts(self) -> bool:
        return self.channel is None

    def due(self, shift_start: datetime) -> datetime:
        return shift_start - timedelta(minutes=self.minutes_before)


@dataclass(frozen=True)
class Handoff:
    """The notice at `index` for the shift of `user` starting at `shift_start`."""

    shift_start: datetime
    user: str
    index: int
    notice: Notice

    @property
    def due_at(self) -> datetime:
        return self.notice.due(self.shift_start)


def horizon(notices: tuple[Notice, ...]) -> timedelta:
    """How far ahead of now shifts are planned."""
    return max((timedelta(minutes=n.minutes_before) for n in notices), default=timedelta(0)) + MARGIN


def shift_starts(schedule: Schedule, since: datetime, until: datetime) -> list[Interval]:
    """The final-schedule intervals with a user that start in [since, until), whole at their start.

    Rendered from just before `since`, so that an interval already running at `since` shows as a piece
    starting before it (and is left out), while one starting exactly at `since` is kept."""
    return [piece for piece in render(schedule, since - _TICK, until) if piece.start >= since and piece.user]


def handoffs(shifts: list[Interval], notices: tuple[Notice, ...]) -> list[Handoff]:
    """Every notice of every shift that started after the notice was configured, in due order."""
    found = [
        Handoff(shift.start, shift.user, i, notice)
        for shift in shifts
        for i, notice in enumerate(notices)
        if shift.start is not None and shift.user is not None and shift.start > notice.configured_at
    ]
    return sorted(found, key=lambda h: (h.due_at, h.shift_start, h.index))


def still_holds(handoff: Handoff, shift: Interval, notices: tuple[Notice, ...]) -> str | None:
    """Why a planned handoff notice must not be sent now that the schedule is as it is (None: it holds).
    `shift` is the final-schedule interval holding the planned shift start."""
    if shift.start != handoff.shift_start or shift.user != handoff.user:
        return "the shift no longer starts then with this user"
    if handoff.index >= len(notices):
        return "the notice was removed"
    notice = notices[handoff.index]
    if not handoff.shift_start > notice.configured_at:
        return "the notice was changed after the shift started"
    return None


@dataclass(frozen=True)
class Text:
    """A handoff notice's message: one line, and the details as plain JSON values."""

    summary: str
    details: dict


def handoff_text(
    schedule_id: str, schedule_name: str, zone: ZoneInfo, shift: Interval, previous: str | None, handoff: Handoff
) -> Text:
    """Who takes over, from when to when in the schedule's zone, and who hands over (None: nobody did)."""
    start, end = _local(shift.start, zone), _local(shift.end, zone)
    whom = f"from {previous} " if previous else ""
    until = f"until {end}" if end else "with no end planned"
    summary = f"{schedule_name}: {shift.user} takes over {whom}at {start} ({until})"
    if not previous:
        summary += "; nobody was on call before"
    details = {
        "kind": "handoff",
        "schedule_id": schedule_id,
        "schedule_name": schedule_name,
        "timezone": zone.key,
        "user": shift.user,
        "previous_user": previous,
        "start": _iso(shift.start),
        "end": _iso(shift.end),
        "start_local": shift.start.astimezone(zone).isoformat(),
        "end_local": None if shift.end is None else shift.end.astimezone(zone).isoformat(),
        "notice": handoff.index,
        "minutes_before": handoff.notice.minutes_before,
    }
    return Text(summary, details)


def _local(instant: datetime | None, zone: ZoneInfo) -> str | None:
    """Like "Mon 18 Mar 2024 09:00 EDT": the zone's abbreviation tells which side of a DST change it is on."""
    if instant is None:
        return None
    return instant.astimezone(zone).strftime("%a %d %b %Y %H:%M %Z")


def _iso(instant: datetime | None) -> str | None:
    return None if instant is None else instant.astimezone(UTC).isoformat().replace("+00:00", "Z")
