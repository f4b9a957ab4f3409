"""The API tests' client and settings, shared by tests/api and tests/engine."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from nself_oncall.config import Channel, Settings
from nself_oncall.engine import Engine, EngineOptions

TOKEN = "test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class Api:
    """The test client with the bearer token and JSON bodies: call(...) -> (status, body)."""

    def __init__(self, client):
        self.client = client

    async def call(self, method: str, path: str, body: Any = None, headers: dict | None = None, **kwargs):
        send = {"headers": {**AUTH, **(headers or {})}, **kwargs}
        if body is not None:
            send["json"] = body
        response = await self.client.open(path, method=method, **send)
        data = await response.get_data(as_text=True)
        return response.status_code, (await response.get_json() if data else None)

    async def get(self, path: str, **kwargs):
        return await self.call("GET", path, **kwargs)

    async def post(self, path: str, body: Any = None, **kwargs):
        return await self.call("POST", path, body, **kwargs)

    async def patch(self, path: str, body: Any = None, **kwargs):
        return await self.call("PATCH", path, body, **kwargs)

    async def delete(self, path: str, **kwargs):
        return await self.call("DELETE", path, **kwargs)


def raw_headers(headers: dict[str, bytes], token: str = TOKEN) -> dict:
    """Keyword arguments that send `headers` as these very bytes, with the bearer token and a JSON content type
    (Quart's test client encodes header values given as text in UTF-8: this sends bytes that are not UTF-8)."""
    sent = {"host": b"localhost", "authorization": f"Bearer {token}".encode(), "content-type": b"application/json"}
    sent |= {name.lower(): value for name, value in headers.items()}
    return {"scope_base": {"headers": [(name.encode(), value) for name, value in sent.items()]}}


def settings_for(db_url: str) -> Settings:
    return Settings(
        database_url=db_url,
        plugin_secret=TOKEN,
        channels={
            "log": Channel("log", "log"),
            "ops-email": Channel("ops-email", "email", {"host": "127.0.0.1", "from": "oncall@example.com"}),
            "ops-slack": Channel("ops-slack", "slack", {"url": "https://hooks.example.com/x"}),
            "ops-sms": Channel(
                "ops-sms",
                "twilio_sms",
                {"account_sid": "AC" + "0" * 32, "auth_token": "twilio-token-123", "from": "+14155550100"},
            ),
            "internal-hook": Channel("internal-hook", "webhook", {"url": "http://127.0.0.1:9/hook", "secret": "s" * 20}),
            "closed-hook": Channel(
                "closed-hook", "webhook", {"url": "http://127.0.0.1:9/hook", "allow": ["127.0.0.1"], "timeout": 2}
            ),
            "pigeon": Channel("pigeon", "carrier-pigeon"),
        },
    )


@contextlib.asynccontextmanager
async def engine_beside(app, options: EngineOptions) -> AsyncIterator[Engine]:
    """An engine on this test's event loop beside a serving app (`app.test_app()`), woken by its API, as `serve` ran
    one before it gave its engine a process of its own: a test can reach into it (monkeypatch, caplog)."""
    settings = app.config["SETTINGS"]
    engine = Engine(settings.database_url, app.extensions["notifiers"], settings.base_url, options)
    app.extensions["wake_engine"] = engine.wake
    engine.start()
    try:
        yield engine
    finally:
        await engine.stop()
