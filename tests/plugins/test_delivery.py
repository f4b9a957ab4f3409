"""The host's side of a delivery: timeouts, error classes, secrets kept out of errors, observers."""

from __future__ import annotations

import asyncio
import logging
import sys
import types
from dataclasses import replace
from importlib.metadata import EntryPoint

import pytest

from nself_oncall import Action, Contact, Notifier, PermanentError, Sent, TemporaryError, hookimpl
from nself_oncall.config import Channel, Settings
from nself_oncall.plugins import build_registry, deliver

SECRET = "s3cret-token-value"


class Scripted(Notifier):
    """Does what the contact's address says: sent, temporary, permanent, crash, slow, wrong."""

    name = "scripted"
    secret_settings = frozenset({"token"})

    def check_settings(self, raw):
        return dict(raw)

    async def send(self, message, contact, settings, *, timeout):
        match contact.address:
            case "temporary":
                raise TemporaryError("busy", retry_after=30)
            case "permanent":
                raise PermanentError("no such mailbox")
            case "crash":
                raise ValueError(f"bad token {settings['token']}")
            case "slow":
                await asyncio.sleep(5)
            case "wrong":
                return "sent!"
            case "nul":  # a peer's answer may hold anything; the database must still take the error
                raise PermanentError("bad\x00body \ud800")
            case "echo":  # a receiver that quotes the request it refused, the message's links included
                raise PermanentError(f"400 Bad Request: {[a.url for a in message.actions]}")
        return Sent(provider_id=f"p-{message.id}")


def plugin(name: str, **hooks) -> EntryPoint:
    """A plugin module made of `hooks`, put in sys.modules so that its entry point loads it."""
    module = types.ModuleType(f"test_plugin_{name}")
    for hook, function in hooks.items():
        setattr(module, hook, hookimpl(function))
    sys.modules[module.__name__] = module
    return EntryPoint(name, module.__name__, "nself_oncall")


@pytest.fixture
def observed():
    seen = []

    def sync_observer(message, outcome, channel):
        seen.append(("sync", message.id, channel, outcome.status))

    async def async_observer(contact, notifier, outcome):
        await asyncio.sleep(0)
        seen.append(("async", contact.address, notifier, outcome.status))

    def raising_observer(outcome):
        raise RuntimeError("observer bug")

    points = [
        plugin("scripted", register_notifiers=lambda register: register(Scripted())),
        plugin("sync", delivery_attempted=sync_observer),
        plugin("async", delivery_attempted=async_observer),
        plugin("raising", delivery_attempted=raising_observer),
    ]
    channels = {
        "main": Channel("main", "scripted", {"token": SECRET, "timeout": 0.2}),
        "missing": Channel("missing", "nowhere"),
    }
    registry = build_registry(Settings(plugin_secret="x", channels=channels), found=points)
    yield registry, seen
    for point in points:
        sys.modules.pop(point.value, None)


async def send(registry, address, message, channel="main"):
    return await deliver(registry, channel, message, Contact(channel, address, "alice", "Alice"))


async def test_sent_carries_the_provider_id(observed, message):
    registry, _ = observed
    outcome = await send(registry, "ok", message)
    assert (outcome.status, outcome.provider_id, outcome.error) == ("sent", f"p-{message.id}", None)
    assert outcome.duration_ms >= 0 and outcome.attempted_at.tzinfo is not None


@pytest.mark.parametrize(
    ("address", "temporary", "error", "retry_after"),
    [
        ("temporary", True, "busy", 30),
        ("permanent", False, "no such mailbox", None),
        ("crash", True, "notifier error: ValueError: bad token ********", None),
        ("slow", True, "timed out after 0.2 s", None),
        ("wrong", False, "notifier 'scripted' returned str, not Sent", None),
        ("nul", False, "bad\ufffdbody ?", None),
    ],
)
async def test_failures_are_classified(observed, message, address, temporary, error, retry_after):
    registry, _ = observed
    outcome = await send(registry, address, message)
    assert (outcome.status, outcome.temporary, outcome.error, outcome.retry_after) == (
        "failed",
        temporary,
        error,
        retry_after,
    )


async def test_unusable_channels_are_undeliverable(observed, message):
    registry, _ = observed
    missing = await send(registry, "ok", message, channel="missing")
    assert (missing.status, missing.error) == ("undeliverable", "notifier 'nowhere' is not installed")
    unknown = await send(registry, "ok", message, channel="nope")
    assert (unknown.status, unknown.error) == ("undeliverable", "no channel named 'nope' in plugins.toml")


async def test_every_observer_sees_every_attempt_even_when_one_raises(observed, message, caplog):
    registry, seen = observed
    with caplog.at_level(logging.WARNING, "nself_oncall.plugins.delivery"):
        await send(registry, "ok", message)
        await send(registry, "permanent", message)
        await send(registry, "ok", message, channel="missing")
    # pluggy's order: the plugin registered last ("sync", plugins load by name) is called first
    assert seen == [
        ("sync", message.id, "main", "sent"),
        ("async", "ok", "scripted", "sent"),
        ("sync", message.id, "main", "failed"),
        ("async", "permanent", "scripted", "failed"),
        ("sync", message.id, "missing", "undeliverable"),
        ("async", "ok", "nowhere", "undeliverable"),
    ]
    assert sum("observer bug" in r.getMessage() for r in caplog.records) == 3


async def test_a_receiver_echoing_the_message_puts_no_working_link_in_the_error(observed, message, caplog):
    registry, _ = observed
    token = "Q" * 43
    links = (Action("acknowledge", f"https://oncall.example.com/a/{token}"),)
    with caplog.at_level(logging.WARNING, "nself_oncall.plugins.delivery"):
        outcome = await send(registry, "echo", replace(message, actions=links))
    assert outcome.error == "400 Bad Request: ['https://oncall.example.com/a/********']"
    assert token[:8] not in caplog.text and "a/********" in caplog.text


def test_secrets_are_masked_in_shown_settings(observed):
    registry, _ = observed
    assert registry.channels["main"].shown_settings == {"token": "********"}


def test_messages_are_frozen_all_the_way_down(message):
    with pytest.raises(AttributeError):
        message.summary = "changed"
    with pytest.raises(TypeError):
        message.details["service"] = "changed"
    assert message.details["errors"] == (500, 503)
    assert message.as_json()["details"] == {"service": "api", "errors": [500, 503]}
    assert message.as_json()["created_at"] == "2026-11-26T09:30:00Z"
