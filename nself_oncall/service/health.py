"""Readiness: the database answers and every migration is applied."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from ..migrate import pending_migrations

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


async def readiness() -> Readiness:
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
    return Readiness(True)
