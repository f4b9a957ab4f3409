"""Readiness: the database answers, every migration is applied, and at least one channel can send.

A service without a usable channel (every one names a notifier that is not installed, lacks a setting, or there is
none) accepts escalations and pages nobody: not ready, so that a deployment stops there rather than at the first
page. A channel whose peer fails at the moment still counts as usable: that is a delivery failure, retried, not a
setting to fix.

Whether the engine process of `serve` runs is not asked. Readiness takes a process out of a load balancer's rotation:
an engine that keeps crashing would take the API with it, and acknowledgements first, while the escalations written
meanwhile are paged once an engine runs again. `nself_oncall_engine_up` and `nself_oncall_engine_restarts_total`
tell that the engine is down (engine/process.py)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from ..migrate import pending_migrations
from ..plugins import Registry
from ..store.listen import probe

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


async def readiness(registry: Registry, direct_url: str | None = None) -> Readiness:
    """`direct_url`: NSELF_ONCALL_DIRECT_DATABASE_URL, when the pool's URL is PgBouncer's; it must answer too (the
    engine's LISTEN and the next start's migrations need it)."""
    try:
        async with asyncio.timeout(READY_TIMEOUT):
            pending = await pending_migrations()
            if direct_url is not None:
                await probe(direct_url)
    except TimeoutError:
        log.warning("readiness check failed: the database did not answer within %g s", READY_TIMEOUT)
        return Readiness(False, "database not answering")
    except Exception as exc:  # any failure to reach the database means not ready
        log.warning("readiness check failed: %s", type(exc).__name__)
        return Readiness(False, "database unreachable")
    if pending:
        return Readiness(False, "migrations pending", tuple(pending))
    if not registry.usable_channels():
        return Readiness(False, "no usable channel")
    return Readiness(True)
