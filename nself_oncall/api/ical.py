"""A feed of shifts as an iCalendar document (RFC 5545), written by the icalendar library."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from importlib.metadata import version

from icalendar import Calendar, Event, vDuration

from ..service.calendars import Feed, Shift

CONTENT_TYPE = "text/calendar; charset=utf-8"
#: How often a calendar app should fetch the feed again (RFC 7986 REFRESH-INTERVAL; X-PUBLISHED-TTL for
#: Outlook and Apple Calendar): schedules change by hand, an hour is soon enough without loading the server.
REFRESH = timedelta(hours=1)


def feed_ical(feed: Feed, stamp: datetime) -> bytes:
    """The document: one VEVENT per shift, in UTC; `stamp` (the time of the fetch) is every DTSTAMP."""
    calendar = Calendar()
    calendar.add("prodid", f"-//nself//nself-oncall {version('nself-oncall')}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", feed.name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for shift in feed.shifts:
        calendar.add_component(_event(shift, stamp))
    return calendar.to_ical()


def _event(shift: Shift, stamp: datetime) -> Event:
    interval = shift.interval
    source = interval.source
    event = Event()
    event.add("uid", shift_uid(shift))
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", interval.start.astimezone(UTC))
    event.add("dtend", interval.end.astimezone(UTC))
    event.add("summary", f"On call: {interval.user} ({shift.schedule_name})")
    how = {"layer": "layer", "temporary": "temporary schedule"}.get(source.type, "override") + f" {source.ref}"
    if source.replaces:
        how += f", replacing {source.replaces}"
    event.add("description", f"{interval.user} is on call for schedule {shift.schedule_id} ({how}).")
    event.add("transp", "TRANSPARENT")  # on call is not busy: free/busy lookups should not block the time
    return event


def shift_uid(shift: Shift) -> str:
    """The same in every fetch for the same shift (schedule, user, source, real start), whatever the range:
    a calendar app updates the event instead of adding another."""
    source = shift.interval.source
    start = shift.start.astimezone(UTC).isoformat()
    key = "\n".join((shift.schedule_id, shift.interval.user, source.type, source.ref, start))
    return f"{hashlib.sha256(key.encode()).hexdigest()[:32]}@nself-oncall"
