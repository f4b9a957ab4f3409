"""`twilio_voice`: calls the contact through Twilio's Programmable Voice REST API and reads the page.

One form-encoded POST to `/2010-04-01/Accounts/{AccountSid}/Calls.json` (To, From, Twiml) with HTTP Basic auth.
The call's TwiML reads the summary; an escalation message then waits for one key (4 acknowledges, 6 resolves), which
Twilio posts to `{base_url}/inbound/twilio/voice/{channel}/{message id}` (the service's NSELF_ONCALL_PUBLIC_URL):
that answer acts as the message's acknowledge or resolve link would.
"""

from __future__ import annotations

from pydantic import Field
from twilio.twiml.voice_response import VoiceResponse

from nself_oncall import Contact, Message, Sent, hookimpl

from . import _twilio

MAX_SUMMARY = 300  # read aloud: about twenty seconds
OPTIONS = "Press 4 to acknowledge, 6 to resolve."


class TwilioVoiceSettings(_twilio.TwilioAccount):
    sender: _twilio.Phone = Field(alias="from")


class TwilioVoiceNotifier(_twilio.TwilioNotifier):
    name = "twilio_voice"
    description = "Calls through Twilio and reads the page; pressing 4 acknowledges, 6 resolves."
    settings_model = TwilioVoiceSettings
    # A call rings for up to a minute and interrupts more than an SMS: fewer of them, never two at once.
    rate_limit = ("1/2m", "3/15m", "7/1h", "15/3h")
    medium = "a call"

    async def send(self, message: Message, contact: Contact, settings: TwilioVoiceSettings, *, timeout: float) -> Sent:
        form = {
            "To": self.recipient(contact, settings.to, "to"),
            "From": settings.sender,
            "Twiml": twiml(message, contact),
        }
        return await _twilio.create(settings, "Calls", form, timeout)


def twiml(message: Message, contact: Contact) -> str:
    """What the call says: the summary, then, for a message that can acknowledge and resolve (it has actions, and the
    service's public URL to post the key to), the keys to press; both again when no key was pressed."""
    response = VoiceResponse()
    intro = "This is nself-oncall with a page." if message.escalation_id else "This is nself-oncall."
    if message.test:
        intro = "This is a test call from nself-oncall."
    summary = _twilio.one_line(message.summary, MAX_SUMMARY)
    if not (message.actions and message.base_url):
        response.say(f"{intro} {summary}")
        return str(response)
    action = f"{message.base_url}/inbound/twilio/voice/{contact.channel}/{message.id}"
    for said in (f"{intro} {summary}", summary):
        gather = response.gather(num_digits=1, action=action, method="POST", timeout=8)
        gather.say(said)
        gather.say(OPTIONS)
    response.say("No key was pressed. Goodbye.")
    return str(response)


@hookimpl
def register_notifiers(register):
    register(TwilioVoiceNotifier())
