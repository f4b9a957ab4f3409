"""The `slack` notifier against a real HTTP peer standing in for a Slack incoming webhook."""

from __future__ import annotations

import dataclasses
import logging
import socket
import time
from datetime import UTC, datetime

import pytest

from nself_oncall import Action, InvalidAddress, InvalidSettings, PermanentError, Sent, TemporaryError
from nself_oncall.config import Channel, Settings
from nself_oncall.notifiers.slack import SlackNotifier, blocks
from nself_oncall.plugins import build_registry, deliver
from nself_oncall.plugins.registry import MASK
from peers import Reply

HOOK_PATH = "/services/T0001/B0002/s3cr3tW3bh00kT0k3n"
TOKEN = "s3cr3tW3bh00kT0k3n"
notifier = SlackNotifier()


async def send(url, message, contact, timeout=5.0, allow=("127.0.0.1",)):
    settings = notifier.check_settings({"url": url, "allow": list(allow)})
    return await notifier.send(message, contact, settings, timeout=timeout)


def texts(body) -> list[str]:
    """Every mrkdwn text of the posted blocks."""
    found = []
    for block in body["blocks"]:
        for part in [block.get("text"), *block.get("fields", []), *block.get("elements", [])]:
            if part and part.get("type") == "mrkdwn":
                found.append(part["text"])
    return found


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_posts_blocks_mentioning_the_member(peer, message, contact):
    peer.respond = lambda _: Reply(200, "ok")
    sent = await send(peer.url(HOOK_PATH), message, contact(notifier.check_address(" u024be7lh ")))

    assert sent == Sent(provider_id=None)
    [got] = peer.requests
    assert (got.method, got.path) == ("POST", HOOK_PATH)
    assert got.headers["content-type"] == "application/json"
    body = got.json()
    assert body["text"] == "<@U024BE7LH> API error rate 12%"
    assert [b["type"] for b in body["blocks"]] == ["header", "section", "section", "section", "context", "actions"]
    header, facts, mention, details, context, actions = body["blocks"]
    assert header["text"] == {"type": "plain_text", "text": "API error rate 12%"}
    assert [f["text"] for f in facts["fields"]] == [
        "*Escalation*\n`01JESC0000000000000000000B`",
        "*Step*\n1 (loop 0)",
        "*Target*\nschedule `primary`",
        "*Created*\n<!date^1795685400^{date_short_pretty} {time}|2026-11-26 09:30 UTC>",
    ]
    assert mention["text"] == {"type": "mrkdwn", "text": "Paging <@U024BE7LH>"}
    assert details["text"]["text"] == '```\n{\n  "service": "api",\n  "errors": [\n    500,\n    503\n  ]\n}\n```'
    assert context["elements"][0]["text"] == f"nself-oncall · channel test · message `{message.id}`"
    [button] = actions["elements"]
    assert button == {"type": "button", "text": {"type": "plain_text", "text": "Open escalation"}, "url": message.link}


async def test_channel_target_has_no_mention(peer, message, contact):
    await send(peer.url(HOOK_PATH), message, contact())
    body = peer.requests[0].json()
    assert body["text"] == "API error rate 12%"
    assert [b["type"] for b in body["blocks"]] == ["header", "section", "section", "context", "actions"]
    assert not any("<@" in text for text in texts(body))


async def test_an_address_that_is_no_member_id_is_refused(peer, message, contact):
    with pytest.raises(PermanentError, match="member ID"):
        await send(peer.url(HOOK_PATH), message, contact("<!channel>"))
    assert peer.requests == []


