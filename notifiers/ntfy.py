"""`ntfy`: publishes each message to an ntfy topic (ntfy.sh or a self-hosted server) as JSON.

One POST of `{"topic", "title", "message", "priority", "tags", "click", "actions"}` to the server's root URL
(https://docs.ntfy.sh/publish/#publish-as-json). A contact address is a topic name.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from nself_oncall import (
    Contact,
    InvalidAddress,
    Message,
    Sent,
    hookimpl,
)

from . import _http

TOPIC = re.compile(r"^[-_A-Za-z0-9]{1,64}$")  # ntfy's own rule for topic names
PRIORITIES = {"min": 1, "low": 2, "default": 3, "high": 4, "urgent": 5, "max": 5}
MAX_TITLE = 200
MAX_MESSAGE_BYTES = 3500  # ntfy's default message-size-limit is 4096 bytes; stay well inside it
MAX_TAG = 64
LABELS = {"acknowledge": "Acknowledge", "resolve": "Resolve"}


class NtfySettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    server: _http.BaseUrl = "https://ntfy.sh"
    topic: str | None = None
    token: _http.Token | None = None
    priority: int = 4
    tags: tuple[str, ...] = ("rotating_light",)
    allow: _http.Allow = ()
    ca_file: _http.CaFile = None

    @field_validator("topic")
    @classmethod
    def _topic(cls, value: str | None) -> str | None:
        if value is not None and not TOPIC.match(value):
            raise ValueError("an ntfy topic: 1 to 64 letters, digits, '-' or '_'")
        return value

    @field_validator("priority", mode="before")
    @classmethod
    def _priority(cls, value: Any) -> int:
        if isinstance(value, str) and value.strip().lower() in PRIORITIES:
            return PRIORITIES[value.strip().lower()]
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5:
            return value
        raise ValueError("1 to 5, or one of min, low, default, high, urgent, max")

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        tags = tuple(tag.strip() for tag in value)
        if any(not tag or len(tag) > MAX_TAG for tag in tags):
            raise ValueError(f"each tag must be 1 to {MAX_TAG} characters")
        return tags


class NtfyNotifier(_http.HttpNotifier):
    name = "ntfy"
    description = "Publishes each message to an ntfy topic (ntfy.sh or a self-hosted server)."
    settings_model = NtfySettings
    secret_settings = frozenset({"token"})

    def check_address(self, address: str) -> str:
        topic = address.strip()
        if not TOPIC.match(topic):
            raise InvalidAddress("an ntfy topic is 1 to 64 letters, digits, '-' or '_'")
        return topic

    async def send(self, message: Message, contact: Contact, settings: NtfySettings, *, timeout: float) -> Sent:
        body = json.dumps(
            payload(message, self.recipient(contact, settings.topic, "topic"), settings), ensure_ascii=False
        )
        headers = {"Content-Type": "application/json"}
        if settings.token is not None:
            headers["Authorization"] = f"Bearer {settings.token.get_secret_value()}"
        response = await _http.post(
            settings.server + "/",
            allow=settings.allow,
            timeout=_http.network_timeout(timeout),
            headers=headers,
            content=body.encode(),
            verify=_http.verify(settings.ca_file),
        )
        _http.raise_for_provider(response, "ntfy", _describe)
        return Sent(provider_id=_http.json_text(response, "id"))


def payload(message: Message, topic: str, settings: NtfySettings) -> dict[str, Any]:
    """The JSON object ntfy publishes; `click` opens the escalation when the message has a link, and each action
    link is a button that POSTs to it from the phone (an ntfy `http` action: pressed, never fetched ahead)."""
    published: dict[str, Any] = {
        "topic": topic,
        "title": _one_line(message.summary, MAX_TITLE),
        "message": _fit_bytes(text(message), MAX_MESSAGE_BYTES),
        "priority": settings.priority,
        "tags": list(settings.tags),
    }
    if message.link:
        published["click"] = message.link
    if message.actions:
        published["actions"] = [
            {"action": "http", "label": LABELS[a.action], "url": a.url, "method": "POST", "clear": True}
            for a in message.actions
            if a.action in LABELS
        ]
    return published


def text(message: Message) -> str:
    """The notification body: what, where in the policy, and the details, one per line."""
    lines = ["Test message from nself-oncall."] if message.test else []
    step = f"step {message.step}" + (f", loop {message.loop}" if message.loop else "")
    lines.append(f"Escalation {message.escalation_id}, {step}" if message.escalation_id else step.capitalize())
    lines.append(f"Target: {message.target.type} {message.target.id}")
    for key, value in message.as_json()["details"].items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        lines.append(f"{key}: {shown}")
    return "\n".join(lines)


def _describe(response: _http.Response) -> str | None:
    """ntfy's JSON error (`{"code": 40301, "http": 403, "error": "forbidden", ...}`) as one line."""
    error = _http.json_field(response, "error")
    if not isinstance(error, str) or not error:
        return None
    code = _http.json_field(response, "code")
    return f"ntfy answered {response.status_code}: {_one_line(error, 200)}" + (f" (code {code})" if code else "")


def _one_line(value: str, limit: int) -> str:
    line = " ".join(value.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _fit_bytes(value: str, limit: int) -> str:
    """`value` cut to at most `limit` UTF-8 bytes, on a character boundary."""
    encoded = value.encode()
    if len(encoded) <= limit:
        return value
    return encoded[: limit - len("…".encode())].decode(errors="ignore") + "…"


@hookimpl
def register_notifiers(register):
    register(NtfyNotifier())
