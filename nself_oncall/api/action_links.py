"""`/a/{token}`: acknowledge or resolve an escalation from the link in its message, without the bearer token.

A GET shows a confirmation page and changes nothing, so that mail scanners and link previews, which fetch
every URL they see, act on nothing; the page's button POSTs to the same URL, which acts. The token in the
link is the credential (as a calendar link's is), so there is no CSRF token: whoever can forge the POST
has the link already. The pages are small HTML without JavaScript, rendered from templates/action_links/,
with the headers every page of the service sends (html.py): never cached, never framed, and no Referer (which
would carry the token elsewhere).
"""

from __future__ import annotations

from datetime import UTC, datetime

from quart import Blueprint, Response, current_app, render_template, request
from quart_schema import document_response, hide, security_scheme, tag

from ..keys import link_key
from ..service import action_links as service
from . import html
from .responses import ActionPage

links = Blueprint("action_links", __name__, template_folder="templates")

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
    escalation, an expired or unknown one, is a 404 page."""
    try:
        link = await service.look(action_token, _check())
    except service.UnknownActionLink as exc:
        return await _gone(exc)
    done = link.action == "acknowledge" and link.escalation.status == "acknowledged"
    verb = _VERBS[link.action][0]
    return await _escalation_page(f"{verb} this escalation?", link, None if done else verb)


@links.post("/a/<token:action_token>")
@_documented
async def act(action_token: str):
    """Acknowledge or resolve the escalation of a link from a message (no body needed), as the person or channel
    the message reached, and show the result. Acknowledging it again changes nothing. A link of a resolved
    escalation, an expired or unknown one, is a 404 page."""
    try:
        link = await service.act(action_token, _check())
    except service.UnknownActionLink as exc:
        return await _gone(exc)
    return await _escalation_page(_VERBS[link.action][1], link, None)


@links.route("/a/<path:anything>", methods=["GET", "POST"])
@hide
async def malformed(anything: str):
    """Anything else under /a/ cannot be a link: the same 404 page, not the API's JSON error."""
    return await _gone(service.UnknownActionLink())


@links.after_app_request
async def _errors_as_pages(response: Response) -> Response:
    """Under /a/, an error that the app's own handlers answered (the database unreachable: 503 with Retry-After;
    a method no link takes: 405, found before any route of ours runs) is a page too, not the API's JSON:
    whoever follows a link reads it in a browser."""
    if not request.path.startswith("/a/") or not html.is_json_error(response):
        return response
    message = await html.error_message(response, "the request failed")
    text = await render_template("action_links/page.html", title="Please try again", message=message)
    return html.page(text, response.status_code, replacing=response)


def _check() -> service.LinkCheck:
    """What links are checked against, from the settings (NSELF_ONCALL_LINK_SECRET or PLUGIN_SECRET, and
    NSELF_ONCALL_LINK_TTL)."""
    settings = current_app.config["SETTINGS"]
    return service.LinkCheck(link_key(settings), settings.link_ttl)


async def _gone(exc: Exception) -> Response:
    text = await render_template("action_links/page.html", title="This link does not work", message=str(exc))
    return html.page(text, 404)


async def _escalation_page(title: str, link: service.Link, button: str | None) -> Response:
    text = await render_template(
        "action_links/escalation.html", title=title, escalation=link.escalation, button=button, when=_when
    )
    return html.page(text)


def _when(at: datetime | None) -> str:
    return "" if at is None else f"at {at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
