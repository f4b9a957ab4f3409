"""`webhook`: POSTs each message as JSON to the operator's URL, optionally signed with HMAC-SHA256.

The URL is a channel setting in plugins.toml, never a contact address: letting API users pick
the URLs the service posts to would let them aim it at internal addresses (SSRF). A contact
address is only an identifier the receiver understands, carried in the payload.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
import unicodedata
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from nself_oncall import Contact, InvalidAddress, Message, Sent, hookimpl

from . import _http

TIMESTAMP_HEADER = "X-Nself-Oncall-Timestamp"
SIGNATURE_HEADER = "X-Nself-Oncall-Signature"
# Headers the notifier sets itself, or that would corrupt the request's framing.
RESERVED_HEADERS = frozenset(
    {"content-type", "content-length", "transfer-encoding", "host", "idempotency-key"}
    | {TIMESTAMP_HEADER.lower(), SIGNATURE_HEADER.lower()}
)
HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")
MAX_ADDRESS = 255
MIN_SECRET = 16


class WebhookSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: _http.Url
    secret: SecretStr | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    allow: _http.Allow = ()
    ca_file: _http.CaFile = None

    @field_validator("secret")
    @classmethod
    def _secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_SECRET:
            raise ValueError(f"must be at least {MIN_SECRET} characters")  # and never say how long it was
        return value

    @field_validator("headers")
    @classmethod
    def _headers(cls, value: dict[str, str]) -> dict[str, str]:
        for name, header in value.items():
            if not HEADER_NAME.fullmatch(name):
                raise ValueError(f"{name!r} is not a valid header name")
            if name.lower() in RESERVED_HEADERS:
                raise ValueError(f"{name} is set by the notifier and cannot be overridden")
            if not HEADER_VALUE.fullmatch(header):
                raise ValueError(f"the value of {name} must be printable ASCII")
        return value


def payload(message: Message, contact: Contact) -> dict[str, Any]:
    """The documented JSON body (docs/notifiers/webhook.md)."""
    person = None
    if contact.address is not None:
        person = {"address": contact.address, "user_id": contact.user_id, "user_name": contact.user_name}
    return {"event": "notification", "message": message.as_json(), "channel": contact.channel, "contact": person}


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256 of `"<timestamp>." + body`, keyed with the channel's secret."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class WebhookNotifier(_http.HttpNotifier):
    name = "webhook"
    description = "POSTs each message as JSON to a URL, signed with HMAC-SHA256 when a secret is set."
    settings_model = WebhookSettings
    secret_settings = frozenset({"secret", "headers"})

    def check_address(self, address: str) -> str:
        """Any identifier the receiver understands (1-255 characters, no control characters)."""
        address = address.strip()
        if not 1 <= len(address) <= MAX_ADDRESS:
            raise InvalidAddress(f"a webhook address is 1 to {MAX_ADDRESS} characters")
        if any(unicodedata.category(c) in ("Cc", "Cs") for c in address):
            raise InvalidAddress("a webhook address cannot contain control characters")
        return address

    async def send(self, message: Message, contact: Contact, settings: WebhookSettings, *, timeout: float) -> Sent:
        body = json.dumps(payload(message, contact), separators=(",", ":")).encode()
        headers = {**settings.headers, "Content-Type": "application/json", "Idempotency-Key": message.id}
        if settings.secret is not None:
            timestamp = int(time.time())
            headers[TIMESTAMP_HEADER] = str(timestamp)
            headers[SIGNATURE_HEADER] = signature(settings.secret.get_secret_value(), timestamp, body)
        response = await _http.post(
            settings.url,
            allow=settings.allow,
            timeout=_http.network_timeout(timeout),
            headers=headers,
            content=body,
            verify=_http.verify(settings.ca_file),
        )
        _http.raise_for_status(response, "webhook receiver")
        return Sent(provider_id=_http.json_text(response, "id"))


@hookimpl
def register_notifiers(register):
    register(WebhookNotifier())
