"""What a notifier plugin sees: the message, the contact, the result and the errors it may raise.

Everything here is a frozen value or a small base class, with no ORM, HTTP framework or
engine behind it. A plugin imports these from `nself_oncall` (see docs/plugins.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any, ClassVar


@dataclass(frozen=True)
class Target:
    """Whom the policy step named: `schedule`, `user` or `channel` (a test message names its channel)."""

    type: str
    id: str


@dataclass(frozen=True)
class Action:
    """A personal link that acts on the message's escalation: `action` is `acknowledge` or `resolve`.

    A GET of `url` shows a confirmation page and changes nothing (mail scanners and link previews fetch
    every URL); a POST to it, with no body, acts, and records who: the contact's user, or the channel."""

    action: str
    url: str


@dataclass(frozen=True)
class Message:
    """One notification. `id` is unique per message and stays the same across retries:
    send it as an idempotency key where the provider takes one. `actions` are the links that
    acknowledge or resolve the escalation from the message (none for a test message or a handoff
    notice); they stay the same on every retry too. `reply_code` is the code a reply to the message names (an SMS
    reply "3a" acknowledges, "3r" resolves), given to escalation messages of notifiers that take replies
    (`Notifier.replies`). `base_url` is where the service is reached from outside (NSELF_ONCALL_PUBLIC_URL), for a
    provider that calls the service back (a voice call's key presses)."""

    id: str
    escalation_id: str | None
    summary: str
    details: Mapping[str, Any]
    step: int
    loop: int
    target: Target
    link: str | None
    created_at: datetime
    test: bool = False
    actions: tuple[Action, ...] = ()
    reply_code: str | None = None
    base_url: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "details", _freeze(self.details))
        object.__setattr__(self, "actions", tuple(self.actions))

    def action_url(self, action: str) -> str | None:
        """The URL of the `acknowledge` or `resolve` link, or None when the message has none."""
        return next((a.url for a in self.actions if a.action == action), None)

    def as_json(self) -> dict[str, Any]:
        """The message as plain JSON values (what the webhook notifier posts)."""
        return {
            "id": self.id,
            "escalation_id": self.escalation_id,
            "summary": self.summary,
            "details": _thaw(self.details),
            "step": self.step,
            "loop": self.loop,
            "target": {"type": self.target.type, "id": self.target.id},
            "link": self.link,
            "created_at": self.created_at.isoformat().replace("+00:00", "Z"),
            "test": self.test,
            "actions": [{"action": a.action, "url": a.url} for a in self.actions],
        }


@dataclass(frozen=True)
class Contact:
    """Where to send: a user's contact method, or the channel itself (`address` None) when a
    policy targets the channel directly; the notifier then uses its channel's own default."""

    channel: str
    address: str | None = None
    user_id: str | None = None
    user_name: str | None = None


@dataclass(frozen=True)
class Sent:
    """A delivery the provider accepted; `provider_id` is its own id for the message, if any."""

    provider_id: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of one delivery attempt, as the host records it and observers see it.

    `status` is `sent`, `failed` (`temporary` says whether a retry may succeed) or
    `undeliverable` (the channel cannot be used: notifier missing or settings invalid)."""

    status: str
    attempted_at: datetime
    duration_ms: float = 0.0
    temporary: bool = False
    provider_id: str | None = None
    error: str | None = None
    retry_after: float | None = None


class DeliveryError(Exception):
    """Base of the two errors `Notifier.send` raises; the message is shown to operators."""


class TemporaryError(DeliveryError):
    """Worth retrying: connection refused, timeout, 5xx, rate limited (`retry_after` seconds if known)."""

    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(DeliveryError):
    """Retrying cannot help: rejected credentials, bad address, refused target, other 4xx."""


class InvalidSettings(ValueError):
    """A channel's settings are wrong; `problems` maps each setting to what is wrong with it."""

    def __init__(self, problems: Mapping[str, str]):
        self.problems = dict(problems)
        super().__init__("; ".join(f"{key}: {why}" for key, why in self.problems.items()))


