"""Who makes a change, for the audit log: the header the proxy in front sets, else `api` (`ui` in the web view).

No header is trusted unless NSELF_ONCALL_ACTOR_HEADER names one (settings.actor_header; behind nself's
gateway, X-Hasura-User-Id): the service cannot check it, so only a proxy that sets it, overwriting what
clients send, makes it true. The value is read as UTF-8 (headers.py); one that is not UTF-8, or not a
one-line user id, is ignored.
"""

from __future__ import annotations

from quart import current_app

from .fields import check_user_id
from .headers import text_header


def actor(fallback: str = "api") -> str:
    """The trusted header's user id, else `fallback`: what made the request (the API, the web view)."""
    header = current_app.config["SETTINGS"].actor_header
    try:
        value = text_header(header) if header else None
        return fallback if value is None else check_user_id(value)
    except ValueError:  # not UTF-8 (NotUtf8), or not a user id
        return fallback