async def test_test_message_without_link_or_details(peer, message, contact):
    test_message = dataclasses.replace(message, test=True, link=None, details={}, escalation_id=None)
    await send(peer.url(HOOK_PATH), test_message, contact())
    body = peer.requests[0].json()
    assert [b["type"] for b in body["blocks"]] == ["header", "section", "context"]
    assert body["blocks"][0]["text"]["text"] == "[TEST] API error rate 12%"
    assert body["text"] == "[TEST] API error rate 12%"
    assert [f["text"].split("\n")[0] for f in body["blocks"][1]["fields"]] == ["*Step*", "*Target*", "*Created*"]
    assert body["blocks"][2]["elements"][0]["text"].endswith(" · *test message*, no action needed")


async def test_user_text_is_escaped(peer, message, contact):
    hostile = dataclasses.replace(
        message,
        summary="<!channel> disk & <@U999> full",
        details={"note": "<!here> a&b"},
        target=dataclasses.replace(message.target, id="<!everyone>"),
    )
    await send(peer.url(HOOK_PATH), hostile, contact())
    body = peer.requests[0].json()
    assert body["text"] == "&lt;!channel&gt; disk &amp; &lt;@U999&gt; full"
    assert body["blocks"][0]["text"]["text"] == "<!channel> disk & <@U999> full"  # plain_text is never parsed
    for text in [body["text"], *texts(body)]:
        assert "<!channel>" not in text and "<!here>" not in text and "<!everyone>" not in text
        assert "<@U999>" not in text
    assert '"note": "&lt;!here&gt; a&amp;b"' in body["blocks"][2]["text"]["text"]


async def test_long_summary_and_details_are_cut(peer, message, contact):
    long = dataclasses.replace(message, summary="s" * 400, details={"log": "<&>" * 3000, "emoji": "🔥" * 50})
    await send(peer.url(HOOK_PATH), long, contact())
    header, _, details, *_ = peer.requests[0].json()["blocks"]
    assert header["text"]["text"] == "s" * 149 + "…"
    text = details["text"]["text"]
    assert len(text.encode("utf-16-le")) // 2 <= 3000
    assert text.startswith('```\n{\n  "log": "&lt;&amp;&gt;')
    assert text.endswith("…\n```")
    assert text[:-5].endswith(("&lt;", "&amp;", "&gt;"))  # no half entity before the ellipsis


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, "invalid_payload"),
        (400, "no_text"),
        (403, "invalid_token"),
        (403, "action_prohibited"),
        (404, "channel_not_found"),
        (404, "no_service"),
        (410, "channel_is_archived"),
    ],
)
async def test_slack_errors_are_permanent(peer, message, contact, status, error):
    peer.respond = lambda _: Reply(status, error)
    with pytest.raises(PermanentError) as caught:
        await send(peer.url(HOOK_PATH), message, contact())
    assert str(caught.value) == f"Slack answered {status}: {error}"


@pytest.mark.parametrize(("status", "headers", "retry_after"), [(429, {"Retry-After": "30"}, 30.0), (500, {}, None)])
async def test_rate_limit_and_server_errors_are_temporary(peer, message, contact, status, headers, retry_after):
    peer.respond = lambda _: Reply(status, "rate_limited" if status == 429 else "oops", headers)
    with pytest.raises(TemporaryError) as caught:
        await send(peer.url(HOOK_PATH), message, contact())
    assert str(status) in str(caught.value)
    assert caught.value.retry_after == retry_after
    assert TOKEN not in str(caught.value)


async def test_connection_refused_hides_the_url(message, contact):
    with pytest.raises(TemporaryError) as caught:
        await send(f"http://127.0.0.1:{closed_port()}{HOOK_PATH}", message, contact())
    assert str(caught.value).startswith("127.0.0.1: cannot connect")
    assert TOKEN not in str(caught.value) and "/services/" not in str(caught.value)


async def test_timeout_hides_the_url(http_peer, message, contact):
    peer = http_peer(lambda _: (time.sleep(1.0), Reply())[1])
    with pytest.raises(TemporaryError) as caught:
        await send(peer.url(HOOK_PATH), message, contact(), timeout=0.3)
    assert str(caught.value) == "127.0.0.1: timed out"


