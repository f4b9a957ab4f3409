"""Slack's buttons that act: the engine posts interactive buttons to a slack channel with a signing secret, Slack posts
a click to POST /inbound/slack/{channel} (signed as Slack signs), the click acts as the message's link would, with the
Slack member as actor, and the message is updated through the click's response_url (SQLite and PostgreSQL).

One local HTTP double stands in for Slack: the incoming webhook the engine posts to, and the response_url."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from dataclasses import replace
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode

import pytest

from apiclient import settings_for
from metrics_helpers import scrape
from nself_oncall.app import create_app
from nself_oncall.config import Channel
from nself_oncall.escalation import Rule
from nself_oncall.service import slack as slack_service
from peers import Reply

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
HOOK = "/services/T0001/B0002/w3bh00kT0k3n"
RESPONSE = "/actions/T0001/1234/r3sp0ns3T0k3n"
ALICE, BOB, CAROL = "U0ALICE01", "U0BOB0001", "U0CAROL01"


@pytest.fixture
def slack(http_peer):
    """The Slack double: the webhook the engine posts to and the response_url, told apart by path."""
    return http_peer()


@pytest.fixture
async def app(db_url, slack):
    settings = settings_for(db_url)
    local = {"url": slack.url(HOOK), "allow": ["127.0.0.1"], "timeout": 5}
    channels = {
        **settings.channels,
        "slack-ops": Channel("slack-ops", "slack", {**local, "signing_secret": SECRET}),
        "slack-plain": Channel("slack-plain", "slack", local),
        "slack-other": Channel("slack-other", "slack", {**local, "signing_secret": "another-app-signing-secret-42"}),
        "slack-ops-2": Channel("slack-ops-2", "slack", {**local, "signing_secret": SECRET}),
    }
    app = create_app(replace(settings, channels=channels))
    async with app.test_app() as test_app:
        yield test_app


def posted(slack, path: str) -> list[dict]:
    return [r.json() for r in slack.requests if r.path == path]


async def paged(api, engine, slack) -> tuple[dict, list[dict]]:
    """alice and bob (Slack members ALICE and BOB on slack-ops), a policy paging alice, and `page_alice`."""
    for user, member in (("alice", ALICE), ("bob", BOB)):
        body = {"id": user, "contacts": [{"channel": "slack-ops", "address": member}]}
        assert (await api.post("/api/v1/users", body))[0] == 201
    step = {"delay_minutes": 5, "targets": [{"type": "user", "id": "alice"}]}
    assert (await api.post("/api/v1/policies", {"id": "sre", "name": "SRE", "steps": [step]}))[0] == 201
    return await page_alice(api, engine, slack)


async def page_alice(api, engine, slack) -> tuple[dict, list[dict]]:
    """A new escalation that pages alice; it, and its message's blocks as Slack sends them back with a click (each
    block with a block_id)."""
    status, esc = await api.post("/api/v1/escalations", {"policy_id": "sre", "summary": "API error rate 12%"})
    assert status == 201
    await engine.run(datetime.fromisoformat(esc["created_at"]))
    message = posted(slack, HOOK)[-1]
    return esc, [dict(block, block_id=f"b{i}") for i, block in enumerate(message["blocks"])]


def button(blocks: list[dict], action: str) -> dict:
    return next(e for b in blocks if b["type"] == "actions" for e in b["elements"] if e.get("action_id") == action)


def click_body(blocks: list[dict], action: str, member: str, slack, **changes) -> bytes:
    """A block_actions form body as Slack posts it for a click on `action`'s button of the message of `blocks`."""
    found = button(blocks, action)
    payload = {
        "type": "block_actions",
        "user": {"id": member, "username": member.lower(), "name": member.lower(), "team_id": "T0001"},
        "api_app_id": "A0001",
        "team": {"id": "T0001", "domain": "acme"},
        "container": {"type": "message", "message_ts": "1795685400.000100", "channel_id": "C0001"},
        "channel": {"id": "C0001", "name": "ops"},
        "message": {"type": "message", "text": "API error rate 12%", "ts": "1795685400.000100", "blocks": blocks},
        "response_url": slack.url(RESPONSE),
        "actions": [{"type": "button", "block_id": "b5", "action_id": found["action_id"], "value": found["value"],
                     "text": found["text"], "action_ts": "1795685460.000200"}],
        **changes,
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def signature(body: bytes, timestamp: str, secret: str = SECRET) -> str:
    """As Slack signs: v0= and hex(HMAC-SHA256(secret, "v0:{timestamp}:{body}"))."""
    return "v0=" + hmac.new(secret.encode(), f"v0:{timestamp}:{body.decode()}".encode(), hashlib.sha256).hexdigest()


def signed(body: bytes, secret: str = SECRET, at: float | None = None) -> dict[str, str]:
    timestamp = str(int(time.time() if at is None else at))
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature(body, timestamp, secret)}


