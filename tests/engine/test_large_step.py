"""A step that reaches thousands is written in parts (SQLite and PostgreSQL): several statements of at most CHUNK rows,
the event loop free between them, so that one escalation never holds the engine (or, under `serve`, the API)."""

from __future__ import annotations

import asyncio
from datetime import datetime

from tortoise.backends.asyncpg.client import TransactionWrapper
from tortoise.backends.sqlite.client import SqliteTransactionWrapper

from nself_oncall.models import Notification
from nself_oncall.store.notifications import CHUNK


async def test_a_step_of_thousands_is_written_in_parts_with_the_loop_free_between(api, engine, monkeypatch):
    contacts = [{"channel": "pager", "address": f"c{i}"} for i in range(50)]
    for n in range(50):
        assert (await api.post("/api/v1/users", {"id": f"u{n}", "contacts": contacts}))[0] == 201
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

    inserts = []  # (rows, ticks when the statement ran)

    def watched(method, rows_of):
        async def run(self, sql, values):
            if sql.lstrip().startswith("INSERT INTO notifications"):
                inserts.append((rows_of(values), ticks))
            return await method(self, sql, values)
        return run

    monkeypatch.setattr(TransactionWrapper, "execute_query", watched(TransactionWrapper.execute_query,
                                                                     lambda values: len(values[0])))
    monkeypatch.setattr(SqliteTransactionWrapper, "execute_many", watched(SqliteTransactionWrapper.execute_many, len))
    other = asyncio.create_task(ticker())
    try:
        await engine.escalate(datetime.fromisoformat(esc["created_at"]))
    finally:
        other.cancel()
    assert [n for n, _ in inserts] == [CHUNK, CHUNK, 2500 - 2 * CHUNK]
    seen = [t for _, t in inserts]
    assert seen == sorted(set(seen))  # the other task ran between each two statements
    written = Notification.filter(escalation_id=esc["id"])
    assert await written.count() == 2500 and set(await written.values_list("status", flat=True)) == {"pending"}
