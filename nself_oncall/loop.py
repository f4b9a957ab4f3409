"""The event loop each process runs on: uvloop where it is installed (Linux and macOS), asyncio's own elsewhere.

The engine's work is many small steps (a query, a notifier call, a wake-up), each a few turns of the loop; uvloop
runs those turns in C. bench/engine_latency.py gives the figure (docs/scaling.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

try:
    import uvloop
except ImportError:  # Windows: no uvloop
    uvloop = None

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """asyncio.run(main) on the process's event loop."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop if uvloop is not None else None) as runner:
        return runner.run(main)
