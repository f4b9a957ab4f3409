"""What the Twilio notifiers (`twilio_sms`, `twilio_voice`) share: the account's settings, phone numbers, and one
create request to the account's REST API (Messages or Calls) with Twilio's errors as the host's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, ClassVar

import phonenumbers
from pydantic import AfterValidator, BaseModel, ConfigDict, field_validator

from nself_oncall import InvalidAddress, Sent

from . import _http

ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")
PARSE_ERRORS = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: (
        "a phone number must start with + and a valid country code, e.g. +14155552671"
    ),
    phonenumbers.NumberParseException.NOT_A_NUMBER: "not a phone number",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "too short to be a phone number",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "too short to be a phone number",
    phonenumbers.NumberParseException.TOO_LONG: "too long to be a phone number",
}


def e164(number: str, medium: str = "an SMS") -> str:
    """`number` as E.164 (+14155552671); `InvalidAddress` unless it is a valid number with its country code and no
    extension (which `medium` cannot reach)."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException as exc:
        raise InvalidAddress(PARSE_ERRORS.get(exc.error_type, "not a phone number")) from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidAddress("not a valid phone number for its country code")
    if parsed.extension:
        raise InvalidAddress(f"{medium} cannot go to an extension")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _phone(value: str) -> str:
    try:
        return e164(value)
    except InvalidAddress as exc:
        raise ValueError(str(exc)) from None


Phone = Annotated[str, AfterValidator(_phone)]
"""A phone number setting, normalized to E.164."""


class TwilioAccount(BaseModel):
    """The settings of every Twilio channel: the account, the number a channel target goes to, and where its API is."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    account_sid: str
    auth_token: _http.Token
    to: Phone | None = None
    base_url: _http.BaseUrl = "https://api.twilio.com"
    allow: _http.Allow = ()

    @field_validator("account_sid")
    @classmethod
    def _account_sid(cls, value: str) -> str:
        if not ACCOUNT_SID.match(value):
            raise ValueError("a Twilio account SID: AC followed by 32 hexadecimal digits")
        return value


class TwilioNotifier(_http.HttpNotifier):
    """A notifier of a Twilio account: contacts are phone numbers, a channel target goes to the `to` setting."""

    secret_settings = frozenset({"auth_token"})
    medium: ClassVar[str]
    """What reaches the number ("an SMS", "a call"), named when an extension is refused."""

    def check_address(self, address: str) -> str:
        return e164(address.strip(), self.medium)

    def channel_address(self, settings: TwilioAccount) -> str | None:
        return settings.to


async def create(settings: TwilioAccount, resource: str, form: Mapping[str, str], timeout: float) -> Sent:
    """POST `form` to the account's `resource` (`Messages`, `Calls`) with HTTP Basic auth; the new resource's sid."""
    response = await _http.post(
        f"{settings.base_url}/2010-04-01/Accounts/{settings.account_sid}/{resource}.json",
        allow=settings.allow,
        timeout=_http.network_timeout(timeout),
        headers={"Accept": "application/json"},
        data=form,
        auth=(settings.account_sid, settings.auth_token.get_secret_value()),
    )
    _http.raise_for_provider(response, "Twilio", _describe)
    return Sent(provider_id=_http.json_text(response, "sid"))


def _describe(response: _http.Response) -> str | None:
    """Twilio's JSON error (`{"code": 21211, "message": "...", "status": 400, ...}`) as one line."""
    code = _http.json_field(response, "code")
    detail = _http.json_field(response, "message")
    if not isinstance(detail, str) or not detail:
        return None
    detail = " ".join(detail.split())[:200]
    return f"Twilio answered {response.status_code}: " + (f"error {code}: {detail}" if code else detail)


def one_line(text: str, limit: int) -> str:
    """`text` on one line, cut to `limit` characters (an ellipsis ends a cut one)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
