"""`POST /inbound/slack/{channel}`: Slack's interactivity Request URL, where Slack posts a click on Acknowledge or Resolve
in a message of a `slack` channel that has a `signing_secret`.

Checked before anything in it is parsed or looked up (api/inbound.py: the client address's rate, the body's size):
the `X-Slack-Signature` (v0) of `X-Slack-Request-Timestamp` and the raw body under the channel's signing secret, the
timestamp within 5 minutes. An unknown channel, one that is not a slack one or has no signing secret, and a missing,
old or wrong signature are one 403. Then the click acts as the message's link would, with the Slack member as the
actor (service/slack.py), and Slack gets its 200 at once; the message is updated through the click's `response_url`
after that answer, in the background (Slack wants the answer within 3 seconds).
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from quart import Blueprint, current_app, request
from quart_schema import document_request, document_response, security_scheme, tag
from quart_schema.validation import DataSource
from slack_sdk.signature import SignatureVerifier

from ..service import slack as service
from . import inbound
from .errors import ApiError, pydantic_details
from .fields import SERVER_ID
from .nesting import MAX_JSON_DEPTH, nested_deeper_than
from .responses import ErrorOut, SlackOut

bp = Blueprint("inbound_slack", __name__)

_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_ACTIONS = {"acknowledge": "acknowledged", "resolve": "resolved"}


def _response_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http(s) URL")
    return url


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore")


class SlackUser(_In):
    id: str = Field(pattern=r"^[A-Z0-9]{1,64}$", description="the member id, as a contact address holds it")


class SlackAction(_In):
    action_id: str = Field(max_length=255)
    value: str | None = Field(default=None, max_length=2000)


class SlackBlock(BaseModel):
    """A block of the clicked message, kept as Slack sent it (the update keeps all of them but the buttons)."""

    model_config = ConfigDict(extra="allow")
    type: str
    block_id: str | None = None
    elements: list[dict[str, Any]] | None = None


class SlackMessage(_In):
    blocks: list[SlackBlock] = Field(default_factory=list)


class BlockActions(_In):
    """The fields of Slack's `block_actions` payload that a click on our buttons needs."""

    user: SlackUser
    actions: list[SlackAction] = Field(min_length=1)
    response_url: Annotated[str, Field(max_length=2048), AfterValidator(_response_url)]
    message: SlackMessage | None = None


class SlackForm(BaseModel):
    payload: str = Field(description="Slack's interaction payload as JSON: `block_actions`, for a click on a button")


@bp.post("/inbound/slack/<channel:channel>")
@tag(["inbound"])
@security_scheme([])
@document_request(SlackForm, source=DataSource.FORM)
@document_response(SlackOut)
@document_response(ErrorOut, 400)
@document_response(ErrorOut, 403)
@document_response(ErrorOut, 404)
@document_response(ErrorOut, 413)
@document_response(ErrorOut, 422)
@document_response(ErrorOut, 429)
@document_response(ErrorOut, 503)
async def slack(channel: str):
    """Slack's interactivity Request URL for the `slack` channel `channel` (no bearer token: Slack's signature under
    the channel's `signing_secret`, its timestamp within 5 minutes; otherwise 403). A click on Acknowledge or Resolve
    acts as the message's link would, as the Slack member (the one user whose contact on this channel is the member's
    id, else `slack:<member id>`), and the message is then updated to say who did it. Any other interaction, and a
    click on a message whose buttons no longer work, changes nothing (`ignored`). A path that cannot name a channel
    is a 404."""
    inbound.admit("slack")
    raw = await inbound.body()
    if not _signed(channel, raw):
        raise inbound.forbidden("slack", "not signed by Slack for this channel")
    answer = await _answer(channel, raw)
    inbound.count("slack", answer["action"])
    return answer


