"""Twilio's webhooks, without the API token: SMS replies and the keys pressed during a call.

- `POST /inbound/twilio/sms`: the messaging webhook of the number that sends the SMS. A reply "3a" or "3r" (the
  message's reply code) acknowledges or resolves; the answer is TwiML, a confirmation or a one-line help.
- `POST /inbound/twilio/voice/{channel}/{message_id}`: the action of a call's <Gather> (notifiers/twilio_voice.py):
  4 acknowledges, 6 resolves; the answer is TwiML that says what happened.

Each request is counted against its client address's rate, its body read up to inbound.MAX_BODY, and its
X-Twilio-Signature checked (Twilio's RequestValidator: HMAC-SHA1 of the URL as called and the form's fields) under
the auth token of each Twilio channel it may come from, before anything in it is looked at: a request no token
signed is a 403 and changes nothing. An answer then acts as the message's link would (service/replies.py).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from pydantic import BaseModel, ConfigDict, Field
from quart import Blueprint, Response, current_app, request
from quart_schema import document_headers, document_request, document_response, security_scheme, tag
from quart_schema.validation import DataSource
from twilio.request_validator import RequestValidator
from twilio.twiml import TwiML
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse
from werkzeug.datastructures import MultiDict

from ..plugins import InvalidAddress
from ..service import replies as service
from ..service.action_links import Link, UnknownActionLink
from . import inbound
from .errors import ApiError
from .responses import ErrorOut, TwiMLOut

bp = Blueprint("inbound_twilio", __name__)

SMS_NOTIFIERS = ("twilio_sms", "twilio_voice")
VOICE_NOTIFIERS = ("twilio_voice",)
SIGNATURE = "X-Twilio-Signature"
HELP = "Reply with the code of a page and a or r: 3a acknowledges the page with code 3, 3r resolves it."
#: Twilio answers these itself (opt-out and help keywords): an answer of ours would not be delivered.
KEYWORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "START", "YES", "UNSTOP", "HELP", "INFO"}
)
OPTIONS = "Press 4 to acknowledge, 6 to resolve."
#: Twilio's id of a received message (SM..., MM... with media): a reply acts once per id.
MESSAGE_SID = re.compile(r"[A-Z]{2}[0-9a-f]{32}")
MAX_SUMMARY = 100


class TwilioSmsIn(BaseModel):
    """Twilio's messaging webhook (form-encoded); it sends more fields, which are ignored."""

    model_config = ConfigDict(extra="allow")
    From: str = Field(description="the number the reply came from: the number the page went to")
    Body: str = Field(description='the reply: a reply code and a or r, e.g. "3a"')
    To: str | None = Field(None, description="the Twilio number that received the reply")
    MessageSid: str | None = None
    AccountSid: str | None = None


class TwilioGatherIn(BaseModel):
    """The result of a call's <Gather> (form-encoded); Twilio sends more fields, which are ignored."""

    model_config = ConfigDict(extra="allow")
    Digits: str = Field(description="the key pressed: 4 acknowledges, 6 resolves")
    CallSid: str | None = None
    AccountSid: str | None = None


class TwilioSigned(BaseModel):
    x_twilio_signature: str | None = Field(
        None, description="Twilio's signature of the URL and the form under the channel's auth token; without it, 403"
    )


def _documented(body: type[BaseModel], *errors: int):
    """A door's document: no credential but Twilio's signature, a TwiML answer, and the app's JSON errors."""

    def decorate(func):
        func = tag(["inbound"])(security_scheme([])(func))
        func = document_headers(TwilioSigned)(document_request(body, source=DataSource.FORM)(func))
        func = document_response(TwiMLOut)(func)
        for status in (403, 413, 429, 503, *errors):
            func = document_response(ErrorOut, status)(func)
        return func

    return decorate


@bp.post("/inbound/twilio/sms")
@_documented(TwilioSmsIn)
async def sms():
    """An SMS reply to a page, from Twilio's messaging webhook: "3a" acknowledges and "3r" resolves the escalation whose
    reply code at the sender's number is 3, as the page's links would. Anything else gets a one-line help answer. A
    request that no Twilio channel's auth token signed is a 403."""
    inbound.admit("twilio_sms")
    form, channels = await _verified("twilio_sms", SMS_NOTIFIERS)
    text = form.get("Body", "")
    response = MessagingResponse()
    outcome = "ignored"
    if text.strip().upper() not in KEYWORDS:
        answer, outcome = await _replied(form.get("From", ""), text, form.get("MessageSid", ""), channels)
        response.message(answer)
    inbound.count("twilio_sms", outcome)
    return _twiml(response)


async def _replied(sender: str, text: str, sid: str, channels: list[str]) -> tuple[str, str]:
    """What to answer to the reply `text` from `sender`, acting on it first when it names an open escalation, and
    what it did (acknowledged, resolved, or ignored)."""
    try:
        done = await _reply(sender, text, sid, channels)
    except _Answered as answered:
        return str(answered), "ignored"
    summary = _short(done.link.escalation.summary)
    earlier = _acknowledged_earlier(done.link)
    if earlier is not None:
        return f"Already acknowledged{earlier}: {summary}", "ignored"
    verb = "Resolved" if done.link.action == "resolve" else "Acknowledged"
    return f"{verb} {done.code}: {summary}", verb.lower()


