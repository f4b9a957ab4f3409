"""`twilio_sms`: sends each message as an SMS through Twilio's Programmable Messaging REST API.

One form-encoded POST to `/2010-04-01/Accounts/{AccountSid}/Messages.json` with HTTP Basic auth
(account SID and auth token). A contact address is a phone number in international form (+...),
stored normalized to E.164.
"""

from __future__ import annotations

import re

import httpx
import phonenumbers
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from nself_oncall import (
    Contact,
    InvalidAddress,
    Message,
    Notifier,
    Sent,
    hookimpl,
)

from . import _http

ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")
MESSAGING_SERVICE_SID = re.compile(r"^MG[0-9a-fA-F]{32}$")
MAX_BODY = 1600  # Twilio refuses longer bodies (error 21617)
MAX_SUMMARY = 300  # keeps a page to a few SMS segments
PARSE_ERRORS = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: (
        "a phone number must start with + and a valid country code, e.g. +14155552671"
    ),
    phonenumbers.NumberParseException.NOT_A_NUMBER: "not a phone number",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "too short to be a phone number",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "too short to be a phone number",
    phonenumbers.NumberParseException.TOO_LONG: "too long to be a phone number",
}


class TwilioSmsSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    account_sid: str
    auth_token: _http.Token
    sender: str | None = Field(None, alias="from")
    messaging_service_sid: str | None = None
    to: str | None = None
    base_url: _http.BaseUrl = "https://api.twilio.com"
    allow: _http.Allow = ()

    @field_validator("account_sid")
    @classmethod
    def _account_sid(cls, value: str) -> str:
        if not ACCOUNT_SID.match(value):
            raise ValueError("a Twilio account SID: AC followed by 32 hexadecimal digits")
        return value

    @field_validator("sender", "to")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return e164(value)
        except InvalidAddress as exc:
            raise ValueError(str(exc)) from None

    @field_validator("messaging_service_sid")
    @classmethod
    def _messaging_service_sid(cls, value: str | None) -> str | None:
        if value is not None and not MESSAGING_SERVICE_SID.match(value):
            raise ValueError("a Twilio messaging service SID: MG followed by 32 hexadecimal digits")
        return value

    @model_validator(mode="after")
    def _one_sender(self) -> TwilioSmsSettings:
        if (self.sender is None) == (self.messaging_service_sid is None):
            raise ValueError("set exactly one of from (a phone number) or messaging_service_sid")
        return self


def e164(number: str) -> str:
    """`number` as E.164 (+14155552671); `InvalidAddress` unless it is a valid number with its country code."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException as exc:
        raise InvalidAddress(PARSE_ERRORS.get(exc.error_type, "not a phone number")) from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidAddress("not a valid phone number for its country code")
    if parsed.extension:
        raise InvalidAddress("an SMS cannot go to an extension")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class TwilioSmsNotifier(Notifier):
    name = "twilio_sms"
    description = "Sends each message as an SMS through Twilio."
    settings_model = TwilioSmsSettings
    secret_settings = frozenset({"auth_token"})
    # GoAlert's limits for alert SMS to one number: a burst of pages waits rather than floods the phone.
    rate_limit = ("1/1m", "5/15m", "11/1h", "21/3h")

    def check_address(self, address: str) -> str:
        return e164(address.strip())

    async def send(self, message: Message, contact: Contact, settings: TwilioSmsSettings, *, timeout: float) -> Sent:
        form = {"To": self.recipient(contact, settings.to, "to"), "Body": text(message)}
        if settings.messaging_service_sid is not None:
            form["MessagingServiceSid"] = settings.messaging_service_sid
        else:
            form["From"] = settings.sender
        response = await _http.post(
            f"{settings.base_url}/2010-04-01/Accounts/{settings.account_sid}/Messages.json",
            allow=settings.allow,
            timeout=_http.network_timeout(timeout),
            headers={"Accept": "application/json"},
            data=form,
            auth=(settings.account_sid, settings.auth_token.get_secret_value()),
        )
        _http.raise_for_provider(response, "Twilio", _describe)
        return Sent(provider_id=_http.json_text(response, "sid"))


def text(message: Message) -> str:
    """A short SMS: summary, escalation and step, and one link: the acknowledge link when the message has one (its
    page acknowledges with one tap; the API link needs a token a phone does not have), else the message's link.
    At most Twilio's 1600 characters."""
    summary = " ".join(message.summary.split())
    if len(summary) > MAX_SUMMARY:
        summary = summary[: MAX_SUMMARY - 1] + "…"
    lines = [("[nself-oncall test] " if message.test else "[nself-oncall] ") + summary]
    step = f"step {message.step}" + (f", loop {message.loop}" if message.loop else "")
    lines.append(f"Escalation {message.escalation_id}, {step}" if message.escalation_id else step.capitalize())
    acknowledge = message.action_url("acknowledge")
    if acknowledge:
        lines.append(f"Ack: {acknowledge}")
    elif message.link:
        lines.append(message.link)
    body = "\n".join(lines)
    return body if len(body) <= MAX_BODY else body[: MAX_BODY - 1] + "…"


def _describe(response: httpx.Response) -> str | None:
    """Twilio's JSON error (`{"code": 21211, "message": "...", "status": 400, ...}`) as one line."""
    code = _http.json_field(response, "code")
    detail = _http.json_field(response, "message")
    if not isinstance(detail, str) or not detail:
        return None
    detail = " ".join(detail.split())[:200]
    return f"Twilio answered {response.status_code}: " + (f"error {code}: {detail}" if code else detail)


@hookimpl
def register_notifiers(register):
    register(TwilioSmsNotifier())
