"""Signing in to the web view: the API token once, then a signed session cookie; CSRF tokens for every form.

The cookie is Quart's signed session (itsdangerous), keyed by an HMAC of PLUGIN_SECRET with a fixed label, so
that the key is not the token itself and changing PLUGIN_SECRET signs everyone out. It is HttpOnly,
SameSite=Strict, scoped to /ui/, expires after SESSION_HOURS, and is Secure when the request came over https
(directly, by X-Forwarded-Proto from the proxy, or because NSELF_ONCALL_PUBLIC_URL is https).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from quart import Quart, current_app, request, session
from quart.sessions import SecureCookieSessionInterface

SESSION_LABEL = b"nself-oncall web view session key v1"
SESSION_HOURS = 12
CSRF_FIELD = "csrf_token"


class UiSessions(SecureCookieSessionInterface):
    def get_cookie_secure(self, app: Quart) -> bool:
        public_url = app.config["SETTINGS"].public_url or ""
        forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
        return request.scheme == "https" or forwarded == "https" or public_url.startswith("https://")


def configure(app: Quart, plugin_secret: str) -> None:
    app.secret_key = hmac.new(plugin_secret.encode(), SESSION_LABEL, hashlib.sha256).hexdigest()
    app.session_interface = UiSessions()
    app.config.update(
        SESSION_COOKIE_NAME="nself_oncall_ui",
        SESSION_COOKIE_PATH="/ui/",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
    )


def token_matches(token: str) -> bool:
    """The API token, compared in constant time as the bearer check does."""
    expected = current_app.config["SETTINGS"].plugin_secret.encode()
    return hmac.compare_digest(token.encode(), expected)


def signed_in() -> bool:
    return session.get("signed_in") is True


def sign_in() -> None:
    """A fresh session: a new CSRF token, so that one seen before signing in is worth nothing after."""
    session.clear()
    session.permanent = True
    session["signed_in"] = True
    session["csrf"] = secrets.token_urlsafe(32)


def sign_out() -> None:
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