async def _answer(channel: str, raw: bytes) -> dict[str, Any]:
    """What a signed request did: a click on Acknowledge or Resolve acts, and the message is updated afterwards;
    anything else is ignored."""
    payload = _payload(raw)
    if payload is None:
        return {"action": "ignored", "escalation_id": None}
    click = _click(channel, _block_actions(payload))
    if click is None:
        return {"action": "ignored", "escalation_id": None}
    link = await service.act(click, inbound.link_check(), _same_app(channel))
    current_app.add_background_task(service.tell, current_app.extensions["notifiers"], click, link)
    if link is None:
        return {"action": "ignored", "escalation_id": None}
    return {"action": _ACTIONS[click.action], "escalation_id": link.escalation.id}


def _signed(channel: str, raw: bytes) -> bool:
    """Whether Slack signed this request under the channel's signing secret (v0, within 5 minutes)."""
    state = current_app.extensions["notifiers"].channels.get(channel)
    if state is None or not state.ok or state.notifier != "slack":
        return False
    secret = getattr(state.settings, "signing_secret", None)
    timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
    signature = request.headers.get("X-Slack-Signature")
    if secret is None or signature is None or not _TIMESTAMP.fullmatch(timestamp):
        return False
    try:
        return SignatureVerifier(secret.get_secret_value()).is_valid(raw, timestamp, signature)
    except (UnicodeDecodeError, TypeError):  # a body that is not UTF-8, a signature that is not ASCII
        return False


def _same_app(channel: str) -> list[str]:
    """The slack channels whose messages a click verified for `channel` may act on: those of the same Slack app (the
    same signing secret), `channel` included."""
    channels = current_app.extensions["notifiers"].channels
    secret = channels[channel].settings.signing_secret.get_secret_value()
    return [name for name, state in channels.items()
            if state.ok and state.notifier == "slack" and state.settings.signing_secret is not None
            and state.settings.signing_secret.get_secret_value() == secret]


def _payload(raw: bytes) -> dict[str, Any] | None:
    """The form's one `payload` field as a JSON object (400 otherwise); None for an interaction other than a click
    on a block's button (a shortcut, a modal), which changes nothing here."""
    fields = parse_qsl(raw.decode(), keep_blank_values=True)
    texts = [value for name, value in fields if name == "payload"]
    if len(texts) != 1 or nested_deeper_than(texts[0], MAX_JSON_DEPTH):
        raise ApiError(400, "the body must be one form field `payload` holding Slack's interaction payload")
    try:
        payload = json.loads(texts[0])
    except ValueError:
        raise ApiError(400, "the payload is not JSON") from None
    if not isinstance(payload, dict):
        raise ApiError(400, "the payload is not a JSON object")
    return payload if payload.get("type") == "block_actions" else None


def _block_actions(payload: dict[str, Any]) -> BlockActions:
    try:
        return BlockActions.model_validate(payload)
    except ValidationError as exc:
        details = pydantic_details(exc)
        raise ApiError(422, f"not a block_actions payload: {details[0]['field']}: {details[0]['message']}",
                       details) from None


def _click(channel: str, payload: BlockActions) -> service.Click | None:
    """The click on Acknowledge or Resolve; None for another button (Open escalation, a link, which Slack reports
    too). A value that cannot be one of our message ids is a 422."""
    action = payload.actions[0]
    if action.action_id not in _ACTIONS:
        return None
    if action.value is None or not re.fullmatch(SERVER_ID, action.value):
        raise ApiError(422, "actions[0].value: not a message id of this service",
                       [{"field": "actions[0].value", "message": "not a message id of this service"}])
    if not _slacks_own(channel, payload.response_url):
        raise ApiError(422, "response_url: not a URL of this channel's Slack",
                       [{"field": "response_url", "message": "not a URL of this channel's Slack"}])
    blocks = [block.model_dump(exclude_unset=True) for block in payload.message.blocks] if payload.message else []
    return service.Click(channel, action.action_id, action.value, payload.user.id, payload.response_url, blocks)


def _slacks_own(channel: str, response_url: str) -> bool:
    """Whether `response_url` is on the host (and scheme) of the channel's own webhook URL (hooks.slack.com): the
    update is posted there, and nowhere a payload may say."""
    webhook = urlsplit(current_app.extensions["notifiers"].channels[channel].settings.url.get_secret_value())
    given = urlsplit(response_url)
    return (given.scheme, given.hostname, given.port) == (webhook.scheme, webhook.hostname, webhook.port)
