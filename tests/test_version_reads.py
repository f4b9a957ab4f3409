"""Shared reads (a schedule's version, a page of versions) never hand a request a read that began before it arrived."""

from __future__ import annotations

import asyncio

import pytest

from nself_oncall.errors import NotFound
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
    reads = cache._SharedReads(db.read)
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
    reads = cache._SharedReads(db.read)
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
