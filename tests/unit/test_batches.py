"""service/batches.py: one run at a time per key; what arrives during a run waits for the next, which takes it all."""

from __future__ import annotations

import asyncio

import pytest

from nself_oncall.service.batches import Batches


class Recording:
    def __init__(self, fail_on=None):
        self.runs: list[tuple[str, list[int]]] = []
        self.gate = asyncio.Event()
        self.fail_on = fail_on

    async def work(self, key: str, items: list[int]) -> list:
        self.runs.append((key, list(items)))
        await self.gate.wait()
        if self.fail_on == "run":
            raise RuntimeError("the whole run")
        return [ValueError(i) if i == self.fail_on else i * 10 for i in items]


async def test_a_lone_item_runs_at_once_and_alone():
    work = Recording()
    work.gate.set()
    assert await Batches(work.work).submit("k", 1) == 10
    assert work.runs == [("k", [1])]


async def test_what_arrives_during_a_run_waits_for_the_next_which_takes_it_all():
    work = Recording()
    batches = Batches(work.work)
    first = asyncio.ensure_future(batches.submit("k", 1))
    await asyncio.sleep(0)
    later = [asyncio.ensure_future(batches.submit("k", i)) for i in (2, 3, 4)]
    other = asyncio.ensure_future(batches.submit("other", 5))  # another key runs beside, not behind
    for _ in range(3):
        await asyncio.sleep(0)
    assert work.runs == [("k", [1]), ("other", [5])]
    work.gate.set()
    assert await asyncio.gather(first, *later, other) == [10, 20, 30, 40, 50]
    assert work.runs == [("k", [1]), ("other", [5]), ("k", [2, 3, 4])]


async def test_runs_take_at_most_size_items():
    work = Recording()
    work.gate.set()
    batches = Batches(work.work, size=2)
    assert await asyncio.gather(*(batches.submit("k", i) for i in range(5))) == [0, 10, 20, 30, 40]
    assert [items for _, items in work.runs] == [[0, 1], [2, 3], [4]]  # all five waited before the first run began


async def test_an_item_s_exception_is_its_own():
    work = Recording(fail_on=2)
    work.gate.set()
    batches = Batches(work.work)
    results = await asyncio.gather(*(batches.submit("k", i) for i in (1, 2, 3)), return_exceptions=True)
    assert results[0] == 10 and isinstance(results[1], ValueError) and results[2] == 30


async def test_a_failed_run_fails_each_of_its_items_and_the_next_run_goes_on():
    work = Recording(fail_on="run")
    work.gate.set()
    batches = Batches(work.work)
    with pytest.raises(RuntimeError):
        await batches.submit("k", 1)
    work.fail_on = None
    assert await batches.submit("k", 2) == 20


async def test_an_item_whose_request_went_away_does_not_stop_the_others():
    work = Recording()
    batches = Batches(work.work)
    first = asyncio.ensure_future(batches.submit("k", 1))
    await asyncio.sleep(0)
    gone, kept = asyncio.ensure_future(batches.submit("k", 2)), asyncio.ensure_future(batches.submit("k", 3))
    await asyncio.sleep(0)
    gone.cancel()
    work.gate.set()
    assert await first == 10 and await kept == 30
