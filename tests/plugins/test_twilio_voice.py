"""The `twilio_voice` notifier against a local peer that checks requests the way Twilio's REST API does."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pytest

from nself_oncall import Action, InvalidAddress, InvalidSettings, PermanentError, Sent, TemporaryError
from nself_oncall.config import Channel, Settings
from nself_oncall.notifiers.twilio_voice import TwilioVoiceNotifier
from nself_oncall.plugins import build_registry, deliver
from nself_oncall.plugins.registry import MASK
from peers import HttpPeer, Reply, make_message
from twilio_double import ACCOUNT_SID, AUTH_TOKEN, CALL_SID, SENDER, form_of, twilio_api, twilio_error

ALICE = "+14155552671"
PUBLIC = "https://oncall.example.com"
ACTIONS = [Action("acknowledge", f"{PUBLIC}/a/" + "A" * 43), Action("resolve", f"{PUBLIC}/a/" + "R" * 43)]
PAGE = make_message(id="0123456789abcdef01234567", actions=ACTIONS, base_url=PUBLIC)

notifier = TwilioVoiceNotifier()


@pytest.fixture
def twilio(peer) -> HttpPeer:
    peer.respond = twilio_api()
    return peer


def settings(peer: HttpPeer, **changes):
    raw = {"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "from": SENDER, "base_url": peer.url(""),
           "allow": ["127.0.0.1"], **changes}
    return notifier.check_settings({k: v for k, v in raw.items() if v is not None})


def call(peer: HttpPeer) -> tuple[dict[str, str], ET.Element]:
    """The one call the peer was asked for: its form fields, and its TwiML parsed."""
    [request] = peer.requests
    form = {key: values[0] for key, values in form_of(request).items()}
    return form, ET.fromstring(form["Twiml"])


def spoken(element: ET.Element) -> list[str]:
    return [say.text for say in element.iter("Say")]


async def test_a_page_calls_reads_the_summary_and_asks_for_a_key_that_posts_back(twilio, contact):
    sent = await notifier.send(PAGE, contact(ALICE, channel="phone"), settings(twilio), timeout=5)

    assert sent == Sent(provider_id=CALL_SID)
    [request] = twilio.requests
    assert (request.method, request.path) == ("POST", f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json")
    basic = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {basic}"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    form, twiml = call(twilio)
    assert set(form) == {"To", "From", "Twiml"} and (form["To"], form["From"]) == (ALICE, SENDER)
    assert twiml.tag == "Response"
    gathers = twiml.findall("Gather")
    assert len(gathers) == 2  # asked again once when no key is pressed
    for gather in gathers:
        assert gather.attrib == {
            "numDigits": "1", "method": "POST", "timeout": "8",
            "action": f"{PUBLIC}/inbound/twilio/voice/phone/0123456789abcdef01234567",
        }
        assert spoken(gather)[-1] == "Press 4 to acknowledge, 6 to resolve."
    assert spoken(gathers[0])[0] == "This is nself-oncall with a page. API error rate 12%"
    assert spoken(twiml)[-1] == "No key was pressed. Goodbye."


@pytest.mark.parametrize(
    "message",
    [
        make_message(test=True, escalation_id=None, summary="Test notification from nself-oncall"),
        make_message(actions=ACTIONS),  # no public URL to post a key to
        make_message(base_url=PUBLIC),  # no links: nothing a key could do
    ],
    ids=["test", "no-base-url", "no-actions"],
)
async def test_a_message_that_cannot_act_only_speaks(twilio, contact, message):
    await notifier.send(message, contact(ALICE), settings(twilio), timeout=5)

    _, twiml = call(twilio)
    assert [child.tag for child in twiml] == ["Say"]
    assert spoken(twiml)[0].endswith(message.summary)
    assert spoken(twiml)[0].startswith("This is a test call" if message.test else "This is nself-oncall")


async def test_the_summary_is_one_line_cut_short_and_escaped(twilio, contact):
    message = make_message(summary="<Hangup/> & more\n" + "x" * 500, actions=ACTIONS, base_url=PUBLIC)

    await notifier.send(message, contact(ALICE), settings(twilio), timeout=5)

    form, twiml = call(twilio)
    said = spoken(twiml.find("Gather"))[0]
    assert said.startswith("This is nself-oncall with a page. <Hangup/> & more xxx") and said.endswith("x…")
    assert len(said) == len("This is nself-oncall with a page. ") + 300
    assert twiml.find("Hangup") is None and "&lt;Hangup/&gt; &amp; more" in form["Twiml"]


async def test_a_channel_target_calls_the_to_number(twilio, contact):
    await notifier.send(PAGE, contact(None), settings(twilio, to="+44 20 7946 0958"), timeout=5)

    assert call(twilio)[0]["To"] == "+442079460958"


async def test_a_channel_target_without_to_is_permanent(twilio, contact):
    with pytest.raises(PermanentError, match="no to setting"):
        await notifier.send(PAGE, contact(None), settings(twilio), timeout=5)
    assert twilio.requests == []


async def test_wrong_credentials_are_permanent_and_the_token_never_shown(peer, contact):
    peer.respond = twilio_api(auth_token="0" * 32)

    with pytest.raises(PermanentError) as caught:
        await notifier.send(PAGE, contact(ALICE), settings(peer), timeout=5)

    assert str(caught.value) == "Twilio answered 401: error 20003: Authenticate"


@pytest.mark.parametrize(
    ("reply", "error", "text"),
    [
        (twilio_error(400, 21215, "Geo Permission not enabled for +44"), PermanentError, "error 21215: Geo Permission"),
        (Reply(429, {"code": 20429, "message": "Too Many Requests"}, {"Retry-After": "3"}), TemporaryError, "20429"),
        (Reply(503, "Service Unavailable"), TemporaryError, "Twilio answered 503: Service Unavailable"),
    ],
)
async def test_error_answers_map_as_for_sms(peer, contact, reply, error, text):
    peer.respond = lambda _: reply

    with pytest.raises((PermanentError, TemporaryError)) as caught:
        await notifier.send(PAGE, contact(ALICE), settings(peer), timeout=5)

    assert type(caught.value) is error and text in str(caught.value)


def test_settings_need_a_from_number_and_share_the_sms_checks():
    checked = notifier.check_settings({"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "from": "+1 415-555-0100"})
    assert (checked.sender, checked.to, checked.base_url) == (SENDER, None, "https://api.twilio.com")
    for changes, setting, reason in [
        ({"from": None}, "from", "Field required"),
        ({"from": "4155550100"}, "from", "must start with + and a valid country code"),
        ({"account_sid": "AC1"}, "account_sid", "AC followed by 32 hexadecimal digits"),
        ({"messaging_service_sid": "MG" + "0" * 32}, "messaging_service_sid", "unknown setting"),
        ({"to": "alice"}, "to", "not a phone number"),
    ]:
        given = {"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "from": SENDER, **changes}
        raw = {k: v for k, v in given.items() if v is not None}
        with pytest.raises(InvalidSettings) as caught:
            notifier.check_settings(raw)
        assert list(caught.value.problems) == [setting] and reason in caught.value.problems[setting], changes


def test_numbers_are_checked_as_for_sms():
    assert notifier.check_address(" +1 (415) 555-2671 ") == ALICE
    with pytest.raises(InvalidAddress, match="a call cannot go to an extension"):
        notifier.check_address("+1 415 555 2671 ext. 12")
    assert notifier.rate_limit == ("1/2m", "3/15m", "7/1h", "15/3h") and not notifier.replies


async def test_delivers_through_the_host_with_the_token_masked(twilio, contact):
    raw = {"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "from": SENDER, "to": ALICE,
           "base_url": twilio.url(""), "allow": ["127.0.0.1"]}
    registry = build_registry(Settings(plugin_secret="x", channels={"phone": Channel("phone", "twilio_voice", raw)}))

    outcome = await deliver(registry, "phone", PAGE, contact(None, channel="phone"))

    assert (outcome.status, outcome.provider_id) == ("sent", CALL_SID)
    assert registry.channels["phone"].shown_settings["auth_token"] == MASK
    assert [rule.count for rule in registry.channels["phone"].rate_limit] == [1, 3, 7, 15]
