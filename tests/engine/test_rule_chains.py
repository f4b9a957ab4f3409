"""Notification rules on a test clock: each person's messages are made when they fall due, never ahead of time, stop
at an acknowledgement or a resolution, and outlive the step that started them (SQLite and PostgreSQL)."""

from __future__ import annotations

import importlib
from datetime import datetime, timedelta

from nself_oncall.models import PlannedMessage

MINUTE = timedelta(minutes=1)


async def made(api, path, body):
    status, answer = await api.post(path, body)
    assert status == 201, answer
    return answer


async def person(api, ident, contacts, rules):
    """A user with `contacts` addresses on the pager channel and (contact, delay) rules."""
    await made(api, "/api/v1/users", {
        "id": ident,
        "contacts": [{"channel": "pager", "address": a} for a in contacts],
        "notification_rules": [{"contact": c, "delay_minutes": d} for c, d in rules],
    })


async def policy(api, steps, repeat=0):
    """`steps`: (delay_minutes, [target "type:id", ...])."""
    body = [{"delay_minutes": d, "targets": [dict(zip(("type", "id"), t.split(":"), strict=True)) for t in targets]}
            for d, targets in steps]
    await made(api, "/api/v1/policies", {"id": "sre", "name": "SRE", "repeat": repeat, "steps": body})


async def trigger(api) -> tuple[str, datetime]:
    esc = await made(api, "/api/v1/escalations", {"policy_id": "sre", "summary": "disk full"})
    return esc["id"], datetime.fromisoformat(esc["created_at"])


async def sent(api, esc_id) -> list[tuple]:
    """(address, rule, due minutes after the trigger, loop, step) of each notification the escalation has."""
    status, body = await api.get(f"/api/v1/escalations/{esc_id}")
    assert status == 200
    t0 = datetime.fromisoformat(body["created_at"])
    rows = [(n["user"], n["rule"], (datetime.fromisoformat(n["due_at"]) - t0) / MINUTE, n["loop"], n["step"], n["id"])
            for n in body["notifications"]]
    return sorted(rows, key=lambda r: (r[2], r[0] or "", r[1] or 0))


async def test_each_rule_is_made_when_it_falls_due_and_not_before(api, engine):
    await person(api, "ann", ["ann-push", "ann-sms", "ann-call"], [(0, 0), (1, 2), (2, 5), (0, 5)])
    await policy(api, [(30, ["user:ann"])])
    esc, t0 = await trigger(api)

    await engine.run(t0)
    assert [(r[1], r[2]) for r in await sent(api, esc)] == [(0, 0)]
    assert engine.recorder.addresses() == ["ann-push"]
    await engine.run(t0 + 2 * MINUTE - timedelta(microseconds=1))
    assert len(await sent(api, esc)) == 1  # never ahead of time
    await engine.run(t0 + 2 * MINUTE)
    assert [(r[1], r[2]) for r in await sent(api, esc)] == [(0, 0), (1, 2)]
    await engine.run(t0 + 7 * MINUTE)  # missed while no engine ran: both written, each with its own due time
    assert [(r[1], r[2]) for r in await sent(api, esc)] == [(0, 0), (1, 2), (2, 5), (3, 5)]
    assert engine.recorder.addresses() == ["ann-push", "ann-sms", "ann-call", "ann-push"]
    assert await PlannedMessage.filter(escalation_id=esc).count() == 0
    status, body = await api.get(f"/api/v1/escalations/{esc}")
    assert body["next_step_at"] is None and {n["status"] for n in body["notifications"]} == {"sent"}


async def test_an_acknowledgement_between_rules_stops_the_later_ones(api, engine):
    await person(api, "ann", ["ann-push", "ann-call"], [(0, 0), (1, 5)])
    await policy(api, [(30, ["user:ann"])], repeat=1)
    esc, t0 = await trigger(api)
    await engine.run(t0)
    assert await PlannedMessage.filter(escalation_id=esc).count() == 1
    status, _ = await api.post(f"/api/v1/escalations/{esc}/acknowledge", {"by": "ann"})
    assert status == 200
    assert await PlannedMessage.filter(escalation_id=esc).count() == 0
    await engine.run(t0 + 90 * MINUTE)
    assert [(r[1], r[2]) for r in await sent(api, esc)] == [(0, 0)]
    assert engine.recorder.addresses() == ["ann-push"]


async def test_a_resolution_before_a_rule_stops_it_too(api, engine):
    await person(api, "ann", ["ann-push", "ann-call"], [(0, 1), (1, 3)])
    await policy(api, [(30, ["user:ann"])])
    esc, t0 = await trigger(api)
    await engine.run(t0)
    assert await sent(api, esc) == []  # the first rule waits a minute
    await engine.run(t0 + MINUTE)
    assert (await api.post(f"/api/v1/escalations/{esc}/resolve", {}))[0] == 200
    await engine.run(t0 + 10 * MINUTE)
    assert [(r[1], r[2]) for r in await sent(api, esc)] == [(0, 1)]


async def test_the_rules_keep_running_when_the_escalation_moves_on(api, engine):
    """GoAlert's way: ann's call at +10 still goes after step 1 paged bob at +2, and after the last step."""
    await person(api, "ann", ["ann-push", "ann-call"], [(0, 0), (1, 10)])
    await person(api, "bob", ["bob-push"], [])
    await policy(api, [(2, ["user:ann"]), (1, ["user:bob"])])
    esc, t0 = await trigger(api)
    for minutes in range(0, 12):
        await engine.run(t0 + minutes * MINUTE)
    assert [(r[0], r[1], r[2], r[4]) for r in await sent(api, esc)] == [
        ("ann", 0, 0, 0), ("bob", None, 2, 1), ("ann", 1, 10, 0)]
    assert engine.recorder.addresses() == ["ann-push", "bob-push", "ann-call"]


