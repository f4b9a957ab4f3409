"""Escalations through the API, with the engine run pass by pass at test instants (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from races import finished_or_waiting, held_after
from tortoise import connections

from nself_oncall import PermanentError, TemporaryError
from nself_oncall.clock import utcnow
from nself_oncall.engine.retry import Retry
from nself_oncall.store import escalations, results


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


async def setup(api, repeat=1, delays=(5, 10)):
    assert (await api.post("/api/v1/users", {"id": "alice", "contacts": [{"channel": "pager", "address": "a1"},
                                                                            {"channel": "pager", "address": "a2"}]}))[0] == 201
    assert (await api.post("/api/v1/users", {"id": "bob", "contacts": [{"channel": "pager", "address": "b1"}]}))[0] == 201
    assert (await api.post("/api/v1/users", {"id": "nobody-home"}))[0] == 201
    schedule = {"id": "primary", "name": "Primary", "layers": [
        {"users": ["alice"], "rotation": {"unit": "week"}, "start": "2026-01-01T00:00:00Z"}]}
    assert (await api.post("/api/v1/schedules", schedule))[0] == 201
    policy = {"id": "sre", "name": "SRE", "repeat": repeat, "steps": [
        {"delay_minutes": delays[0], "targets": [{"type": "schedule", "id": "primary"}]},
        {"delay_minutes": delays[1], "targets": [{"type": "user", "id": "bob"}, {"type": "channel", "id": "team"},
                                                 {"type": "user", "id": "nobody-home"}]},
    ]}
    assert (await api.post("/api/v1/policies", policy))[0] == 201


async def trigger(api, engine, **fields):
    body = {"policy_id": "sre", "summary": "API error rate 12%", **fields}
    status, esc = await api.post("/api/v1/escalations", body)
    return status, esc


async def triggered_at(api, engine):
    """Trigger now; the test clock starts at the escalation's own created_at."""
    status, esc = await trigger(api, engine, details={"service": "api", "codes": [500, 503]})
    assert status == 201, esc
    return esc, datetime.fromisoformat(esc["created_at"])


async def test_trigger_answers_at_once_and_the_engine_walks_the_steps(api, engine):
    await setup(api)
    esc, t0 = await triggered_at(api, engine)
    assert esc["status"] == "triggered" and esc["notifications"] == [] and esc["steps_notified"] == 0
    assert esc["next_step_at"] == esc["created_at"]
    assert esc["policy"]["steps"][0]["targets"] == [{"type": "schedule", "id": "primary"}]

    await engine.run(t0)
    assert engine.recorder.addresses() == ["a1", "a2"]
    message, contact = engine.recorder.calls[0]
    assert message.escalation_id == esc["id"] and message.summary == "API error rate 12%"
    assert message.as_json()["details"] == {"service": "api", "codes": [500, 503]}
    assert message.link == f"https://oncall.example.com/api/v1/escalations/{esc['id']}"
    assert contact.user_id == "alice" and message.target.type == "schedule"

    await engine.run(t0 + minutes(5) - timedelta(microseconds=1))
    assert len(engine.recorder.calls) == 2
    await engine.run(t0 + minutes(5))
    assert engine.recorder.addresses()[2:] == ["b1", "#team"]
    await engine.run(t0 + minutes(15))
    await engine.run(t0 + minutes(20))
    await engine.run(t0 + minutes(500))
    assert engine.recorder.addresses() == ["a1", "a2", "b1", "#team", "a1", "a2", "b1", "#team"]

    status, got = await api.get(f"/api/v1/escalations/{esc['id']}")
    assert status == 200 and got["next_step_at"] is None and got["steps_notified"] == 4
    rows = [(n["loop"], n["step"], n["user"], n["channel"], n["status"]) for n in got["notifications"]]
    assert rows == [
        (0, 0, "alice", "pager", "sent"), (0, 0, "alice", "pager", "sent"),
        (0, 1, "bob", "pager", "sent"), (0, 1, None, "team", "sent"), (0, 1, "nobody-home", None, "undeliverable"),
        (1, 0, "alice", "pager", "sent"), (1, 0, "alice", "pager", "sent"),
        (1, 1, "bob", "pager", "sent"), (1, 1, None, "team", "sent"), (1, 1, "nobody-home", None, "undeliverable"),
    ]
    undeliverable = got["notifications"][4]
    assert "no contact methods" in undeliverable["error"] and undeliverable["attempts"] == 0
    assert {n["due_at"] for n in got["notifications"] if n["loop"] == 1 and n["step"] == 1} == {
        (t0 + minutes(20)).isoformat().replace("+00:00", "Z")
    }


