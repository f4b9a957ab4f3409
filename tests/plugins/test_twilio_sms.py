"""The `twilio_sms` notifier against a local peer that checks requests the way Twilio's REST API does."""

from __future__ import annotations

import base64
import re
import socket
import time

import pytest

from nself_oncall import Action, InvalidAddress, InvalidSettings, PermanentError, Sent, TemporaryError
from nself_oncall.config import Channel, Settings
from nself_oncall.notifiers.twilio_sms import TwilioSmsNotifier, text
from nself_oncall.plugins import build_registry, deliver
from nself_oncall.plugins.registry import MASK
from peers import HttpPeer, Reply, make_message
from twilio_double import ACCOUNT_SID, AUTH_TOKEN, SENDER, SMS_SID, form_of, twilio_api, twilio_error

SERVICE_SID = "MG" + "fedcba9876543210" * 2
ALICE = "+14155552671"
GOOD = {"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "from": SENDER}
LINK = "https://oncall.example.com/api/v1/escalations/01JESC0000000000000000000B"

notifier = TwilioSmsNotifier()


@pytest.fixture
def local_peer(peer):
    """`local_peer(respond)`: this test's peer, answering with `respond` (Twilio by default)."""

    def use(respond=None) -> HttpPeer:
        peer.requests.clear()
        peer.respond = respond or twilio_api()
        return peer

    return use


def raw_settings(peer, **changes) -> dict:
    raw = {
        "account_sid": ACCOUNT_SID,
        "auth_token": AUTH_TOKEN,
        "from": SENDER,
        "base_url": peer.url(""),
        "allow": ["127.0.0.1"],
        **changes,
    }
    return {k: v for k, v in raw.items() if v is not None}


def settings(peer, **changes):
    return notifier.check_settings(raw_settings(peer, **changes))


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_sends_an_sms_from_a_number(local_peer, message, contact):
    peer = local_peer()

    sent = await notifier.send(message, contact(ALICE), settings(peer), timeout=5)

    assert sent == Sent(provider_id=SMS_SID)
    [request] = peer.requests
    assert (request.method, request.path) == ("POST", f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json")
    assert request.headers["authorization"] == "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.headers["accept"] == "application/json"
    assert request.headers["user-agent"] == "nself-oncall"
    assert form_of(request) == {
        "To": [ALICE],
        "From": [SENDER],
        "Body": [f"[nself-oncall] API error rate 12%\nEscalation 01JESC0000000000000000000B, step 1\n{LINK}"],
    }


async def test_sends_through_a_messaging_service(local_peer, contact):
    peer = local_peer()
    message = make_message(summary="Disk full\n on db-1", escalation_id=None, step=2, loop=1, link=None, test=True)

    await notifier.send(
        message, contact(ALICE), settings(peer, **{"from": None, "messaging_service_sid": SERVICE_SID}), timeout=5
    )

    assert form_of(peer.requests[0]) == {
        "To": [ALICE],
        "MessagingServiceSid": [SERVICE_SID],
        "Body": ["[nself-oncall test] Disk full on db-1\nStep 2, loop 1"],
    }


async def test_long_texts_are_cut_to_twilio_limit(local_peer, contact):
    peer = local_peer()
    message = make_message(summary="s" * 1000, link="https://oncall.example.com/" + "l" * 2000)

    sent = await notifier.send(message, contact(ALICE), settings(peer), timeout=5)

    assert sent.provider_id == SMS_SID
    body = form_of(peer.requests[0])["Body"][0]
    assert len(body) == 1600
    assert body.startswith("[nself-oncall] " + "s" * 299 + "…\n")
    assert body.endswith("l…")


async def test_an_escalation_message_ends_with_its_reply_code_after_the_acknowledge_link(local_peer, contact):
    peer = local_peer()
    ack, resolve = (f"https://oncall.example.com/a/{c * 43}" for c in "AR")
    message = make_message(actions=[Action("acknowledge", ack), Action("resolve", resolve)], reply_code="3")

    await notifier.send(message, contact(ALICE), settings(peer), timeout=5)

    assert form_of(peer.requests[0])["Body"] == [
        "[nself-oncall] API error rate 12%\nEscalation 01JESC0000000000000000000B, step 1\n"
        f"Ack: {ack}\nReply 3a to acknowledge, 3r to resolve"
    ]


def test_a_long_text_is_cut_before_its_reply_line():
    message = make_message(summary="s" * 1000, link="https://oncall.example.com/" + "l" * 2000, reply_code="12")

    body = text(message)

    assert len(body) == 1600
    assert body.endswith("l…\nReply 12a to acknowledge, 12r to resolve")


async def test_contact_number_is_normalized(local_peer, message, contact):
    peer = local_peer()

    await notifier.send(message, contact("+1 (415) 555-2671"), settings(peer), timeout=5)

    assert form_of(peer.requests[0])["To"] == [ALICE]


async def test_channel_target_uses_the_to_setting(local_peer, message, contact):
    peer = local_peer()

    await notifier.send(message, contact(None), settings(peer, to="+44 20 7946 0958"), timeout=5)

    assert form_of(peer.requests[0])["To"] == ["+442079460958"]


async def test_channel_target_without_to_setting_is_permanent(local_peer, message, contact):
    peer = local_peer()

    with pytest.raises(PermanentError, match="no to setting"):
        await notifier.send(message, contact(None), settings(peer), timeout=5)
    assert peer.requests == []


async def test_bad_contact_number_is_permanent_and_not_sent(local_peer, message, contact):
    peer = local_peer()

    with pytest.raises(PermanentError, match="cannot send to .415 555 2671.: a phone number must start with \\+"):
        await notifier.send(message, contact("415 555 2671"), settings(peer), timeout=5)
    assert peer.requests == []


async def test_wrong_auth_token_is_permanent_and_never_shown(local_peer, message, contact):
    peer = local_peer(twilio_api(auth_token="0" * 32))

    with pytest.raises(PermanentError) as caught:
        await notifier.send(message, contact(ALICE), settings(peer), timeout=5)

    assert str(caught.value) == "Twilio answered 401: error 20003: Authenticate"
    assert AUTH_TOKEN not in str(caught.value)


async def test_wrong_account_path_is_permanent(local_peer, message, contact):
    peer = local_peer(twilio_api(account_sid="AC" + "9" * 32))

    with pytest.raises(PermanentError, match="Twilio answered 404: error 20404: The requested resource"):
        await notifier.send(message, contact(ALICE), settings(peer), timeout=5)


@pytest.mark.parametrize(
    ("reply", "error", "text", "retry_after"),
    [
        (
            twilio_error(400, 21211, "Invalid 'To' Phone Number: +15005550001"),
            PermanentError,
            "Twilio answered 400: error 21211: Invalid 'To' Phone Number: +15005550001",
            None,
        ),
        (
            twilio_error(400, 21610, "Attempt to send to unsubscribed recipient"),
            PermanentError,
            "error 21610: Attempt to send to unsubscribed recipient",
            None,
        ),
        (
            twilio_error(400, 21408, "Permission to send an SMS has not been enabled for the region indicated"),
            PermanentError,
            "error 21408: Permission to send an SMS",
            None,
        ),
        (
            Reply(429, {"code": 20429, "message": "Too Many Requests", "status": 429}, {"Retry-After": "12"}),
            TemporaryError,
            "Twilio answered 429: error 20429: Too Many Requests",
            12.0,
        ),
        (twilio_error(500, 20500, "Internal Server Error"), TemporaryError, "500: error 20500: Internal Server Error", None),
        (Reply(503, "Service Unavailable"), TemporaryError, "Twilio answered 503: Service Unavailable", None),
        (Reply(307, "", {"Location": "https://api.twilio.com/"}), PermanentError, "redirects are not followed", None),
    ],
)
async def test_error_answers_map_to_temporary_or_permanent(
    local_peer, message, contact, reply, error, text, retry_after
):
    peer = local_peer(lambda _: reply)

    with pytest.raises((TemporaryError, PermanentError)) as caught:
        await notifier.send(message, contact(ALICE), settings(peer), timeout=5)

    assert type(caught.value) is error
    assert text in str(caught.value)
    assert getattr(caught.value, "retry_after", None) == retry_after


async def test_connection_refused_is_temporary(message, contact):
    raw = {**GOOD, "base_url": f"http://127.0.0.1:{unused_port()}", "allow": ["127.0.0.1"]}

    with pytest.raises(TemporaryError, match="127.0.0.1: cannot connect"):
        await notifier.send(message, contact(ALICE), notifier.check_settings(raw), timeout=5)


async def test_timeout_is_temporary(local_peer, message, contact):
    peer = local_peer(lambda _: time.sleep(1.5) or Reply())

    with pytest.raises(TemporaryError, match="timed out"):
        await notifier.send(message, contact(ALICE), settings(peer), timeout=0.3)


async def test_untrusted_certificate_is_permanent(http_peer, tls_server, message, contact):
    peer = http_peer(twilio_api(), tls=tls_server)

    with pytest.raises(PermanentError, match="TLS failed"):
        await notifier.send(message, contact(ALICE), settings(peer), timeout=5)
    assert peer.requests == []


async def test_private_address_needs_allow(local_peer, message, contact):
    peer = local_peer()

    with pytest.raises(PermanentError, match="refused to connect to 127.0.0.1"):
        await notifier.send(message, contact(ALICE), settings(peer, allow=[]), timeout=5)
    assert peer.requests == []


def test_settings_with_a_sender_number():
    checked = notifier.check_settings(
        {"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "from": "+1 415-555-0100", "to": "+14155552671"}
    )

    assert (checked.sender, checked.messaging_service_sid, checked.to) == (SENDER, None, ALICE)
    assert checked.auth_token.get_secret_value() == AUTH_TOKEN
    assert (checked.base_url, checked.allow) == ("https://api.twilio.com", ())


def test_settings_with_a_messaging_service():
    checked = notifier.check_settings(
        {
            "account_sid": ACCOUNT_SID,
            "auth_token": AUTH_TOKEN,
            "messaging_service_sid": SERVICE_SID,
            "base_url": "https://api.dublin.ie1.twilio.com/",
            "allow": ["10.1.0.0/16"],
        }
    )

    assert (checked.sender, checked.messaging_service_sid) == (None, SERVICE_SID)
    assert (checked.base_url, checked.allow) == ("https://api.dublin.ie1.twilio.com", ("10.1.0.0/16",))


@pytest.mark.parametrize(
    ("changes", "setting", "reason"),
    [
        ({"account_sid": None}, "account_sid", "Field required"),
        ({"auth_token": None}, "auth_token", "Field required"),
        ({"account_sid": "AC123"}, "account_sid", "AC followed by 32 hexadecimal digits"),
        ({"account_sid": "SK" + "0" * 32}, "account_sid", "AC followed by 32 hexadecimal digits"),
        ({"auth_token": ""}, "auth_token", "non-empty"),
        ({"from": "4155550100"}, "from", "must start with + and a valid country code"),
        ({"from": "+1415555"}, "from", "not a valid phone number"),
        ({"from": None, "messaging_service_sid": "MG1"}, "messaging_service_sid", "MG followed by 32 hexadecimal"),
        ({"to": "alice"}, "to", "not a phone number"),
        ({"base_url": "api.twilio.com"}, "base_url", "http:// or https://"),
        ({"allow": ["a b"]}, "allow", "neither a network nor a host name"),
        ({"sender": SENDER}, "sender", "unknown setting"),
        ({"timeout": 5}, "timeout", "unknown setting"),
        ({"from": None}, "settings", "set exactly one of from (a phone number) or messaging_service_sid"),
        ({"messaging_service_sid": SERVICE_SID}, "settings", "set exactly one of from"),
    ],
)
def test_bad_settings_name_the_setting(changes, setting, reason):
    raw = {k: v for k, v in {**GOOD, **changes}.items() if v is not None}

    with pytest.raises(InvalidSettings) as caught:
        notifier.check_settings(raw)

    assert list(caught.value.problems) == [setting]
    assert reason in caught.value.problems[setting]


@pytest.mark.parametrize(
    ("address", "normalized"),
    [
        ("+14155552671", "+14155552671"),
        (" +1 (415) 555-2671 ", "+14155552671"),
        ("+44 20 7946 0958", "+442079460958"),
        ("tel:+4915112345678", "+4915112345678"),
    ],
)
def test_good_numbers_are_normalized_to_e164(address, normalized):
    assert notifier.check_address(address) == normalized


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("4155552671", "must start with + and a valid country code"),
        ("+999 123 4567", "must start with + and a valid country code"),
        ("alice@example.com", "not a phone number"),
        ("", "not a phone number"),
        ("+1 415 555", "not a valid phone number for its country code"),
        ("+1415555267112345678", "too long"),
        ("+1 415 555 2671 ext. 12", "cannot go to an extension"),
    ],
)
def test_bad_numbers_are_refused(address, reason):
    with pytest.raises(InvalidAddress, match=re.escape(reason)):
        notifier.check_address(address)


def host_settings(peer, **changes) -> Settings:
    raw = raw_settings(peer, to=ALICE, **changes)
    return Settings(plugin_secret="x", channels={"c": Channel("c", "twilio_sms", raw)})


async def test_delivers_through_the_host(local_peer, message, contact):
    peer = local_peer()
    registry = build_registry(host_settings(peer))

    outcome = await deliver(registry, "c", message, contact(None, channel="c"))

    assert (outcome.status, outcome.provider_id, outcome.error) == ("sent", SMS_SID, None)
    assert form_of(peer.requests[0])["To"] == [ALICE]
    assert registry.channels["c"].shown_settings["auth_token"] == MASK
    assert AUTH_TOKEN not in str(registry.channels["c"].shown_settings)


async def test_host_reports_refused_credentials_as_permanent_without_the_token(local_peer, message, contact):
    peer = local_peer(twilio_api(auth_token="0" * 32))
    registry = build_registry(host_settings(peer))

    outcome = await deliver(registry, "c", message, contact(ALICE, channel="c"))

    assert (outcome.status, outcome.temporary) == ("failed", False)
    assert outcome.error == "Twilio answered 401: error 20003: Authenticate"


async def test_host_timeout_is_temporary(local_peer, message, contact):
    peer = local_peer(lambda _: time.sleep(1.5) or Reply())
    registry = build_registry(host_settings(peer, timeout=0.4))

    outcome = await deliver(registry, "c", message, contact(ALICE, channel="c"))

    assert (outcome.status, outcome.temporary) == ("failed", True)
    assert "timed out" in outcome.error


def test_host_refuses_invalid_settings_without_showing_the_token():
    raw = {**GOOD, "account_sid": "nope"}
    registry = build_registry(Settings(plugin_secret="x", channels={"c": Channel("c", "twilio_sms", raw)}))

    state = registry.channels["c"]
    assert not state.ok
    assert "account_sid" in state.error
    assert AUTH_TOKEN not in state.error
    assert state.shown_settings == {**raw, "auth_token": MASK}