class _Answered(Exception):
    """A reply that changes nothing: its message is the answer."""


async def _reply(sender: str, text: str, sid: str, channels: list[str]) -> service.Replied:
    """Act on the reply; `_Answered` with what to answer when it cannot act."""
    try:
        number = current_app.extensions["notifiers"].check_address(channels[0], sender)
        if not MESSAGE_SID.fullmatch(sid):
            raise service.NotUnderstood()
        done = await service.reply(number, text, sid, channels, inbound.link_check())
    except (InvalidAddress, service.NotUnderstood):
        raise _Answered(HELP) from None
    except service.Replayed:
        raise _Answered("This reply was handled already.") from None
    except service.UnknownCode as exc:
        raise _Answered(f"No open escalation has code {exc.code} for this number. {HELP}") from None
    except service.AlreadyResolved as exc:
        raise _Answered(f"Already resolved: {_short(exc.summary)}") from None
    except UnknownActionLink:
        raise _Answered("That code no longer works: the page has expired. Act on the escalation in the service.") from None
    return done


@bp.post("/inbound/twilio/voice/<channel:channel>/<server_id:message_id>")
@_documented(TwilioGatherIn, 404)
async def voice(channel: str, message_id: str):
    """The key pressed during a page's call through a `twilio_voice` channel (its <Gather> action): 4 acknowledges,
    6 resolves, as the page's links would, and the call says so; another key hears the choices again. A request that
    the channel's auth token did not sign (or for a channel that is not a twilio_voice one) is a 403."""
    inbound.admit("twilio_voice")
    form, _ = await _verified("twilio_voice", VOICE_NOTIFIERS, channel)
    response = VoiceResponse()
    outcome = "ignored"
    try:
        link = await service.press(channel, message_id, form.get("Digits", ""), inbound.link_check())
    except service.NotUnderstood:
        gather = response.gather(num_digits=1, action=inbound.called_url(), method="POST", timeout=8)
        gather.say(OPTIONS)
        response.say("No key was pressed. Goodbye.")
        inbound.count("twilio_voice", outcome)
        return _twiml(response)
    except service.AlreadyResolved:
        response.say("This escalation is already resolved. Goodbye.")
    except UnknownActionLink:
        response.say("This call can no longer acknowledge or resolve: the page has expired. Goodbye.")
    else:
        response.say(_said(link))
        if _acknowledged_earlier(link) is None:
            outcome = "resolved" if link.action == "resolve" else "acknowledged"
    response.hangup()
    inbound.count("twilio_voice", outcome)
    return _twiml(response)


def _said(link: Link) -> str:
    earlier = _acknowledged_earlier(link)
    if earlier is not None:
        return f"Already acknowledged{earlier}. Goodbye."
    return f"{'Resolved' if link.action == 'resolve' else 'Acknowledged'}. Goodbye."


def _acknowledged_earlier(link: Link) -> str | None:
    """For an answer that acknowledged what was acknowledged before (it changed nothing), who did: " by dave", or ""
    when that acknowledgement named nobody; None when the answer itself acknowledged, or resolved."""
    by = link.escalation.acknowledged_by
    if link.action != "acknowledge" or by == link.by:
        return None
    return f" by {by}" if by else ""


async def _verified(door: str, notifiers: tuple[str, ...], channel: str | None = None) -> tuple[MultiDict, list[str]]:
    """The form of a request that Twilio signed, and the channels whose auth token signed it (of `notifiers`, and only
    `channel` when given); 403 before anything else is read when none did. The body is bounded first (413)."""
    body = await inbound.body()
    signature = request.headers.get(SIGNATURE)
    tokens = _tokens(notifiers, channel)
    if not signature or not tokens:
        raise _forbidden(door)
    try:
        form = MultiDict(parse_qsl(body.decode(), keep_blank_values=True))
    except (UnicodeDecodeError, ValueError):
        raise _forbidden(door) from None
    url = inbound.called_url()
    signed = [name for token, names in tokens.items() if RequestValidator(token).validate(url, form, signature)
              for name in names]
    if not signed:
        raise _forbidden(door)
    return form, signed


def _tokens(notifiers: tuple[str, ...], channel: str | None) -> dict[str, list[str]]:
    """The auth tokens of the usable channels of `notifiers` (only `channel`, when given), each once, with their
    channels."""
    registry = current_app.extensions["notifiers"]
    tokens: dict[str, list[str]] = {}
    for name, state in registry.channels.items():
        if state.ok and state.notifier in notifiers and channel in (None, name):
            tokens.setdefault(state.settings.auth_token.get_secret_value(), []).append(name)
    return tokens


def _forbidden(door: str) -> ApiError:
    return inbound.forbidden(door, f"the request's {SIGNATURE} does not match: it did not come from Twilio")


def _twiml(answer: TwiML) -> Response:
    return Response(str(answer), content_type="text/xml; charset=utf-8")


def _short(summary: str) -> str:
    line = " ".join(summary.split())
    return line if len(line) <= MAX_SUMMARY else line[: MAX_SUMMARY - 1] + "…"
