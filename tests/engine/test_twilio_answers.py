"""Answering a page from the phone (SQLite and PostgreSQL): the reply codes the engine gives SMS pages, a reply through
Twilio's messaging webhook, and a key pressed during a call, each acting as the message's link would.

The app's Twilio channels send to a local double of Twilio's REST API (tests/twilio_double.py); the test then plays
Twilio's side of the webhooks, signing each request as Twilio does.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import datetime, timedelta

import asyncpg
import pytest
from races import finished_or_waiting, held_after

from apiclient import settings_for
from metrics_helpers import scrape
from nself_oncall.api.inbound_twilio import HELP
from nself_oncall.app import create_app
from nself_oncall.config import Channel
from nself_oncall.escalation import Rule
from nself_oncall.plugins import ChannelState
from nself_oncall.service import action_links, replies
from nself_oncall.store import escalations as escalations_store
from nself_oncall.store import replies as store
from peers import HttpPeer
from twilio_double import ACCOUNT_SID, AUTH_TOKEN, SENDER, form_of, signed, twilio_api

PUBLIC = "https://oncall.example.com"
SMS_URL = f"{PUBLIC}/inbound/twilio/sms"
ALICE, BOB, TEAM = "+14155552671", "+14155552672", "+14155552673"
OTHER_TOKEN = "twilio-token-123"  # the test settings' own twilio_sms channel, ops-sms
FORM = {"From": ALICE, "To": SENDER, "Body": "1a", "MessageSid": "SM" + "f" * 32}
REPLY_LINE = re.compile(r"\nReply ([0-9]+)a to acknowledge, \1r to resolve$")


@pytest.fixture
def twilio(peer) -> HttpPeer:
    peer.respond = twilio_api()
    return peer


@pytest.fixture
async def app(db_url, recorder, twilio):
    """The engine tests' app (a `pager` channel that records), public at PUBLIC, with an `sms` (to TEAM when targeted
    itself) and a `phone` channel of the Twilio account that the double plays."""
    account = {"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "from": SENDER, "base_url": twilio.url(""),
               "allow": ["127.0.0.1"], "rate_limit": []}
    settings = settings_for(db_url)
    channels = {
        **settings.channels,
        "pager": Channel("pager", "recorder"),
        "sms": Channel("sms", "twilio_sms", {**account, "to": TEAM}),
        "phone": Channel("phone", "twilio_voice", account),
    }
    app = create_app(replace(settings, channels=channels, public_url=PUBLIC))
    registry = app.extensions["notifiers"]
    registry.notifiers["recorder"] = recorder
    registry.channels["pager"] = ChannelState("pager", "recorder", 5.0, {})
    async with app.test_app() as test_app:
        yield test_app


@pytest.fixture
async def people(api):
    """alice and bob, texted through `sms`; carol, called through `phone` (at alice's number)."""
    for user, channel, number in (("alice", "sms", ALICE), ("bob", "sms", BOB), ("carol", "phone", ALICE)):
        body = {"id": user, "contacts": [{"channel": channel, "address": number}]}
        assert (await api.post("/api/v1/users", body))[0] == 201


async def page(api, engine, target: str, summary: str = "API error rate 12%", steps: int = 1) -> dict:
    """An escalation of a policy whose `steps` steps (5 minutes apart) reach `target` ("user:alice", "channel:sms"),
    its first step's messages sent."""
    kind, _, ident = target.partition(":")
    policy = f"p-{kind}-{ident}-{steps}"
    step = {"delay_minutes": 5, "targets": [{"type": kind, "id": ident}]}
    status, _ = await api.post("/api/v1/policies", {"id": policy, "name": policy, "steps": [step] * steps})
    assert status in (201, 409)
    status, esc = await api.post("/api/v1/escalations", {"policy_id": policy, "summary": summary})
    assert status == 201
    await engine.run(datetime.fromisoformat(esc["created_at"]))
    return esc


def texts(twilio: HttpPeer) -> list[tuple[str, str]]:
    """(To, Body) of each SMS the double was asked to send."""
    return [(f["To"][0], f["Body"][0]) for f in map(form_of, twilio.requests) if "Body" in f]


def codes(twilio: HttpPeer) -> list[tuple[str, int]]:
    """(number, reply code) of each SMS sent, read from its last line."""
    return [(to, int(REPLY_LINE.search(body)[1])) for to, body in texts(twilio)]


def calls(twilio: HttpPeer) -> list[tuple[str, ET.Element]]:
    """(To, TwiML) of each call the double was asked to make."""
    return [(f["To"][0], ET.fromstring(f["Twiml"][0])) for f in map(form_of, twilio.requests) if "Twiml" in f]


_SIDS = itertools.count(1)


async def reply(
    app, text: str, sender: str = ALICE, token: str = AUTH_TOKEN, url: str = SMS_URL, sid: str | None = None
) -> tuple[int, str]:
    """Twilio's messaging webhook for an SMS `text` from `sender`, each a message of its own (a MessageSid of its own,
    unless `sid` says): the status and the text of the TwiML answer."""
    sid = sid or f"SM{next(_SIDS):032x}"
    form = {"From": sender, "To": SENDER, "Body": text, "MessageSid": sid, "AccountSid": ACCOUNT_SID}
    response = await app.test_client().post("/inbound/twilio/sms", **signed(url, form, token))
    body = await response.get_data(as_text=True)
    if response.status_code == 200:
        assert response.content_type == "text/xml; charset=utf-8"
        return 200, ET.fromstring(body).findtext("Message") or ""
    return response.status_code, body


async def press(
    app, action_url: str, digits: str, token: str = AUTH_TOKEN, signed_for: str | None = None
) -> tuple[int, ET.Element | str]:
    """Twilio's post of a call's <Gather> result to `action_url` (signed for it, or for `signed_for`): the status and
    the TwiML answer."""
    form = {"Digits": digits, "CallSid": "CA" + "2" * 32, "AccountSid": ACCOUNT_SID}
    request = signed(signed_for or action_url, form, token)
    response = await app.test_client().post(action_url.removeprefix(PUBLIC), **request)
    body = await response.get_data(as_text=True)
    return response.status_code, ET.fromstring(body) if response.status_code == 200 else body


async def escalation(api, esc: dict) -> dict:
    return (await api.get(f"/api/v1/escalations/{esc['id']}"))[1]


async def audit(api, esc: dict) -> list[dict]:
    status, body = await api.get(f"/api/v1/audit?resource=escalation&id={esc['id']}")
    assert status == 200
    return body["items"]


def change(entry: dict) -> dict:
    """What an audit entry says was done: its action, actor and the fields it changed (their instants left out)."""
    before, after = entry["before"], entry["after"]
    changed = {k: v for k, v in after.items() if before.get(k) != v and not k.endswith("_at")}
    return {"action": entry["action"], "actor": entry["actor"], **changed}


# Reply codes


def test_a_reply_is_a_code_and_a_letter():
    for text, parsed in [("3a", (3, "acknowledge")), (" 3 A ", (3, "acknowledge")), ("12r", (12, "resolve")),
                         ("7R.", (7, "resolve")), ("\n1a!\n", (1, "acknowledge"))]:
        assert replies.parse(text) == parsed, text
    for text in ("", "a", "3", "3ack", "a3", "3 a r", "-1a", "1234567a", "3a please", "٣a"):
        assert replies.parse(text) is None, text
    assert [store.smallest_free(used) for used in ([], [1], [2, 3], [1, 2, 4], [3, 1, 2])] == [1, 2, 1, 3, 4]


async def test_codes_are_the_smallest_free_at_each_number_and_one_per_escalation(app, api, engine, twilio, people):
    first = await page(api, engine, "user:alice", steps=2)
    second = await page(api, engine, "user:alice")
    await page(api, engine, "user:bob")
    assert codes(twilio) == [(ALICE, 1), (ALICE, 2), (BOB, 1)]

    await engine.run(datetime.fromisoformat(first["created_at"]) + timedelta(minutes=5))  # its second step
    assert codes(twilio)[3:] == [(ALICE, 1)]

    assert (await api.post(f"/api/v1/escalations/{first['id']}/resolve"))[0] == 200
    third = await page(api, engine, "user:alice")
    assert codes(twilio)[4:] == [(ALICE, 1)]  # the resolved escalation's code is free again
    assert (await reply(app, "2a"))[1].startswith("Acknowledged 2")
    assert [(await escalation(api, e))["status"] for e in (first, second, third)] == ["resolved", "acknowledged",
                                                                                       "triggered"]


async def test_a_channel_target_gets_a_code_at_the_channel_number_and_answers_as_the_channel(app, api, engine, twilio):
    esc = await page(api, engine, "channel:sms")
    assert codes(twilio) == [(TEAM, 1)]

    assert await reply(app, "1a", sender=TEAM) == (200, "Acknowledged 1: API error rate 12%")
    assert (await escalation(api, esc))["acknowledged_by"] == "channel:sms"


async def test_engines_claiming_at_once_never_give_one_code_twice(api, engine, db_url, people, monkeypatch):
    """One claim holds its transaction open after giving its code; the other claims meanwhile (SKIP LOCKED: another
    message to the same number) and must wait for it, then take the next code."""
    step = {"delay_minutes": 5, "targets": [{"type": "user", "id": "alice"}]}
    assert (await api.post("/api/v1/policies", {"id": "p", "name": "p", "steps": [step]}))[0] == 201
    for summary in ("one", "two"):
        status, esc = await api.post("/api/v1/escalations", {"policy_id": "p", "summary": summary})
    now = datetime.fromisoformat(esc["created_at"])
    await engine.escalate(now)
    reached, release = held_after(monkeypatch, store, "give")
    first = asyncio.create_task(engine.dispatcher.claim(now, 1))
    await reached.wait()
    second = asyncio.create_task(engine.dispatcher.claim(now, 1))
    await finished_or_waiting(second, db_url)
    assert not second.done()  # waits for the first claim's number
    release.set()
    claimed = [*await first, *await second]
    assert sorted(c.reply_code for c in claimed) == [1, 2]
    assert len({c.id for c in claimed}) == 2


async def test_a_claim_never_waits_for_an_acknowledgement_of_its_escalation(api, engine, db_url, people, monkeypatch):
    """An acknowledgement holds its escalation FOR UPDATE and may wait for a message that a claim holds (to stop its
    retries): the claim must not wait for it in turn. Its message then waits a moment, and goes with its code."""
    if not db_url.startswith("postgres"):
        pytest.skip("SQLite runs one transaction at a time")
    steps = [{"delay_minutes": 5, "targets": [{"type": "user", "id": user}]} for user in ("alice", "bob")]
    assert (await api.post("/api/v1/policies", {"id": "p", "name": "p", "steps": steps}))[0] == 201
    status, esc = await api.post("/api/v1/escalations", {"policy_id": "p", "summary": "s"})
    later = datetime.fromisoformat(esc["created_at"]) + timedelta(minutes=5)
    await engine.run(later - timedelta(minutes=5))
    await engine.escalate(later)  # bob's message, not claimed yet
    reached, release = held_after(monkeypatch, escalations_store, "_locked_open")
    acknowledging = asyncio.create_task(api.post(f"/api/v1/escalations/{esc['id']}/acknowledge"))
    await reached.wait()

    claiming = asyncio.create_task(engine.dispatcher.claim(later, 10))
    await finished_or_waiting(claiming, db_url)

    assert claiming.done() and claiming.result() == []
    release.set()
    assert (await acknowledging)[0] == 200
    claimed = await engine.dispatcher.claim(later + store.BUSY_WAIT, 10)
    assert [(c.address, c.reply_code) for c in claimed] == [(BOB, 1)]


async def test_a_message_whose_escalation_an_engine_pass_holds_waits_for_its_code(api, engine, db_url, people):
    """Another engine's pass holds the escalation FOR UPDATE while it writes the next step: a message claimed then would
    go without its reply code; it waits a moment instead."""
    if not db_url.startswith("postgres"):
        pytest.skip("SQLite runs one transaction at a time")
    step = {"delay_minutes": 5, "targets": [{"type": "user", "id": "alice"}]}
    assert (await api.post("/api/v1/policies", {"id": "p", "name": "p", "steps": [step] * 2}))[0] == 201
    status, esc = await api.post("/api/v1/escalations", {"policy_id": "p", "summary": "s"})
    t0 = datetime.fromisoformat(esc["created_at"])
    await engine.escalate(t0)
    other = await asyncpg.connect(db_url)
    try:
        async with other.transaction():
            await other.execute("SELECT id FROM escalations WHERE id = $1 FOR UPDATE", esc["id"])
            assert await engine.dispatcher.claim(t0, 10) == []
    finally:
        await other.close()
    claimed = await engine.dispatcher.claim(t0 + store.BUSY_WAIT, 10)
    assert [(c.address, c.reply_code) for c in claimed] == [(ALICE, 1)]


# SMS replies


async def test_a_reply_acknowledges_and_resolves_as_the_link_would(app, api, engine, twilio, people):
    by_link = await page(api, engine, "user:alice", summary="Disk full")
    by_reply = await page(api, engine, "user:alice")
    (_, link_body), (_, reply_body) = texts(twilio)
    assert REPLY_LINE.search(reply_body)[1] == "2" and "\nAck: https://oncall.example.com/a/" in reply_body
    link = re.search(r"Ack: (\S+)", link_body)[1]
    assert (await app.test_client().post(link.removeprefix(PUBLIC))).status_code == 200

    assert await reply(app, "2a") == (200, "Acknowledged 2: API error rate 12%")
    got = await escalation(api, by_reply)
    assert (got["status"], got["acknowledged_by"], got["next_step_at"]) == ("acknowledged", "alice", None)
    [acked_by_link, _], [acked_by_reply, _] = await audit(api, by_link), await audit(api, by_reply)
    assert change(acked_by_reply) == change(acked_by_link) == {
        "action": "acknowledge", "actor": "alice", "status": "acknowledged", "acknowledged_by": "alice"}

    assert await reply(app, "2R") == (200, "Resolved 2: API error rate 12%")
    got = await escalation(api, by_reply)
    assert (got["status"], got["resolved_by"]) == ("resolved", "alice")
    assert [e["action"] for e in await audit(api, by_reply)] == ["resolve", "acknowledge", "trigger"]

    for text in ("2a", "2r"):  # too late: nothing changes
        assert await reply(app, text) == (200, "Already resolved: API error rate 12%")
    assert len(await audit(api, by_reply)) == 3


async def test_a_second_acknowledgement_says_who_acknowledged_first(app, api, engine, people):
    esc = await page(api, engine, "user:alice")
    assert (await api.post(f"/api/v1/escalations/{esc['id']}/acknowledge", {"by": "dave"}))[0] == 200

    assert await reply(app, "1a") == (200, "Already acknowledged by dave: API error rate 12%")
    assert (await escalation(api, esc))["acknowledged_by"] == "dave"
    unnamed = await page(api, engine, "user:alice", summary="Disk full")
    assert (await api.post(f"/api/v1/escalations/{unnamed['id']}/acknowledge"))[0] == 200  # by nobody named
    assert await reply(app, "2a") == (200, "Already acknowledged: Disk full")


async def test_anything_else_gets_a_one_line_help_and_changes_nothing(app, api, engine, twilio, people):
    esc = await page(api, engine, "user:alice", summary="x" * 300)
    assert codes(twilio) == [(ALICE, 1)]

    for text, sender, answer in [
        ("hello", ALICE, HELP),
        ("", ALICE, HELP),
        ("1x", ALICE, HELP),
        ("9a", ALICE, "No open escalation has code 9 for this number. " + HELP),
        ("1a", BOB, "No open escalation has code 1 for this number. " + HELP),  # alice's code, bob's phone
        ("1a", "+1 415", HELP),  # not a phone number
    ]:
        assert await reply(app, text, sender=sender) == (200, answer), (text, sender)
        assert "\n" not in answer
    assert (await escalation(api, esc))["status"] == "triggered"
    assert len(await audit(api, esc)) == 1


async def test_opt_out_keywords_get_no_answer_of_ours(app, people):
    for keyword in ("STOP", " stop ", "HELP", "start"):
        response = await app.test_client().post(
            "/inbound/twilio/sms", **signed(SMS_URL, {"From": ALICE, "Body": keyword}))
        assert ET.fromstring(await response.get_data(as_text=True)).findall("Message") == []


async def test_a_reply_counts_only_for_a_channel_whose_token_signed_it(app, api, engine, people):
    """ops-sms's account is another: a reply it signed names no code of the sms channel's messages."""
    esc = await page(api, engine, "user:alice")

    status, answer = await reply(app, "1a", token=OTHER_TOKEN)

    assert status == 200 and answer.startswith("No open escalation has code 1")
    assert (await escalation(api, esc))["status"] == "triggered"


async def test_a_reply_after_the_links_expired_says_so(app, api, engine, people, monkeypatch):
    esc = await page(api, engine, "user:alice")
    later = datetime.fromisoformat(esc["created_at"]) + app.app.config["SETTINGS"].link_ttl
    monkeypatch.setattr(action_links, "utcnow", lambda: later)

    status, answer = await reply(app, "1a")

    assert status == 200 and answer.startswith("That code no longer works")
    assert (await escalation(api, esc))["status"] == "triggered"


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda kw: {**kw, "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, id="missing"),
        pytest.param(lambda kw: {**kw, "headers": {**kw["headers"], "X-Twilio-Signature": ""}}, id="empty"),
        pytest.param(lambda kw: signed(SMS_URL, FORM, "0" * 32), id="another-token"),
        pytest.param(lambda kw: signed("http://localhost/inbound/twilio/sms", FORM), id="another-url"),
        pytest.param(lambda kw: {**kw, "data": kw["data"].replace(b"1a", b"1r")}, id="changed-body"),
        pytest.param(lambda kw: {**kw, "data": kw["data"] + b"&Extra=1"}, id="added-field"),
        pytest.param(lambda kw: {**kw, "data": b"\xff" + kw["data"]}, id="not-utf8"),
    ],
)
async def test_a_request_twilio_did_not_sign_is_403_and_nothing_is_looked_up(app, api, engine, people, forge,
                                                                            monkeypatch):
    esc = await page(api, engine, "user:alice")
    looked = []
    monkeypatch.setattr(replies, "reply", lambda *args: looked.append(args))

    response = await app.test_client().post("/inbound/twilio/sms", **forge(signed(SMS_URL, FORM)))

    assert response.status_code == 403
    assert (await response.get_json())["error"]["code"] == "forbidden"
    assert looked == []
    assert (await escalation(api, esc))["status"] == "triggered"