async def test_refused_target_hides_the_url(peer, message, contact):
    with pytest.raises(PermanentError) as caught:
        await send(peer.url(HOOK_PATH), message, contact(), allow=())
    assert "127.0.0.1 is loopback" in str(caught.value)
    assert TOKEN not in str(caught.value)
    assert peer.requests == []


async def test_request_urls_are_not_logged(peer, message, contact, caplog):
    caplog.set_level(logging.DEBUG)
    await send(peer.url(HOOK_PATH), message, contact())
    assert len(peer.requests) == 1
    assert TOKEN not in caplog.text


def test_settings():
    settings = notifier.check_settings({"url": "https://hooks.slack.com" + HOOK_PATH})
    assert settings.url.get_secret_value() == "https://hooks.slack.com" + HOOK_PATH
    assert TOKEN not in repr(settings)
    assert settings.allow == ()


@pytest.mark.parametrize(
    ("raw", "setting"),
    [
        ({}, "url"),
        ({"url": "ftp://hooks.slack.com" + HOOK_PATH}, "url"),
        ({"url": "hooks.slack.com" + HOOK_PATH}, "url"),
        ({"url": "https://hooks.slack.com" + HOOK_PATH, "username": "pager"}, "username"),
        ({"url": "https://hooks.slack.com" + HOOK_PATH, "allow": ["bad host"]}, "allow"),
    ],
)
def test_invalid_settings(raw, setting):
    with pytest.raises(InvalidSettings) as caught:
        notifier.check_settings(raw)
    assert setting in caught.value.problems
    assert TOKEN not in str(caught.value)


@pytest.mark.parametrize(("address", "normalized"), [("U024BE7LH", "U024BE7LH"), (" w012a3cde ", "W012A3CDE")])
def test_good_addresses(address, normalized):
    assert notifier.check_address(address) == normalized


@pytest.mark.parametrize("address", ["", "U1", "C024BE7LH", "#oncall", "@alice", "<@U024BE7LH>", "U024-BE7LH"])
def test_bad_addresses(address):
    with pytest.raises(InvalidAddress):
        notifier.check_address(address)


async def test_end_to_end_through_the_host(http_peer, message, contact):
    peer = http_peer(lambda got: Reply(403, "invalid_token") if "revoked" in got.path else Reply(200, "ok"))
    good, revoked = peer.url(HOOK_PATH), peer.url(HOOK_PATH + "revoked")
    channels = {
        "c": Channel("c", "slack", {"url": good, "allow": ["127.0.0.1"], "timeout": 2}),
        "old": Channel("old", "slack", {"url": revoked, "allow": ["127.0.0.1"], "timeout": 2}),
        "down": Channel("down", "slack", {"url": f"http://127.0.0.1:{closed_port()}{HOOK_PATH}", "allow": ["127.0.0.1"]}),
    }
    registry = build_registry(Settings(plugin_secret="x", channels=channels))

    outcome = await deliver(registry, "c", message, contact("U024BE7LH"))
    assert (outcome.status, outcome.provider_id, outcome.error) == ("sent", None, None)
    assert peer.requests[0].json()["text"].startswith("<@U024BE7LH> ")

    rejected = await deliver(registry, "old", message, contact())
    assert (rejected.status, rejected.temporary, rejected.error) == ("failed", False, "Slack answered 403: invalid_token")

    down = await deliver(registry, "down", message, contact())
    assert (down.status, down.temporary) == ("failed", True)
    assert TOKEN not in down.error

    for name in channels:
        assert registry.channels[name].shown_settings["url"] == MASK
        assert TOKEN not in repr(registry.channels[name].shown_settings)


SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
ACK_URL = "https://oncall.example.com/a/" + "A" * 43
RESOLVE_URL = "https://oncall.example.com/a/" + "R" * 43


def with_actions(message):
    return dataclasses.replace(message, actions=(Action("acknowledge", ACK_URL), Action("resolve", RESOLVE_URL)))


