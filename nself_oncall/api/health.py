"""/health (the process answers) and /ready (the database answers and is migrated, and a channel can send)."""

from __future__ import annotations

from quart import Blueprint, current_app
from quart_schema import document_response, tag

from ..service.health import readiness
from .responses import HealthOut, Unready

bp = Blueprint("health", __name__)


@bp.get("/health")
@tag(["health"])
@document_response(HealthOut)
async def health():
    """Liveness: the process is up."""
    return {"status": "ok"}


@bp.get("/ready")
@tag(["health"])
@document_response(HealthOut)
@document_response(Unready, 503)
async def ready():
    """Readiness: 200 when the database answers, every migration is applied and a channel can send, else 503."""
    state = await readiness(current_app.extensions["notifiers"], current_app.config["SETTINGS"].direct_database_url)
    if state.ready:
        return {"status": "ok"}
    body = {"status": "unavailable", "reason": state.reason}
    if state.pending:
        body["pending"] = list(state.pending)
    return body, 503
