"""The dispatcher's results, written as they come in batches by one writer task.

A result is kept (and tried again) while the database is away; when the engine stops, what is left is written
within one lease, after which the notifications it names are claimed again elsewhere. Never cancelled halfway:
a batch dropped unwritten would be sent again after its lease.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import timedelta

from ..store import results as store
from ..store.results import Result
from .faults import FailPoints

log = logging.getLogger(__name__)


class ResultWriter:
    def __init__(self, lease: timedelta, faults: FailPoints, on_error: Callable[[str, Exception], float]):
        """`on_error(who, exc)` logs a database error and says how long to wait before trying again."""
        self.lease = lease
        self.faults = faults
        self.on_error = on_error
        self._results: list[Result] = []
        self._ready = asyncio.Event()
        self._finishing = False

    def add(self, result: Result) -> None:
        self._results.append(result)
        self._ready.set()

    async def run(self) -> None:
        """Write results as they come until `finish` is called; then write what is left and return."""
        while True:
            await self._ready.wait()
            self._ready.clear()
            final = self._finishing
            await self.flush(final)
            if final:
                self._finishing = False
                return

    def finish(self) -> None:
        self._finishing = True
        self._ready.set()

    async def flush(self, final: bool = True) -> None:
        """Write the results added so far, trying again while the database is away: for at most one lease when
        `final` (the engine is stopping), else until they are written."""
        deadline = time.monotonic() + (self.lease.total_seconds() if final else float("inf"))
        while self._results:
            batch, self._results = self._results, []
            self.faults.hit("before_result")
            try:
                written = await store.finish(batch)
                if len(written) < len(batch):
                    log.warning("engine: %d result(s) not written: another engine holds their lease now",
                                len(batch) - len(written))
            except Exception as exc:
                self._results = batch + self._results
                wait = self.on_error("result writer", exc)
                if time.monotonic() + wait > deadline:
                    log.error("engine: %d result(s) could not be written; their notifications will be claimed again",
                              len(self._results))
                    return
                await asyncio.sleep(wait)
