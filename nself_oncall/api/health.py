"""/health (the process answers) and /ready (the database answers and is migrated)."""

from __future__ import annotations

import logging

from quart import Blueprint
from quart_schema import tag
from tortoise import connections

from ..migrate import pending_migrations

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/health")
@tag(["health"])
async def health():
    """Liveness: the process is up."""
    return {"status": "ok"}


@bp.get("/ready")
@tag(["health"])
async def ready():
    """Readiness: 200 when the database answers and every migration is applied, else 503."""
    try:
        pending = await pending_migrations(connections.get("default"))
    except Exception as exc:  # any failure to reach the database means not ready
        log.warning("readiness check failed: %s", type(exc).__name__)
        return {"status": "unavailable", "reason": "database unreachable"}, 503
    if pending:
        return {"status": "unavailable", "reason": "migrations pending", "pending": pending}, 503
    return {"status": "ok"}
