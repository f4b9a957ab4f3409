"""Handoff notices through the API, planned and sent by the engine run pass by pass at test instants (SQLite and
PostgreSQL).

Notices count from the instant they were configured (the API's real clock), so each test starts its clock at the
schedule's `created_at` and puts the shifts shortly after it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from nself_oncall import PermanentError, TemporaryError
from nself_oncall.models import Notice

TICK = timedelta(microseconds=1)
HOUR = timedelta(hours=1)
HALF = HOUR / 2
NY = ZoneInfo("America/New_York")


def z(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def local(instant: datetime) -> str:
    """How a message names an instant: its wall-clock time in New York and the zone's abbreviation then."""
    shown = instant.astimezone(NY)
    return f"{shown:%a %d %b %Y %H:%M} {shown.tzname()}"


def next_hour(instant: datetime) -> datetime:
    return instant.replace(minute=0, second=0, microsecond=0) + HOUR


async def users(api):
    for body in ({"id": "alice", "contacts": [{"channel": "pager", "address": "a1"}, {"channel": "pager", "address": "a2"}]},
                 {"id": "bob", "contacts": [{"channel": "pager", "address": "b1"}]},
                 {"id": "carol", "contacts": [{"channel": "pager", "address": "c1"}]},
                 {"id": "nobody-home"}):
        assert (await api.post("/api/v1/users", body))[0] == 201


async def schedule(api, start: datetime, notices, people=("alice", "bob"), unit="day", ident="primary"):
    """A schedule in New York whose rotation starts at `start`; answers it and its creation instant."""
    body = {"id": ident, "name": "Primary SRE", "timezone": "America/New_York", "notices": notices,
            "layers": [{"users": list(people), "rotation": {"unit": unit}, "start": z(start)}]}
    status, created = await api.post("/api/v1/schedules", body)
    assert status == 201, created
    return created, datetime.fromisoformat(created["notices"][0]["configured_at"]) if notices else None


async def planned_rows(schedule_id: str) -> list:
    return await Notice.filter(schedule_id=schedule_id, send_at__not_isnull=True).values_list("shift_start", flat=True)


async def notices(api, since: datetime, until: datetime, ident="primary"):
    status, body = await api.get(f"/api/v1/schedules/{ident}/notices?since={z(since)}&until={z(until)}")
    assert status == 200, body
    return [(datetime.fromisoformat(i["shift_start"]), i["user"], i["notice"], i["channel"], i["status"])
            for i in body["items"]], body["items"]


async def test_planned_then_sent_at_exactly_its_due_time_with_who_takes_over_from_whom(api, engine):
    await users(api)
    t0 = datetime.now(UTC)
    h = next_hour(t0) + HOUR
    sched, configured = await schedule(api, h, [{"channel": "team", "minutes_before": 0},
                                                {"oncall_contacts": True, "minutes_before": 60}])
    assert sched["notices"] == [
        {"channel": "team", "oncall_contacts": False, "minutes_before": 0, "configured_at": z(configured)},
        {"channel": None, "oncall_contacts": True, "minutes_before": 60, "configured_at": z(configured)},
    ]
    await engine.run(configured)
    rows, items = await notices(api, h, h + timedelta(days=2))
    assert rows == [
        (h, "alice", 1, None, "planned"), (h, "alice", 0, "team", "planned"),
        (h + 24 * HOUR, "bob", 1, None, "planned"), (h + 24 * HOUR, "bob", 0, "team", "planned"),
    ]
    assert [i["due_at"] for i in items[:2]] == [z(h - HOUR), z(h)]
    assert items[0]["sent_at"] is None and items[0]["error"] is None

    await engine.run(h - HOUR - TICK)
    assert engine.recorder.calls == []
    await engine.run(h - HOUR)
    assert engine.recorder.addresses() == ["a1", "a2"]
    message, contact = engine.recorder.calls[0]
    assert message.summary == (
        f"Primary SRE: alice takes over at {local(h)} (until {local(h + 24 * HOUR)}); nobody was on call before"
    )
    assert message.escalation_id is None and message.step == 1 and contact.user_id == "alice"
    assert message.link == "https://oncall.example.com/api/v1/schedules/primary/notices" and message.actions == ()
    assert message.as_json()["details"] == {
        "kind": "handoff", "schedule_id": "primary", "schedule_name": "Primary SRE", "timezone": "America/New_York",
        "user": "alice", "previous_user": None, "start": z(h), "end": z(h + 24 * HOUR),
        "start_local": h.astimezone(NY).isoformat(), "end_local": (h + 24 * HOUR).astimezone(NY).isoformat(),
        "notice": 1, "minutes_before": 60,
    }
    rows, items = await notices(api, h, h + HOUR)
    assert rows == [(h, "alice", 1, "pager", "sent"), (h, "alice", 1, "pager", "sent"), (h, "alice", 0, "team", "planned")]
    assert items[0]["sent_at"] is not None

    await engine.run(h - TICK)
    assert len(engine.recorder.calls) == 2
    await engine.run(h)
    assert engine.recorder.addresses()[2:] == ["#team"]

    handoff = h + 24 * HOUR
    for at in (h + 12 * HOUR, handoff - HOUR):  # the planner looks ahead as time goes on
        await engine.run(at)
    assert engine.recorder.addresses()[3:] == ["b1"]
    await engine.run(handoff)
    assert engine.recorder.addresses()[3:] == ["b1", "#team"]
    message, _ = engine.recorder.calls[-1]
    assert message.summary == f"Primary SRE: bob takes over from alice at {local(handoff)} (until {local(handoff + 24 * HOUR)})"
    assert message.details["previous_user"] == "alice" and message.details["user"] == "bob"
    await engine.run(handoff + HOUR)
    assert len(engine.recorder.calls) == 5  # each sent once