async def test_notifications_are_created_when_their_step_is_reached_never_before(api, engine):
    await setup(api)
    esc, t0 = await triggered_at(api, engine)
    await engine.escalate(t0 + minutes(4))
    _, got = await api.get(f"/api/v1/escalations/{esc['id']}")
    assert {n["step"] for n in got["notifications"]} == {0}
    assert all(n["status"] == "pending" for n in got["notifications"] if n["user"] == "alice")


async def test_dedup_returns_the_open_escalation_and_notifies_nobody_again(api, engine):
    await setup(api)
    status, first = await trigger(api, engine, dedup_key="svc-api-5xx")
    assert status == 201
    status, again = await trigger(api, engine, dedup_key="svc-api-5xx", summary="other")
    assert status == 200 and again["id"] == first["id"] and again["summary"] == "API error rate 12%"
    await api.post(f"/api/v1/escalations/{first['id']}/acknowledge")
    status, again = await trigger(api, engine, dedup_key="svc-api-5xx")
    assert status == 200 and again["id"] == first["id"] and again["status"] == "acknowledged"
    await api.post(f"/api/v1/escalations/{first['id']}/resolve")
    status, fresh = await trigger(api, engine, dedup_key="svc-api-5xx")
    assert status == 201 and fresh["id"] != first["id"]
    status, other = await trigger(api, engine, dedup_key="another")
    assert status == 201


async def test_a_dedup_match_is_open_when_read_even_if_a_resolve_commits_right_after(api, engine, monkeypatch):
    """A resolve that commits just after the trigger found the open escalation by its key: the trigger answers
    that escalation as it found it, open (it came first), never one already resolved; the next trigger is new."""
    await setup(api)
    status, first = await trigger(api, engine, dedup_key="svc-api-5xx")
    assert status == 201
    resolved = []
    client = connections.get("default")
    read = client.execute_query

    async def read_then_resolve(sql, values=None):
        answer = await read(sql, values)
        if not resolved and sql.startswith("SELECT") and 'WHERE "open_key"=' in sql:  # the read by key
            resolved.append(await escalations.resolve(first["id"], "bob", utcnow(), actor="test"))
        return answer

    monkeypatch.setattr(client, "execute_query", read_then_resolve)
    status, again = await trigger(api, engine, dedup_key="svc-api-5xx")
    assert [r.status for r in resolved] == ["resolved"]  # it ran between the trigger's read and its answer
    assert (status, again["id"], again["status"], again["resolved_at"]) == (200, first["id"], "triggered", None)
    status, fresh = await trigger(api, engine, dedup_key="svc-api-5xx")
    assert status == 201 and fresh["id"] != first["id"] and fresh["status"] == "triggered"


async def test_a_trigger_of_a_policy_over_the_message_limit_is_refused(api, engine):
    """A user the policy names has had 50 contacts since it was saved: 201 x 50 messages. A trigger counts the
    contacts (nothing else is looked up) and refuses; a duplicate of the open escalation still answers it."""
    assert (await api.post("/api/v1/users", {"id": "many", "contacts": [{"channel": "pager", "address": "m0"}]}))[0] == 201
    step = {"delay_minutes": 5, "targets": [{"type": "user", "id": "many"}] * 201}
    assert (await api.post("/api/v1/policies", {"id": "sre", "name": "SRE", "steps": [step]}))[0] == 201
    status, first = await trigger(api, engine, dedup_key="disk")
    assert status == 201
    contacts = [{"channel": "pager", "address": f"m{i}"} for i in range(50)]
    assert (await api.patch("/api/v1/users/many", {"contacts": contacts}))[0] == 200
    status, body = await trigger(api, engine)
    assert status == 422 and body["error"]["details"] == [{"field": "policy_id", "message": (
        "an escalation of this policy sends at least 10,050 messages through its last repeat, over the limit of 10,000")}]
    status, again = await trigger(api, engine, dedup_key="disk")
    assert status == 200 and again["id"] == first["id"]
    _, listed = await api.get("/api/v1/escalations")
    assert [e["id"] for e in listed["items"]] == [first["id"]]