async def posted_buttons(peer, message, contact, **settings) -> list[dict]:
    """The buttons of the message as the channel with `settings` posts it."""
    checked = notifier.check_settings({"url": peer.url(HOOK_PATH), "allow": ["127.0.0.1"], **settings})
    await notifier.send(message, contact(), checked, timeout=5.0)
    last = peer.requests[-1].json()["blocks"][-1]
    return last["elements"] if last["type"] == "actions" else []


async def test_with_a_signing_secret_acknowledge_and_resolve_are_interactive_buttons(peer, message, contact):
    buttons = await posted_buttons(peer, with_actions(message), contact, signing_secret=SIGNING_SECRET)
    ack, resolve, open_link = buttons
    assert ack == {"type": "button", "text": {"type": "plain_text", "text": "Acknowledge"}, "action_id": "acknowledge",
                   "value": message.id, "style": "primary"}
    assert resolve == {"type": "button", "text": {"type": "plain_text", "text": "Resolve"}, "action_id": "resolve",
                       "value": message.id}
    assert open_link == {"type": "button", "text": {"type": "plain_text", "text": "Open escalation"}, "url": message.link}
    assert ACK_URL not in peer.requests[-1].body.decode() and RESOLVE_URL not in peer.requests[-1].body.decode()


async def test_without_a_signing_secret_the_buttons_stay_links(peer, message, contact):
    ack, resolve, _ = await posted_buttons(peer, with_actions(message), contact)
    assert (ack["url"], resolve["url"]) == (ACK_URL, RESOLVE_URL)
    assert "value" not in ack and "value" not in resolve


async def test_test_messages_and_notices_have_no_buttons_to_act_with(peer, message, contact):
    test_message = dataclasses.replace(message, test=True, escalation_id=None)
    notice = dataclasses.replace(message, escalation_id=None, details={"kind": "handoff"})
    for unanswerable in (test_message, notice):
        buttons = await posted_buttons(peer, unanswerable, contact, signing_secret=SIGNING_SECRET)
        assert [b["text"]["text"] for b in buttons] == ["Open escalation"]


def test_the_signing_secret_is_a_masked_secret_from_the_environment(tmp_path):
    toml = tmp_path / "plugins.toml"
    toml.write_text('[channels.c]\nnotifier = "slack"\nurl = "https://hooks.slack.com/services/T/B/x"\n'
                    'signing_secret = { env = "OPS_SLACK_SIGNING_SECRET" }\n')
    env = {"NSELF_ONCALL_PLUGINS": str(toml), "OPS_SLACK_SIGNING_SECRET": SIGNING_SECRET}
    state = build_registry(dataclasses.replace(Settings.from_env(env), plugin_secret="x")).channels["c"]
    assert state.ok, state.error
    assert state.settings.signing_secret.get_secret_value() == SIGNING_SECRET
    assert state.shown_settings == {"url": MASK, "signing_secret": MASK}
    assert SIGNING_SECRET not in repr(state.settings)
    with pytest.raises(InvalidSettings) as caught:
        notifier.check_settings({"url": "https://hooks.slack.com" + HOOK_PATH, "signing_secret": "has spaces in it"})
    assert "signing_secret" in caught.value.problems and "has spaces" not in str(caught.value)


RESPONSE_PATH = "/actions/T0001/1234/r3sp0ns3T0k3n"


def interactive(peer, **changes):
    raw = {"url": peer.url(HOOK_PATH), "allow": ["127.0.0.1"], "signing_secret": SIGNING_SECRET, **changes}
    return notifier.check_settings(raw)


def as_clicked(message) -> list[dict]:
    """The blocks of an interactive message as Slack sends them back with a click: each with a block_id of its own."""
    return [dict(b, block_id=f"b{i}") for i, b in enumerate(blocks(with_actions(message), "ops", "<@U024BE7LH>", True))]


