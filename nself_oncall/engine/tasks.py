"""Each pass of the engine's database work runs in a task of its own (a Tortoise 1.1.9 workaround).

Tortoise makes a transaction the task's current connection before BEGIN and leaves it so when BEGIN fails (the
database went away between the pool and BEGIN): run in a loop's own task, every later pass would use that dead
transaction and fail ("connection has been released back to the pool") for as long as the process lives. What a
pass leaves in its own task's context ends with it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


async def own_task(work: Coroutine[Any, Any, T]) -> T:
    return await asyncio.create_task(work)