async def test_acknowledge_stops_further_steps_and_resolve_ends(api, engine):
    await setup(api)
    esc, t0 = await triggered_at(api, engine)
    await engine.run(t0)
    status, acked = await api.post(f"/api/v1/escalations/{esc['id']}/acknowledge", {"by": "alice"})
    assert status == 200 and acked["status"] == "acknowledged" and acked["acknowledged_by"] == "alice"
    assert acked["next_step_at"] is None and len(acked["notifications"]) == 2
    status, again = await api.post(f"/api/v1/escalations/{esc['id']}/acknowledge", {"by": "bob"})
    assert status == 200 and again["acknowledged_by"] == "alice" and again["acknowledged_at"] == acked["acknowledged_at"]
    await engine.run(t0 + minutes(60))
    assert len(engine.recorder.calls) == 2
    status, resolved = await api.post(f"/api/v1/escalations/{esc['id']}/resolve")
    assert status == 200 and resolved["status"] == "resolved" and resolved["resolved_by"] is None
    for action in ("acknowledge", "resolve"):
        status, body = await api.post(f"/api/v1/escalations/{esc['id']}/{action}")
        assert status == 409 and body["error"]["code"] == "conflict"


async def test_ack_between_steps_at_every_point(api, engine):
    """An ack at any instant stops exactly the steps due after it."""
    await setup(api, repeat=0, delays=(5, 5))
    for ack_after in (0, 1, 4.999, 5, 5.001, 9):
        esc, t0 = await triggered_at(api, engine)
        await engine.run(t0 + minutes(ack_after))
        await api.post(f"/api/v1/escalations/{esc['id']}/acknowledge")
        await engine.run(t0 + minutes(30))
        _, got = await api.get(f"/api/v1/escalations/{esc['id']}")
        expected_steps = {0} if ack_after < 5 else {0, 1}
        assert {n["step"] for n in got["notifications"]} == expected_steps, ack_after


async def test_the_snapshot_survives_policy_edits_and_deletion(api, engine):
    await setup(api, repeat=0)
    esc, t0 = await triggered_at(api, engine)
    await api.patch("/api/v1/policies/sre", {"steps": [{"delay_minutes": 1, "targets": [{"type": "user", "id": "bob"}]}]})
    await engine.run(t0)
    assert engine.recorder.addresses() == ["a1", "a2"]
    assert (await api.delete("/api/v1/policies/sre"))[0] == 204
    await engine.run(t0 + minutes(5))
    assert engine.recorder.addresses()[2:] == ["b1", "#team"]
    status, got = await api.get(f"/api/v1/escalations/{esc['id']}")
    assert status == 200 and got["policy"]["steps"][0]["delay_minutes"] == 5


async def test_unknown_policy_is_404_and_bad_bodies_are_422(api):
    status, body = await api.post("/api/v1/escalations", {"policy_id": "nope", "summary": "x"})
    assert status == 404
    await setup(api)
    for bad in ({"policy_id": "sre"}, {"policy_id": "sre", "summary": ""}, {"policy_id": "sre", "summary": "x", "details": []},
                {"policy_id": "sre", "summary": "x", "details": {"a": "\u0000"}},
                {"policy_id": "sre", "summary": "x", "dedup_key": "a\nb"}):
        status, body = await api.post("/api/v1/escalations", bad)
        assert status == 422, (bad, body)
    assert (await api.get("/api/v1/escalations"))[1]["items"] == []


