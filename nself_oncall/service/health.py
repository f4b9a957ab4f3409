"""Readiness: the database answers and every migration is applied."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ..migrate import pending_migrations

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Readiness:
    ready: bool
    reason: str | None = None
    pending: tuple[str, ...] = ()


async def readiness() -> Readiness:
    try:
        pending = await pending_migrations()
    except Exception as exc:  # any failure to reach the database means not ready
        log.warning("readiness check failed: %s", type(exc).__name__)
        return Readiness(False, "database unreachable")
    if pending:
        return Readiness(False, "migrations pending", tuple(pending))
    return Readiness(True)