async def test_a_replayed_request_changes_nothing_more(app, api, engine, people):
    esc = await page(api, engine, "user:alice")
    request = signed(SMS_URL, FORM)

    answers = [await app.test_client().post("/inbound/twilio/sms", **request) for _ in range(3)]

    assert [r.status_code for r in answers] == [200] * 3
    assert [e["action"] for e in await audit(api, esc)] == ["acknowledge", "trigger"]
    texts_ = [ET.fromstring(await r.get_data(as_text=True)).findtext("Message") for r in answers]
    assert texts_[1:] == ["This reply was handled already."] * 2


async def test_a_replayed_reply_does_not_act_on_the_next_escalation_with_its_code(app, api, engine, people, twilio):
    """Twilio's signature has no time, and code 1 is given again once its escalation is resolved: the same signed
    "1r" posted again must not resolve the next escalation that has code 1."""
    first = await page(api, engine, "user:alice")
    assert await reply(app, "1r", sid="SM" + "a" * 32) == (200, "Resolved 1: " + first["summary"])
    second = await page(api, engine, "user:alice")
    assert codes(twilio)[-1] == (ALICE, 1)
    assert await reply(app, "1r", sid="SM" + "a" * 32) == (200, "This reply was handled already.")
    assert (await escalation(api, second))["status"] == "triggered"
    assert await reply(app, "1r") == (200, "Resolved 1: " + second["summary"])  # a new reply does