async def test_only_shifts_starting_after_the_notice_was_configured(api, engine):
    await users(api)
    t0 = datetime.now(UTC)
    started = t0.replace(minute=0, second=0, microsecond=0)
    _, configured = await schedule(api, started - 24 * HOUR, [{"channel": "team", "minutes_before": 60}],
                                   unit="hour")
    # The shift under way started before the notice was set: none. The next one's notice is due already (the
    # notice came too late to be early): pending, sent at the engine's next pass.
    rows, _ = await notices(api, started - HOUR, started + HOUR + TICK)
    assert rows == [(started + HOUR, "bob", 0, "team", "pending")]
    await engine.run(configured)
    sent = [m.details["start"] for m, _ in engine.recorder.calls]
    assert sent == [z(started + HOUR)]
    rows, _ = await notices(api, started - HOUR, started + HOUR + TICK)
    assert [(r[0], r[4]) for r in rows] == [(started + HOUR, "sent")]


async def test_a_moved_handoff_is_planned_again_and_the_old_one_never_sent(api, engine):
    await users(api)
    h = next_hour(datetime.now(UTC)) + HOUR
    _, configured = await schedule(api, h, [{"channel": "team", "minutes_before": 0}])
    for at in (configured, h - HALF):  # planned an hour (MARGIN) ahead
        await engine.run(at)
    assert len(await planned_rows("primary")) == 1
    moved = h + HALF
    status, body = await api.patch("/api/v1/schedules/primary", {
        "layers": [{"users": ["alice", "bob"], "rotation": {"unit": "day"}, "start": z(moved)}]})
    assert status == 200, body
    assert body["notices"][0]["configured_at"] == z(configured)  # unchanged: keeps its time

    # The due pass alone (before any planner pass) checks the schedule as it is now: the shift is gone.
    counts = await engine.notices.send(h)
    assert counts.sent == 0 and [reason for _, reason in counts.dropped] == ["the shift no longer starts then with this user"]
    await engine.run(h)
    await engine.run(moved - TICK)
    assert engine.recorder.calls == []
    rows, _ = await notices(api, h - HOUR, moved + HOUR)
    assert rows == [(moved, "alice", 0, "team", "planned")]
    await engine.run(moved)
    assert [m.details["start"] for m, _ in engine.recorder.calls] == [z(moved)]


