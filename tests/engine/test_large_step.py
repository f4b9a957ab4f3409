"""A step that reaches thousands is written in parts (SQLite and PostgreSQL): several statements of at most CHUNK rows,
each chunk's rows built while the one before it is written (the event loop free in between), so that one escalation
never holds the engine; and a step never writes more than MAX_MESSAGES rows, as the policy preview says."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime

from tortoise.backends.asyncpg.client import TransactionWrapper
from tortoise.backends.sqlite.client import SqliteTransactionWrapper

from nself_oncall.escalation import MAX_MESSAGES
from nself_oncall.models import Notification
from nself_oncall.store import notifications
from nself_oncall.store.notifications import CHUNK

CONTACTS = [{"channel": "pager", "address": f"c{i}"} for i in range(50)]


async def test_a_step_of_thousands_is_written_in_parts_with_the_loop_free_between(api, engine, monkeypatch):
    for n in range(50):
        assert (await api.post("/api/v1/users", {"id": f"u{n}", "contacts": CONTACTS}))[0] == 201
    step = {"delay_minutes": 5, "targets": [{"type": "user", "id": f"u{n}"} for n in range(50)]}  # 2,500 messages
    assert (await api.post("/api/v1/policies", {"id": "all", "name": "All hands", "steps": [step]}))[0] == 201
    status, esc = await api.post("/api/v1/escalations", {"policy_id": "all", "summary": "everyone"})
    assert status == 201

    ticks = 0

    async def ticker():  # another task of the loop: how often it ran
        nonlocal ticks
        while True:
            await asyncio.sleep(0)
            ticks += 1

    inserts, built = [], []  # rows per statement; the ticks when each row was built

    def watched(method, rows_of):
        async def run(self, sql, values):
            if sql.lstrip().startswith("INSERT INTO notifications"):
                inserts.append(rows_of(values))
            return await method(self, sql, values)
        return run

    def row(*args, **kwargs):
        built.append(ticks)
        return make_row(*args, **kwargs)

    make_row = notifications.row
    monkeypatch.setattr(notifications, "row", row)
    monkeypatch.setattr(TransactionWrapper, "execute_query", watched(TransactionWrapper.execute_query,
                                                                     lambda values: len(values[0])))
    monkeypatch.setattr(SqliteTransactionWrapper, "execute_many", watched(SqliteTransactionWrapper.execute_many, len))
    other = asyncio.create_task(ticker())
    try:
        await engine.escalate(datetime.fromisoformat(esc["created_at"]))
    finally:
        other.cancel()
    assert inserts == [CHUNK, CHUNK, 2500 - 2 * CHUNK]
    # The other task ran between each chunk's rows and the next's: never more than a chunk built in one go.
    assert sorted(Counter(built).values()) == sorted(inserts)
    written = Notification.filter(escalation_id=esc["id"])
    assert await written.count() == 2500 and set(await written.values_list("status", flat=True)) == {"pending"}


async def test_a_step_over_the_limit_writes_max_messages_and_the_preview_says_so(api, engine):
    """2,000 schedule targets whose on-call user has 50 contacts: saved and triggered (a schedule target counts one),
    then 100,000 messages when the step is due. The engine writes 10,000 rows: 9,999 messages and one undeliverable
    saying how many were not sent, the very items the preview shows."""
    assert (await api.post("/api/v1/users", {"id": "many", "contacts": CONTACTS}))[0] == 201
    layer = {"users": ["many"], "rotation": {"unit": "week"}, "start": "2026-01-01T00:00:00Z"}
    assert (await api.post("/api/v1/schedules", {"id": "wide", "name": "Wide", "layers": [layer]}))[0] == 201
    step = {"delay_minutes": 5, "targets": [{"type": "schedule", "id": "wide"}] * 2000}
    assert (await api.post("/api/v1/policies", {"id": "wide", "name": "Wide", "steps": [step]}))[0] == 201
    status, esc = await api.post("/api/v1/escalations", {"policy_id": "wide", "summary": "everyone"})
    assert status == 201
    await engine.escalate(datetime.fromisoformat(esc["created_at"]))

    written = Notification.filter(escalation_id=esc["id"])
    assert await written.count() == MAX_MESSAGES
    assert await written.filter(status="pending").count() == MAX_MESSAGES - 1
    [cut] = await written.filter(status="undeliverable").values_list("target_position", "contact_position", "error")
    reason = ("90,001 messages of this step not sent (this one and the 90,000 after it): the step makes 100,000 "
              "messages, over the limit of 10,000 per step")
    assert cut == (199, 49, reason)
    status, preview = await api.get(f"/api/v1/policies/wide/preview?at={esc['created_at']}")
    assert status == 200 and len(preview["items"]) == MAX_MESSAGES
    assert [i["status"] for i in preview["items"]].count("would_send") == MAX_MESSAGES - 1
    assert (preview["items"][-1]["status"], preview["items"][-1]["reason"]) == ("undeliverable", reason)