class InvalidAddress(ValueError):
    """A contact address this notifier cannot deliver to (the API answers 422)."""


class Notifier:
    """Base class of every notifier. Subclass it, set `name`, and implement `send`.

    The host validates each channel's settings once at start with `check_settings`, each
    contact address when a user is saved with `check_address`, and awaits `send` under the
    channel's timeout. Secrets named in `secret_settings` are masked wherever settings are shown.
    """

    name: ClassVar[str]
    description: ClassVar[str] = ""
    secret_settings: ClassVar[frozenset[str]] = frozenset()
    settings_model: ClassVar[Any] = None
    """A pydantic model or dataclass; the default `check_settings` validates into it."""
    rate_limit: ClassVar[tuple[str, ...]] = ()
    """Default per-contact rate limits of this notifier's channels, like ("1/1m", "5/15m"): a message
    over a limit waits until it fits. A channel's `rate_limit` setting replaces them."""
    replies: ClassVar[bool] = False
    """True: the host gives each escalation message a `reply_code` (kept per recipient address and open escalation),
    which the person's reply names (see POST /inbound/twilio/sms)."""

    def check_settings(self, raw: Mapping[str, Any]) -> Any:
        """Validate a channel's settings (environment values already filled in) and return what
        `send` will get; raise `InvalidSettings`. Unknown keys are errors: they are usually typos."""
        if self.settings_model is None:
            if raw:
                raise InvalidSettings({key: "unknown setting" for key in raw})
            return None
        from pydantic import TypeAdapter, ValidationError

        if dataclasses.is_dataclass(self.settings_model):  # pydantic ignores unknown keys of a dataclass
            known = {f.name for f in dataclasses.fields(self.settings_model)}
            if set(raw) - known:
                raise InvalidSettings({key: "unknown setting" for key in sorted(set(raw) - known)})
        try:
            return TypeAdapter(self.settings_model).validate_python(dict(raw))
        except ValidationError as exc:
            raise invalid_settings(exc) from None

    def check_address(self, address: str) -> str:
        """Validate a contact address and return it normalized; raise `InvalidAddress`."""
        return address

    def channel_address(self, settings: Any) -> str | None:
        """The address a message to the channel itself (`Contact.address` None) goes to, from the channel's
        `settings` (twilio_sms: its `to`), or None. A notifier that takes replies says it, so that the reply codes of
        those messages are kept per number too."""
        return None

    def recipient(self, contact: Contact, default: str | None, setting: str) -> str:
        """The contact's address, checked again (it may have been saved while the channel used another
        notifier), or for a channel target the channel's `default` (the setting named `setting`);
        `PermanentError` when the address is refused or there is no default."""
        if contact.address is None:
            if default is None:
                raise PermanentError(f"channel {contact.channel!r} has no {setting} setting to send to")
            return default
        try:
            return self.check_address(contact.address)
        except InvalidAddress as exc:
            raise PermanentError(f"cannot send to {contact.address!r}: {exc}") from None

    async def send(self, message: Message, contact: Contact, settings: Any, *, timeout: float) -> Sent:
        """Deliver one message; raise `TemporaryError` or `PermanentError` when it fails.
        `timeout` is the seconds the host will wait; give your own network calls a little less."""
        raise NotImplementedError

    async def close(self) -> None:
        """Release what `send` keeps between messages in this event loop (an HTTP client and its open connections).
        The host awaits it when the process stops sending (the engine stops, the API shuts down); a later `send`
        may open them again. The default keeps nothing."""


def invalid_settings(exc: Any) -> InvalidSettings:
    """A pydantic `ValidationError` as `InvalidSettings`: each setting and why, never the value given."""
    return InvalidSettings({".".join(str(p) for p in e["loc"]) or "settings": _reason(e) for e in exc.errors()})


def _reason(error: Mapping[str, Any]) -> str:
    return "unknown setting" if error["type"] == "extra_forbidden" else error["msg"].removeprefix("Value error, ")


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value

