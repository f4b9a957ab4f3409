"""Helpers of the calendar tests: feeds read back with two independent iCalendar parsers."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar
import vobject

from apiclient import AUTH

PRIMARY = {
    "id": "primary",
    "name": "Primary SRE",
    "timezone": "America/New_York",
    "layers": [
        {
            "name": "weekly",
            "users": ["alice", "bob", "carol"],
            "rotation": {"unit": "week", "length": 1},
            "start": "2024-03-08T09:00:00",
            "restrictions": [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}],
        },
        {"name": "nights", "users": ["nora", "nick"], "rotation": {"unit": "day"}, "start": "2024-03-01T17:00:00",
         "restrictions": [{"start": "17:00", "end": "09:00"}]},
    ],
}


def events(body: bytes) -> list[dict]:
    """The VEVENTs as icalendar reads them, in document order: uid, start, end (aware, UTC), summary."""
    calendar = icalendar.Calendar.from_ical(body)
    return [
        {
            "uid": str(e["UID"]),
            "start": e.decoded("DTSTART"),
            "end": e.decoded("DTEND"),
            "summary": str(e["SUMMARY"]),
            "stamp": e.decoded("DTSTAMP"),
        }
        for e in calendar.walk("VEVENT")
    ]


def vobject_events(body: bytes) -> list[dict]:
    """The same, as vobject (a parser of its own, not built on icalendar) reads them."""
    calendar = vobject.readOne(body.decode("utf-8"))
    return [
        {
            "uid": e.uid.value,
            "start": e.dtstart.value,
            "end": e.dtend.value,
            "summary": e.summary.value,
            "stamp": e.dtstamp.value,
        }
        for e in calendar.contents.get("vevent", [])
    ]


def fetched_apart(events: list[dict]) -> list[tuple]:
    """What two fetches of a default range, made a moment apart, share: the first event's start and the last
    one's end (clipped to the range, a second of their own each fetch) and the DTSTAMPs can differ."""
    last = len(events) - 1
    return [(e["uid"], e["start"] if i else None, e["end"] if i < last else None, e["summary"]) for i, e in enumerate(events)]


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


async def feed(api, path: str, **query) -> bytes:
    """GET a feed (bearer sent): 200, text/calendar in UTF-8; its body."""
    response = await api.client.get(path, query_string=query, headers=AUTH)
    body = await response.get_data()
    assert response.status_code == 200, body
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert_private(response)
    return body


def assert_private(response) -> None:
    """A feed is kept by no cache, and its link leaks to no page through Referer."""
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"

