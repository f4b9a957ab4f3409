"""Shared reads (a schedule's version, a page of versions) never hand a request a read that began before it arrived."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from tortoise.context import TortoiseContext
from tortoise.transactions import in_transaction

from nself_oncall.clock import utcnow
from nself_oncall.config import tortoise_config
from nself_oncall.errors import NotFound
from nself_oncall.models import Schedule
from nself_oncall.store import cache


class FakeDatabase:
    """Each read returns the version as it is when the read begins, then waits to be let go."""

    def __init__(self):
        self.version = 1
        self.reads = 0
        self.gates: list[asyncio.Event] = []
        self.deleted = False

    async def read(self, schedule_id: str) -> int:
        if self.deleted:
            raise NotFound("schedule", schedule_id)
        seen, gate = self.version, asyncio.Event()
        self.reads += 1
        self.gates.append(gate)
        await gate.wait()
        return seen


async def _settle():
    for _ in range(5):
        await asyncio.sleep(0)


async def test_requests_arriving_during_a_read_wait_for_the_next():
    db = FakeDatabase()
    reads = cache._SharedReads(db.read, alone=lambda: False)
    first = asyncio.create_task(reads.read("s"))
    await _settle()
    db.version = 2  # a change commits while the first read is under way
    late = [asyncio.create_task(reads.read("s")) for _ in range(3)]
    await _settle()
    assert db.reads == 1
    db.gates[0].set()
    assert await first == 1
    await _settle()
    assert db.reads == 2  # one more read serves all three late requests
    db.gates[1].set()
    assert [await t for t in late] == [2, 2, 2]
    assert reads._busy == set() and reads._next == {}


async def test_errors_reach_every_waiter():
    db = FakeDatabase()
    reads = cache._SharedReads(db.read, alone=lambda: False)
    first = asyncio.create_task(reads.read("s"))
    await _settle()
    db.deleted = True  # the schedule goes while the first read is under way
    waiters = [asyncio.create_task(reads.read("s")) for _ in range(2)]
    await _settle()
    db.gates[0].set()
    assert await first == 1
    for waiter in waiters:
        with pytest.raises(NotFound):
            await waiter
    assert reads._busy == set() and reads._next == {}


#: How long caller A waits for caller B, which may have to wait for A's transaction to end.
B_WAIT = 0.5


class _Rollback(Exception):
    pass


@pytest.mark.parametrize("b_in_transaction", [True, False], ids=["b-in-a-transaction", "b-outside"])
async def test_two_callers_in_two_transactions_each_get_a_correct_read(db_url, b_in_transaction):
    """Caller A bumps the schedule's version in its transaction (uncommitted, then rolled back) and reads it while
    caller B (in a transaction of its own, or in none) asks for the same read. A must see its own write; B must
    never see A's uncommitted one, nor read through A's transaction: the shared read used to start in A's context,
    on A's transaction. (On SQLite B's transaction begins only after A's ends: one connection per process.)"""
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(db_url))
        now = utcnow()
        await Schedule.create(id="s", name="S", created_at=now, updated_at=now)
        b_asked, calls = asyncio.Event(), []

        async def reader(schedule_id: str) -> int:
            calls.append(schedule_id)
            if len(calls) == 1:  # A's read is under way when B asks (on SQLite, B's transaction waits for A's)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(b_asked.wait(), B_WAIT)
                await _settle()
            return (await cache._current_version(schedule_id))[0]

        reads = cache._SharedReads(reader)
        a_wrote = asyncio.Event()

        async def b() -> int:
            await a_wrote.wait()
            if not b_in_transaction:
                b_asked.set()
                return await reads.read("s")
            async with in_transaction():
                b_asked.set()
                return await reads.read("s")

        async def a() -> int:
            with contextlib.suppress(_Rollback):
                async with in_transaction():
                    await Schedule.filter(id="s").update(version=1)
                    a_wrote.set()
                    seen = await reads.read("s")
                    await asyncio.wait({b_task}, timeout=B_WAIT)  # B's read, if it can run during A's transaction
                    raise _Rollback
            return seen

        b_task = asyncio.create_task(b())  # in the test's context, as A's: in no transaction
        assert await asyncio.create_task(a()) == 1  # A sees its own write
        assert await b_task == 0  # B, what was committed
        assert await reads.read("s") == 0
