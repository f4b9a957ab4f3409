"""Retention (engine/retention.py): what is deleted, what never is, in batches, by several engines at once and by the
engine's own loop, on SQLite and PostgreSQL.

Rows are made through the API and the engine at the test's instants; the retention pass is then run at an instant
after them (`run_once(now)`, as the runner's loop calls it), the boundaries to the microsecond.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from nself_oncall.engine import Engine, EngineOptions
from nself_oncall.engine.retention import Retention, RetentionOptions
from nself_oncall.models import ActionLink, AuditEntry, Escalation, InboundReply, Notice, Notification
from nself_oncall.store.ids import new_id

TICK = timedelta(microseconds=1)
DAYS = 90
AGE = timedelta(days=DAYS)
RESOLVED = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


async def setup(api, contacts: int = 2) -> None:
    """alice, with `contacts` pager contacts, the only target of policy `sre`."""
    user = {"id": "alice", "contacts": [{"channel": "pager", "address": f"a{i}"} for i in range(contacts)]}
    assert (await api.post("/api/v1/users", user))[0] == 201
    steps = [{"delay_minutes": 5, "targets": [{"type": "user", "id": "alice"}]}]
    assert (await api.post("/api/v1/policies", {"id": "sre", "name": "SRE", "steps": steps}))[0] == 201


async def paged(api, engine, count: int) -> list[str]:
    """`count` escalations triggered, their step 0 written and sent (with action links); their ids, oldest first."""
    ids = []
    for i in range(count):
        status, body = await api.post("/api/v1/escalations", {"policy_id": "sre", "summary": f"disk {i}"})
        assert status == 201, body
        ids.append(body["id"])
    now = datetime.fromisoformat(body["created_at"])
    await engine.escalate(now)
    await engine.dispatch(now)
    return ids


async def resolve(api, escalation_id: str, at: datetime) -> None:
    """Resolve it through the API, then say it was resolved at `at`."""
    assert (await api.post(f"/api/v1/escalations/{escalation_id}/resolve"))[0] == 200
    await Escalation.filter(id=escalation_id).update(resolved_at=at)


async def kept(escalation_id: str) -> tuple[bool, int, int]:
    """Whether the escalation is still there, with how many notifications and action links."""
    return (
        await Escalation.exists(id=escalation_id),
        await Notification.filter(escalation_id=escalation_id).count(),
        await ActionLink.filter(notification__escalation_id=escalation_id).count(),
    )


async def test_a_resolved_escalation_goes_with_its_notifications_and_links_once_older_than_the_retention_days(
    api, engine, caplog
):
    await setup(api)
    old, young, acknowledged, triggered = await paged(api, engine, 4)
    await resolve(api, old, RESOLVED)
    await resolve(api, young, RESOLVED + TICK)
    assert (await api.post(f"/api/v1/escalations/{acknowledged}/acknowledge"))[0] == 200
    assert await kept(old) == (True, 2, 4)  # two messages, each with its acknowledge and resolve links
    retention = Retention(RetentionOptions(days=DAYS, audit_days=0))

    assert not await retention.run_once(RESOLVED + AGE)  # exactly 90 days old: kept
    assert await kept(old) == (True, 2, 4)
    caplog.set_level(logging.INFO, logger="nself_oncall.engine.retention")
    assert await retention.run_once(RESOLVED + AGE + TICK)
    assert await kept(old) == (False, 0, 0)
    assert await kept(young) == (True, 2, 4)
    assert "retention: deleted 1 escalation(s) resolved before 2026-01-10T12:00:00.000001+00:00, 2 notification(s), " \
           "4 action link(s)" in caplog.messages
    assert (await api.get(f"/api/v1/escalations/{old}"))[0] == 404

    far = datetime(2100, 1, 1, tzinfo=UTC)  # open escalations are never touched, however old
    assert await retention.run_once(far)
    assert not await retention.run_once(far)
    assert await kept(young) == (False, 0, 0)
    assert await kept(acknowledged) == (True, 2, 4)
    assert await kept(triggered) == (True, 2, 4)


async def test_zero_days_keep_everything_for_ever(api, engine):
    await setup(api)
    (escalation,) = await paged(api, engine, 1)
    await resolve(api, escalation, RESOLVED)
    far = datetime(2100, 1, 1, tzinfo=UTC)
    assert not await Retention(RetentionOptions(days=0, audit_days=0)).run_once(far)
    assert await kept(escalation) == (True, 2, 4)
    assert await AuditEntry.filter(resource_id=escalation).count() == 2  # trigger, resolve


async def test_batches_delete_at_most_their_size_of_each_table_oldest_first(api, engine):
    await setup(api, contacts=3)
    escalations = await paged(api, engine, 5)
    for i, escalation in enumerate(escalations):
        await resolve(api, escalation, RESOLVED + i * TICK)
    retention = Retention(RetentionOptions(days=DAYS, audit_days=0, batch=2))
    now = RESOLVED + AGE + timedelta(days=1)
    passes = []
    while await retention.run_once(now):
        passes.append([await kept(e) for e in escalations])
    # 15 messages (each with 2 links), 2 a batch; an escalation goes with its last message, the oldest first
    before = [(True, 3, 6)] * 5
    for after in passes:
        notifications = sum(n for _, n, _ in before) - sum(n for _, n, _ in after)
        links = sum(n for _, _, n in before) - sum(n for _, _, n in after)
        assert (notifications, links) == (2, 4) or after == passes[-1] and (notifications, links) == (1, 2)
        assert [e for e, _, _ in after] == sorted(e for e, _, _ in after)  # gone: a prefix, oldest first
        assert all(n > 0 for e, n, _ in after if e)
        before = after
    assert len(passes) == 8 and passes[-1] == [(False, 0, 0)] * 5


async def test_a_resolved_escalation_waits_for_its_pending_messages(api, engine):
    await setup(api)
    status, body = await api.post("/api/v1/escalations", {"policy_id": "sre", "summary": "disk"})
    assert status == 201
    created = datetime.fromisoformat(body["created_at"])
    await engine.escalate(created)  # written, not yet sent: still sent once after the resolve
    await resolve(api, body["id"], RESOLVED)
    retention = Retention(RetentionOptions(days=DAYS, audit_days=0))
    assert not await retention.run_once(RESOLVED + 2 * AGE)
    assert await kept(body["id"]) == (True, 2, 0)
    await engine.dispatch(created)
    assert await retention.run_once(RESOLVED + 2 * AGE)
    assert await kept(body["id"]) == (False, 0, 0)


async def test_a_sent_handoff_notice_goes_with_its_notifications_a_planned_one_never(api, engine):
    for user in ("alice", "bob"):
        assert (await api.post("/api/v1/users", {"id": user}))[0] == 201
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)
    layer = {"users": ["alice", "bob"], "rotation": {"unit": "hour"}, "start": start.isoformat()}
    body = {"id": "primary", "name": "Primary", "timezone": "UTC", "layers": [layer],
            "notices": [{"channel": "team", "minutes_before": 0}]}
    assert (await api.post("/api/v1/schedules", body))[0] == 201
    await engine.run(start - timedelta(hours=1))  # planned
    await engine.run(start)  # the first shift's notice sent
    await engine.notify(start + timedelta(minutes=30))  # the next shift's planned
    sent = await Notice.get(schedule_id="primary", shift_start=start)
    assert sent.send_at is None and await Notification.filter(notice_id=sent.id, status="sent").count() == 1
    planned = await Notice.filter(send_at__not_isnull=True).values_list("id", flat=True)
    assert planned

    retention = Retention(RetentionOptions(days=DAYS, audit_days=0))
    assert not await retention.run_once(start + AGE)
    assert await retention.run_once(start + AGE + TICK)
    assert not await Notice.exists(id=sent.id)
    assert await Notification.filter(notice_id=sent.id).count() == 0
    assert not await retention.run_once(start + 2 * AGE)
    assert sorted(await Notice.all().values_list("id", flat=True)) == sorted(planned)


async def test_audit_entries_go_once_older_than_the_audit_days(api):
    for i in range(3):
        assert (await api.post("/api/v1/users", {"id": f"u{i}"}))[0] == 201
    at = [datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=i) for i in range(3)]
    for entry, instant in zip(await AuditEntry.all().order_by("id"), at, strict=True):
        await AuditEntry.filter(id=entry.id).update(at=instant)
    retention = Retention(RetentionOptions(days=0, audit_days=365))
    assert not await retention.run_once(at[0] + timedelta(days=365))
    assert await retention.run_once(at[1] + timedelta(days=365) + TICK)
    assert await AuditEntry.all().order_by("at").values_list("at", flat=True) == [at[2]]
    assert not await Retention(RetentionOptions(days=0, audit_days=0)).run_once(datetime(2100, 1, 1, tzinfo=UTC))
    assert await AuditEntry.all().count() == 1


async def test_several_engines_at_once_delete_each_row_once(api, engine):
    await setup(api)
    escalations = await paged(api, engine, 12)
    for escalation in escalations:
        await resolve(api, escalation, RESOLVED)
    for i in range(30):
        await AuditEntry.create(id=new_id(), at=RESOLVED, actor="t", resource="user", resource_id=f"u{i}",
                                action="create")
    engines = [Retention(RetentionOptions(days=DAYS, audit_days=DAYS, batch=5)) for _ in range(4)]
    now = RESOLVED + 2 * AGE

    async def drain(retention: Retention) -> None:
        while await retention.run_once(now):
            pass

    await asyncio.gather(*(drain(r) for r in engines))
    assert [await kept(e) for e in escalations] == [(False, 0, 0)] * 12
    assert await AuditEntry.filter(at=RESOLVED).count() == 0


async def test_the_engine_loop_runs_retention(app, api, engine):
    """The real runner, its clock at a later instant: its retention loop deletes at start, and stops with it."""
    await setup(api)
    (escalation,) = await paged(api, engine, 1)
    await resolve(api, escalation, RESOLVED)
    settings = app.app.config["SETTINGS"]
    options = EngineOptions(retention=RetentionOptions(days=DAYS, audit_days=0))
    runner = Engine(settings.database_url, app.app.extensions["notifiers"], settings.base_url, options,
                    clock=lambda: RESOLVED + 2 * AGE)
    runner.start()
    try:
        async with asyncio.timeout(30):  # generous: the first pass runs as the engine starts
            while (await kept(escalation))[0]:
                await asyncio.sleep(0.05)
    finally:
        await runner.stop()
    assert await kept(escalation) == (False, 0, 0)


async def test_records_of_sms_replies_go_once_older_than_the_retention_days(api):
    at = [datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=i) for i in range(3)]
    for i, instant in enumerate(at):
        await InboundReply.create(sid=f"SM{i:032x}", received_at=instant)
    retention = Retention(RetentionOptions(days=90, audit_days=0))
    assert not await retention.run_once(at[0] + timedelta(days=90))
    assert await retention.run_once(at[1] + timedelta(days=90) + TICK)
    assert await InboundReply.all().values_list("sid", flat=True) == [f"SM{2:032x}"]
