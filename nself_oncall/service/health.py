"""Readiness: the database answers, every migration is applied, the engine of `serve` runs (when it has one), and
at least one channel can send.

A service without a usable channel (every one names a notifier that is not installed, lacks a setting, or there is
none) accepts escalations and pages nobody: not ready, so that a deployment stops there rather than at the first
page. A channel whose peer fails at the moment still counts as usable: that is a delivery failure, retried, not a
setting to fix. A `serve` whose engine process is not running (it ended, or cannot be started, and is started
again after a wait) accepts escalations and pages nobody too: not ready while it lasts."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from ..migrate import pending_migrations
from ..plugins import Registry

log = logging.getLogger(__name__)

#: How long /ready waits for the database. A healthy one answers its two small queries in milliseconds; one that
#: accepts connections but never answers would otherwise hold the probe for the connect or query timeout, longer
#: than a probe waits (Kubernetes: 1 s by default).
READY_TIMEOUT = 2.0


@dataclass(frozen=True)
class Readiness:
    ready: bool
    reason: str | None = None
    pending: tuple[str, ...] = ()


async def readiness(registry: Registry, engine_down: bool = False) -> Readiness:
    """`engine_down`: this process has an engine (`serve`) and it is not running."""
    try:
        async with asyncio.timeout(READY_TIMEOUT):
            pending = await pending_migrations()
    except TimeoutError:
        log.warning("readiness check failed: the database did not answer within %g s", READY_TIMEOUT)
        return Readiness(False, "database not answering")
    except Exception as exc:  # any failure to reach the database means not ready
        log.warning("readiness check failed: %s", type(exc).__name__)
        return Readiness(False, "database unreachable")
    if pending:
        return Readiness(False, "migrations pending", tuple(pending))
    if engine_down:
        return Readiness(False, "engine not running")
    if not registry.usable_channels():
        return Readiness(False, "no usable channel")
    return Readiness(True)
