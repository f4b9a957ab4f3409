"""`slack`: posts each message to a Slack incoming webhook as Block Kit blocks.

The webhook URL is the credential (anyone holding it can post to the channel), so it is a secret
setting and never appears in an error. A contact address is a Slack member ID, mentioned in the
message; a policy that targets the channel itself posts without a mention.
"""

from __future__ import annotations

import json
import re
from datetime import UTC
from typing import Any

from pydantic import BaseModel, ConfigDict, SecretStr, field_validator

from nself_oncall import Contact, InvalidAddress, Message, Notifier, PermanentError, Sent, hookimpl

from . import _http

MEMBER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
MAX_HEADER = 150
MAX_SECTION = 3000
FENCE = "```"
# The message's action links as buttons: each opens its confirmation page in the browser.
LABELS = {"acknowledge": "Acknowledge", "resolve": "Resolve"}


class SlackSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: SecretStr
    allow: _http.Allow = ()

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


def facts(message: Message) -> list[dict[str, str]]:
    """The section fields: escalation, step and loop, target, creation time (in the reader's time zone)."""
    created = message.created_at.astimezone(UTC)
    shown_at = f"<!date^{int(created.timestamp())}^{{date_short_pretty}} {{time}}|{created:%Y-%m-%d %H:%M} UTC>"
    fields = [
        ("Step", f"{message.step} (loop {message.loop})"),
        ("Target", f"{escape(message.target.type)} `{escape(message.target.id)}`"),
        ("Created", shown_at),
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


def blocks(message: Message, channel: str, mention: str | None) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": cut(title(message), MAX_HEADER)}},
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
        {"type": "button", "text": {"type": "plain_text", "text": LABELS[a.action]}, "url": a.url, "action_id": a.action}
        | ({"style": "primary"} if a.action == "acknowledge" else {})
        for a in message.actions
        if a.action in LABELS
    ]
    if message.link:
        buttons.append({"type": "button", "text": {"type": "plain_text", "text": "Open escalation"}, "url": message.link})
    if buttons:
        result.append({"type": "actions", "elements": buttons})
    return result


class SlackNotifier(Notifier):
    name = "slack"
    description = "Posts each message to a Slack incoming webhook, mentioning the member paged."
    settings_model = SlackSettings
    secret_settings = frozenset({"url"})

    def check_address(self, address: str) -> str:
        """A Slack member ID (U… or W…), as shown in a profile's "Copy member ID"."""
        member = address.strip().upper()
        if not MEMBER_ID.fullmatch(member):
            raise InvalidAddress("a Slack address is a member ID such as U024BE7LH (profile → Copy member ID)")
        return member

    async def send(self, message: Message, contact: Contact, settings: SlackSettings, *, timeout: float) -> Sent:
        mention = self._mention(contact.address)
        text = " ".join(filter(None, [mention, escape(title(message))]))
        body = json.dumps({"text": text, "blocks": blocks(message, contact.channel, mention)}).encode()
        response = await _http.post(
            settings.url.get_secret_value(),
            allow=settings.allow,
            timeout=_http.network_timeout(timeout),
            headers={"Content-Type": "application/json"},
            content=body,
        )
        _http.raise_for_status(response, "Slack")
        return Sent(provider_id=None)

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