async def test_a_planned_notice_moves_with_its_minutes_before(api, engine):
    await users(api)
    h = next_hour(datetime.now(UTC)) + HOUR
    _, configured = await schedule(api, h, [{"channel": "team", "minutes_before": 60}])
    await engine.run(configured)
    status, body = await api.patch("/api/v1/schedules/primary", {"notices": [{"channel": "team", "minutes_before": 10}]})
    assert status == 200 and body["notices"][0]["configured_at"] != z(configured)
    counts = await engine.notices.send(h - HOUR)  # due as planned, no longer due as configured: moved on
    assert counts.retimed == 1 and counts.sent == 0
    await engine.run(h - 10 * timedelta(minutes=1) - TICK)
    assert engine.recorder.calls == []
    await engine.run(h - 10 * timedelta(minutes=1))
    assert engine.recorder.addresses() == ["#team"]


async def test_an_override_makes_shifts_that_get_their_notices(api, engine):
    await users(api)
    h = next_hour(datetime.now(UTC)) + HOUR
    _, configured = await schedule(api, h, [{"oncall_contacts": True, "minutes_before": 0}])
    await engine.run(configured)
    override = {"schedule_id": "primary", "user": "carol", "start": z(h + 2 * HOUR), "end": z(h + 3 * HOUR)}
    assert (await api.post("/api/v1/overrides", override))[0] == 201
    for at in (h, h + 2 * HOUR, h + 3 * HOUR):
        await engine.run(at)
    assert engine.recorder.addresses() == ["a1", "a2", "c1", "a1", "a2"]
    summaries = [m.summary for m, _ in engine.recorder.calls]
    assert summaries[2].startswith(f"Primary SRE: carol takes over from alice at {local(h + 2 * HOUR)}")
    assert summaries[3].startswith(f"Primary SRE: alice takes over from carol at {local(h + 3 * HOUR)}")


async def test_removed_notices_and_deleted_schedules_send_nothing_more(api, engine):
    await users(api)
    h = next_hour(datetime.now(UTC)) + HOUR
    _, configured = await schedule(api, h, [{"channel": "team", "minutes_before": 0}])
    await schedule(api, h, [{"channel": "team", "minutes_before": 0}], ident="other")
    for at in (configured, h - HALF):
        await engine.run(at)
    assert len(await planned_rows("primary")) == len(await planned_rows("other")) == 1
    rows, _ = await notices(api, h, h + HOUR)
    assert rows == [(h, "alice", 0, "team", "planned")]

    status, body = await api.patch("/api/v1/schedules/primary", {"notices": []})
    assert status == 200 and body["notices"] == []
    assert (await api.delete("/api/v1/schedules/other"))[0] == 204
    assert (await notices(api, h, h + HOUR))[0] == []
    counts = await engine.notices.send(h)
    assert [reason for _, reason in counts.dropped] == ["the notice was removed"]
    for at in (h, h + 24 * HOUR):
        await engine.run(at)
    assert engine.recorder.calls == []


async def test_a_user_without_contacts_is_undeliverable_and_failures_show(api, engine, recorder):
    await users(api)
    h = next_hour(datetime.now(UTC)) + HOUR
    _, configured = await schedule(api, h, [{"oncall_contacts": True, "minutes_before": 0},
                                            {"channel": "team", "minutes_before": 0},
                                            {"channel": "pager", "minutes_before": 0}],
                                   people=("nobody-home", "ghost"))
    recorder.fail["team"] = PermanentError("channel archived")
    recorder.fail["pager"] = TemporaryError("busy")
    await engine.run(configured)
    await engine.run(h)
    rows, items = await notices(api, h, h + 25 * HOUR)
    assert rows == [
        (h, "nobody-home", 0, None, "undeliverable"), (h, "nobody-home", 1, "team", "failed"),
        (h, "nobody-home", 2, "pager", "pending"),
        (h + 24 * HOUR, "ghost", 0, None, "planned"), (h + 24 * HOUR, "ghost", 1, "team", "planned"),
        (h + 24 * HOUR, "ghost", 2, "pager", "planned"),
    ]
    assert "no contact methods" in items[0]["error"] and "channel archived" in items[1]["error"]
    assert items[2]["error"] == "busy"
    del recorder.fail["pager"]
    await engine.run(h + HOUR)
    for at in (h + 12 * HOUR, h + 24 * HOUR):
        await engine.run(at)
    rows, items = await notices(api, h, h + 25 * HOUR)
    assert [r[4] for r in rows] == ["undeliverable", "failed", "sent", "undeliverable", "failed", "sent"]
    assert "'ghost' does not exist" in items[3]["error"]


