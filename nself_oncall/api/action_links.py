"""`/a/{token}`: acknowledge or resolve an escalation from the link in its message, without the bearer token.

A GET shows a confirmation page and changes nothing, so that mail scanners and link previews, which fetch
every URL they see, act on nothing; the page's button POSTs to the same URL, which acts. The token in the
link is the credential (as a calendar link's is), so there is no CSRF token: whoever can forge the POST
has the link already. The pages are small HTML without JavaScript; they are never cached, never framed,
and send no Referer (which would carry the token elsewhere).
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from quart import Blueprint, Response, request
from quart_schema import document_response, hide, security_scheme, tag

from ..records import EscalationRecord
from ..service import action_links as service
from .responses import ActionPage

links = Blueprint("action_links", __name__)

_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
}
_STYLE = "body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}button{font-size:1.2rem;padding:.5rem 1.5rem}"
_VERBS = {"acknowledge": ("Acknowledge", "Acknowledged"), "resolve": ("Resolve", "Resolved")}


def _documented(func):
    for decorate in (
        tag(["escalations"]),
        security_scheme([]),
        document_response(ActionPage),
        document_response(ActionPage, 404),
        document_response(ActionPage, 503),
    ):
        func = decorate(func)
    return func


@links.get("/a/<token:action_token>")
@_documented
async def confirm(action_token: str):
    """The confirmation page of an acknowledge or resolve link from a message; changes nothing.

    The escalation, its summary and status, and one button that POSTs to the same URL. A link of a resolved
    escalation, or an unknown one, is a 404 page."""
    try:
        link = await service.look(action_token)
    except service.UnknownActionLink as exc:
        return _gone(exc)
    done = link.action == "acknowledge" and link.escalation.status == "acknowledged"
    return _page(f"{_VERBS[link.action][0]} this escalation?", _facts(link.escalation) + ("" if done else _button(link)))


@links.post("/a/<token:action_token>")
@_documented
async def act(action_token: str):
    """Acknowledge or resolve the escalation of a link from a message (no body needed), as the person or channel
    the message reached, and show the result. Acknowledging it again changes nothing. A link of a resolved
    escalation, or an unknown one, is a 404 page."""
    try:
        link = await service.act(action_token)
    except service.UnknownActionLink as exc:
        return _gone(exc)
    return _page(_VERBS[link.action][1], _facts(link.escalation))


@links.route("/a/<path:anything>", methods=["GET", "POST"])
@hide
async def malformed(anything: str):
    """Anything else under /a/ cannot be a link: the same 404 page, not the API's JSON error."""
    return _gone(service.UnknownActionLink())


@links.after_app_request
async def _errors_as_pages(response: Response) -> Response:
    """Under /a/, an error that the app's own handlers answered (the database unreachable: 503 with Retry-After;
    a method no link takes: 405, found before any route of ours runs) is a page too, not the API's JSON:
    whoever follows a link reads it in a browser."""
    if not request.path.startswith("/a/") or response.status_code < 400 or response.mimetype != "application/json":
        return response
    body = await response.get_json()
    message = body["error"]["message"] if isinstance(body, dict) and "error" in body else "the request failed"
    page = _page("Please try again", f"<p>{escape(message)}.</p>", response.status_code)
    if "Retry-After" in response.headers:
        page.headers["Retry-After"] = response.headers["Retry-After"]
    return page


def _gone(exc: Exception) -> Response:
    return _page("This link does not work", f"<p>{escape(str(exc))}.</p>", 404)


def _facts(escalation: EscalationRecord) -> str:
    return (
        f"<p><strong>{escape(escalation.summary)}</strong></p>\n"
        f"<p>Escalation <code>{escape(escalation.id)}</code>, triggered {_when(escalation.created_at)}.</p>\n"
        f"<p>Status: {escape(_status(escalation))}</p>\n"
    )


def _status(escalation: EscalationRecord) -> str:
    if escalation.status == "resolved":
        return f"resolved by {escalation.resolved_by or 'someone'} {_when(escalation.resolved_at)}."
    if escalation.status == "acknowledged":
        return f"acknowledged by {escalation.acknowledged_by or 'someone'} {_when(escalation.acknowledged_at)}."
    return "triggered, not acknowledged yet."


def _when(at: datetime | None) -> str:
    return "" if at is None else f"at {at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _button(link: service.Link) -> str:
    return f'<form method="post"><button type="submit">{_VERBS[link.action][0]}</button></form>\n'


def _page(title: str, body: str, status: int = 200) -> Response:
    html = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · nself-oncall</title><style>{_STYLE}</style></head>\n"
        f"<body>\n<h1>{escape(title)}</h1>\n{body}</body></html>\n"
    )
    return Response(html, status=status, content_type="text/html; charset=utf-8", headers=_HEADERS)
