"""/ready answers 503 until the database is reachable and migrated, and while no channel can send."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from apiclient import settings_for
from nself_oncall.app import create_app
from nself_oncall.config import Channel
from nself_oncall.migrate import apply_migrations


async def test_ready_waits_for_migrations(new_database, make_app):
    url = await new_database()
    app = make_app(url)
    async with app.test_app() as running:
        client = running.test_client()
        response = await client.get("/ready")
        body = await response.get_json()
        assert response.status_code == 503 and body["reason"] == "migrations pending" and body["pending"]
        assert (await client.get("/health")).status_code == 200
    await apply_migrations(url)
    app = make_app(url)
    async with app.test_app() as running:
        response = await running.test_client().get("/ready")
        assert response.status_code == 200 and await response.get_json() == {"status": "ok"}


async def test_ready_is_503_while_the_database_is_unreachable(make_app):
    app = make_app("postgres://nobody@127.0.0.1:9/nothing")
    async with app.test_app() as running:
        client = running.test_client()
        response = await client.get("/ready")
        assert response.status_code == 503
        assert await response.get_json() == {"status": "unavailable", "reason": "database unreachable"}
        assert (await client.get("/health")).status_code == 200


@pytest.mark.parametrize("channels", [{}, {"gone": Channel("gone", "carrier-pigeon"), "typo": Channel("typo", "log", {"x": 1})}])
async def test_without_a_usable_channel_start_warns_once_and_ready_is_503(db_url, channels, caplog):
    with caplog.at_level(logging.WARNING, "nself_oncall.plugins.registry"):
        app = create_app(replace(settings_for(db_url), channels=channels))
    assert [r.getMessage() for r in caplog.records if "usable" in r.getMessage() and "channel" in r.getMessage()] == [
        "no usable channel in the settings: nobody can be paged, and /ready answers 503, until one is "
        "(`nself-oncall plugins` says why each cannot be used)"
    ]
    async with app.test_app() as running:
        response = await running.test_client().get("/ready")
        assert response.status_code == 503
        assert await response.get_json() == {"status": "unavailable", "reason": "no usable channel"}


async def test_one_usable_channel_among_broken_ones_is_ready(db_url, caplog):
    channels = {"gone": Channel("gone", "carrier-pigeon"), "log": Channel("log", "log")}
    with caplog.at_level(logging.WARNING, "nself_oncall.plugins.registry"):
        app = create_app(replace(settings_for(db_url), channels=channels))
    assert not any("no usable channel" in r.getMessage() for r in caplog.records)
    async with app.test_app() as running:
        assert (await running.test_client().get("/ready")).status_code == 200
