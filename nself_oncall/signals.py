"""SIGTERM and SIGINT: the cue for a graceful stop, for `serve`, `worker` and the engine process of `serve`."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def on_stop_signal(callback: Callable[[], None]) -> None:
    """Call `callback` on the running loop at SIGTERM or SIGINT."""
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, callback)


async def signalled(first: Callable[[], None] | None = None) -> None:
    """Return on SIGTERM or SIGINT, having called `first` in the signal's handler, before any other work."""
    stop = asyncio.Event()

    def stopped() -> None:
        if first is not None:
            first()
        stop.set()

    on_stop_signal(stopped)
    await stop.wait()
