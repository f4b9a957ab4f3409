"""The `ntfy` notifier against a local peer that answers the way an ntfy server does."""

from __future__ import annotations

import re
import socket
import time

import pytest

from nself_oncall import InvalidAddress, InvalidSettings, PermanentError, Sent, TemporaryError
from nself_oncall.config import Channel, Settings
from nself_oncall.notifiers.ntfy import NtfyNotifier
from nself_oncall.plugins import build_registry, deliver
from nself_oncall.plugins.registry import MASK
from peers import HttpPeer, Recorded, Reply, make_message

TOKEN = "tk_0123456789abcdefghijklmnopqrs"
MESSAGE_ID = "hwQ2YpKdmg"
TOPIC = re.compile(r"^[-_A-Za-z0-9]{1,64}$")

notifier = NtfyNotifier()


def ntfy_error(code: int, error: str) -> Reply:
    return Reply(code // 100, {"code": code, "http": code // 100, "error": error, "link": "https://ntfy.sh/docs/publish/"})


def ntfy_server(token: str | None = TOKEN):
    """A respond function that checks a JSON publish as ntfy does and answers as ntfy does."""

    def respond(request: Recorded) -> Reply:
        if request.path != "/":
            return ntfy_error(40401, "page not found")
        if token is not None and request.headers.get("authorization") != f"Bearer {token}":
            return ntfy_error(40301, "forbidden")
        try:
            body = request.json()
        except ValueError:
            return ntfy_error(40024, "invalid request: request body must be JSON")
        if not isinstance(body.get("topic"), str) or not TOPIC.match(body["topic"]):
            return ntfy_error(40009, "invalid request: topic invalid")
        if not isinstance(body.get("message"), str) or not body["message"]:
            return ntfy_error(40001, "invalid request: message missing")
        priority = body.get("priority")
        if isinstance(priority, bool) or not isinstance(priority, int) or not 1 <= priority <= 5:
            return ntfy_error(40007, "invalid priority")
        if not isinstance(body.get("tags"), list) or not all(isinstance(t, str) for t in body["tags"]):
            return ntfy_error(40002, "invalid request: tags must be a list of strings")
        return Reply(200, {"id": MESSAGE_ID, "time": 1795685400, "event": "message", "topic": body["topic"]})

    return respond


@pytest.fixture
def local_peer(peer):
    """`local_peer(respond)`: this test's peer, answering with `respond` (ntfy by default)."""

    def use(respond=None) -> HttpPeer:
        peer.requests.clear()
        peer.respond = respond or ntfy_server()
        return peer

    return use


def settings(peer, **changes):
    raw = {"server": peer.url(""), "token": TOKEN, "allow": ["127.0.0.1"], **changes}
    return notifier.check_settings({k: v for k, v in raw.items() if v is not None})


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_publishes_json_to_the_server_root(local_peer, message, contact):
    peer = local_peer(ntfy_server())

    sent = await notifier.send(message, contact("oncall-alice"), settings(peer), timeout=5)

    assert sent == Sent(provider_id=MESSAGE_ID)
    [request] = peer.requests
    assert (request.method, request.path) == ("POST", "/")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"] == "nself-oncall"
    assert request.headers["host"] == f"127.0.0.1:{peer.port}"
    assert request.json() == {
        "topic": "oncall-alice",
        "title": "API error rate 12%",
        "message": (
            "Escalation 01JESC0000000000000000000B, step 1\n"
            "Target: schedule primary\n"
            "service: api\n"
            "errors: [500, 503]"
        ),
        "priority": 4,
        "tags": ["rotating_light"],
        "click": "https://oncall.example.com/api/v1/escalations/01JESC0000000000000000000B",
    }


async def test_settings_shape_the_payload(local_peer, contact):
    peer = local_peer(ntfy_server(token=None))
    message = make_message(
        summary="Disk full\non db-1", details={}, link=None, step=3, loop=2, escalation_id=None, test=True
    )

    await notifier.send(
        message, contact("ops"), settings(peer, token=None, priority="Urgent", tags=["warning", "db"]), timeout=5
    )

    [request] = peer.requests
    assert "authorization" not in request.headers
    body = request.json()
    assert body == {
        "topic": "ops",
        "title": "Disk full on db-1",
        "message": "Test message from nself-oncall.\nStep 3, loop 2\nTarget: schedule primary",
        "priority": 5,
        "tags": ["warning", "db"],
    }


async def test_long_text_is_cut_to_fit_ntfy_limits(local_peer, contact):
    peer = local_peer(ntfy_server())
    message = make_message(summary="x" * 500, details={"log": "é" * 5000})

    await notifier.send(message, contact("ops"), settings(peer), timeout=5)

    body = peer.requests[0].json()
    assert body["title"] == "x" * 199 + "…"
    assert len(body["message"].encode()) <= 3500
    assert body["message"].endswith("é…")


async def test_channel_target_uses_the_topic_setting(local_peer, message, contact):
    peer = local_peer(ntfy_server())

    await notifier.send(message, contact(None), settings(peer, topic="team-pager"), timeout=5)

    assert peer.requests[0].json()["topic"] == "team-pager"


async def test_channel_target_without_topic_setting_is_permanent(local_peer, message, contact):
    peer = local_peer(ntfy_server())

    with pytest.raises(PermanentError, match="no topic setting"):
        await notifier.send(message, contact(None), settings(peer), timeout=5)
    assert peer.requests == []


async def test_bad_contact_topic_is_permanent_and_not_sent(local_peer, message, contact):
    peer = local_peer(ntfy_server())

    with pytest.raises(PermanentError, match="cannot send to 'no/such topic': an ntfy topic is"):
        await notifier.send(message, contact("no/such topic"), settings(peer), timeout=5)
    assert peer.requests == []


async def test_wrong_token_is_permanent_and_never_shown(local_peer, message, contact):
    peer = local_peer(ntfy_server(token="tk_theserverexpectsthisoneonly00"))

    with pytest.raises(PermanentError) as caught:
        await notifier.send(message, contact("ops"), settings(peer), timeout=5)

    assert str(caught.value) == "ntfy answered 403: forbidden (code 40301)"
    assert TOKEN not in str(caught.value)


@pytest.mark.parametrize(
    ("reply", "error", "text", "retry_after"),
    [
        (ntfy_error(40009, "invalid request: topic invalid"), PermanentError, "400: invalid request: topic invalid", None),
        (ntfy_error(40401, "page not found"), PermanentError, "404: page not found (code 40401)", None),
        (ntfy_error(41303, "JSON body too large"), PermanentError, "413: JSON body too large", None),
        (
            Reply(429, {"code": 42901, "http": 429, "error": "limit reached: too many requests"}, {"Retry-After": "30"}),
            TemporaryError,
            "429: limit reached: too many requests (code 42901)",
            30.0,
        ),
        (ntfy_error(50701, "insufficient storage"), TemporaryError, "507: insufficient storage", None),
        (ntfy_error(50001, "internal server error"), TemporaryError, "500: internal server error", None),
        (Reply(502, "<html>Bad Gateway</html>"), TemporaryError, "ntfy answered 502: <html>Bad Gateway</html>", None),
        (Reply(301, "", {"Location": "https://elsewhere.example/"}), PermanentError, "redirects are not followed", None),
    ],
)
async def test_error_answers_map_to_temporary_or_permanent(local_peer, message, contact, reply, error, text, retry_after):
    peer = local_peer(lambda _: reply)

    with pytest.raises((TemporaryError, PermanentError)) as caught:
        await notifier.send(message, contact("ops"), settings(peer), timeout=5)

    assert type(caught.value) is error
    assert text in str(caught.value)
    assert getattr(caught.value, "retry_after", None) == retry_after


async def test_connection_refused_is_temporary(message, contact):
    raw = {"server": f"http://127.0.0.1:{unused_port()}", "allow": ["127.0.0.1"]}

    with pytest.raises(TemporaryError, match="127.0.0.1: cannot connect"):
        await notifier.send(message, contact("ops"), notifier.check_settings(raw), timeout=5)


async def test_timeout_is_temporary(local_peer, message, contact):
    peer = local_peer(lambda _: time.sleep(1.5) or Reply())

    with pytest.raises(TemporaryError, match="timed out"):
        await notifier.send(message, contact("ops"), settings(peer), timeout=0.3)


async def test_untrusted_certificate_is_permanent(http_peer, tls_server, message, contact):
    peer = http_peer(ntfy_server(), tls=tls_server)

    with pytest.raises(PermanentError, match="TLS failed"):
        await notifier.send(message, contact("ops"), settings(peer), timeout=5)
    assert peer.requests == []


async def test_ca_file_trusts_a_self_hosted_server(http_peer, tls_server, tls_ca_file, message, contact):
    peer = http_peer(ntfy_server(), tls=tls_server)

    sent = await notifier.send(message, contact("ops"), settings(peer, ca_file=tls_ca_file), timeout=5)

    assert sent.provider_id == MESSAGE_ID
    assert peer.scheme == "https"
    assert peer.requests[0].json()["topic"] == "ops"


async def test_private_address_needs_allow(local_peer, message, contact):
    peer = local_peer(ntfy_server())

    with pytest.raises(PermanentError, match="refused to connect to 127.0.0.1"):
        await notifier.send(message, contact("ops"), notifier.check_settings({"server": peer.url("")}), timeout=5)
    assert peer.requests == []


def test_default_settings():
    checked = notifier.check_settings({})

    assert checked.server == "https://ntfy.sh"
    assert (checked.topic, checked.token, checked.ca_file) == (None, None, None)
    assert (checked.priority, checked.tags, checked.allow) == (4, ("rotating_light",), ())


def test_full_settings(tls_ca_file):
    checked = notifier.check_settings(
        {
            "server": "https://ntfy.example.com/",
            "topic": "pager_1",
            "token": TOKEN,
            "priority": "min",
            "tags": [" skull ", "fire"],
            "allow": ["10.0.0.0/8", "NTFY.internal."],
            "ca_file": tls_ca_file,
        }
    )

    assert checked.server == "https://ntfy.example.com"
    assert checked.token.get_secret_value() == TOKEN
    assert (checked.priority, checked.tags) == (1, ("skull", "fire"))
    assert checked.allow == ("10.0.0.0/8", "ntfy.internal")


@pytest.mark.parametrize(
    ("raw", "setting", "reason"),
    [
        ({"server": "ftp://ntfy.example.com"}, "server", "http:// or https://"),
        ({"server": "ntfy.sh"}, "server", "http:// or https://"),
        ({"topic": "two words"}, "topic", "1 to 64 letters"),
        ({"topic": "t" * 65}, "topic", "1 to 64 letters"),
        ({"token": ""}, "token", "non-empty"),
        ({"token": "tk_a b"}, "token", "without spaces"),
        ({"priority": 0}, "priority", "1 to 5"),
        ({"priority": 6}, "priority", "1 to 5"),
        ({"priority": "loud"}, "priority", "1 to 5"),
        ({"priority": True}, "priority", "1 to 5"),
        ({"tags": "warning"}, "tags", "tuple"),
        ({"tags": ["ok", " "]}, "tags", "1 to 64 characters"),
        ({"allow": ["not a host"]}, "allow", "neither a network nor a host name"),
        ({"ca_file": "/nonexistent/ca.pem"}, "ca_file", "no such file"),
        ({"tpoic": "ops"}, "tpoic", "unknown setting"),
        ({"timeout": 5}, "timeout", "unknown setting"),
    ],
)
def test_bad_settings_name_the_setting(raw, setting, reason):
    with pytest.raises(InvalidSettings) as caught:
        notifier.check_settings(raw)

    assert list(caught.value.problems) == [setting]
    assert reason in caught.value.problems[setting]


def test_ca_file_must_hold_certificates(tmp_path):
    garbage = tmp_path / "ca.pem"
    garbage.write_text("not a certificate\n")

    with pytest.raises(InvalidSettings) as caught:
        notifier.check_settings({"ca_file": str(garbage)})

    assert "holds no PEM CA certificate" in caught.value.problems["ca_file"]


@pytest.mark.parametrize(("address", "normalized"), [("oncall-alice", "oncall-alice"), (" Team_Pager_7 ", "Team_Pager_7")])
def test_good_topics_are_normalized(address, normalized):
    assert notifier.check_address(address) == normalized


@pytest.mark.parametrize("address", ["", "two words", "a/b", "t" * 65, "café", "https://ntfy.sh/ops"])
def test_bad_topics_are_refused(address):
    with pytest.raises(InvalidAddress, match="1 to 64 letters"):
        notifier.check_address(address)


def host_settings(peer, **changes) -> Settings:
    raw = {"server": peer.url(""), "token": TOKEN, "allow": ["127.0.0.1"], "topic": "team-pager", **changes}
    return Settings(plugin_secret="x", channels={"c": Channel("c", "ntfy", raw)})


async def test_delivers_through_the_host(local_peer, message, contact):
    peer = local_peer(ntfy_server())
    registry = build_registry(host_settings(peer))

    outcome = await deliver(registry, "c", message, contact(None, channel="c"))

    assert (outcome.status, outcome.provider_id, outcome.error) == ("sent", MESSAGE_ID, None)
    assert peer.requests[0].json()["topic"] == "team-pager"
    assert registry.channels["c"].shown_settings["token"] == MASK
    assert TOKEN not in str(registry.channels["c"].shown_settings)


async def test_host_reports_a_refused_token_as_permanent_without_the_token(local_peer, message, contact):
    peer = local_peer(ntfy_server(token="tk_theserverexpectsthisoneonly00"))
    registry = build_registry(host_settings(peer))

    outcome = await deliver(registry, "c", message, contact("oncall-alice", channel="c"))

    assert (outcome.status, outcome.temporary) == ("failed", False)
    assert outcome.error == "ntfy answered 403: forbidden (code 40301)"
    assert TOKEN not in outcome.error


async def test_host_timeout_is_temporary(local_peer, message, contact):
    peer = local_peer(lambda _: time.sleep(1.5) or Reply())
    registry = build_registry(host_settings(peer, timeout=0.4))

    outcome = await deliver(registry, "c", message, contact("oncall-alice", channel="c"))

    assert (outcome.status, outcome.temporary) == ("failed", True)
    assert "timed out" in outcome.error


def test_host_refuses_invalid_settings_without_showing_the_token():
    registry = build_registry(
        Settings(plugin_secret="x", channels={"c": Channel("c", "ntfy", {"token": TOKEN, "priority": 9})})
    )

    state = registry.channels["c"]
    assert not state.ok
    assert "priority" in state.error
    assert TOKEN not in state.error
    assert state.shown_settings == {"token": MASK, "priority": 9}
