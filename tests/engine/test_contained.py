"""One escalation, schedule or notice that cannot be planned stops nobody else's page (SQLite and PostgreSQL).

A fail point raises while one chosen item among several is planned: a Python error (what a worker whose tzdata lacks
a zone raises, one whose message holds a NUL), or a statement the database refuses (which, on PostgreSQL, aborts the
whole transaction unless the item has a savepoint of its own). The others are notified in the same pass, and the
failed one is recorded with the reason, logged with its traceback and counted. When even recording it fails, it is
put off for a minute, and the others still go on. An error of the moment (a deadlock, a serialization failure, the
database out of connections) is never recorded against the item: the pass is tried again.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfoNotFoundError

import asyncpg
import pytest
from test_notices import next_hour, planned_rows, schedule, z
from test_notices import users as notice_users
from tortoise import connections
from tortoise.exceptions import OperationalError

from metrics_helpers import scrape
from nself_oncall.engine import notices
from nself_oncall.logs import ESCALATION_ID
from nself_oncall.models import Notice, Notification, Schedule
from nself_oncall.oncall.handoffs import REPLAN
from nself_oncall.store import notifications, targets, transient
from nself_oncall.store.contained import LATER

MINUTE = timedelta(minutes=1)


async def raise_zone_error() -> None:
    raise ZoneInfoNotFoundError("No time zone found with key Mars/Olympus")


async def run_refused_statement() -> None:
    await connections.get("default").execute_query("SELECT * FROM no_such_table")


async def raise_nul_error() -> None:
    """An error whose message holds what PostgreSQL refuses in text: the reason recorded must not."""
    raise ValueError("tzdata file Mars/\x00Olympus unreadable")


FAILURES = {
    "ZoneInfoNotFoundError": raise_zone_error,
    "OperationalError": run_refused_statement,
    "ValueError": raise_nul_error,
}


async def raise_deadlock() -> None:
    raise asyncpg.exceptions.DeadlockDetectedError("deadlock detected")


async def raise_serialization_failure() -> None:
    """As Tortoise raises some of asyncpg's errors: wrapped, the driver's the cause."""
    try:
        raise asyncpg.exceptions.SerializationError("could not serialize access due to concurrent update")
    except asyncpg.exceptions.SerializationError as exc:
        raise OperationalError(exc) from exc


async def raise_out_of_connections() -> None:
    raise asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already")


TRANSIENT = {"40P01": raise_deadlock, "40001": raise_serialization_failure, "53300": raise_out_of_connections}


def fail_once(monkeypatch, module, name: str, when, failure) -> list:
    """Make `module.name` run `failure` instead, the first time `when(*args)` holds; the list records that it did."""
    original, failed = getattr(module, name), []

    async def fail_point(*args, **kwargs):
        if not failed and when(*args):
            failed.append(args)
            await failure()
        return await original(*args, **kwargs)

    monkeypatch.setattr(module, name, fail_point)
    return failed


async def escalations_of(api, ids) -> dict:
    found = {}
    for ident in ids:
        status, found[ident] = await api.get(f"/api/v1/escalations/{ident}")
        assert status == 200
    return found


async def four_escalations(api) -> tuple[str, list[str], datetime]:
    """Four escalations of a policy whose step 0 names a schedule (alice on call) and bob, and step 1 (5 minutes
    later) the team channel: the oldest (the first of every pass), the others, and when the last was triggered."""
    for user, address in (("alice", "a1"), ("bob", "b1")):
        body = {"id": user, "contacts": [{"channel": "pager", "address": address}]}
        assert (await api.post("/api/v1/users", body))[0] == 201
    layer = {"users": ["alice"], "rotation": {"unit": "week"}, "start": "2026-01-01T00:00:00Z"}
    assert (await api.post("/api/v1/schedules", {"id": "primary", "name": "Primary", "layers": [layer]}))[0] == 201
    steps = [{"delay_minutes": 5, "targets": [{"type": "schedule", "id": "primary"}, {"type": "user", "id": "bob"}]},
             {"delay_minutes": 5, "targets": [{"type": "channel", "id": "team"}]}]
    assert (await api.post("/api/v1/policies", {"id": "sre", "name": "SRE", "repeat": 0, "steps": steps}))[0] == 201
    triggered = [(await api.post("/api/v1/escalations", {"policy_id": "sre", "summary": f"alert {i}"}))[1]
                 for i in range(4)]
    broken, *others = [e["id"] for e in triggered]
    return broken, others, max(datetime.fromisoformat(e["created_at"]) for e in triggered)


async def assert_paged(api, ids) -> None:
    for ident, got in (await escalations_of(api, ids)).items():
        notes = [(n["user"], n["channel"], n["status"]) for n in got["notifications"]]
        assert notes == [("alice", "pager", "pending"), ("bob", "pager", "pending")], (ident, notes)


@pytest.mark.parametrize("failure", sorted(FAILURES))
async def test_an_escalation_that_cannot_be_planned_stops_nobody_else(app, api, engine, recorder, caplog, monkeypatch,
                                                                      failure):
    broken, others, t0 = await four_escalations(api)
    failed = fail_once(monkeypatch, targets, "oncall_at", lambda *_: ESCALATION_ID.get() == broken, FAILURES[failure])

    engine.clock = t0
    with caplog.at_level(logging.ERROR, "nself_oncall.engine.escalator"):
        assert await engine.engine.escalate() == 0  # one pass: every escalation of it handled
    assert failed
    await assert_paged(api, others)
    recorded = (await escalations_of(api, [broken]))[broken]
    assert [(n["target"]["id"], n["user"], n["status"]) for n in recorded["notifications"]] == [
        ("primary", None, "undeliverable"), ("bob", "bob", "undeliverable")]
    reasons = {n["error"] for n in recorded["notifications"]}
    assert len(reasons) == 1 and reasons.pop().startswith(f"could not be planned: {failure}: ")
    assert all("\x00" not in n["error"] for n in recorded["notifications"])  # replaced (PostgreSQL refuses it)
    created = datetime.fromisoformat(recorded["created_at"])
    assert recorded["steps_notified"] == 1 and recorded["next_step_at"] == z(created + 5 * MINUTE)  # moved on
    [line] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert broken in line.getMessage() and line.exc_info is not None and line.exc_info[0].__name__ == failure
    assert (await scrape(app.test_client())).value("nself_oncall_engine_failures_total", job="escalator") == 1

    await engine.run(t0)
    await engine.run(t0 + 5 * MINUTE)  # a later step of the failed escalation pages as it would have
    assert sorted(recorder.addresses()) == sorted(["a1", "b1"] * 3 + ["#team"] * 4)


async def test_an_escalation_that_cannot_even_be_recorded_is_put_off_and_stops_nobody_else(
    api, engine, recorder, caplog, monkeypatch
):
    """Its rows are refused by the database (aborting the transaction on PostgreSQL) both times, planned and
    undeliverable: it is put off for LATER, its due time alone moved, and the others are notified in the same pass."""
    broken, others, t0 = await four_escalations(api)
    write, refused = notifications.write, []

    async def fail_point(connection, messages, now, escalation_id=None, notice_id=None):
        if escalation_id == broken and len(refused) < 2:
            refused.append([m.reason for m in messages])
            await run_refused_statement()
        return await write(connection, messages, now, escalation_id, notice_id)

    monkeypatch.setattr(notifications, "write", fail_point)
    with caplog.at_level(logging.ERROR):
        await engine.escalate(t0)
    assert [reasons[0] is None for reasons in refused] == [True, False]  # planned, then recorded as failed
    await assert_paged(api, others)
    put_off = (await escalations_of(api, [broken]))[broken]
    assert put_off["notifications"] == [] and put_off["steps_notified"] == 0
    assert put_off["next_step_at"] == z(t0 + LATER)
    [line] = [r for r in caplog.records if r.name == "nself_oncall.store.contained"]
    assert line.levelno == logging.ERROR and broken in line.getMessage() and line.exc_info is not None

    await engine.run(t0 + LATER)  # tried again: the database takes its rows now
    assert sorted(recorder.addresses()) == sorted(["a1", "b1"] * 4)


@pytest.mark.parametrize("where", ["planning", "loading a schedule"])
@pytest.mark.parametrize("state", sorted(TRANSIENT))
async def test_an_error_of_the_moment_is_tried_again_never_recorded(api, engine, recorder, monkeypatch, where, state):
    """A deadlock, a serialization failure, no connection left: the pass fails whole (the runner's loop tries it again
    after a pause, as when the database is away) rather than the escalation being written undeliverable for good."""
    broken, others, t0 = await four_escalations(api)
    owner, name = (targets, "oncall_at") if where == "planning" else (engine.escalator.cache, "get")
    failed = fail_once(monkeypatch, owner, name, lambda *_: ESCALATION_ID.get() == broken, TRANSIENT[state])
    engine.clock = t0
    with pytest.raises(Exception) as raised:
        await engine.engine.escalate()
    assert failed and transient(raised.value)
    assert await Notification.all().count() == 0  # the pass rolled back whole
    await engine.run(t0)
    got = await escalations_of(api, [broken, *others])
    assert {n["status"] for e in got.values() for n in e["notifications"]} == {"sent"}
    assert sorted(recorder.addresses()) == sorted(["a1", "b1"] * 4)


async def test_a_statement_refused_while_a_schedule_loads_fails_its_escalation_alone(api, engine, recorder, monkeypatch):
    """The database refuses a statement of the schedule's load (on PostgreSQL that aborts the transaction up to the
    item's savepoint): the escalation is recorded with the database's reason, and the others are paged."""
    broken, others, t0 = await four_escalations(api)
    cache = engine.escalator.cache
    failed = fail_once(monkeypatch, cache, "get", lambda *_: ESCALATION_ID.get() == broken, run_refused_statement)
    await engine.escalate(t0)
    assert failed
    await assert_paged(api, others)
    recorded = (await escalations_of(api, [broken]))[broken]
    assert {n["status"] for n in recorded["notifications"]} == {"undeliverable"}
    assert all(n["error"].startswith("could not be planned: OperationalError: ") for n in recorded["notifications"])


async def test_a_schedule_that_cannot_be_loaded_stops_no_other_target_of_its_step(api, engine, recorder, caplog):
    """The fail point is a schedule whose time zone this worker's tzdata lacks: its target reaches nobody, with the
    reason; the step's other targets are paged."""
    assert (await api.post("/api/v1/users", {"id": "bob", "contacts": [{"channel": "pager", "address": "b1"}]}))[0] == 201
    layer = {"users": ["bob"], "rotation": {"unit": "week"}, "start": "2026-01-01T00:00:00Z"}
    assert (await api.post("/api/v1/schedules", {"id": "mars", "name": "Mars", "layers": [layer]}))[0] == 201
    step = {"delay_minutes": 5, "targets": [{"type": "schedule", "id": "mars"}, {"type": "user", "id": "bob"}]}
    assert (await api.post("/api/v1/policies", {"id": "sre", "name": "SRE", "steps": [step]}))[0] == 201
    _, esc = await api.post("/api/v1/escalations", {"policy_id": "sre", "summary": "disk full"})
    cache, load = engine.escalator.cache, engine.escalator.cache.get

    async def get(schedule_id):
        if schedule_id == "mars":
            await raise_zone_error()
        return await load(schedule_id)

    cache.get = get
    with caplog.at_level(logging.ERROR, "nself_oncall.store.targets"):
        await engine.run(datetime.fromisoformat(esc["created_at"]))
    _, got = await api.get(f"/api/v1/escalations/{esc['id']}")
    assert [(n["target"]["id"], n["status"], n["error"]) for n in got["notifications"]] == [
        ("mars", "undeliverable",
         "schedule 'mars' cannot be loaded (ZoneInfoNotFoundError: 'No time zone found with key Mars/Olympus')"),
        ("bob", "sent", None)]
    assert recorder.addresses() == ["b1"]
    assert [r.exc_info[0].__name__ for r in caplog.records if r.levelno == logging.ERROR] == ["ZoneInfoNotFoundError"]


