"""A local double of Twilio's REST API (Messages and Calls), for tests/peers.py's HttpPeer, and Twilio's side of its
webhooks: the signature it puts on each request it makes to the service."""

from __future__ import annotations

import base64
import re
from urllib.parse import parse_qs, urlencode

from twilio.request_validator import RequestValidator

from peers import Recorded, Reply

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "f0e1d2c3b4a5968778695a4b3c2d1e0f"
SMS_SID = "SM" + "5a1b" * 8
CALL_SID = "CA" + "7c2d" * 8
SENDER = "+14155550100"
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


def twilio_error(status: int, code: int, text: str) -> Reply:
    more_info = f"https://www.twilio.com/docs/errors/{code}"
    return Reply(status, {"code": code, "message": text, "more_info": more_info, "status": status})


def form_of(request: Recorded) -> dict[str, list[str]]:
    return parse_qs(request.body.decode(), keep_blank_values=True)


def twilio_api(account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN):
    """A respond function that checks a Messages or Calls create request as Twilio does and answers as it does."""
    basic = "Basic " + base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
    resources = {"Messages": _message, "Calls": _call}

    def respond(request: Recorded) -> Reply:
        prefix, _, resource = request.path.rpartition("/")
        create = resources.get(resource.removesuffix(".json")) if resource.endswith(".json") else None
        if prefix != f"/2010-04-01/Accounts/{account_sid}" or create is None:
            return twilio_error(404, 20404, f"The requested resource {request.path} was not found")
        if request.headers.get("authorization") != basic:
            return twilio_error(401, 20003, "Authenticate")
        form: dict[str, list[str]] = {}
        if request.headers.get("content-type", "").split(";")[0] == "application/x-www-form-urlencoded":
            form = form_of(request)
        fields = {key: values[0] for key, values in form.items()}
        to = fields.get("To")
        if not to:
            return twilio_error(400, 21604, "A 'To' phone number is required.")
        if not E164.match(to):
            return twilio_error(400, 21211, f"Invalid 'To' Phone Number: {to}")
        return create(fields)

    return respond


def _message(fields: dict[str, str]) -> Reply:
    sender, service, body = fields.get("From"), fields.get("MessagingServiceSid"), fields.get("Body")
    if bool(sender) == bool(service):
        # Twilio itself prefers the service when both come; this double insists on exactly one.
        return twilio_error(400, 21603, "A 'From' phone number or a MessagingServiceSid is required, not both.")
    if not body:
        return twilio_error(400, 21602, "Message body is required.")
    if len(body) > 1600:
        return twilio_error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
    answer = {"sid": SMS_SID, "status": "queued", "to": fields["To"], "from": sender, "body": body}
    return Reply(201, {**answer, "messaging_service_sid": service})


def _call(fields: dict[str, str]) -> Reply:
    if not E164.match(fields.get("From", "")):
        return twilio_error(400, 21212, f"Invalid 'From' Phone Number: {fields.get('From')}")
    if bool(fields.get("Twiml")) == bool(fields.get("Url")):
        return twilio_error(400, 21205, "Either 'Url' or 'Twiml' is required, not both.")
    if len(fields.get("Twiml", "")) > 4000:
        return twilio_error(400, 13102, "Twiml is longer than 4000 characters.")
    return Reply(201, {"sid": CALL_SID, "status": "queued", "to": fields["To"], "from": fields["From"]})


def signed(url: str, form: dict[str, str], token: str = AUTH_TOKEN) -> dict:
    """What Twilio sends to `url` (a webhook of the service): `form` as a form body, signed with `token`. Keyword
    arguments for Quart's test client's `post`."""
    signature = RequestValidator(token).compute_signature(url, form)
    return {
        "data": urlencode(form).encode(),
        "headers": {"X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"},
    }
