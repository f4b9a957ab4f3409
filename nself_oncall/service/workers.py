"""Pure work that can take a second of CPU (rendering a final schedule over a long range, writing a calendar
document) runs in a worker thread, one piece at a time, not on the event loop that serves requests.

Held on the loop, such work held back every request behind it, and with them the transactions those requests had
open: on SQLite, the write lock the engine waits for. A worker thread gives the loop its turn at least every 5 ms
(CPython's switch interval), so the loop goes on answering. One worker: the GIL runs one thread's Python at a time,
so a second one would add no throughput, only take turns from the loop (beside heavy requests, the API's write
transactions on SQLite held the lock up to 0.7 s with two workers, 0.35 s with one).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

WORKERS = 1

P = ParamSpec("P")
T = TypeVar("T")

_pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="nself-oncall-worker")


async def off_loop(work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`work(*args, **kwargs)`, run by a worker thread (it must not touch the database or the event loop)."""
    return await asyncio.get_running_loop().run_in_executor(_pool, functools.partial(work, *args, **kwargs))