async def two_schedules(api) -> tuple[datetime, datetime]:
    """`primary` (alice) and `secondary` (carol), each with a notice to the team channel at its shifts' start: the
    instant of the next shifts, and when the notices were configured."""
    await notice_users(api)
    h = next_hour(datetime.now(UTC)) + timedelta(hours=1)
    await schedule(api, h, [{"channel": "team", "minutes_before": 0}], ident="primary")
    _, configured = await schedule(api, h, [{"channel": "team", "minutes_before": 0}], people=("carol",),
                                   ident="secondary")
    return h, configured


async def test_a_notice_that_cannot_be_prepared_stops_no_other_notice(app, api, engine, recorder, caplog, monkeypatch):
    h, configured = await two_schedules(api)
    await engine.run(configured)
    failed = fail_once(monkeypatch, notices.Notices, "_decide", lambda _, due, *__: due.schedule_id == "primary",
                       raise_zone_error)
    with caplog.at_level(logging.ERROR, "nself_oncall.engine.notices"):
        await engine.run(h)
    assert failed
    assert [m.details["schedule_id"] for m, _ in recorder.calls] == ["secondary"]
    _, body = await api.get(f"/api/v1/schedules/primary/notices?since={z(h)}&until={z(h + MINUTE)}")
    [item] = body["items"]
    assert (item["user"], item["status"]) == ("alice", "undeliverable")
    assert item["error"].startswith("could not be prepared: ZoneInfoNotFoundError: ")
    [line] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "'primary'" in line.getMessage() and line.exc_info is not None
    assert (await scrape(app.test_client())).value("nself_oncall_engine_failures_total", job="notice_sender") == 1
    await engine.run(h + MINUTE)  # recorded: not tried again
    assert len(recorder.calls) == 1


