"""What the service's HTML pages share (the action links' pages under /a/ and the web view under /ui/): one set of
security headers, and the app's JSON error answers turned into pages, since whoever reads them uses a browser.

Pages are never cached (they show live state), never framed (clickjacking), send no Referer (an /a/ URL is a
credential), are not indexed, run no script and post forms only to this site.
"""

from __future__ import annotations

from quart import Response

HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex, nofollow",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}
CONTENT_TYPE = "text/html; charset=utf-8"


def is_json_error(response: Response) -> bool:
    """An error that the app's own handlers answered in JSON (a 404, a 405, a 503 while the database is away)."""
    return response.status_code >= 400 and response.mimetype == "application/json"


async def error_message(response: Response, default: str) -> str:
    """The message of a JSON error answer (is_json_error), else `default`."""
    body = await response.get_json()
    return body["error"]["message"] if isinstance(body, dict) and "error" in body else default


def page(html: str, status: int = 200, replacing: Response | None = None) -> Response:
    """An HTML page with the shared headers; `replacing`: the JSON error it stands for, whose Retry-After it keeps."""
    response = Response(html, status=status, content_type=CONTENT_TYPE, headers=HEADERS)
    if replacing is not None and "Retry-After" in replacing.headers:
        response.headers["Retry-After"] = replacing.headers["Retry-After"]
    return response