async def test_list_newest_first_with_filters_and_pages(api, engine):
    await setup(api)
    ids = [(await trigger(api, engine, summary=f"n{i}"))[1]["id"] for i in range(5)]
    await api.post(f"/api/v1/escalations/{ids[1]}/acknowledge")
    await api.post(f"/api/v1/escalations/{ids[3]}/resolve")
    status, page = await api.get("/api/v1/escalations?limit=2")
    assert status == 200 and [e["id"] for e in page["items"]] == ids[::-1][:2] and "notifications" not in page["items"][0]
    _, rest = await api.get(f"/api/v1/escalations?limit=10&cursor={page['next_cursor']}")
    assert [e["id"] for e in rest["items"]] == ids[::-1][2:] and rest["next_cursor"] is None
    _, acked = await api.get("/api/v1/escalations?status=acknowledged,resolved")
    assert [e["id"] for e in acked["items"]] == [ids[3], ids[1]]
    _, triggered = await api.get("/api/v1/escalations?status=triggered&policy_id=sre")
    assert [e["id"] for e in triggered["items"]] == [ids[4], ids[2], ids[0]]
    _, none = await api.get("/api/v1/escalations?policy_id=other")
    assert none["items"] == []
    for bad in ("status=open", "status=triggered,", "cursor=zz", "limit=0"):
        assert (await api.get(f"/api/v1/escalations?{bad}"))[0] == 400, bad
    assert (await api.get("/api/v1/escalations/0123456789abcdef01234567"))[0] == 404
    assert (await api.get("/api/v1/escalations/nope"))[0] == 404


async def test_temporary_failures_retry_with_backoff_then_fail(api, engine, recorder):
    await setup(api, repeat=0)
    recorder.fail["a1"] = TemporaryError("busy")
    recorder.fail["a2"] = PermanentError("no such number")
    esc, t0 = await triggered_at(api, engine)
    await engine.run(t0)
    _, got = await api.get(f"/api/v1/escalations/{esc['id']}")
    a1, a2 = got["notifications"][:2]
    assert (a1["status"], a1["attempts"], a1["error"]) == ("pending", 1, "busy")
    assert (a2["status"], a2["attempts"]) == ("failed", 1) and "no such number" in a2["error"]
    await engine.dispatch(t0 + timedelta(seconds=9.9))  # base 10 s with rand 1.0: the first retry waits 10 s
    assert engine.recorder.addresses() == ["a1", "a2"]
    await engine.dispatch(t0 + timedelta(seconds=10))
    await engine.dispatch(t0 + timedelta(seconds=30))
    assert engine.recorder.addresses() == ["a1", "a2", "a1", "a1"]
    await engine.run(t0 + minutes(5))  # the next step goes on time whatever the retries do
    await engine.dispatch(t0 + minutes(60))
    _, got = await api.get(f"/api/v1/escalations/{esc['id']}")
    a1 = got["notifications"][0]
    assert (a1["status"], a1["attempts"]) == ("failed", 3) and "gave up after 3 attempts" in a1["error"]
    assert [n["status"] for n in got["notifications"][2:]] == ["sent", "sent", "undeliverable"]


async def test_schedule_targets_reach_whoever_the_api_says_is_on_call_at_the_due_instant(api, engine):
    """Hourly hand-offs: each loop's step 0 pages the person `GET .../oncall?at=<due>` names, override included."""
    for user in ("ann", "ben"):
        assert (await api.post("/api/v1/users", {"id": user, "contacts": [{"channel": "pager", "address": user}]}))[0] == 201
    layer = {"users": ["ann", "ben"], "rotation": {"unit": "hour"}, "start": "2026-01-01T00:00:00Z"}
    assert (await api.post("/api/v1/schedules", {"id": "hourly", "name": "H", "layers": [layer]}))[0] == 201
    step = {"delay_minutes": 40, "targets": [{"type": "schedule", "id": "hourly"}]}
    assert (await api.post("/api/v1/policies", {"id": "sre", "name": "S", "repeat": 3, "steps": [step]}))[0] == 201
    esc, t0 = await triggered_at(api, engine)
    override = {"schedule_id": "hourly", "user": "ann", "start": (t0 + minutes(79)).isoformat(),
                "end": (t0 + minutes(81)).isoformat()}
    assert (await api.post("/api/v1/overrides", override))[0] == 201
    expected = []
    for k in range(4):
        due = t0 + minutes(40 * k)
        _, oncall = await api.get(f"/api/v1/schedules/hourly/oncall?at={due.isoformat().replace('+00:00', 'Z')}")
        expected.append(oncall["user"])
        await engine.run(due)
    assert engine.recorder.addresses() == expected
    assert expected[2] == "ann"  # the override's minute


