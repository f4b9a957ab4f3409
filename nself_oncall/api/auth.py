"""The bearer token: every /api/v1 route needs PLUGIN_SECRET, and /metrics takes it or NSELF_ONCALL_METRICS_TOKEN.

Nothing else needs a bearer token: /health, calendar and action links carry their own credential, and /ui/ has
its session (ui/session.py). A scrape config then holds a token that reads /metrics and opens nothing else.
Tokens are compared in constant time, each accepted one every time (the answer does not tell which one was
near). Every refusal is counted in nself_oncall_auth_failures_total, by door and reason.
"""

from __future__ import annotations

import hmac

from quart import current_app, request

from ..config import Settings
from .errors import ApiError
from .headers import NotUtf8, text_header

API_PREFIX = "/api/v1"
METRICS = "/metrics"


async def authenticate() -> None:
    """A before_request hook: a missing or wrong bearer token where one is needed is a 401.

    The scheme name is case-insensitive (RFC 7235): "bearer" and "BEARER" work as "Bearer" does."""
    door = _door(request.path)
    if door is None:
        return
    try:
        token: str | None = _bearer(text_header("Authorization") or "")
    except NotUtf8:
        token = None  # sent, but no token of ours can be it
    if token and _matches(token, _accepted(current_app.config["SETTINGS"], door)):
        return
    reason = "missing" if token == "" else "wrong"
    current_app.extensions["metrics"].auth_failures.labels(door, reason).inc()
    raise ApiError(401, "missing or wrong bearer token")


def _door(path: str) -> str | None:
    """Which credential a path needs: "api", "metrics", or None (none of these)."""
    if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
        return "api"
    return "metrics" if path == METRICS else None


def _bearer(header: str) -> str:
    """The token of `Authorization: Bearer <token>`; "" for another scheme or none."""
    scheme, _, token = header.partition(" ")
    return token.lstrip(" ") if scheme.lower() == "bearer" else ""


def _accepted(settings: Settings, door: str) -> list[str]:
    tokens = [settings.plugin_secret]
    if door == "metrics" and settings.metrics_token:
        tokens.append(settings.metrics_token)
    return tokens


def _matches(token: str, accepted: list[str]) -> bool:
    """Compared with every accepted token, in constant time each (a list, not any(): no early exit)."""
    presented = token.encode()
    return any([hmac.compare_digest(presented, expected.encode()) for expected in accepted])
