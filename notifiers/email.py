"""`email`: sends each message as a text + HTML email through an SMTP server (aiosmtplib).

The Message-ID is derived from the message id, so a retried message carries the same id and
mail systems can recognise the duplicate. `security = "plain"` never upgrades to TLS, even
when the server offers STARTTLS, and refuses a password unless the server is on loopback.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import ipaddress
import json
import logging
import re
import socket
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Annotated, Literal

import aiosmtplib
from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationInfo, field_validator

from nself_oncall import (
    Contact,
    DeliveryError,
    InvalidAddress,
    Message,
    Notifier,
    PermanentError,
    Sent,
    TemporaryError,
    hookimpl,
)

from . import _http

log = logging.getLogger("nself_oncall.notifiers.email")

DEFAULT_PORTS = {"plain": 25, "starttls": 587, "tls": 465}
HOST_NAME = re.compile(r"^(?=.{1,253}\.?$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*\.?$", re.I)
MAX_REPLY = 200
MASK = "********"
LABELS = {"acknowledge": "Acknowledge", "resolve": "Resolve"}


def normalized_address(address: str) -> str:
    """The address as email-validator normalizes it; `ValueError` with its reason when it is not one."""
    try:
        return validate_email(address.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"{address!r} is not an email address: {exc}") from None


def _is_loopback(host: str) -> bool:
    if host.rstrip(".").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _single_line(text: str, what: str) -> str:
    if "\r" in text or "\n" in text:
        raise ValueError(f"{what} must be a single line")
    return text


class EmailSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str
    port: Annotated[int, Field(strict=True, ge=1, le=65535)] | None = None
    security: Literal["starttls", "tls", "plain"] = "starttls"
    username: str | None = None
    password: SecretStr | None = Field(default=None, validate_default=True)
    sender: str = Field(alias="from")
    to: tuple[str, ...] = ()
    subject_prefix: str = "[nself-oncall]"
    ca_file: _http.CaFile = None

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        value = value.strip()
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            if not HOST_NAME.match(value):
                raise ValueError("must be a host name or an IP address") from None
        return value

    @field_validator("username")
    @classmethod
    def _username(cls, value: str | None) -> str | None:
        if value is not None and not value:
            raise ValueError("must not be empty")
        return value if value is None else _single_line(value, "username")

    @field_validator("password")
    @classmethod
    def _password(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        """Both or neither of username and password; no password in clear text over the network."""
        has_username = info.data.get("username") is not None
        if value is None:
            if has_username:
                raise ValueError("required when username is set")
            return None
        if not has_username:
            raise ValueError("given without username")
        if not value.get_secret_value():
            raise ValueError("must not be empty")
        host = info.data.get("host")
        if info.data.get("security") == "plain" and host and not _is_loopback(host):
            raise ValueError(
                'refused with security = "plain" to a host that is not loopback: '
                'it would cross the network in clear text; use "starttls" or "tls"'
            )
        return value

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        return normalized_address(value)

    @field_validator("to")
    @classmethod
    def _to(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(normalized_address(address) for address in value)

    @field_validator("subject_prefix")
    @classmethod
    def _subject_prefix(cls, value: str) -> str:
        return _single_line(value.strip(), "subject_prefix")

    @field_validator("ca_file")
    @classmethod
    def _ca_file(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("security") == "plain":
            raise ValueError('has no use with security = "plain"')
        return value

    @property
    def smtp_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]


class EmailNotifier(Notifier):
    name = "email"
    description = "Sends an email (text and HTML) through an SMTP server."
    settings_model = EmailSettings
    secret_settings = frozenset({"password"})
    rate_limit = ("1/1m",)  # GoAlert's limit for email to one address

    def check_address(self, address: str) -> str:
        try:
            return normalized_address(address)
        except ValueError as exc:
            raise InvalidAddress(str(exc)) from None

    async def send(self, message: Message, contact: Contact, settings: EmailSettings, *, timeout: float) -> Sent:
        if contact.address is not None:
            try:
                recipients = [normalized_address(contact.address)]
            except ValueError as exc:
                raise PermanentError(str(exc)) from None
        elif settings.to:
            recipients = list(settings.to)
        else:
            raise PermanentError(
                f"channel {contact.channel!r} has no `to` setting: no recipient for the channel itself"
            )
        email = build_email(message, settings, recipients)
        where = f"SMTP {settings.host}:{settings.smtp_port}"
        try:
            refused = await _transmit(email, settings, recipients, _http.network_timeout(timeout))
        except (aiosmtplib.SMTPException, OSError) as exc:
            error = _failure(exc, where)
            password = settings.password.get_secret_value() if settings.password else None
            raise type(error)(str(error).replace(password, MASK) if password else str(error)) from None
        if refused:
            log.warning("%s accepted message %s but refused %s", where, message.id, ", ".join(sorted(refused)))
        return Sent(provider_id=email["Message-ID"])


def build_email(message: Message, settings: EmailSettings, recipients: list[str]) -> EmailMessage:
    """The email for `message`: headers, a text/plain body and its text/html alternative."""
    email = EmailMessage()
    summary = " ".join(message.summary.split())  # one line: a CR/LF must not start a new header
    email["Subject"] = " ".join(part for part in (settings.subject_prefix, summary) if part)
    email["From"] = settings.sender
    email["To"] = ", ".join(recipients)
    email["Date"] = format_datetime(datetime.now(UTC))
    email["Message-ID"] = f"<{''.join(message.id.split())}@nself-oncall>"
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to pages
    fields = _fields(message)
    details = json.dumps(message.as_json()["details"], indent=2, ensure_ascii=False, sort_keys=True, default=str)
    email.set_content(_text_body(message, fields, details))
    email.add_alternative(_html_body(message, fields, details), subtype="html")
    return email


def _fields(message: Message) -> list[tuple[str, str]]:
    return [
        ("Escalation", message.escalation_id or "-"),
        ("Step", f"{message.step} (loop {message.loop})"),
        ("Target", f"{message.target.type} {message.target.id}"),
        ("Created", message.as_json()["created_at"]),
        ("Link", message.link or "-"),
        ("Message", message.id),
    ]


def _text_body(message: Message, fields: list[tuple[str, str]], details: str) -> str:
    lines = [message.summary, ""]
    if message.test:
        lines += ["This is a test message.", ""]
    if message.actions:
        lines += [f"{LABELS.get(a.action, a.action)}: {a.url}" for a in message.actions] + [""]
    lines += [f"{label}: {value}" for label, value in fields]
    lines += ["", "Details:", details, ""]
    return "\n".join(lines)


def _html_body(message: Message, fields: list[tuple[str, str]], details: str) -> str:
    esc = html.escape
    rows = []
    for label, value in fields:
        cell = esc(value)
        if label == "Link" and message.link and message.link.startswith(("https://", "http://")):
            cell = f'<a href="{esc(message.link)}">{cell}</a>'
        rows.append(f'<tr><th align="left">{label}</th><td>{cell}</td></tr>')
    test = "<p><em>This is a test message.</em></p>\n" if message.test else ""
    return (
        "<!DOCTYPE html>\n<html><body>\n"
        f"<h2>{esc(message.summary)}</h2>\n{test}{_buttons(message)}"
        f"<table>\n{chr(10).join(rows)}\n</table>\n"
        f"<h3>Details</h3>\n<pre>{esc(details)}</pre>\n"
        "</body></html>\n"
    )


def _buttons(message: Message) -> str:
    """The action links as buttons (links styled inline: mail clients drop style sheets and scripts)."""
    if not message.actions:
        return ""
    style = "display:inline-block;padding:8px 16px;margin-right:8px;border-radius:4px;background:#1f6feb;color:#fff"
    links = [
        f'<a href="{html.escape(a.url)}" style="{style}">{html.escape(LABELS.get(a.action, a.action))}</a>'
        for a in message.actions
    ]
    return f"<p>{' '.join(links)}</p>\n"


async def _transmit(email: EmailMessage, settings: EmailSettings, recipients: list[str], budget: float) -> set[str]:
    """Connect, secure, log in and send within `budget` seconds; the recipients refused while others
    were accepted. The connection is closed, not QUIT, on failure so that nothing outlives the budget."""
    client = aiosmtplib.SMTP(
        hostname=settings.host,
        port=settings.smtp_port,
        use_tls=settings.security == "tls",
        start_tls=settings.security == "starttls",  # False for "plain": no opportunistic upgrade
        tls_context=_tls_context(settings),
        username=settings.username,
        password=settings.password.get_secret_value() if settings.password else None,
        timeout=budget,
    )
    try:
        async with asyncio.timeout(budget):
            await client.connect()
            refused, _ = await client.send_message(email, sender=settings.sender, recipients=recipients)
        with contextlib.suppress(aiosmtplib.SMTPException, OSError):
            await client.quit(timeout=min(1.0, budget / 4))  # the message is accepted: a failed QUIT is no failure
        return set(refused)
    finally:
        client.close()


def _tls_context(settings: EmailSettings) -> ssl.SSLContext | None:
    if settings.security == "plain":
        return None
    return _http.ca_context(settings.ca_file) if settings.ca_file else ssl.create_default_context()


def _failure(exc: BaseException, where: str) -> DeliveryError:
    """Map an aiosmtplib or socket error to temporary (retry may help) or permanent."""
    if isinstance(exc, TimeoutError):
        return TemporaryError(f"{where}: timed out")
    tls = _tls_error(exc)
    if isinstance(tls, ssl.SSLCertVerificationError):
        return PermanentError(f"{where}: TLS certificate verification failed: {tls.verify_message}")
    if tls is not None:
        return PermanentError(f"{where}: TLS handshake failed: {tls.reason or tls}")
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        text = "; ".join(f"{r.recipient}: {_reply(r.code, r.message)}" for r in exc.recipients)
        error = TemporaryError if any(400 <= c < 500 for c in codes) else PermanentError
        return error(f"{where}: recipient refused: {text}")
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        error = TemporaryError if 400 <= exc.code < 500 else PermanentError
        return error(f"{where}: {_stage(exc)}: {_reply(exc.code, exc.message)}")
    if isinstance(exc, aiosmtplib.SMTPServerDisconnected):
        return TemporaryError(f"{where}: connection lost: {exc.message}")
    if isinstance(exc, aiosmtplib.SMTPConnectError):
        return TemporaryError(f"{where}: cannot connect: {_connect_reason(exc)}")
    if isinstance(exc, aiosmtplib.SMTPException):  # STARTTLS or AUTH not offered, SMTPUTF8 not supported
        return PermanentError(f"{where}: {exc.message}")
    return TemporaryError(f"{where}: {type(exc).__name__}: {exc}")


def _tls_error(exc: BaseException | None) -> ssl.SSLError | None:
    """aiosmtplib wraps an implicit-TLS handshake error as the cause of a connect error."""
    while exc is not None:
        if isinstance(exc, ssl.SSLError):
            return exc
        exc = exc.__cause__
    return None


def _connect_reason(exc: aiosmtplib.SMTPConnectError) -> str:
    cause = exc.__cause__
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    if isinstance(cause, socket.gaierror):
        return f"cannot resolve host: {cause.strerror}"
    return str(cause or exc.message)


def _stage(exc: aiosmtplib.SMTPResponseException) -> str:
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return "authentication failed"
    if isinstance(exc, aiosmtplib.SMTPSenderRefused):
        return f"sender {exc.sender} refused"
    if isinstance(exc, aiosmtplib.SMTPDataError):
        return "message refused"
    return "server answered"


def _reply(code: int, text: str) -> str:
    text = " ".join(text.split())
    return f"{code} {text[:MAX_REPLY]}{'…' if len(text) > MAX_REPLY else ''}"


@hookimpl
def register_notifiers(register):
    register(EmailNotifier())
