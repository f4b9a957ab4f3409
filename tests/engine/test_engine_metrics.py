"""/metrics moves as escalations and deliveries happen: the gauges of open work read from the database and the
counters of the engine in this process (the test engine counts as `serve`'s does), on SQLite and PostgreSQL.

What is over (a resolved escalation, a message sent or given up) is in no gauge: the delivery counters count it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from test_notices import next_hour, schedule
from test_notices import users as notice_users

from metrics_helpers import scrape
from nself_oncall import PermanentError, TemporaryError
from nself_oncall.store import metrics as store
from nself_oncall.store import notices, steps

PLANNED = "nself_oncall_messages_planned_total"


async def setup(api) -> None:
    users = [
        {"id": "alice", "contacts": [{"channel": "pager", "address": "a1"}, {"channel": "pager", "address": "a2"}]},
        {"id": "bob", "contacts": [{"channel": "pager", "address": "b1"}]},
    ]
    for user in users:
        assert (await api.post("/api/v1/users", user))[0] == 201
    steps = [
        {"delay_minutes": 5, "targets": [{"type": "user", "id": "alice"}]},
        {"delay_minutes": 5, "targets": [{"type": "user", "id": "bob"}, {"type": "channel", "id": "team"}]},
    ]
    assert (await api.post("/api/v1/policies", {"id": "sre", "name": "SRE", "steps": steps}))[0] == 201


async def trigger(api) -> tuple[dict, datetime]:
    status, esc = await api.post("/api/v1/escalations", {"policy_id": "sre", "summary": "disk full"})
    assert status == 201, esc
    return esc, datetime.fromisoformat(esc["created_at"])


async def test_escalations_outbox_and_deliveries_move(api, app, engine, recorder):
    client = app.test_client()
    await setup(api)
    before = await scrape(client)
    assert before.value("nself_oncall_escalations", status="triggered") == 0
    assert before.value("nself_oncall_outbox_pending") == 0

    esc, t0 = await trigger(api)
    recorder.fail = {"a2": TemporaryError("busy"), "b1": PermanentError("no such number")}
    triggered = await scrape(client)
    assert triggered.value("nself_oncall_escalations", status="triggered") == 1
    assert triggered.value("nself_oncall_escalation_oldest_due_age_seconds") > 0  # due at t0, not yet reached

    await engine.escalate(t0)  # step 0 written: two messages to alice, none sent yet
    written = await scrape(client)
    assert written.value("nself_oncall_escalation_oldest_due_age_seconds") == 0
    assert written.value("nself_oncall_outbox_pending") == 2
    assert written.value("nself_oncall_notifications", channel="pager", status="pending") == 2
    assert written.value("nself_oncall_outbox_oldest_due_age_seconds") > 0  # due at t0, waiting for a dispatcher

    await engine.dispatch(t0)  # a1 sent; a2 failed for now, retried later
    sent = await scrape(client)
    assert sent.value("nself_oncall_outbox_pending") == 1
    assert sent.value("nself_oncall_outbox_oldest_due_age_seconds") == 0  # the retry is not due yet
    assert sent.value("nself_oncall_notifications", channel="pager", status="pending") == 1
    pager = {"channel": "pager", "notifier": "recorder"}
    assert sent.value("nself_oncall_delivery_attempts_total", **pager, outcome="sent") == 1
    assert sent.value("nself_oncall_delivery_attempts_total", **pager, outcome="temporary_failure") == 1
    assert sent.value("nself_oncall_delivery_retries_total", **pager) == 1
    assert sent.value("nself_oncall_delivery_duration_seconds_count", **pager) == 2

    await engine.run(t0 + timedelta(minutes=5))  # step 1: bob fails for good, the team channel gets it
    step1 = await scrape(client)
    assert step1.value("nself_oncall_delivery_attempts_total", **pager, outcome="permanent_failure") == 1
    assert step1.value("nself_oncall_delivery_attempts_total", channel="team", notifier="recorder", outcome="sent") == 1
    pending = step1.labels("nself_oncall_notifications")  # every configured channel, pending only
    assert {labels["status"] for labels in pending} == {"pending"} and {"pager", "team", "log"} <= {
        labels["channel"] for labels in pending}

    recorder.fail = {"a2": TemporaryError("still busy")}
    for minutes in (6, 10, 30):  # the retries run out (3 attempts)
        await engine.dispatch(t0 + timedelta(minutes=minutes))
    given_up = await scrape(client)
    assert given_up.value("nself_oncall_delivery_given_up_total", **pager) == 1
    assert given_up.value("nself_oncall_notifications", channel="pager", status="pending") == 0
    assert given_up.value("nself_oncall_outbox_pending") == 0

    assert (await api.post(f"/api/v1/escalations/{esc['id']}/resolve"))[0] == 200
    resolved = await scrape(client)
    assert resolved.value("nself_oncall_escalations", status="triggered") == 0
    assert resolved.labels("nself_oncall_escalations") == [{"status": "acknowledged"}, {"status": "triggered"}]


async def test_the_lag_is_the_age_of_the_oldest_due_work_nobody_took(api, engine):
    await setup(api)
    _, t0 = await trigger(api)
    later = t0 + timedelta(seconds=90)
    assert await store.backlog(later) == store.Backlog({}, None, t0)
    await engine.escalate(t0)
    assert await store.backlog(later) == store.Backlog({"pager": 2}, t0, None)
    claimed = await engine.dispatcher.claim(t0, 10)  # claimed and not finished: leased, not late
    assert len(claimed) == 2
    assert await store.backlog(t0 + timedelta(seconds=1)) == store.Backlog({"pager": 2}, None, None)
    # an engine that died holding them: late from the end of its lease
    assert await store.backlog(later) == store.Backlog({"pager": 2}, t0 + engine.dispatcher.lease, None)


def fail_once_before_commit(monkeypatch, module, last: str = "wake_engines") -> None:
    """The pass's last statement before its commit (`last` of `module`) fails once: everything it wrote rolls
    back."""
    statement = getattr(module, last)

    async def fail_point(*args):
        monkeypatch.setattr(module, last, statement)
        raise ConnectionResetError("connection lost before the commit")

    monkeypatch.setattr(module, last, fail_point)


async def test_the_messages_planned_are_counted_once_committed(api, app, engine, monkeypatch):
    """Two messages to alice's contacts and one to the team channel pending, one undeliverable (a schedule with
    nobody on call): counted by channel and status, and only by the pass that committed them."""
    await setup(api)
    layer = {"users": ["bob"], "rotation": {"unit": "week"}, "start": "2099-01-01T00:00:00Z"}  # nobody on call yet
    assert (await api.post("/api/v1/schedules", {"id": "later", "name": "Later", "layers": [layer]}))[0] == 201
    targets = [{"type": "user", "id": "alice"}, {"type": "schedule", "id": "later"}, {"type": "channel", "id": "team"}]
    step = {"delay_minutes": 5, "targets": targets}
    assert (await api.patch("/api/v1/policies/sre", {"steps": [step]}))[0] == 200
    _, t0 = await trigger(api)
    client = app.test_client()
    assert (await scrape(client)).labels(PLANNED) == [{"channel": "", "status": "undeliverable"}]  # there, at 0

    fail_once_before_commit(monkeypatch, steps, "_advance")  # a small pass wakes no other engine
    with pytest.raises(ConnectionResetError):
        await engine.escalate(t0)
    assert (await scrape(client)).value(PLANNED, channel="pager", status="pending") == 0  # rolled back: not counted
    await engine.escalate(t0)
    planned = await scrape(client)
    assert planned.value(PLANNED, channel="pager", status="pending") == 2
    assert planned.value(PLANNED, channel="team", status="pending") == 1
    assert planned.value(PLANNED, channel="", status="undeliverable") == 1


async def test_handoff_notices_are_counted_as_planned_once_committed(api, app, engine, monkeypatch):
    await notice_users(api)
    h = next_hour(datetime.now(UTC)) + timedelta(hours=1)
    _, configured = await schedule(api, h, [{"channel": "team", "minutes_before": 0}])
    await engine.run(configured)
    fail_once_before_commit(monkeypatch, notices)
    with pytest.raises(ConnectionResetError):
        await engine.notify(h)
    client = app.test_client()
    assert (await scrape(client)).value(PLANNED, channel="team", status="pending") == 0
    await engine.notify(h)
    assert (await scrape(client)).value(PLANNED, channel="team", status="pending") == 1
