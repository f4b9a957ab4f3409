"""GET /api/v1/schedules/{id}/shifts.ics: the final schedule as iCalendar, read back by two parsers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar

from ical_helpers import PRIMARY, events, feed, instant, vobject_events

MARCH = {"since": "2024-03-01T00:00:00Z", "until": "2024-04-15T00:00:00Z"}


async def _create(api, schedule: dict) -> None:
    status, body = await api.post("/api/v1/schedules", schedule)
    assert status == 201, body


async def _shifts(api, schedule_id: str, **query) -> list[dict]:
    status, body = await api.get(f"/api/v1/schedules/{schedule_id}/shifts", query_string=query)
    assert status == 200, body
    return body["items"]


async def test_one_event_per_shift_with_the_times_of_shifts(api):
    await _create(api, PRIMARY)
    override = {"schedule_id": "primary", "user": "dave", "start": "2024-03-25T10:00:00", "end": "2024-03-26T10:00:00"}
    assert (await api.post("/api/v1/overrides", override))[0] == 201
    body = await feed(api, "/api/v1/schedules/primary/shifts.ics", **MARCH)
    items = await _shifts(api, "primary", **MARCH)

    found = events(body)
    assert len(found) == len(items) > 60
    for event, item in zip(found, items, strict=True):
        assert (event["start"], event["end"]) == (instant(item["start"]), instant(item["end"]))
        assert event["start"].utcoffset() == timedelta(0) and event["end"].utcoffset() == timedelta(0)
        assert event["summary"] == f"On call: {item['user']} (Primary SRE)"
    assert "On call: dave (Primary SRE)" in {e["summary"] for e in found}
    assert len({e["uid"] for e in found}) == len(found)

    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]).startswith("-//nself//nself-oncall ")
    assert str(calendar["X-WR-CALNAME"]) == "Primary SRE"
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=1)
    assert b"X-PUBLISHED-TTL:PT1H" in body and b"DTSTART:20240301T" in body  # UTC form: a Z, no TZID
    assert b"TZID" not in body


async def test_one_users_feed_is_shifts_of_that_user(api):
    await _create(api, PRIMARY)
    found = events(await feed(api, "/api/v1/schedules/primary/shifts.ics", user="nora", **MARCH))
    items = await _shifts(api, "primary", user="nora", **MARCH)
    assert [(e["start"], e["end"]) for e in found] == [(instant(i["start"]), instant(i["end"])) for i in items]
    assert len(found) > 10 and {e["summary"] for e in found} == {"On call: nora (Primary SRE)"}
    everyone = events(await feed(api, "/api/v1/schedules/primary/shifts.ics", **MARCH))
    assert found == [e | {"stamp": found[0]["stamp"]} for e in everyone if "nora" in e["summary"]]


async def test_another_parser_reads_the_same_events(api):
    await _create(api, PRIMARY)
    body = await feed(api, "/api/v1/schedules/primary/shifts.ics", **MARCH)
    assert vobject_events(body) == events(body) != []


async def test_uids_stay_the_same_across_fetches_and_overlapping_ranges(api):
    """The second range begins in the middle of a shift and the first ends in the middle of one: each clipped
    event keeps the UID that the whole shift has in the other range."""
    await _create(api, PRIMARY)
    first = events(await feed(api, "/api/v1/schedules/primary/shifts.ics", **MARCH))
    again = events(await feed(api, "/api/v1/schedules/primary/shifts.ics", **MARCH))
    assert [e["uid"] for e in again] == [e["uid"] for e in first]

    since, until = instant("2024-03-20T15:00:00Z"), instant(MARCH["until"])  # Wednesday 11:00 EDT: bob's window
    second = events(await feed(api, "/api/v1/schedules/primary/shifts.ics", since=since.isoformat(), until="2024-05-01T00:00:00"))
    clipped = second[0]
    assert clipped["start"] == since and clipped["summary"] == "On call: bob (Primary SRE)"
    whole = next(e for e in first if e["start"] < since < e["end"])
    assert (whole["uid"], whole["end"]) == (clipped["uid"], clipped["end"])

    cut = first[-1]  # the shift running at the first range's end, clipped there
    assert cut["end"] == until
    longer = next(e for e in second if e["start"] == cut["start"])
    assert longer["end"] > until and longer["uid"] == cut["uid"]

    shared = [e for e in first if since <= e["start"]]
    assert [e["uid"] for e in shared] == [e["uid"] for e in second[1 : len(shared) + 1]]


async def test_the_default_range_is_two_weeks_back_to_six_months_on(api):
    await _create(api, {"id": "daily", "name": "Daily", "layers": [
        {"users": ["a", "b"], "rotation": {"unit": "day"}, "start": "2024-01-01T00:00:00Z"}]})
    before = datetime.now(UTC).replace(microsecond=0)
    found = events(await feed(api, "/api/v1/schedules/daily/shifts.ics"))
    after = datetime.now(UTC)
    assert before - timedelta(days=14) <= found[0]["start"] <= after - timedelta(days=14)
    assert before + timedelta(days=180) <= found[-1]["end"] <= after + timedelta(days=180)
    assert before <= found[0]["stamp"] <= after  # DTSTAMP: the fetch, to the second
    assert len(found) in (194, 195)


async def test_handoffs_across_dst_changes_in_utc(api):
    """Daily 09:00 handoffs in New York, and a 01:00-04:00 window: 2 hours on the night clocks spring forward,
    4 on the night they fall back."""
    await _create(api, {"id": "ny", "name": "NY", "timezone": "America/New_York", "layers": [
        {"name": "days", "users": ["a", "b"], "rotation": {"unit": "day"}, "start": "2024-01-01T09:00:00"},
        {"name": "late", "users": ["z"], "rotation": {"unit": "day"}, "start": "2024-01-01T00:00:00",
         "restrictions": [{"start": "01:00", "end": "04:00"}]},
    ]})

    def utc(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)

    spring = events(await feed(api, "/api/v1/schedules/ny/shifts.ics", since="2024-03-09T00:00:00",
                               until="2024-03-11T00:00:00"))
    assert [(e["start"], e["end"], e["summary"].split()[2]) for e in spring] == [
        (utc("2024-03-09T05:00"), utc("2024-03-09T06:00"), "b"),  # 00:00 EST, the day before's shift
        (utc("2024-03-09T06:00"), utc("2024-03-09T09:00"), "z"),  # 01:00-04:00 EST
        (utc("2024-03-09T09:00"), utc("2024-03-09T14:00"), "b"),
        (utc("2024-03-09T14:00"), utc("2024-03-10T06:00"), "a"),  # 09:00 EST
        (utc("2024-03-10T06:00"), utc("2024-03-10T08:00"), "z"),  # 01:00 EST to 04:00 EDT: 2 hours
        (utc("2024-03-10T08:00"), utc("2024-03-10T13:00"), "a"),
        (utc("2024-03-10T13:00"), utc("2024-03-11T04:00"), "b"),  # 09:00 EDT
    ]
    autumn = events(await feed(api, "/api/v1/schedules/ny/shifts.ics", since="2024-11-03T00:00:00",
                               until="2024-11-04T12:00:00"))
    assert [(e["start"], e["end"]) for e in autumn if "z" in e["summary"].split()] == [
        (utc("2024-11-03T05:00"), utc("2024-11-03T09:00")),  # 01:00 EDT to 04:00 EST: 4 hours
        (utc("2024-11-04T06:00"), utc("2024-11-04T09:00")),
    ]
    assert [e["start"] for e in autumn if "z" not in e["summary"].split()][1:3] == [
        utc("2024-11-03T09:00"), utc("2024-11-03T14:00")]  # 09:00 EST


async def test_errors_are_those_of_shifts(api, auth):
    await _create(api, PRIMARY)
    path = "/api/v1/schedules/primary/shifts.ics"
    assert (await api.client.get(path)).status_code == 401
    assert (await api.get("/api/v1/schedules/nope/shifts.ics"))[0] == 404
    status, body = await api.get(path, query_string={"since": "2024-01-01T00:00:00Z", "until": "2025-03-01T00:00:00Z"})
    assert status == 400 and body["error"]["details"][0]["field"] == "until"
    status, body = await api.get(path, query_string={"since": "2024-02-01T00:00:00Z", "until": "2024-01-01T00:00:00Z"})
    assert status == 400
    assert (await api.get(path, query_string={"since": "yesterday"}))[0] == 400


async def test_a_feed_too_costly_to_compute_is_422(api):
    from test_render_limit import _heavy_schedule

    await _create(api, _heavy_schedule())
    status, body = await api.get("/api/v1/schedules/heavy/shifts.ics")  # the default range: 194 days
    assert status == 422 and body["error"]["details"][0]["field"] == "until"


async def test_the_openapi_document_describes_the_feeds(api):
    status, doc = await api.get("/openapi.json")
    assert status == 200
    for path in ("/api/v1/schedules/{schedule_id}/shifts.ics", "/ical/{token}.ics"):
        answer = doc["paths"][path]["get"]["responses"]["200"]
        assert answer["content"] == {"text/calendar": {"schema": {"type": "string"}}}
    link = doc["paths"]["/ical/{token}.ics"]["get"]
    assert link["security"] == [] and "401" not in link["responses"]
    assert "401" in doc["paths"]["/api/v1/calendar-subscriptions"]["post"]["responses"]
