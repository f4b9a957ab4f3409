"""Who makes a change, for the audit log: the header the proxy in front sets, else `api` (`ui` in the web view).

The header is trusted as it comes (settings.actor_header, default X-Hasura-User-Id, as nself's
gateway passes it): only a proxy that sets it, overwriting what clients send, makes it true.
A value that is not a one-line user id is ignored.
"""

from __future__ import annotations

from quart import current_app, request

from .fields import check_user_id


def actor(fallback: str = "api") -> str:
    """The trusted header's user id, else `fallback`: what made the request (the API, the web view)."""
    header = current_app.config["SETTINGS"].actor_header
    value = request.headers.get(header) if header else None
    if value is None:
        return fallback
    try:
        return check_user_id(value)
    except ValueError:
        return fallback