async def test_a_gap_or_a_missing_notifier_is_undeliverable_and_the_escalation_goes_on(api, engine):
    layer = {"users": ["ann"], "rotation": {"unit": "day"}, "start": "2030-01-01T00:00:00Z"}  # nobody before 2030
    assert (await api.post("/api/v1/schedules", {"id": "later", "name": "L", "layers": [layer]}))[0] == 201
    steps = [{"delay_minutes": 1, "targets": [{"type": "schedule", "id": "later"}, {"type": "channel", "id": "pigeon"}]},
             {"delay_minutes": 1, "targets": [{"type": "channel", "id": "team"}]}]
    assert (await api.post("/api/v1/policies", {"id": "sre", "name": "S", "steps": steps}))[0] == 201
    esc, t0 = await triggered_at(api, engine)
    await engine.run(t0)
    await engine.run(t0 + minutes(1))
    _, got = await api.get(f"/api/v1/escalations/{esc['id']}")
    found = [(n["step"], n["target"]["id"], n["status"]) for n in got["notifications"]]
    assert found == [(0, "later", "undeliverable"), (0, "pigeon", "undeliverable"), (1, "team", "sent")]
    assert got["notifications"][0]["error"] == "nobody on call"
    assert "carrier-pigeon" in got["notifications"][1]["error"] and got["notifications"][1]["attempts"] == 1


async def test_a_rate_limited_contact_waits_and_loses_nothing(app, api, engine):
    """Three escalations page one contact at once under "1/1m": the messages go a minute apart, none dropped."""
    from dataclasses import replace as with_changes

    from nself_oncall.escalation import parse_rule

    registry = app.app.extensions["notifiers"]
    registry.channels["pager"] = with_changes(registry.channels["pager"], rate_limit=(parse_rule("1/1m"),))
    engine.dispatcher.limits = {"pager": registry.channels["pager"].rate_limit}
    assert (await api.post("/api/v1/users", {"id": "bob", "contacts": [{"channel": "pager", "address": "b1"}]}))[0] == 201
    step = {"delay_minutes": 60, "targets": [{"type": "user", "id": "bob"}]}
    assert (await api.post("/api/v1/policies", {"id": "sre", "name": "S", "steps": [step]}))[0] == 201
    escalations = [(await triggered_at(api, engine)) for _ in range(3)]
    t0 = max(t for _, t in escalations)
    await engine.run(t0)
    assert len(engine.recorder.calls) == 1
    await engine.dispatch(t0 + timedelta(seconds=59))
    assert len(engine.recorder.calls) == 1
    await engine.dispatch(t0 + timedelta(seconds=60))
    assert len(engine.recorder.calls) == 2
    await engine.dispatch(t0 + timedelta(seconds=120))
    assert len(engine.recorder.calls) == 3
    for esc, _ in escalations:
        _, got = await api.get(f"/api/v1/escalations/{esc['id']}")
        assert [n["status"] for n in got["notifications"]] == ["sent"]


async def test_racing_triggers_with_one_dedup_key_open_one_escalation(api):
    await setup(api)
    answers = await asyncio.gather(*(trigger(api, None, dedup_key="same") for _ in range(12)))
    assert sorted(status for status, _ in answers) == [200] * 11 + [201]
    assert len({body["id"] for _, body in answers}) == 1


