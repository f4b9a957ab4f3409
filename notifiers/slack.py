"""`slack`: posts each message to a Slack incoming webhook as Block Kit blocks.

The webhook URL is the credential (anyone holding it can post to the channel), so it is a secret
setting and never appears in an error. A contact address is a Slack member ID, mentioned in the
message; a policy that targets the channel itself posts without a mention.

With a `signing_secret` (the Slack app's), Acknowledge and Resolve are interactive buttons: Slack posts a
click to the service (api/inbound_slack.py), which acts and then calls `answered` or `refused` here to
update the message through the click's `response_url`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, SecretStr, field_validator

from nself_oncall import Contact, InvalidAddress, Message, PermanentError, Sent, hookimpl

from . import _http

MEMBER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
MAX_HEADER = 150
MAX_SECTION = 3000
FENCE = "```"
# The message's action links as buttons: each opens its confirmation page in the browser, or, with a signing
# secret, acts at once (Slack posts the click to the service).
LABELS = {"acknowledge": "Acknowledge", "resolve": "Resolve"}
DONE = {"acknowledged": "Acknowledged", "resolved": "Resolved"}
# The block_id of the line that says who acknowledged or resolved: a later update replaces its own line only.
ANSWERED = "nself-oncall-{status}"
GONE = "This escalation is already resolved, or this message's buttons have expired: nothing was changed."


class SlackSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: SecretStr
    allow: _http.Allow = ()
    signing_secret: _http.Token | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, value: SecretStr) -> SecretStr:
        try:
            _http.check_url(value.get_secret_value())
        except ValueError:
            raise ValueError("must be an http:// or https:// URL (the Slack incoming webhook URL)") from None
        return value


def escape(text: str) -> str:
    """Slack's escaping for text in mrkdwn: only &, < and > (so `<!channel>` cannot be injected)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cut(text: str, limit: int) -> str:
    """`text` in at most `limit` characters as Slack counts them (UTF-16 units), ending in … when cut."""
    if utf16_length(text) <= limit:
        return text
    kept, size = [], 0
    for char in text:
        size += utf16_length(char)
        if size > limit - 1:
            break
        kept.append(char)
    return "".join(kept) + "…"


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def title(message: Message) -> str:
    """The summary, flagged for a test message (Slack refuses a blank header)."""
    return ("[TEST] " if message.test else "") + (message.summary.strip() or "(no summary)")


def mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def plain(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}


def shown_at(at: datetime) -> str:
    """An instant as Slack shows it in each reader's own time zone, with UTC where it cannot."""
    at = at.astimezone(UTC)
    return f"<!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}|{at:%Y-%m-%d %H:%M} UTC>"


def facts(message: Message) -> list[dict[str, str]]:
    """The section fields: escalation, step and loop, target, creation time (in the reader's time zone)."""
    fields = [
        ("Step", f"{message.step} (loop {message.loop})"),
        ("Target", f"{escape(message.target.type)} `{escape(message.target.id)}`"),
        ("Created", shown_at(message.created_at)),
    ]
    if message.escalation_id is not None:
        fields.insert(0, ("Escalation", f"`{escape(message.escalation_id)}`"))
    return [mrkdwn(f"*{label}*\n{value}") for label, value in fields]


def details(message: Message) -> str:
    """The details as JSON in a code block, cut so the section stays within Slack's 3000 characters."""
    text = escape(json.dumps(message.as_json()["details"], indent=2, ensure_ascii=False, default=str))
    room = MAX_SECTION - 2 * len(FENCE) - 2
    shown = cut(text, room)
    if shown != text:
        shown = re.sub(r"&[a-z]*…\Z", "…", shown)  # never leave half an &amp;
    return f"{FENCE}\n{shown}\n{FENCE}"


def action_button(action: str, *, url: str | None = None, message_id: str | None = None) -> dict[str, Any]:
    """Acknowledge or Resolve: a link to its confirmation page (`url`), or an interactive button whose value is the
    message's id, which Slack posts to the service when clicked."""
    target = {"value": message_id} if message_id is not None else {"url": url}
    style = {"style": "primary"} if action == "acknowledge" else {}
    return {"type": "button", "text": plain(LABELS[action]), "action_id": action} | target | style


