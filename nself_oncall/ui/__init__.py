"""The read-only web view under /ui/ (pages.py), its sign-in (session.py) and its timelines (timeline.py)."""

from __future__ import annotations

from quart import Quart, Response, request

from ..api import html
from . import pages, session

PREFIX = "/ui"


def register(app: Quart) -> None:
    session.configure(app, app.config["SETTINGS"].plugin_secret)
    app.register_blueprint(pages.bp, url_prefix=PREFIX)
    app.after_request(_pages_only)


async def _pages_only(response: Response) -> Response:
    """Under /ui/ every answer is a page: an error the app's JSON handlers answered (404, 409, 503...) is shown
    as one, and no page is cached or framed."""
    if request.path != PREFIX and not request.path.startswith(PREFIX + "/"):
        return response
    if html.is_json_error(response):
        text, status = await pages.error_page(response.status_code, await html.error_message(response, "The request failed."))
        return html.page(text, status, replacing=response)
    response.headers.update(html.HEADERS)
    return response