async def test_a_reply_without_twilios_message_id_gets_the_help_and_acts_on_nothing(app, api, engine, people):
    esc = await page(api, engine, "user:alice")
    for sid in ("", "SM123", "sm" + "1" * 32):
        status, text = await reply(app, "1a", sid=sid) if sid else await _without_sid(app)
        assert status == 200 and text == HELP
    assert (await escalation(api, esc))["status"] == "triggered"


async def _without_sid(app) -> tuple[int, str]:
    form = {"From": ALICE, "To": SENDER, "Body": "1a", "AccountSid": ACCOUNT_SID}
    response = await app.test_client().post("/inbound/twilio/sms", **signed(SMS_URL, form))
    return response.status_code, ET.fromstring(await response.get_data(as_text=True)).findtext("Message") or ""


async def test_a_body_over_256_kib_is_413(app, people):
    form = {**FORM, "Padding": "x" * (256 * 1024)}

    response = await app.test_client().post("/inbound/twilio/sms", **signed(SMS_URL, form))

    assert response.status_code == 413


async def test_each_client_address_is_rate_limited_per_door_by_its_refused_requests(app, people):
    """Forged requests use up their address's budget, and then even a signed one waits; signed ones are not counted
    (behind a proxy every request has the proxy's address: junk must not crowd out Twilio's real requests)."""
    app.app.config["SETTINGS"] = replace(app.app.config["SETTINGS"], inbound_rate=Rule(2, timedelta(minutes=1)))
    sms = "/inbound/twilio/sms"
    statuses = [(await app.test_client().post(sms, **signed(SMS_URL, FORM))).status_code for _ in range(5)]
    assert statuses == [200] * 5
    forged = [(await app.test_client().post(sms, data=b"Body=1a")).status_code for _ in range(2)]
    assert forged == [403, 403]
    refused = await app.test_client().post(sms, **signed(SMS_URL, FORM))
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    voice = f"{PUBLIC}/inbound/twilio/voice/phone/{'0' * 24}"
    assert (await press(app, voice, "4"))[0] == 200  # another door, its own count


