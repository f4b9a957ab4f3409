"""/api/v1/notifiers, /api/v1/channels and the channel test; contacts checked by their notifier."""

from __future__ import annotations

import logging

BUILTINS = ["email", "log", "ntfy", "slack", "twilio_sms", "twilio_voice", "webhook"]


async def test_notifiers_lists_the_six_builtins(api):
    status, body = await api.get("/api/v1/notifiers")
    assert status == 200 and body["next_cursor"] is None
    builtins = [item for item in body["items"] if item["builtin"]]
    assert [item["name"] for item in builtins] == BUILTINS
    for item in builtins:
        assert item["plugin"] == item["name"] and item["distribution"] == "nself-oncall"
        assert (item["status"], item["broken"], item["disabled"], item["error"]) == ("ok", False, False, None)
        assert item["version"] and item["description"]


async def test_channels_show_status_and_masked_secrets(api):
    status, body = await api.get("/api/v1/channels")
    assert status == 200
    channels = {item["name"]: item for item in body["items"]}
    assert list(channels) == sorted(channels)
    assert channels["log"] == {"name": "log", "notifier": "log", "ok": True, "error": None, "timeout": 10.0, "rate_limit": [], "settings": {}}
    assert channels["ops-slack"]["settings"] == {"url": "********"}
    assert channels["ops-sms"]["settings"]["auth_token"] == "********"
    assert channels["internal-hook"]["settings"]["secret"] == "********"
    assert channels["closed-hook"]["timeout"] == 2.0 and "timeout" not in channels["closed-hook"]["settings"]
    assert channels["pigeon"]["ok"] is False
    assert channels["pigeon"]["error"] == "notifier 'carrier-pigeon' is not installed"
    text = str(body)
    assert "twilio-token-123" not in text and "hooks.example.com" not in text and "s" * 20 not in text


async def test_one_channel_and_an_unknown_one(api):
    status, body = await api.get("/api/v1/channels/ops-email")
    assert status == 200 and body["notifier"] == "email" and body["ok"] is True
    status, body = await api.get("/api/v1/channels/nope")
    assert status == 404 and body["error"]["code"] == "not_found"


async def test_a_test_message_through_the_log_channel(api, caplog):
    with caplog.at_level(logging.INFO):
        status, body = await api.post("/api/v1/channels/log/test")
    assert status == 200
    assert (body["channel"], body["notifier"], body["ok"], body["status"], body["error"]) == ("log", "log", True, "sent", None)
    assert body["attempted_at"].endswith("Z") and body["message_id"]
    assert any(body["message_id"] in r.getMessage() and "PAGE" in r.getMessage() for r in caplog.records)


async def test_a_failing_channel_answers_with_the_error_not_a_5xx(api):
    status, body = await api.post("/api/v1/channels/closed-hook/test", {"summary": "does it work?"})
    assert status == 200
    assert (body["ok"], body["status"], body["temporary"]) == (False, "failed", True)
    assert "cannot connect" in body["error"]
    status, body = await api.post("/api/v1/channels/internal-hook/test")
    assert status == 200 and (body["status"], body["temporary"]) == ("failed", False)
    assert "127.0.0.1 is loopback" in body["error"]
    status, body = await api.post("/api/v1/channels/pigeon/test")
    assert status == 200 and body["status"] == "undeliverable"
    assert body["error"] == "notifier 'carrier-pigeon' is not installed"


async def test_channel_test_input_errors(api):
    status, body = await api.post("/api/v1/channels/nope/test")
    assert status == 404
    status, body = await api.post("/api/v1/channels/ops-email/test", {"address": "not an email"})
    assert status == 422 and body["error"]["details"][0]["field"] == "address"
    status, body = await api.post("/api/v1/channels/log/test", {"address": "a", "user_id": "alice"})
    assert status == 422 and "not both" in body["error"]["message"]
    status, body = await api.post("/api/v1/channels/log/test", {"user_id": "ghost"})
    assert status == 422 and body["error"]["details"][0]["field"] == "user_id"
    status, body = await api.post("/api/v1/channels/log/test", {"address": "desk\nPAGE forged"})
    detail = body["error"]["details"][0]
    assert status == 422 and detail["field"] == "address" and detail["message"].startswith("must be a single line")
    status, body = await api.post("/api/v1/channels/log/test", {"summary": ""})
    assert status == 422 and body["error"]["details"][0]["field"] == "summary"
    status, body = await api.call("POST", "/api/v1/channels/log/test", data=b"{nope", headers={"Content-Type": "application/json"})
    assert status == 400 and body["error"]["code"] == "bad_request"
    status, body = await api.post("/api/v1/channels/log/test", headers={"Authorization": "Bearer wrong"})
    assert status == 401


async def test_a_test_message_to_a_users_contact(api):
    await api.post("/api/v1/users", {"id": "alice", "contacts": [{"channel": "log", "address": "alice-desk"}]})
    status, body = await api.post("/api/v1/channels/log/test", {"user_id": "alice"})
    assert status == 200 and body["status"] == "sent"
    status, body = await api.post("/api/v1/channels/ops-email/test", {"user_id": "alice"})
    assert status == 422 and "no contact on channel 'ops-email'" in body["error"]["message"]


async def test_contact_addresses_are_checked_and_normalized_by_their_notifier(api):
    contacts = [
        {"channel": "ops-email", "address": "Alice@Example.COM"},
        {"channel": "ops-sms", "address": "+1 (415) 555-2671"},
        {"channel": "ops-slack", "address": "u024bE7LH"},
        {"channel": "pigeon", "address": "the loft"},
    ]
    status, body = await api.post("/api/v1/users", {"id": "alice", "contacts": contacts})
    assert status == 201, body
    assert [c["address"] for c in body["contacts"]] == ["Alice@example.com", "+14155552671", "U024BE7LH", "the loft"]


async def test_a_bad_address_is_a_422_naming_the_field_and_changes_nothing(api):
    for i, (channel, address) in enumerate([("ops-email", "alice@"), ("ops-sms", "555-2671"), ("ops-slack", "#general")]):
        contacts = [{"channel": "log", "address": "fine"}] * i + [{"channel": channel, "address": address}]
        status, body = await api.post("/api/v1/users", {"id": "alice", "contacts": contacts})
        assert status == 422, body
        assert body["error"]["details"][0]["field"] == f"contacts[{i}].address"
    status, _ = await api.get("/api/v1/users/alice")
    assert status == 404
    await api.post("/api/v1/users", {"id": "bob"})
    status, body = await api.patch("/api/v1/users/bob", {"contacts": [{"channel": "ops-sms", "address": "12"}]})
    assert status == 422 and body["error"]["details"][0]["field"] == "contacts[0].address"
    status, body = await api.get("/api/v1/users/bob")
    assert body["contacts"] == []
