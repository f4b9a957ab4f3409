"""Calendar documents: written off the event loop, and kept per link.

Writing a large schedule's document costs about a second of CPU (icalendar), and calendar apps fetch their links
unauthenticated, every hour or so, many at once when a team subscribes. So documents are written by the worker
threads of service/workers.py, never on the event loop that serves requests; and a link's document is kept with
the versions of the schedules it was made from (store/cache.py), served again while they stand, for FRESH at most
(its range moves with the clock). Fetches of a link while its document is written wait for that one writing. At
most KEPT_BYTES of documents are kept, the least recently served dropped first.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .instants import now
from .workers import off_loop

if TYPE_CHECKING:
    from .calendars import Feed

#: How long a kept document is served while its schedules do not change.
FRESH = timedelta(minutes=5)
KEPT_BYTES = 32 * 1024 * 1024

#: What writes a document: a feed and the instant of its writing (every DTSTAMP).
Writer = Callable[["Feed", datetime], bytes]


@dataclass(frozen=True)
class _Kept:
    versions: Hashable
    made_at: datetime
    body: bytes


class FeedDocuments:
    def __init__(self, write: Writer, kept_bytes: int = KEPT_BYTES):
        self._write = write
        self._kept_bytes = kept_bytes
        self._kept: OrderedDict[str, _Kept] = OrderedDict()
        self._size = 0
        self._making: dict[tuple[str, Hashable], asyncio.Future[bytes]] = {}

    async def write(self, feed: Feed, stamp: datetime) -> bytes:
        """The document of `feed`, written by a worker thread."""
        return await off_loop(self._write, feed, stamp)

    async def kept(self, link: str, versions: Hashable, make: Callable[[], Awaitable[Feed]]) -> bytes:
        """The document of `link` as of `versions`: kept, being written, or written now from the feed `make()`
        answers."""
        instant = now()
        kept = self._kept.get(link)
        if kept is not None and kept.versions == versions and instant - kept.made_at < FRESH:
            self._kept.move_to_end(link)
            return kept.body
        key = (link, versions)
        making = self._making.get(key)
        if making is None:
            making = asyncio.ensure_future(self._make(link, versions, make, instant))
            self._making[key] = making
            making.add_done_callback(lambda done: self._made(key, done))
        return await asyncio.shield(making)

    async def _make(self, link: str, versions: Hashable, make: Callable[[], Awaitable[Feed]], instant: datetime) -> bytes:
        body = await self.write(await make(), instant)
        self._keep(link, _Kept(versions, instant, body))
        return body

    def _made(self, key: tuple[str, Hashable], done: asyncio.Future[bytes]) -> None:
        self._making.pop(key, None)
        if not done.cancelled():
            done.exception()  # retrieved: every fetch waiting for it got it already

    def _keep(self, link: str, kept: _Kept) -> None:
        old = self._kept.pop(link, None)
        self._size -= 0 if old is None else len(old.body)
        if len(kept.body) > self._kept_bytes:
            return
        self._kept[link] = kept
        self._size += len(kept.body)
        while self._size > self._kept_bytes:
            self._size -= len(self._kept.popitem(last=False)[1].body)
