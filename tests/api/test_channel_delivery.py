"""One channel per built-in notifier, configured from a plugins.toml, each delivering a test message
through `POST /api/v1/channels/{name}/test` to a local peer speaking its protocol."""

from __future__ import annotations

import base64
import logging
import urllib.parse

import pytest

from nself_oncall.app import create_app
from nself_oncall.config import Settings
from peers import Reply

ACCOUNT = "AC" + "1" * 32
TOKEN = "delivery-test-token"


def plugins_toml(http_port: int, smtp_port: int) -> str:
    base = f"http://127.0.0.1:{http_port}"
    allow = 'allow = ["127.0.0.1"]'
    return f"""
[channels.log]
notifier = "log"

[channels.hook]
notifier = "webhook"
url = "{base}/hook"
secret = {{ env = "HOOK_SECRET" }}
{allow}

[channels.chat]
notifier = "slack"
url = {{ env = "SLACK_URL" }}
{allow}

[channels.mail]
notifier = "email"
host = "127.0.0.1"
port = {smtp_port}
security = "plain"
from = "oncall@example.com"
to = ["ops@example.com"]

[channels.push]
notifier = "ntfy"
server = "{base}"
topic = "ops-pages"
token = {{ env = "NTFY_TOKEN" }}
{allow}

[channels.sms]
notifier = "twilio_sms"
account_sid = "{ACCOUNT}"
auth_token = {{ env = "TWILIO_TOKEN" }}
from = "+14155550100"
to = "+14155552671"
base_url = "{base}"
{allow}
"""


def provider(request) -> Reply:
    """Answers as each real service does at its path."""
    if request.path.startswith("/2010-04-01/"):
        return Reply(201, {"sid": "SM" + "a" * 32, "status": "queued"})
    if request.path == "/":
        return Reply(200, {"id": "ntfy-id", "event": "message"})
    if request.path == "/hook":
        return Reply(200, {"id": "hook-id"})
    return Reply(200, "ok")


@pytest.fixture
async def configured(tmp_path, peer, smtp_server, db_url):
    handler, smtp_port = smtp_server()
    peer.respond = provider
    (tmp_path / "plugins.toml").write_text(plugins_toml(peer.port, smtp_port))
    env = {
        "NSELF_ONCALL_PLUGINS": str(tmp_path / "plugins.toml"),
        "HOOK_SECRET": "hook-secret-0123456789",
        "SLACK_URL": f"{peer.url('/services/T000/B000/XXXXSECRET')}",
        "NTFY_TOKEN": "tk_ntfysecret",
        "TWILIO_TOKEN": "twilio-secret",
        "PLUGIN_SECRET": TOKEN,
        "DATABASE_URL": db_url,
    }
    app = create_app(Settings.from_env(env))
    async with app.test_app() as test_app:
        yield test_app.test_client(), peer, handler


async def call(client, path, **kwargs):
    response = await client.post(path, headers={"Authorization": f"Bearer {TOKEN}"}, **kwargs)
    return response.status_code, await response.get_json()


async def test_every_builtin_channel_delivers_to_its_peer(configured, caplog):
    client, peer, smtp = configured
    with caplog.at_level(logging.INFO):
        outcomes = {name: await call(client, f"/api/v1/channels/{name}/test") for name in ("log", "hook", "chat", "mail", "push", "sms")}
    assert {name: (status, body["status"]) for name, (status, body) in outcomes.items()} == dict.fromkeys(
        outcomes, (200, "sent")
    )
    assert outcomes["hook"][1]["provider_id"] == "hook-id"
    assert outcomes["push"][1]["provider_id"] == "ntfy-id"
    assert outcomes["sms"][1]["provider_id"] == "SM" + "a" * 32
    assert outcomes["mail"][1]["provider_id"] == f"<{outcomes['mail'][1]['message_id']}@nself-oncall>"

    by_path = {r.path: r for r in peer.requests}
    hook = by_path["/hook"]
    assert hook.headers["x-nself-oncall-signature"].startswith("sha256=")
    assert hook.json()["message"]["id"] == outcomes["hook"][1]["message_id"]
    assert by_path["/services/T000/B000/XXXXSECRET"].json()["blocks"]
    assert by_path["/"].headers["authorization"] == "Bearer tk_ntfysecret" and by_path["/"].json()["topic"] == "ops-pages"
    sms = by_path[f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"]
    assert sms.headers["authorization"] == "Basic " + base64.b64encode(f"{ACCOUNT}:twilio-secret".encode()).decode()
    assert urllib.parse.parse_qs(sms.body.decode())["To"] == ["+14155552671"]
    assert [m.rcpt_tos for m in smtp.received] == [["ops@example.com"]]

    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("hook-secret-0123456789", "XXXXSECRET", "tk_ntfysecret", "twilio-secret"):
        assert secret not in logged


async def test_channel_list_masks_every_secret(configured):
    client, _, _ = configured
    response = await client.get("/api/v1/channels", headers={"Authorization": f"Bearer {TOKEN}"})
    body = await response.get_data(as_text=True)
    assert response.status_code == 200
    for secret in ("hook-secret-0123456789", "XXXXSECRET", "tk_ntfysecret", "twilio-secret"):
        assert secret not in body
    assert all(item["ok"] for item in (await response.get_json())["items"])