def blocks(message: Message, channel: str, mention: str | None, interactive: bool = False) -> list[dict[str, Any]]:
    """The message as Block Kit blocks; `interactive`: Acknowledge and Resolve act in Slack (the channel has a
    signing secret) rather than open their confirmation pages."""
    result: list[dict[str, Any]] = [
        {"type": "header", "text": plain(cut(title(message), MAX_HEADER))},
        {"type": "section", "fields": facts(message)},
    ]
    if mention:
        result.append({"type": "section", "text": mrkdwn(f"Paging {mention}")})
    if message.details:
        result.append({"type": "section", "text": mrkdwn(details(message))})
    context = f"nself-oncall · channel {escape(channel)} · message `{escape(message.id)}`"
    if message.test:
        context += " · *test message*, no action needed"
    result.append({"type": "context", "elements": [mrkdwn(context)]})
    buttons = [
        action_button(a.action, url=a.url, message_id=message.id if interactive else None)
        for a in message.actions
        if a.action in LABELS
    ]
    if message.link:
        buttons.append({"type": "button", "text": plain("Open escalation"), "url": message.link})
    if buttons:
        result.append({"type": "actions", "elements": buttons})
    return result


def answered_blocks(
    original: Sequence[Mapping[str, Any]], message_id: str, status: str, who: str, at: datetime
) -> list[dict[str, Any]]:
    """The clicked message's blocks (`original`, as Slack sent them back) after its escalation was acknowledged or
    resolved (`status`): every block kept but the buttons, then a line saying who did it (`who`: " by …", or "") and
    when (replacing only an earlier line for the same status), then Resolve after an acknowledgement and the links
    (Open escalation)."""
    line_id = ANSWERED.format(status=status)
    kept = [b for b in original if b.get("type") != "actions" and b.get("block_id") != line_id]
    line = {"type": "section", "block_id": line_id, "text": mrkdwn(f"*{DONE[status]}*{who} at {shown_at(at)}")}
    links = [e for b in original if b.get("type") == "actions" for e in b.get("elements", []) if "url" in e]
    buttons = [action_button("resolve", message_id=message_id)] if status == "acknowledged" else []
    actions = [{"type": "actions", "elements": buttons + links}] if buttons + links else []
    return [*kept, line, *actions]


class SlackNotifier(_http.HttpNotifier):
    name = "slack"
    description = "Posts each message to a Slack incoming webhook, mentioning the member paged."
    settings_model = SlackSettings
    secret_settings = frozenset({"url", "signing_secret"})

    def check_address(self, address: str) -> str:
        """A Slack member ID (U… or W…), as shown in a profile's "Copy member ID"."""
        member = address.strip().upper()
        if not MEMBER_ID.fullmatch(member):
            raise InvalidAddress("a Slack address is a member ID such as U024BE7LH (profile → Copy member ID)")
        return member

    async def send(self, message: Message, contact: Contact, settings: SlackSettings, *, timeout: float) -> Sent:
        mention = self._mention(contact.address)
        text = " ".join(filter(None, [mention, escape(title(message))]))
        interactive = settings.signing_secret is not None
        body = {"text": text, "blocks": blocks(message, contact.channel, mention, interactive)}
        await self._post(settings.url.get_secret_value(), body, settings, timeout)
        return Sent(provider_id=None)

    async def answered(
        self,
        settings: SlackSettings,
        response_url: str,
        original: Sequence[Mapping[str, Any]],
        *,
        message_id: str,
        status: str,
        by: str | None,
        member: str | None,
        at: datetime,
        timeout: float,
    ) -> None:
        """Replace a clicked message (its blocks `original`) to say that its escalation is now `status`
        (acknowledged or resolved) by `by` (mentioned as `member` when that is who it was; None: nobody was named)
        at `at`, with a Resolve button left after an acknowledgement. Called by the service after a click (this is
        not a plugin hook)."""
        who = f" by <@{member}>" if member is not None else f" by `{escape(by)}`" if by else ""
        text = DONE[status] + who
        body = {"replace_original": True, "text": text, "blocks": answered_blocks(original, message_id, status, who, at)}
        await self._post(response_url, body, settings, timeout)

    async def refused(self, settings: SlackSettings, response_url: str, *, timeout: float) -> None:
        """Tell the clicker alone (the message unchanged) that its buttons no longer work."""
        body = {"response_type": "ephemeral", "replace_original": False, "text": GONE}
        await self._post(response_url, body, settings, timeout)

    async def _post(self, url: str, body: dict[str, Any], settings: SlackSettings, timeout: float) -> None:
        """POST `body` as JSON to a Slack URL through the guard (the channel's `allow`)."""
        response = await _http.post(
            url,
            allow=settings.allow,
            timeout=_http.network_timeout(timeout),
            headers={"Content-Type": "application/json"},
            content=json.dumps(body).encode(),
        )
        _http.raise_for_status(response, "Slack")

    def _mention(self, address: str | None) -> str | None:
        """`<@member>`, or None for a channel target; an address saved for another notifier is refused."""
        if address is None:
            return None
        try:
            return f"<@{self.check_address(address)}>"
        except InvalidAddress as exc:
            raise PermanentError(str(exc)) from None


@hookimpl
def register_notifiers(register):
    register(SlackNotifier())
