"""Pure work that can take a second of CPU (rendering a final schedule over a long range, writing a calendar
document) runs in a small pool of worker threads, WORKERS at a time, not on the event loop that serves requests.

Held on the loop, such work held back every request behind it, and with them the transactions those requests had
open: on SQLite, the write lock the engine waits for. A worker thread gives the loop its turn at least every 5 ms
(CPython's switch interval), so the loop goes on answering; the pool's size bounds how much such work runs at
once in a process, whoever asks for it.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

WORKERS = 2

P = ParamSpec("P")
T = TypeVar("T")

_pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="nself-oncall-worker")


async def off_loop(work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`work(*args, **kwargs)`, run by a worker thread (it must not touch the database or the event loop)."""
    return await asyncio.get_running_loop().run_in_executor(_pool, functools.partial(work, *args, **kwargs))
