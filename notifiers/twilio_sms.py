"""`twilio_sms`: sends each message as an SMS through Twilio's Programmable Messaging REST API.

One form-encoded POST to `/2010-04-01/Accounts/{AccountSid}/Messages.json` with HTTP Basic auth
(account SID and auth token). A contact address is a phone number in international form (+...),
stored normalized to E.164. An escalation message ends with its reply code ("Reply 3a to acknowledge, 3r to
resolve"): the person's reply comes back through POST /inbound/twilio/sms.
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from nself_oncall import Contact, Message, Sent, hookimpl

from . import _twilio

MESSAGING_SERVICE_SID = re.compile(r"^MG[0-9a-fA-F]{32}$")
MAX_BODY = 1600  # Twilio refuses longer bodies (error 21617)
MAX_SUMMARY = 300  # keeps a page to a few SMS segments


class TwilioSmsSettings(_twilio.TwilioAccount):
    sender: _twilio.Phone | None = Field(None, alias="from")
    messaging_service_sid: str | None = None

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


class TwilioSmsNotifier(_twilio.TwilioNotifier):
    name = "twilio_sms"
    description = "Sends each message as an SMS through Twilio; a reply acknowledges or resolves."
    settings_model = TwilioSmsSettings
    # GoAlert's limits for alert SMS to one number: a burst of pages waits rather than floods the phone.
    rate_limit = ("1/1m", "5/15m", "11/1h", "21/3h")
    replies = True
    medium = "an SMS"

    async def send(self, message: Message, contact: Contact, settings: TwilioSmsSettings, *, timeout: float) -> Sent:
        form = {"To": self.recipient(contact, settings.to, "to"), "Body": text(message)}
        if settings.messaging_service_sid is not None:
            form["MessagingServiceSid"] = settings.messaging_service_sid
        else:
            form["From"] = settings.sender
        return await _twilio.create(settings, "Messages", form, timeout)


def text(message: Message) -> str:
    """A short SMS: summary, escalation and step, and one link: the acknowledge link when the message has one (its
    page acknowledges with one tap; the API link needs a token a phone does not have), else the message's link.
    With a reply code, a last line says how to answer by reply; it is kept whole when the rest is cut to fit
    Twilio's 1600 characters."""
    lines = [
        ("[nself-oncall test] " if message.test else "[nself-oncall] ") + _twilio.one_line(message.summary, MAX_SUMMARY)
    ]
    step = f"step {message.step}" + (f", loop {message.loop}" if message.loop else "")
    lines.append(f"Escalation {message.escalation_id}, {step}" if message.escalation_id else step.capitalize())
    acknowledge = message.action_url("acknowledge")
    if acknowledge:
        lines.append(f"Ack: {acknowledge}")
    elif message.link:
        lines.append(message.link)
    body = "\n".join(lines)
    last = (
        f"\nReply {message.reply_code}a to acknowledge, {message.reply_code}r to resolve" if message.reply_code else ""
    )
    room = MAX_BODY - len(last)
    return (body if len(body) <= room else body[: room - 1] + "…") + last


@hookimpl
def register_notifiers(register):
    register(TwilioSmsNotifier())
