"""What wakes the engine's loops: work added in this process (`wake`), and on PostgreSQL work added by any
process, through LISTEN/NOTIFY on a connection of the engine's own that reconnects when it drops."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from ..config import dialect_of
from ..store.listen import Listener
from ..store.wake import ESCALATIONS, NOTICES, NOTIFICATIONS

log = logging.getLogger(__name__)

#: While the LISTEN connection is down, the loops look this often anyway (and it is checked this often).
CHECK = 1.0


class Wakeups:
    def __init__(self, database_url: str, sender: str):
        """`sender` names this engine in the notifications it sends: it woke itself in-process already."""
        self.database_url = database_url
        self.sender = sender
        self.events = {ESCALATIONS: asyncio.Event(), NOTICES: asyncio.Event(), NOTIFICATIONS: asyncio.Event()}

    def wake(self) -> None:
        """Work was added in this process: look now."""
        for event in self.events.values():
            event.set()

    @contextlib.asynccontextmanager
    async def listening(self) -> AsyncIterator[None]:
        """On PostgreSQL, LISTEN for work added by any process while in this block."""
        if dialect_of(self.database_url) != "postgres":
            yield
            return
        task = asyncio.create_task(self._listen(), name="engine-listen")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _notified(self, payload: str) -> None:
        work, _, sender = payload.partition(" ")
        event = self.events.get(work)
        if event is not None and sender != self.sender:
            event.set()

    async def _listen(self) -> None:
        while True:
            listener = None
            try:
                listener = await Listener.open(self.database_url, self._notified)
                self.wake()  # work may have been added while nobody listened
                while True:
                    await asyncio.sleep(CHECK)
                    await listener.check()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("engine: LISTEN connection lost (%s); the loops look every %g s until it is back",
                            type(exc).__name__, CHECK)
                await asyncio.sleep(CHECK)
            finally:
                if listener is not None:
                    listener.close()