async def test_a_schedule_whose_notices_cannot_be_planned_stops_no_other(app, api, engine, recorder, monkeypatch):
    h, configured = await two_schedules(api)
    await engine.notify(configured)
    failed = fail_once(monkeypatch, notices.Notices, "_plan", lambda _, schedule_id, *__: schedule_id == "primary",
                       run_refused_statement)
    await engine.notify(h - REPLAN)  # the shift at h comes within the planner's horizon
    assert failed
    assert await planned_rows("secondary") == [h] and await planned_rows("primary") == []
    primary = await Schedule.get(id="primary")
    assert primary.notices_plan_at == h  # its rows left as they were, planned again REPLAN later
    assert (await scrape(app.test_client())).value("nself_oncall_engine_failures_total", job="notice_planner") == 1
    await engine.run(h)  # planned again REPLAN later (before the shift): both notices go out
    assert sorted(m.details["schedule_id"] for m, _ in recorder.calls) == ["primary", "secondary"]


async def test_a_notice_that_cannot_even_be_recorded_is_put_off(api, engine, recorder, caplog, monkeypatch):
    """Its rows are refused by the database both times, planned and undeliverable: it stays planned, LATER on."""
    h, configured = await two_schedules(api)
    await engine.notify(configured)
    await engine.notify(h - REPLAN)  # planned
    primary = set(await Notice.filter(schedule_id="primary").values_list("id", flat=True))
    write, refused = notifications.write, []

    async def fail_point(connection, messages, now, escalation_id=None, notice_id=None):
        if notice_id in primary and len(refused) < 2:
            refused.append(notice_id)
            await run_refused_statement()
        return await write(connection, messages, now, escalation_id, notice_id)

    monkeypatch.setattr(notifications, "write", fail_point)
    with caplog.at_level(logging.ERROR):
        await engine.run(h)
    assert len(refused) == 2 and [m.details["schedule_id"] for m, _ in recorder.calls] == ["secondary"]
    assert (await Notice.get(id=refused[0])).send_at == h + LATER
    [line] = [r for r in caplog.records if r.name == "nself_oncall.store.contained"]
    assert "'primary'" in line.getMessage() and line.exc_info is not None
    await engine.run(h + LATER)
    assert sorted(m.details["schedule_id"] for m, _ in recorder.calls) == ["primary", "secondary"]


async def test_a_schedule_whose_failure_cannot_even_be_recorded_is_put_off(api, engine, caplog, monkeypatch):
    """Its planning fails, and so does recording that (here the recording itself raises): it is planned again
    LATER, and the other schedule is planned in the same pass."""
    h, configured = await two_schedules(api)
    await engine.notify(configured)
    failed = fail_once(monkeypatch, notices.Notices, "_plan", lambda _, schedule_id, *__: schedule_id == "primary",
                       run_refused_statement)

    def cannot_record(*_):
        raise RuntimeError("cannot record it")

    monkeypatch.setattr(notices.Notices, "_failed", cannot_record)
    with caplog.at_level(logging.ERROR):
        await engine.notify(h - REPLAN)
    assert failed
    assert await planned_rows("secondary") == [h] and await planned_rows("primary") == []
    assert (await Schedule.get(id="primary")).notices_plan_at == h - REPLAN + LATER
    [line] = [r for r in caplog.records if r.name == "nself_oncall.store.contained"]
    assert "'primary'" in line.getMessage() and line.exc_info[0] is RuntimeError
