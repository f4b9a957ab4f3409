"""Signing in to the web view: the API token once, then a session; CSRF tokens for every form.

The session is a row in the database (service/sign_in.py): it ends 12 hours after sign-in however much it is
used, and signing out deletes it, so a copied cookie stops working on every process. The cookie carries the
session's id in Quart's signed session (itsdangerous), keyed by a key derived from PLUGIN_SECRET (keys.py), so
that changing PLUGIN_SECRET signs everyone out. It is HttpOnly, SameSite=Strict, scoped to /ui/, expires with
the session (it is not renewed as pages are read), and is Secure when the request came over https (directly,
by X-Forwarded-Proto from the proxy, or because NSELF_ONCALL_PUBLIC_URL is https).
"""

from __future__ import annotations

import hmac
import secrets

from quart import Quart, current_app, g, request, session
from quart.sessions import SecureCookieSessionInterface

from ..keys import SESSION_LABEL, derive
from ..service import sign_in as sessions

CSRF_FIELD = "csrf_token"


class UiSessions(SecureCookieSessionInterface):
    def get_cookie_secure(self, app: Quart) -> bool:
        public_url = app.config["SETTINGS"].public_url or ""
        forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
        return request.scheme == "https" or forwarded == "https" or public_url.startswith("https://")


def configure(app: Quart, plugin_secret: str) -> None:
    app.secret_key = derive(plugin_secret, SESSION_LABEL).hex()
    app.session_interface = UiSessions()
    app.config.update(
        SESSION_COOKIE_NAME="nself_oncall_ui",
        SESSION_COOKIE_PATH="/ui/",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        PERMANENT_SESSION_LIFETIME=sessions.SESSION_LIFETIME,
        SESSION_REFRESH_EACH_REQUEST=False,
    )


def token_matches(token: str) -> bool:
    """The API token, compared in constant time as the bearer check does."""
    expected = current_app.config["SETTINGS"].plugin_secret.encode()
    return hmac.compare_digest(token.encode(), expected)


async def check() -> bool:
    """Whether this request's session is signed in (asked of the database once per request; signed_in() then)."""
    session_id = session.get("session_id")
    g.ui_signed_in = isinstance(session_id, str) and await sessions.session_open(session_id)
    return g.ui_signed_in


def signed_in() -> bool:
    return g.get("ui_signed_in", False)


async def sign_in() -> None:
    """A fresh session: a new id and a new CSRF token, so that one seen before signing in is worth nothing after."""
    session_id = await sessions.start_session()
    session.clear()
    session.permanent = True
    session["session_id"] = session_id
    session["csrf"] = secrets.token_urlsafe(32)


async def sign_out() -> None:
    """End the session on the server (every copy of the cookie), then forget it here."""
    session_id = session.get("session_id")
    if isinstance(session_id, str):
        await sessions.end_session(session_id)
    session.clear()


def csrf_token() -> str:
    """This session's CSRF token for a form's hidden field (made on first use, before signing in too)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


async def csrf_ok() -> bool:
    expected = session.get("csrf")
    sent = (await request.form).get(CSRF_FIELD, "")
    return isinstance(expected, str) and hmac.compare_digest(sent.encode(), expected.encode())