async def answer(peer, original, status, by, member, at) -> dict:
    """The update the notifier posts to the click's response_url."""
    settings = interactive(peer)
    await notifier.answered(settings, peer.url(RESPONSE_PATH), original, message_id="01JMSG0000000000000000000A",
                            status=status, by=by, member=member, at=at, timeout=5.0)
    got = peer.requests[-1]
    assert (got.path, got.headers["content-type"]) == (RESPONSE_PATH, "application/json")
    return got.json()


async def test_an_acknowledgement_keeps_the_message_says_who_and_when_and_leaves_resolve(peer, message):
    original = as_clicked(message)
    body = await answer(peer, original, "acknowledged", "alice", "U024BE7LH", datetime(2026, 11, 26, 9, 41, tzinfo=UTC))
    assert body["replace_original"] is True and body["text"] == "Acknowledged by <@U024BE7LH>"
    *kept, line, actions = body["blocks"]
    assert kept == original[:-1]  # header, facts, mention, details, context
    assert line == {"type": "section", "block_id": "nself-oncall-acknowledged", "text": {
        "type": "mrkdwn",
        "text": "*Acknowledged* by <@U024BE7LH> at <!date^1795686060^{date_short_pretty} {time}|2026-11-26 09:41 UTC>"}}
    resolve, open_link = actions["elements"]
    assert resolve == {"type": "button", "text": {"type": "plain_text", "text": "Resolve"}, "action_id": "resolve",
                       "value": message.id}
    assert open_link == original[-1]["elements"][-1]


async def test_a_resolution_after_it_adds_its_own_line_and_leaves_no_button_that_acts(peer, message):
    acked = await answer(peer, as_clicked(message), "acknowledged", "alice", "U024BE7LH",
                         datetime(2026, 11, 26, 9, 41, tzinfo=UTC))
    again = await answer(peer, acked["blocks"], "acknowledged", "alice", "U024BE7LH",
                         datetime(2026, 11, 26, 9, 41, tzinfo=UTC))
    assert again["blocks"] == acked["blocks"]  # its line replaced, never repeated
    body = await answer(peer, acked["blocks"], "resolved", "<!channel> bob", None, datetime(2026, 11, 26, 10, 0, tzinfo=UTC))
    *kept, resolved, actions = body["blocks"]
    assert kept == acked["blocks"][:-1]  # the acknowledgement's line stays
    assert body["text"] == "Resolved by `&lt;!channel&gt; bob`"
    assert resolved["block_id"] == "nself-oncall-resolved"
    assert resolved["text"]["text"].startswith("*Resolved* by `&lt;!channel&gt; bob` at <!date^1795687200^")
    assert [b["text"]["text"] for b in actions["elements"]] == ["Open escalation"]


async def test_a_click_that_changed_nothing_is_told_to_the_clicker_alone(peer):
    await notifier.refused(interactive(peer), peer.url(RESPONSE_PATH), timeout=5.0)
    body = peer.requests[0].json()
    assert (body["response_type"], body["replace_original"]) == ("ephemeral", False)
    assert "already resolved" in body["text"]


async def test_the_response_url_goes_through_the_outbound_guard(peer, message):
    settings = interactive(peer, allow=[])
    with pytest.raises(PermanentError) as caught:
        await notifier.refused(settings, peer.url(RESPONSE_PATH), timeout=5.0)
    assert "127.0.0.1 is loopback" in str(caught.value) and "r3sp0ns3" not in str(caught.value)
    peer.respond = lambda _: Reply(404, "expired_url")
    with pytest.raises(PermanentError, match="Slack answered 404: expired_url"):
        await notifier.answered(interactive(peer), peer.url(RESPONSE_PATH), as_clicked(message), message_id=message.id,
                                status="resolved", by="alice", member=None, at=message.created_at, timeout=5.0)
    assert len(peer.requests) == 1
