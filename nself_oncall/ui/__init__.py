"""The read-only web view under /ui/ (pages.py), its sign-in (session.py) and its timelines (timeline.py)."""

from __future__ import annotations

from quart import Quart, Response, request

from . import pages, session

PREFIX = "/ui"

_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
}


def register(app: Quart) -> None:
    session.configure(app, app.config["SETTINGS"].plugin_secret)
    app.register_blueprint(pages.bp, url_prefix=PREFIX)
    app.after_request(_pages_only)


async def _pages_only(response: Response) -> Response:
    """Under /ui/ every answer is a page: an error the app's JSON handlers answered (404, 409, 503...) is shown
    as one, and no page is cached or framed."""
    if request.path != PREFIX and not request.path.startswith(PREFIX + "/"):
        return response
    if response.status_code >= 400 and response.mimetype == "application/json":
        response = await _as_page(response)
    response.headers.update(_HEADERS)
    return response


async def _as_page(response: Response) -> Response:
    body = await response.get_json()
    message = body["error"]["message"] if isinstance(body, dict) and "error" in body else "The request failed."
    text, status = await pages.error_page(response.status_code, message)
    page = Response(text, status=status, content_type="text/html; charset=utf-8")
    if "Retry-After" in response.headers:
        page.headers["Retry-After"] = response.headers["Retry-After"]
    return page
