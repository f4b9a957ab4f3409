"""Requests that do the same kind of work under one key, done together: one run at a time per key.

A request submits its item and waits. While no run is under way for its key, a run starts at once with what is
waiting; what arrives while one runs waits for the next run, which takes everything waiting then (up to `size`). So
a run never answers a request with what it read before that request arrived, and a burst of requests for one key
costs a few runs, not one each. A lone request runs alone, at once, at the cost it had without batches.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
I = TypeVar("I")  # noqa: E741 (an item)
R = TypeVar("R")

#: What a run returns for each of its items, in their order: its result, or the exception to raise for it.
Work = Callable[[K, list[I]], Awaitable[list[R | BaseException]]]


class Batches(Generic[K, I, R]):
    def __init__(self, work: Work, size: int = 100):
        self.work = work
        self.size = size
        self._waiting: dict[K, list[tuple[I, asyncio.Future[R]]]] = {}
        self._running: set[K] = set()

    async def submit(self, key: K, item: I) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(key, []).append((item, future))
        if key not in self._running:
            self._running.add(key)
            asyncio.get_running_loop().create_task(self._runs(key), name="batch")
        return await future

    async def _runs(self, key: K) -> None:
        """Run what waits for `key`, a batch at a time, until nothing does."""
        try:
            while waiting := self._waiting.pop(key, None):
                batch, rest = waiting[: self.size], waiting[self.size :]
                if rest:
                    self._waiting[key] = rest
                await self._run(key, batch)
        finally:
            self._running.discard(key)

    async def _run(self, key: K, batch: list[tuple[I, asyncio.Future[R]]]) -> None:
        try:
            results = await self.work(key, [item for item, _ in batch])
        except Exception as exc:  # the whole run failed: so did each of its requests
            results = [exc] * len(batch)
        except BaseException:  # cancelled (the app stopping): so are they
            for _, future in batch:
                future.cancel()
            raise
        _settle(batch, results)


def _settle(batch: list[tuple[object, asyncio.Future]], results: list) -> None:
    for (_, future), result in zip(batch, results, strict=True):
        if future.done():  # its request went away
            continue
        if isinstance(result, BaseException):
            future.set_exception(result)
        else:
            future.set_result(result)