# Calls


async def test_pressing_4_acknowledges_and_6_resolves_as_the_link_would(app, api, engine, twilio, people):
    by_link = await page(api, engine, "user:alice")  # an SMS, whose link acknowledges
    by_call = await page(api, engine, "user:carol")
    [(to, twiml)] = calls(twilio)
    assert to == ALICE
    action = twiml.find("Gather").attrib["action"]
    [message] = [n for n in (await escalation(api, by_call))["notifications"] if n["channel"] == "phone"]
    assert action == f"{PUBLIC}/inbound/twilio/voice/phone/{message['id']}"
    link = re.search(r"Ack: (\S+)", texts(twilio)[0][1])[1]
    assert (await app.test_client().post(link.removeprefix(PUBLIC))).status_code == 200

    status, said = await press(app, action, "4")
    assert status == 200 and [s.text for s in said.iter("Say")] == ["Acknowledged. Goodbye."]
    assert said.find("Hangup") is not None
    got = await escalation(api, by_call)
    assert (got["status"], got["acknowledged_by"]) == ("acknowledged", "carol")
    [acked_by_link, _], [acked_by_call, _] = await audit(api, by_link), await audit(api, by_call)
    assert change(acked_by_call) == {**change(acked_by_link), "actor": "carol", "acknowledged_by": "carol"}

    status, said = await press(app, action, "6")
    assert [s.text for s in said.iter("Say")] == ["Resolved. Goodbye."]
    assert (await escalation(api, by_call))["resolved_by"] == "carol"
    status, said = await press(app, action, "4")
    assert [s.text for s in said.iter("Say")] == ["This escalation is already resolved. Goodbye."]
    assert [e["action"] for e in await audit(api, by_call)] == ["resolve", "acknowledge", "trigger"]


