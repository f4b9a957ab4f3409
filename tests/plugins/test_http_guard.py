"""The SSRF guard of `_http.post`, exercised through the webhook notifier against a loopback peer."""

from __future__ import annotations

import ipaddress

import pytest

from nself_oncall import InvalidSettings, PermanentError
from nself_oncall.config import Channel, Settings
from nself_oncall.notifiers import _http
from nself_oncall.notifiers.webhook import WebhookNotifier
from nself_oncall.plugins import build_registry, deliver
from peers import Reply

notifier = WebhookNotifier()

# host in the URL -> the address the refusal must name
REFUSED = {
    "127.0.0.1": "127.0.0.1",
    "127.1": "127.0.0.1",
    "2130706433": "127.0.0.1",
    "0x7f.1": "127.0.0.1",
    "017700000001": "127.0.0.1",
    "[::1]": "::1",
    "[::ffff:127.0.0.1]": "::ffff:127.0.0.1",
    "10.0.0.1": "10.0.0.1",
    "172.16.0.1": "172.16.0.1",
    "192.168.1.1": "192.168.1.1",
    "169.254.169.254": "169.254.169.254",
    "100.64.0.1": "100.64.0.1",
    "[fe80::1]": "fe80::1",
    "[fc00::1]": "fc00::1",
    "[fd00:ec2::254]": "fd00:ec2::254",
    "[fec0::1]": "fec0::1",
    "0.0.0.0": "0.0.0.0",
    "224.0.0.1": "224.0.0.1",
    "[64:ff9b::7f00:1]": "64:ff9b::7f00:1",
    "[2002:7f00:1::]": "2002:7f00:1::",
}


async def send(url, message, contact, allow=()):
    settings = notifier.check_settings({"url": url, "allow": list(allow)})
    return await notifier.send(message, contact, settings, timeout=3.0)


@pytest.mark.parametrize(("host", "address"), REFUSED.items())
async def test_non_public_addresses_are_refused(peer, message, contact, host, address):
    with pytest.raises(PermanentError) as caught:
        await send(peer.url("/hook", host=host), message, contact())
    assert f"({ipaddress.ip_address(address)} is " in str(caught.value)  # as this Python spells it
    assert "allow setting" in str(caught.value)
    assert peer.requests == []


async def test_host_name_resolving_to_loopback_is_refused(peer, message, contact):
    with pytest.raises(PermanentError) as caught:
        await send(peer.url("/hook", host="localhost"), message, contact())
    assert str(caught.value).startswith("refused to connect to localhost (")
    assert "127.0.0.1 is loopback" in str(caught.value) or "::1 is loopback" in str(caught.value)
    assert peer.requests == []


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("93.184.216.34", None),
        ("2606:4700:4700::1111", None),
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "shared (CGNAT)"),
        ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"),  # Teredo of 127.0.0.1
        ("fec0::1", "site-local"),
    ],
)
def test_refusal_reasons(address, reason):
    assert _http.refusal(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize(
    ("host", "allow"),
    [("127.0.0.1", "127.0.0.0/8"), ("127.0.0.1", "127.0.0.1"), ("127.1", "127.0.0.0/8"), ("localhost", "localhost")],
)
async def test_allow_lets_the_channel_reach_it(peer, message, contact, host, allow):
    await send(peer.url("/hook", host=host), message, contact(), allow=[allow])
    [got] = peer.requests
    assert got.path == "/hook"


async def test_allowing_one_network_does_not_allow_another(peer, message, contact):
    with pytest.raises(PermanentError, match=r"127\.0\.0\.1 is loopback"):
        await send(peer.url("/hook"), message, contact(), allow=["10.0.0.0/8", "example.internal"])
    assert peer.requests == []


async def test_next_address_is_tried_when_the_first_refuses(peer, message, contact, monkeypatch):
    """A name with ::1 first and the peer only on 127.0.0.1 (many systems resolve localhost so)."""

    async def resolve(host, port):
        return [ipaddress.ip_address("::1"), ipaddress.ip_address("127.0.0.1")]

    monkeypatch.setattr(_http, "resolve", resolve)
    await send(peer.url("/hook", host="localhost"), message, contact(), allow=["localhost"])
    assert len(peer.requests) == 1


async def test_redirect_to_loopback_is_not_followed(http_peer, message, contact):
    target = http_peer()
    redirector = http_peer(lambda _: Reply(302, "", {"Location": target.url("/stolen", host="localhost")}))
    channel = Channel("c", "webhook", {"url": redirector.url("/hook"), "allow": ["127.0.0.1"], "timeout": 3})
    registry = build_registry(Settings(plugin_secret="x", channels={"c": channel}))

    outcome = await deliver(registry, "c", message, contact())

    assert (outcome.status, outcome.temporary) == ("failed", False)
    assert outcome.error == "webhook receiver answered 302 (redirects are not followed)"
    assert len(redirector.requests) == 1
    assert target.requests == []


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/hook", "file:///etc/passwd", "gopher://127.0.0.1:70/_x"])
def test_other_schemes_are_refused_in_settings(url):
    with pytest.raises(InvalidSettings) as caught:
        notifier.check_settings({"url": url})
    assert caught.value.problems["url"] == "must be an http:// or https:// URL with a host"


async def test_post_refuses_other_schemes_itself():
    with pytest.raises(PermanentError, match=r"ftp:// is not http or https"):
        await _http.post("ftp://127.0.0.1/hook", timeout=1.0, content=b"{}")


async def test_a_huge_response_body_is_read_only_up_to_the_cap(peer):
    peer.respond = lambda _: Reply(200, b"x" * (5 * _http.MAX_RESPONSE))
    response = await _http.post(peer.url("/big"), allow=["127.0.0.1"], timeout=5, content=b"{}")
    assert response.status_code == 200 and len(response.content) == _http.MAX_RESPONSE