async def test_a_step_racing_an_acknowledgement_is_wholly_before_it_or_not_sent(api, engine):
    """Acknowledgements and the escalator take the same row lock: each escalation's step 1 is all there or absent,
    and once the acknowledgement has answered, no step of it is written any more."""
    await setup(api, repeat=0)
    started = [await triggered_at(api, engine) for _ in range(20)]
    t0 = max(t for _, t in started)
    await engine.escalate(t0)

    async def acknowledge(esc):
        await asyncio.sleep(0)
        return await api.post(f"/api/v1/escalations/{esc['id']}/acknowledge")

    await asyncio.gather(engine.escalate(t0 + minutes(5)), *(acknowledge(esc) for esc, _ in started))
    await engine.escalate(t0 + minutes(60))
    for esc, _ in started:
        _, got = await api.get(f"/api/v1/escalations/{esc['id']}")
        step1 = [n for n in got["notifications"] if n["step"] == 1]
        assert len(step1) in (0, 3), got["notifications"]
        assert got["status"] == "acknowledged" and got["next_step_at"] is None


async def test_a_retry_written_while_an_acknowledgement_commits_is_stopped(api, engine, recorder, db_url, monkeypatch):
    """The acknowledgement stops the retries waiting (a1's is not: it is being sent) and, before it commits, a1's
    failure is written with a retry: whichever commits first, the retry is not left scheduled."""
    await setup(api, repeat=0)
    recorder.fail["a1"] = TemporaryError("busy")
    esc, t0 = await triggered_at(api, engine)
    await engine.escalate(t0)
    claimed = await engine.dispatcher.claim(t0, 10)  # a1 and a2, under way
    written = [(await engine.dispatcher.send(c, lambda: t0))[0] for c in claimed]
    assert sorted(r.status for r in written) == ["pending", "sent"]
    logged, commit = held_after(monkeypatch, escalations, "_log")  # the acknowledgement's last step before it commits
    acknowledging = asyncio.create_task(api.post(f"/api/v1/escalations/{esc['id']}/acknowledge"))
    await logged.wait()
    finishing = asyncio.create_task(results.finish(written))
    await finished_or_waiting(finishing, db_url)
    commit.set()
    assert (await acknowledging)[0] == 200 and await finishing == {r.id for r in written}
    _, got = await api.get(f"/api/v1/escalations/{esc['id']}")
    a1 = got["notifications"][0]
    assert (a1["status"], a1["error"]) == ("failed", "busy (not retried: the escalation is acknowledged)")
    await engine.run(t0 + minutes(60))
    assert recorder.addresses() == ["a1", "a2"]


async def test_an_acknowledgement_stops_retries_but_not_first_attempts(api, engine, recorder):
    await setup(api, repeat=0)
    engine.dispatcher.retry = Retry(attempts=3, base=600, cap=600)
    recorder.fail["a1"] = TemporaryError("busy")
    esc, t0 = await triggered_at(api, engine)
    await engine.run(t0)  # a1 fails once and waits ten minutes for a retry; a2 is sent
    await engine.escalate(t0 + minutes(5))  # step 1 is reached: its messages are written, not yet sent
    claimed = await engine.dispatcher.claim(t0 + minutes(5), 10)  # b1 and the team channel: under way during the ack
    assert len(claimed) == 2
    status, acked = await api.post(f"/api/v1/escalations/{esc['id']}/acknowledge")
    assert status == 200
    recorder.fail["b1"] = TemporaryError("busy too")
    await results.finish([(await engine.dispatcher.send(c, lambda: t0 + minutes(5)))[0] for c in claimed])
    await engine.dispatch(t0 + minutes(60))
    _, got = await api.get(f"/api/v1/escalations/{esc['id']}")
    by_address = {(n["user"], n["channel"], n["step"]): n for n in got["notifications"]}
    a1 = got["notifications"][0]
    assert (a1["status"], a1["attempts"]) == ("failed", 1)
    assert a1["error"] == "busy (not retried: the escalation is acknowledged)"
    b1 = by_address[("bob", "pager", 1)]
    assert b1["status"] == "failed" and b1["error"].endswith("(not retried: the escalation is acknowledged)")
    assert by_address[(None, "team", 1)]["status"] == "sent"  # reached before the acknowledgement: sent once
    assert engine.recorder.addresses().count("a1") == 1 and engine.recorder.addresses().count("b1") == 1