async def test_another_key_hears_the_choices_again(app, api, engine, twilio, people):
    esc = await page(api, engine, "user:carol")
    action = calls(twilio)[0][1].find("Gather").attrib["action"]

    for digits in ("7", "", "44", "#"):
        status, said = await press(app, action, digits)
        assert status == 200
        gather = said.find("Gather")
        assert gather.attrib["action"] == action and gather.attrib["numDigits"] == "1"
        assert [s.text for s in gather.iter("Say")] == ["Press 4 to acknowledge, 6 to resolve."]
    assert (await escalation(api, esc))["status"] == "triggered"


async def test_a_key_counts_only_for_the_channel_and_message_it_was_asked_for(app, api, engine, twilio, people):
    texted = await page(api, engine, "user:alice")
    called = await page(api, engine, "user:carol")
    sms_message = (await escalation(api, texted))["notifications"][0]["id"]
    action = calls(twilio)[0][1].find("Gather").attrib["action"]

    for url, token, signed_for, status in [
        (f"{PUBLIC}/inbound/twilio/voice/nope/{'0' * 24}", AUTH_TOKEN, None, 403),  # no such channel: nothing verifies
        (action.replace("/phone/", "/sms/"), AUTH_TOKEN, None, 403),  # not a twilio_voice channel
        (action.replace("/phone/", "/ops-sms/"), OTHER_TOKEN, None, 403),
        (action, "0" * 32, None, 403),  # not signed by the channel's token
        (action, AUTH_TOKEN, action.replace("oncall.example.com", "evil.example.com"), 403),  # for another URL
        (action, AUTH_TOKEN, action.replace(action[-24:], sms_message), 403),  # another message
        (f"{PUBLIC}/inbound/twilio/voice/phone/not-an-id", AUTH_TOKEN, None, 404),
    ]:
        assert (await press(app, url, "6", token, signed_for))[0] == status, url
    status, said = await press(app, f"{PUBLIC}/inbound/twilio/voice/phone/{sms_message}", "6")  # the SMS's message
    assert status == 200 and [s.text for s in said.iter("Say")][0].startswith("This call can no longer")
    assert [(await escalation(api, e))["status"] for e in (texted, called)] == ["triggered", "triggered"]