async def test_a_person_reached_by_two_steps_and_two_loops_gets_a_chain_for_each(api, engine):
    await person(api, "ann", ["ann-push", "ann-call"], [(0, 0), (1, 4)])
    await policy(api, [(1, ["user:ann"]), (2, ["user:ann", "channel:team"])], repeat=1)
    esc, t0 = await trigger(api)
    t = t0
    while t is not None:
        await engine.run(t)
        _, body = await api.get(f"/api/v1/escalations/{esc}")
        t = None if body["next_step_at"] is None else datetime.fromisoformat(body["next_step_at"])
    rows = [(r[0], r[1], r[2], r[3], r[4]) for r in await sent(api, esc)]
    assert sorted(rows, key=str) == sorted([
        ("ann", 0, 0, 0, 0), ("ann", 0, 1, 0, 1), (None, None, 1, 0, 1), ("ann", 0, 3, 1, 0), ("ann", 0, 4, 1, 1),
        (None, None, 4, 1, 1), ("ann", 1, 4, 0, 0), ("ann", 1, 5, 0, 1), ("ann", 1, 7, 1, 0), ("ann", 1, 8, 1, 1),
    ], key=str)
    assert len({r[5] for r in await sent(api, esc)}) == 10  # ten messages, none written twice


async def test_a_schedule_target_runs_the_rules_of_whoever_was_on_call_when_the_step_was_due(api, engine):
    """ann hands over to bob two minutes after the trigger: ann's later rule still goes to ann (the step reached her),
    and the next loop reaches bob with his own rules."""
    await person(api, "ann", ["ann-push", "ann-call"], [(0, 0), (1, 5)])
    await person(api, "bob", ["bob-push", "bob-sms"], [(1, 0)])
    esc_t0 = datetime(2026, 3, 8, 9, 0)
    layer = {"users": ["ann", "bob"], "rotation": {"unit": "hour"}, "start": (esc_t0 - timedelta(minutes=58)).isoformat()}
    await made(api, "/api/v1/schedules", {"id": "ops", "name": "Ops", "timezone": "UTC", "layers": [layer]})
    await policy(api, [(3, ["schedule:ops"])], repeat=1)
    esc = await made(api, "/api/v1/escalations", {"policy_id": "sre", "summary": "x"})
    t0 = datetime.fromisoformat(esc["created_at"])
    # The layer is anchored so that the handoff falls two minutes after the trigger, whatever the wall clock says.
    anchor = t0 + 2 * MINUTE - timedelta(hours=1)
    layer["start"] = anchor.replace(tzinfo=None).isoformat()
    assert (await api.patch("/api/v1/schedules/ops", {"layers": [layer]}))[0] == 200
    for minutes in range(0, 9):
        await engine.run(t0 + minutes * MINUTE)
    assert [(r[0], r[1], r[2], r[3]) for r in await sent(api, esc["id"])] == [
        ("ann", 0, 0, 0), ("bob", 0, 3, 1), ("ann", 1, 5, 0)]
    assert engine.recorder.addresses() == ["ann-push", "bob-sms", "ann-call"]


async def test_without_rules_every_contact_at_once_as_before(api, engine):
    await person(api, "ann", ["ann-push", "ann-sms"], [])
    await policy(api, [(30, ["user:ann"])])
    esc, t0 = await trigger(api)
    await engine.run(t0)
    assert [(r[1], r[2]) for r in await sent(api, esc)] == [(None, 0), (None, 0)]
    assert await PlannedMessage.filter(escalation_id=esc).count() == 0


async def test_the_rules_are_those_of_when_the_step_was_reached(api, engine):
    """A later change of ann's rules does not change a chain already running (as a policy's edit does not change an
    escalation already triggered)."""
    await person(api, "ann", ["ann-push", "ann-call"], [(0, 0), (1, 5)])
    await policy(api, [(30, ["user:ann"])])
    esc, t0 = await trigger(api)
    await engine.run(t0)
    status, _ = await api.patch("/api/v1/users/ann", {"notification_rules": [{"contact": 0, "delay_minutes": 0}]})
    assert status == 200
    await engine.run(t0 + 5 * MINUTE)
    assert engine.recorder.addresses() == ["ann-push", "ann-call"]


async def test_a_step_cut_at_a_later_rule_keeps_the_undeliverable_one_until_its_time(api, engine, monkeypatch):
    """The 10,000-message cap (lowered to 2 here) that falls on a delayed rule: the note of what was cut waits for its
    rule's time like the message it stands for, and the rest of the step goes as it would."""
    await person(api, "ann", ["ann-push", "ann-call"], [(0, 0), (1, 5), (0, 10)])
    await policy(api, [(30, ["user:ann"])])
    esc, t0 = await trigger(api)
    monkeypatch.setattr(importlib.import_module("nself_oncall.escalation.expand"), "MAX_MESSAGES", 2)
    await engine.run(t0)
    assert [(r[1], r[2]) for r in await sent(api, esc)] == [(0, 0)]
    await engine.run(t0 + 5 * MINUTE)
    _, body = await api.get(f"/api/v1/escalations/{esc}")
    assert [(n["rule"], n["status"], n["error"][:40] if n["error"] else None) for n in body["notifications"]] == [
        (0, "sent", None), (1, "undeliverable", "2 messages of this step not sent (this o")]
    assert engine.recorder.addresses() == ["ann-push"]