async def test_notices_are_validated(api):
    await users(api)
    layer = {"users": ["alice"], "rotation": {"unit": "day"}, "start": "2026-01-01T00:00:00Z"}
    base = {"id": "v", "name": "V", "layers": [layer]}
    for bad in ([{"channel": "nope"}], [{"channel": "team", "oncall_contacts": True}], [{}],
                [{"oncall_contacts": False}], [{"channel": "team", "minutes_before": -1}],
                [{"channel": "team", "minutes_before": 10_081}], [{"channel": "team", "minutes_before": "soon"}],
                [{"channel": "bad name"}], [{"channel": "team"}] * 21, {"channel": "team"}):
        status, body = await api.post("/api/v1/schedules", {**base, "notices": bad})
        assert status == 422, (bad, body)
        assert body["error"]["code"] == "validation_error"
    status, body = await api.post("/api/v1/schedules", {**base, "notices": [{"channel": "nope"}]})
    assert "notices[0].channel" in str(body)
    assert (await api.get("/api/v1/schedules/v"))[0] == 404  # nothing was made

    status, made = await api.post("/api/v1/schedules", {**base, "notices": [{"channel": "team", "minutes_before": 7.5},
                                                                            {"oncall_contacts": True}]})
    assert status == 201 and [n["minutes_before"] for n in made["notices"]] == [7.5, 0]
    status, again = await api.patch("/api/v1/schedules/v", {"notices": made["notices"]})  # an answer can be sent back
    assert status == 200 and again["notices"] == made["notices"]
    status, body = await api.patch("/api/v1/schedules/v", {"notices": [{"channel": "nope"}]})
    assert status == 422 and (await api.get("/api/v1/schedules/v"))[1]["notices"] == made["notices"]

    for query in ("since=yesterday", "since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z",
                  "since=2026-01-01T00:00:00Z&until=2027-03-01T00:00:00Z"):
        status, body = await api.get(f"/api/v1/schedules/v/notices?{query}")
        assert status == 400, (query, body)
    assert (await api.get("/api/v1/schedules/missing/notices"))[0] == 404


async def test_a_notice_more_than_an_hour_late_is_dropped(api, engine):
    """An engine that was down sends what it missed up to an hour after the shift started, and nothing older."""
    await users(api)
    h = next_hour(datetime.now(UTC)) + HOUR
    _, configured = await schedule(api, h, [{"channel": "team", "minutes_before": 0}], unit="hour")
    for at in (configured, h - HALF):
        await engine.run(at)
    assert await planned_rows("primary") == [h]  # planned an hour (MARGIN) ahead
    await engine.run(h + 2 * HOUR)  # down since: h started more than an hour ago, h + 1 hour not
    assert [m.details["start"] for m, _ in engine.recorder.calls] == [z(h + HOUR), z(h + 2 * HOUR)]
    assert await planned_rows("primary") == []  # h dropped; h + 3 hours is not yet within an hour
    rows, _ = await notices(api, h + HOUR, h + 2 * HOUR + TICK)  # (the API's clock is real: h is still ahead)
    assert [(r[0], r[4]) for r in rows] == [(h + HOUR, "sent"), (h + 2 * HOUR, "sent")]


async def test_a_notice_to_oncall_contacts_goes_to_every_contact_at_once_whatever_the_rules(api, engine):
    """Notification rules are for pages: a handoff notice reaches every contact of the incoming user at its time."""
    await users(api)
    rules = [{"contact": 1, "delay_minutes": 5}]
    assert (await api.patch("/api/v1/users/alice", {"notification_rules": rules}))[0] == 200
    h = next_hour(datetime.now(UTC)) + HOUR
    _, configured = await schedule(api, h, [{"oncall_contacts": True, "minutes_before": 0}])
    await engine.run(configured)
    await engine.run(h)
    assert engine.recorder.addresses() == ["a1", "a2"]
    assert all(c.user_id == "alice" for _, c in engine.recorder.calls)