async def test_a_key_after_the_links_expired_says_so(app, api, engine, twilio, people, monkeypatch):
    esc = await page(api, engine, "user:carol")
    action = calls(twilio)[0][1].find("Gather").attrib["action"]
    later = datetime.fromisoformat(esc["created_at"]) + app.app.config["SETTINGS"].link_ttl
    monkeypatch.setattr(action_links, "utcnow", lambda: later)

    status, said = await press(app, action, "4")

    assert [s.text for s in said.iter("Say")] == [
        "This call can no longer acknowledge or resolve: the page has expired. Goodbye."]
    assert (await escalation(api, esc))["status"] == "triggered"


async def test_answers_are_counted_by_door_and_outcome(app, api, engine, people):
    sms_request = "/inbound/twilio/sms"
    got = await scrape(app.test_client())
    assert got.value("nself_oncall_inbound_requests_total", door="slack", outcome="rate_limited") == 0
    esc = await page(api, engine, "user:alice")
    assert (await reply(app, "1a"))[0] == 200
    assert (await reply(app, "hello"))[0] == 200
    assert (await reply(app, "7a"))[0] == 200  # nobody's code
    assert (await app.test_client().post(sms_request, data=b"Body=1r")).status_code == 403
    assert (await reply(app, "1r"))[0] == 200
    got = await scrape(app.test_client())
    counted = {o: got.value("nself_oncall_inbound_requests_total", door="twilio_sms", outcome=o)
               for o in ("acknowledged", "resolved", "ignored", "forbidden", "rate_limited")}
    assert counted == {"acknowledged": 1, "resolved": 1, "ignored": 2, "forbidden": 1, "rate_limited": 0}
    assert (await escalation(api, esc))["status"] == "resolved"
