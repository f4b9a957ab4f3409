"""The `webhook` notifier against a real HTTP(S) peer on 127.0.0.1."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import socket
import time
from pathlib import Path

import pytest

from nself_oncall import InvalidAddress, InvalidSettings, PermanentError, TemporaryError
from nself_oncall.config import Channel, Settings
from nself_oncall.notifiers.webhook import WebhookNotifier
from nself_oncall.plugins import build_registry, deliver
from nself_oncall.plugins.registry import MASK
from peers import Reply, make_message

SECRET = "whsec-0123456789abcdef"
TOKEN = "Bearer tok-9f8e7d6c5b4a"
notifier = WebhookNotifier()


async def send(raw, message, contact, timeout=5.0):
    return await notifier.send(message, contact, notifier.check_settings(raw), timeout=timeout)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_posts_signed_payload(http_peer, message, contact):
    peer = http_peer(lambda _: Reply(202, {"id": "evt_42"}))
    raw = {"url": peer.url("/hooks/oncall?team=ops"), "secret": SECRET, "headers": {"Authorization": TOKEN}}
    before = int(time.time())
    sent = await send({**raw, "allow": ["127.0.0.1"]}, message, contact("emp-0042"))

    assert sent.provider_id == "evt_42"
    [got] = peer.requests
    assert (got.method, got.path) == ("POST", "/hooks/oncall?team=ops")
    assert got.headers["content-type"] == "application/json"
    assert got.headers["idempotency-key"] == message.id
    assert got.headers["authorization"] == TOKEN
    assert got.headers["user-agent"] == "nself-oncall"
    assert got.headers["host"] == f"127.0.0.1:{peer.port}"
    timestamp = got.headers["x-nself-oncall-timestamp"]
    assert before <= int(timestamp) <= int(time.time())
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + got.body, hashlib.sha256).hexdigest()
    assert got.headers["x-nself-oncall-signature"] == f"sha256={expected}"
    assert got.json() == {
        "event": "notification",
        "message": message.as_json(),
        "channel": "test",
        "contact": {"address": "emp-0042", "user_id": "alice", "user_name": "Alice"},
    }
    assert got.json()["message"]["created_at"] == "2026-11-26T09:30:00Z"


async def test_channel_target_without_secret(peer, message, contact):
    peer.respond = lambda _: Reply(200, {"id": 17})
    sent = await send({"url": peer.url("/h"), "allow": ["127.0.0.1"]}, message, contact())

    assert sent.provider_id is None  # an id that is not a string is ignored
    [got] = peer.requests
    assert got.json()["contact"] is None
    assert got.json()["channel"] == "test"
    assert "x-nself-oncall-signature" not in got.headers
    assert "x-nself-oncall-timestamp" not in got.headers


async def test_plain_text_answer_has_no_provider_id(peer, message, contact):
    peer.respond = lambda _: Reply(200, "accepted")
    sent = await send({"url": peer.url("/h"), "allow": ["127.0.0.1"]}, message, contact())
    assert sent.provider_id is None


@pytest.mark.parametrize(
    ("status", "headers", "temporary", "retry_after"),
    [
        (500, {}, True, None),
        (503, {"Retry-After": "7"}, True, 7.0),
        (429, {"Retry-After": "30"}, True, 30.0),
        (408, {}, True, None),
        (400, {}, False, None),
        (401, {}, False, None),
        (404, {}, False, None),
        (410, {}, False, None),
        (302, {"Location": "https://example.com/elsewhere"}, False, None),
    ],
)
async def test_status_mapping(peer, message, contact, status, headers, temporary, retry_after):
    peer.respond = lambda _: Reply(status, "nope", headers)
    with pytest.raises(TemporaryError if temporary else PermanentError) as caught:
        await send({"url": peer.url("/h"), "allow": ["127.0.0.1"]}, message, contact())
    assert str(status) in str(caught.value)
    if temporary:
        assert caught.value.retry_after == retry_after
    assert len(peer.requests) == 1


async def test_connection_refused_is_temporary(message, contact):
    url = f"http://127.0.0.1:{closed_port()}/h"
    with pytest.raises(TemporaryError, match="cannot connect"):
        await send({"url": url, "allow": ["127.0.0.1"]}, message, contact())


async def test_timeout_is_temporary(http_peer, message, contact):
    peer = http_peer(lambda _: (time.sleep(1.0), Reply())[1])
    with pytest.raises(TemporaryError, match="timed out"):
        await send({"url": peer.url("/h"), "allow": ["127.0.0.1"]}, message, contact(), timeout=0.3)


async def test_untrusted_certificate_is_permanent(http_peer, tls_server, message, contact):
    peer = http_peer(tls=tls_server)
    with pytest.raises(PermanentError, match="TLS failed"):
        await send({"url": peer.url("/h", host="localhost"), "allow": ["localhost"]}, message, contact())
    assert peer.requests == []


async def test_ca_file_trusts_the_peer(http_peer, tls_server, tls_ca_file, message, contact):
    peer = http_peer(tls=tls_server)
    raw = {"url": peer.url("/h", host="localhost"), "allow": ["localhost"], "ca_file": tls_ca_file}
    await send(raw, message, contact())
    [got] = peer.requests
    assert got.headers["host"] == f"localhost:{peer.port}"
    assert got.json()["message"]["id"] == message.id


def test_valid_settings(tls_ca_file):
    settings = notifier.check_settings(
        {
            "url": "https://hooks.example.com/oncall",
            "secret": SECRET,
            "headers": {"Authorization": TOKEN, "X-Team": "ops"},
            "allow": ["10.0.0.0/8", "Hooks.Internal."],
            "ca_file": tls_ca_file,
        }
    )
    assert settings.url == "https://hooks.example.com/oncall"
    assert settings.secret.get_secret_value() == SECRET
    assert settings.allow == ("10.0.0.0/8", "hooks.internal")
    assert settings.ca_file == tls_ca_file
    assert notifier.check_settings({"url": "http://hooks.example.com/"}).ca_file is None


@pytest.mark.parametrize(
    ("raw", "setting"),
    [
        ({}, "url"),
        ({"url": "https://h.example.com/", "urls": "x"}, "urls"),
        ({"url": "ftp://h.example.com/"}, "url"),
        ({"url": "hooks.example.com/path"}, "url"),
        ({"url": "https://h.example.com/", "secret": "short"}, "secret"),
        ({"url": "https://h.example.com/", "headers": {"Content-Type": "text/plain"}}, "headers"),
        ({"url": "https://h.example.com/", "headers": {"host": "evil.example.com"}}, "headers"),
        ({"url": "https://h.example.com/", "headers": {"Idempotency-Key": "1"}}, "headers"),
        ({"url": "https://h.example.com/", "headers": {"X-Nself-Oncall-Signature": "sha256=0"}}, "headers"),
        ({"url": "https://h.example.com/", "headers": {"x-nself-oncall-timestamp": "0"}}, "headers"),
        ({"url": "https://h.example.com/", "headers": {"Bad Name": "x"}}, "headers"),
        ({"url": "https://h.example.com/", "headers": {"X-A": "one\r\nX-B: two"}}, "headers"),
        ({"url": "https://h.example.com/", "allow": ["not a host"]}, "allow"),
        ({"url": "https://h.example.com/", "ca_file": "/nonexistent/ca.pem"}, "ca_file"),
    ],
)
def test_invalid_settings(raw, setting):
    with pytest.raises(InvalidSettings) as caught:
        notifier.check_settings(raw)
    assert setting in caught.value.problems
    assert "one\r\n" not in str(caught.value)


def test_ca_file_must_hold_a_certificate(tmp_path):
    bogus = tmp_path / "ca.pem"
    bogus.write_text("not a certificate\n")
    with pytest.raises(InvalidSettings) as caught:
        notifier.check_settings({"url": "https://h.example.com/", "ca_file": str(bogus)})
    assert "no PEM CA certificate" in caught.value.problems["ca_file"]


@pytest.mark.parametrize(
    ("address", "normalized"),
    [("  emp-0042 ", "emp-0042"), ("alice@example.com", "alice@example.com"), ("é" * 255, "é" * 255)],
)
def test_good_addresses(address, normalized):
    assert notifier.check_address(address) == normalized


@pytest.mark.parametrize("address", ["", "   ", "x" * 256, "a\nb", "a\x00b", "a\x7fb", "a\ud800b"])
def test_bad_addresses(address):
    with pytest.raises(InvalidAddress):
        notifier.check_address(address)


async def test_end_to_end_through_the_host(http_peer, message, contact):
    def respond(recorded):
        if recorded.path == "/fail":  # a careless receiver that echoes the request's credentials
            return Reply(500, f"bad auth {recorded.headers['authorization']} sig {SECRET}")
        return Reply(200, {"id": "evt_7"})

    peer = http_peer(respond)
    raw = {"secret": SECRET, "headers": {"Authorization": TOKEN}, "allow": ["127.0.0.1"], "timeout": 2}
    channels = {
        "c": Channel("c", "webhook", {"url": peer.url("/ok"), **raw}),
        "bad": Channel("bad", "webhook", {"url": peer.url("/fail"), **raw}),
    }
    registry = build_registry(Settings(plugin_secret="x", channels=channels))

    outcome = await deliver(registry, "c", message, contact("emp-0042"))
    assert (outcome.status, outcome.provider_id, outcome.error) == ("sent", "evt_7", None)
    assert peer.requests[0].json()["contact"]["address"] == "emp-0042"

    failed = await deliver(registry, "bad", make_message(id="01JMSG0000000000000000000Z"), contact())
    assert (failed.status, failed.temporary) == ("failed", True)
    assert "500" in failed.error and MASK in failed.error
    assert SECRET not in failed.error and "tok-9f8e7d6c5b4a" not in failed.error

    shown = registry.channels["c"].shown_settings
    assert shown["secret"] == MASK and shown["headers"] == MASK
    assert SECRET not in repr(shown) and "tok-9f8e7d6c5b4a" not in repr(shown)
    assert shown["url"] == peer.url("/ok")


async def test_a_receiver_echoing_part_of_a_token_gets_every_piece_masked(http_peer, message, contact, caplog):
    token = "tok-9f8e7d6c5b4a3210fedcba"

    def respond(recorded):  # quotes the token without "Bearer ", its start and its end apart
        sent = recorded.headers["authorization"].removeprefix("Bearer ")
        return Reply(401, f"unknown token {sent[:12]}... (ends in {sent[-8:]}); {sent} is revoked")

    peer = http_peer(respond)
    raw = {"url": peer.url("/hook"), "headers": {"Authorization": f"Bearer {token}"}, "allow": ["127.0.0.1"]}
    registry = build_registry(Settings(plugin_secret="x", channels={"c": Channel("c", "webhook", raw)}))
    with caplog.at_level(logging.WARNING, "nself_oncall.plugins.delivery"):
        failed = await deliver(registry, "c", message, contact())
    assert failed.error == f"webhook receiver answered 401: unknown token {MASK}... (ends in {MASK}); {MASK} is revoked"
    [logged] = [r.getMessage() for r in caplog.records]
    assert failed.error in logged  # the log line, and the notification row and the observers, carry the masked text
    for piece in (token[:12], token[-8:], token[4:12]):
        assert piece not in logged


async def test_the_documented_receiver_check_accepts_our_signature(peer, message, contact):
    """Runs the verification snippet of docs/notifiers/webhook.md against a real request."""
    doc = (Path(__file__).parents[2] / "docs" / "notifiers" / "webhook.md").read_text()
    namespace: dict = {}
    exec(re.search(r"```python\n(.*?)```", doc, re.DOTALL).group(1), namespace)
    verify = namespace["verify"]
    await send({"url": peer.url("/h"), "secret": SECRET, "allow": ["127.0.0.1"]}, message, contact())
    [got] = peer.requests
    headers = {name: got.headers[name.lower()] for name in ("X-Nself-Oncall-Timestamp", "X-Nself-Oncall-Signature")}

    assert verify(SECRET, headers, got.body) is True
    assert verify(SECRET, headers, got.body.replace(b'"step":1', b'"step":2')) is False
    assert verify("another-secret-of-16+", headers, got.body) is False
    stale = int(headers["X-Nself-Oncall-Timestamp"]) - 3600
    old = {**headers, "X-Nself-Oncall-Timestamp": str(stale)}
    old["X-Nself-Oncall-Signature"] = "sha256=" + hmac.new(
        SECRET.encode(), f"{stale}.".encode() + got.body, hashlib.sha256
    ).hexdigest()
    assert verify(SECRET, old, got.body) is False