async def post(app, body: bytes, headers: dict[str, str], channel: str = "slack-ops"):
    """Post to the door and let the answer's background work (the message's update) finish."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    response = await app.test_client().post(f"/inbound/slack/{channel}", data=body, headers={**form, **headers})
    await asyncio.gather(*app.app.background_tasks)
    return response.status_code, await response.get_json()


async def escalation_entries(api, esc) -> list[tuple[str, str]]:
    status, body = await api.get(f"/api/v1/audit?resource=escalation&id={esc['id']}")
    assert status == 200
    return [(e["action"], e["actor"]) for e in body["items"]]


async def status_of(api, esc) -> dict:
    return (await api.get(f"/api/v1/escalations/{esc['id']}"))[1]


async def test_a_click_acts_as_the_link_would_with_the_slack_member_as_actor_and_updates_the_message(
    app, api, engine, slack
):
    esc, blocks = await paged(api, engine, slack)
    [notification] = (await status_of(api, esc))["notifications"]
    for action in ("acknowledge", "resolve"):  # buttons that act: the message's id, no link
        assert button(blocks, action)["value"] == notification["id"] and "url" not in button(blocks, action)

    body = click_body(blocks, "acknowledge", ALICE, slack)
    assert await post(app, body, signed(body)) == (200, {"action": "acknowledged", "escalation_id": esc["id"]})
    got = await status_of(api, esc)
    assert (got["status"], got["acknowledged_by"], got["next_step_at"]) == ("acknowledged", "alice", None)
    assert await escalation_entries(api, esc) == [("acknowledge", "alice"), ("trigger", "api")]
    [update] = posted(slack, RESPONSE)
    assert update["replace_original"] is True and update["text"] == f"Acknowledged by <@{ALICE}>"
    assert update["blocks"][:-2] == blocks[:-1]  # the header, facts, mention and context stay
    assert update["blocks"][-2]["text"]["text"].startswith(f"*Acknowledged* by <@{ALICE}> at <!date^")
    assert [e.get("action_id") for e in update["blocks"][-1]["elements"]] == ["resolve", None]  # and Open escalation

    # Resolve, from the updated message, by a member no user has as a contact: the actor is slack:<member id>.
    body = click_body(update["blocks"], "resolve", CAROL, slack)
    assert await post(app, body, signed(body)) == (200, {"action": "resolved", "escalation_id": esc["id"]})
    got = await status_of(api, esc)
    assert (got["status"], got["acknowledged_by"], got["resolved_by"]) == ("resolved", "alice", f"slack:{CAROL}")
    assert await escalation_entries(api, esc) == [
        ("resolve", f"slack:{CAROL}"), ("acknowledge", "alice"), ("trigger", "api")
    ]
    resolved = posted(slack, RESPONSE)[-1]
    lines = [b["text"]["text"] for b in resolved["blocks"] if b.get("block_id", "").startswith("nself-oncall-")]
    assert [line.split(" at ")[0] for line in lines] == [f"*Acknowledged* by <@{ALICE}>", f"*Resolved* by <@{CAROL}>"]
    assert [e["text"]["text"] for e in resolved["blocks"][-1]["elements"]] == ["Open escalation"]


async def test_a_click_after_resolve_changes_nothing_and_tells_the_clicker(app, api, engine, slack):
    esc, blocks = await paged(api, engine, slack)
    assert (await api.post(f"/api/v1/escalations/{esc['id']}/resolve", {"by": "dave"}))[0] == 200
    for action in ("acknowledge", "resolve"):
        body = click_body(blocks, action, BOB, slack)
        assert await post(app, body, signed(body)) == (200, {"action": "ignored", "escalation_id": None})
    got = await status_of(api, esc)
    assert (got["status"], got["acknowledged_by"], got["resolved_by"]) == ("resolved", None, "dave")
    assert await escalation_entries(api, esc) == [("resolve", "api"), ("trigger", "api")]
    notices = posted(slack, RESPONSE)
    assert len(notices) == 2
    for notice in notices:
        assert (notice["response_type"], notice["replace_original"]) == ("ephemeral", False)
        assert "already resolved" in notice["text"]


async def test_an_earlier_acknowledgement_stays_its_own_persons(app, api, engine, slack):
    esc, blocks = await paged(api, engine, slack)
    assert (await api.post(f"/api/v1/escalations/{esc['id']}/acknowledge", {"by": "dave"}))[0] == 200
    body = click_body(blocks, "acknowledge", BOB, slack)
    assert await post(app, body, signed(body)) == (200, {"action": "acknowledged", "escalation_id": esc["id"]})
    assert (await status_of(api, esc))["acknowledged_by"] == "dave"
    assert posted(slack, RESPONSE)[0]["text"] == "Acknowledged by `dave`"
    other, blocks = await page_alice(api, engine, slack)
    assert (await api.post(f"/api/v1/escalations/{other['id']}/acknowledge"))[0] == 200  # by nobody named
    body = click_body(blocks, "acknowledge", BOB, slack)
    assert (await post(app, body, signed(body)))[0] == 200
    assert posted(slack, RESPONSE)[-1]["text"] == "Acknowledged"


async def test_an_unknown_message_and_other_buttons_change_nothing(app, api, engine, slack):
    esc, blocks = await paged(api, engine, slack)
    unknown = click_body(blocks, "acknowledge", ALICE, slack,
                         actions=[{"type": "button", "action_id": "acknowledge", "value": "0" * 24}])
    assert await post(app, unknown, signed(unknown)) == (200, {"action": "ignored", "escalation_id": None})
    assert "already resolved" in posted(slack, RESPONSE)[-1]["text"]
    # Open escalation is a link: Slack reports its click too (with an action_id of its own making), and no value.
    link = click_body(blocks, "acknowledge", ALICE, slack, actions=[{"type": "button", "action_id": "Xy1z"}])
    shortcut = urlencode({"payload": json.dumps({"type": "shortcut", "callback_id": "x"})}).encode()
    for body in (link, shortcut):
        assert await post(app, body, signed(body)) == (200, {"action": "ignored", "escalation_id": None})
    assert len(posted(slack, RESPONSE)) == 1
    assert (await status_of(api, esc))["status"] == "triggered"
    assert await escalation_entries(api, esc) == [("trigger", "api")]


async def test_the_actor_is_the_one_user_with_the_member_id_on_that_channel(app, api):
    contacts = {"erin": [("slack-ops", "U0ERIN001"), ("slack-ops", "U0ERIN001")], "frank": [("slack-ops", "U0SHARED1")],
                "grace": [("slack-ops", "U0SHARED1")], "heidi": [("slack-plain", "U0HEIDI01")]}
    for user, pairs in contacts.items():
        body = {"id": user, "contacts": [{"channel": c, "address": a} for c, a in pairs]}
        assert (await api.post("/api/v1/users", body))[0] == 201
    assert await slack_service.actor("slack-ops", "U0ERIN001") == "erin"  # one user, twice
    assert await slack_service.actor("slack-ops", "U0SHARED1") == "slack:U0SHARED1"  # two people: neither
    assert await slack_service.actor("slack-ops", "U0HEIDI01") == "slack:U0HEIDI01"  # another channel's contact
    assert await slack_service.actor("slack-plain", "U0HEIDI01") == "heidi"


def _refusals(body: bytes) -> dict[str, tuple[str, dict[str, str]]]:
    """Requests that Slack did not sign for slack-ops: (channel, headers) by what is wrong with them."""
    now = str(int(time.time()))
    return {
        "wrong signature": ("slack-ops", {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=" + "0" * 64}),
        "another secret": ("slack-ops", signed(body, secret="another-signing-secret-0123")),
        "no signature": ("slack-ops", {"X-Slack-Request-Timestamp": now}),
        "no timestamp": ("slack-ops", {"X-Slack-Signature": signature(body, now)}),
        "old timestamp": ("slack-ops", signed(body, at=time.time() - 301)),
        "timestamp not a number": ("slack-ops", {"X-Slack-Request-Timestamp": "1e9",
                                                 "X-Slack-Signature": signature(body, "1e9")}),
        "signature not ASCII": ("slack-ops", {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=é"}),
        "another timestamp": ("slack-ops", {"X-Slack-Request-Timestamp": str(int(now) - 1),
                                            "X-Slack-Signature": signature(body, now)}),
        "unknown channel": ("slack-nope", signed(body)),
        "channel without a signing secret": ("slack-plain", signed(body)),
        "not a slack channel": ("log", signed(body)),
    }


async def test_a_request_slack_did_not_sign_for_the_channel_is_403_and_changes_nothing(app, api, engine, slack):
    esc, blocks = await paged(api, engine, slack)
    body = click_body(blocks, "acknowledge", ALICE, slack)
    for reason, (channel, headers) in _refusals(body).items():
        status, answer = await post(app, body, headers, channel)
        assert (status, answer["error"]["code"]) == (403, "forbidden"), reason
    tampered = body.replace(ALICE.encode(), BOB.encode())
    assert (await post(app, tampered, signed(body)))[0] == 403
    assert (await status_of(api, esc))["status"] == "triggered"
    assert await escalation_entries(api, esc) == [("trigger", "api")]
    assert posted(slack, RESPONSE) == []
    four_minutes_ago = signed(body, at=time.time() - 240)  # within Slack's 5 minutes
    assert await post(app, body, four_minutes_ago) == (200, {"action": "acknowledged", "escalation_id": esc["id"]})


def payload_of(body: bytes) -> dict:
    [(_, text)] = parse_qsl(body.decode())
    return json.loads(text)


def form(payload) -> bytes:
    return urlencode({"payload": payload if isinstance(payload, str) else json.dumps(payload)}).encode()


@pytest.mark.parametrize(
    ("malformed", "status"),
    [
        (lambda good: b"something=else", 400),
        (lambda good: form(good) + b"&" + form(good), 400),
        (lambda good: form("{not json"), 400),
        (lambda good: form([good]), 400),
        (lambda good: form("[" * 40 + "]" * 40), 400),
        (lambda good: form({"type": "block_actions"}), 422),
        (lambda good: form({**good, "user": {"id": "not a member id"}}), 422),
        (lambda good: form({**good, "actions": []}), 422),
        (lambda good: form({**good, "response_url": "file:///etc/passwd"}), 422),
        (lambda good: form({**good, "message": {"blocks": [{"type": "actions", "elements": ["not an element"]}]}}), 422),
        (lambda good: form({**good, "actions": [{"action_id": "acknowledge", "value": "'; DROP TABLE users; --"}]}), 422),
        (lambda good: form({**good, "actions": [{"action_id": "resolve"}]}), 422),
    ],
)
async def test_a_signed_request_that_is_malformed_is_a_4xx_and_changes_nothing(app, api, engine, slack, malformed, status):
    esc, blocks = await paged(api, engine, slack)
    body = malformed(payload_of(click_body(blocks, "acknowledge", ALICE, slack)))
    answer_status, answer = await post(app, body, signed(body))
    assert (answer_status, list(answer)) == (status, ["error"])
    assert (await status_of(api, esc))["status"] == "triggered"
    assert posted(slack, RESPONSE) == []


async def test_a_body_over_256_kib_is_413(app, api, engine, slack):
    esc, blocks = await paged(api, engine, slack)
    large = click_body(blocks, "acknowledge", ALICE, slack, padding="x" * 256 * 1024)
    status, answer = await post(app, large, signed(large))
    assert (status, answer["error"]["code"]) == (413, "payload_too_large")
    assert (await status_of(api, esc))["status"] == "triggered"


async def test_past_the_rate_of_its_address_a_request_is_429_before_its_signature_is_looked_at(app, api, engine, slack):
    app.app.config["SETTINGS"] = replace(app.app.config["SETTINGS"], inbound_rate=Rule(2, timedelta(minutes=1)))
    esc, blocks = await paged(api, engine, slack)
    body = click_body(blocks, "acknowledge", ALICE, slack)
    assert [(await post(app, body, {}))[0] for _ in range(2)] == [403, 403]
    response = await app.test_client().post("/inbound/slack/slack-ops", data=body, headers=signed(body))
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
    assert (await status_of(api, esc))["status"] == "triggered"


async def test_a_failed_update_is_logged_without_the_response_url_or_any_secret(app, api, engine, slack, caplog):
    caplog.set_level(logging.DEBUG)
    esc, blocks = await paged(api, engine, slack)
    slack.respond = lambda got: Reply(404, "expired_url") if got.path == RESPONSE else Reply()
    body = click_body(blocks, "acknowledge", ALICE, slack)
    assert (await post(app, body, signed(body)))[0] == 200
    assert (await status_of(api, esc))["status"] == "acknowledged"
    [line] = [r.getMessage() for r in caplog.records if "not updated" in r.getMessage()]
    assert "Slack answered 404: expired_url" in line
    logged = caplog.text
    assert "r3sp0ns3T0k3n" not in logged and SECRET not in logged and "w3bh00kT0k3n" not in logged


async def test_a_click_acts_only_on_messages_of_its_own_slack_app(app, api, engine, slack):
    """A button is only as good as the app that posted it: whoever can post to slack-other's webhook can make a button
    with any message id, and Slack signs its click for slack-other. It changes nothing on slack-ops' messages, nor on
    other channels' (here, alice's page on slack-plain, whose id is known); a channel of the same app (the same
    signing secret) may act on them."""
    esc, blocks = await paged(api, engine, slack)
    body = click_body(blocks, "resolve", ALICE, slack)
    assert await post(app, body, signed(body, secret="another-app-signing-secret-42"), "slack-other") == (
        200, {"action": "ignored", "escalation_id": None})
    assert (await status_of(api, esc))["status"] == "triggered"
    body = click_body(blocks, "acknowledge", ALICE, slack)
    assert await post(app, body, signed(body), "slack-ops-2") == (200, {"action": "acknowledged", "escalation_id": esc["id"]})

    plain = {"id": "plain", "contacts": [{"channel": "slack-plain", "address": BOB}]}
    assert (await api.post("/api/v1/users", plain))[0] == 201
    step = {"delay_minutes": 5, "targets": [{"type": "user", "id": "plain"}]}
    assert (await api.post("/api/v1/policies", {"id": "p2", "name": "P2", "steps": [step]}))[0] == 201
    status, other = await api.post("/api/v1/escalations", {"policy_id": "p2", "summary": "elsewhere"})
    await engine.run(datetime.fromisoformat(other["created_at"]))
    _, found = await api.get(f"/api/v1/escalations/{other['id']}")
    forged = click_body(blocks, "resolve", ALICE, slack,
                        actions=[{"type": "button", "action_id": "resolve", "value": found["notifications"][0]["id"]}])
    assert await post(app, forged, signed(forged)) == (200, {"action": "ignored", "escalation_id": None})
    assert (await status_of(api, other))["status"] == "triggered"


@pytest.mark.parametrize("url", ["https://evil.example/actions/1", "http://127.0.0.2:9/actions", "ftp://x/y"])
async def test_a_response_url_off_the_channels_slack_host_is_refused(app, api, engine, slack, url):
    esc, blocks = await paged(api, engine, slack)
    body = click_body(blocks, "acknowledge", ALICE, slack, response_url=url)
    status, answer = await post(app, body, signed(body))
    assert status == 422 and answer["error"]["details"][0]["field"] == "response_url"
    assert (await status_of(api, esc))["status"] == "triggered" and posted(slack, RESPONSE) == []


async def test_clicks_are_counted_by_outcome(app, api, engine, slack):
    esc, blocks = await paged(api, engine, slack)
    body = click_body(blocks, "acknowledge", ALICE, slack)
    assert (await post(app, body, {}))[0] == 403
    assert (await post(app, body, signed(body)))[0] == 200
    got = await scrape(app.test_client())
    counted = {o: got.value("nself_oncall_inbound_requests_total", door="slack", outcome=o)
               for o in ("acknowledged", "resolved", "ignored", "forbidden", "rate_limited")}
    assert counted == {"acknowledged": 1, "resolved": 0, "ignored": 0, "forbidden": 1, "rate_limited": 0}
