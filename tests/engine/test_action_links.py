"""Acknowledge or resolve from the message: the links the engine puts in each escalation message (SQLite and PostgreSQL)."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from tortoise import connections

from nself_oncall import TemporaryError, keys
from nself_oncall.config import Settings
from nself_oncall.service import action_links as service
from nself_oncall.store import action_links


async def paged(api, engine):
    """alice (user target) and the team channel paged at step 0; the escalation and each message's links by address."""
    body = {"id": "alice", "contacts": [{"channel": "pager", "address": "a1"}]}
    assert (await api.post("/api/v1/users", body))[0] == 201
    step = {"delay_minutes": 5, "targets": [{"type": "user", "id": "alice"}, {"type": "channel", "id": "team"}]}
    assert (await api.post("/api/v1/policies", {"id": "sre", "name": "SRE", "steps": [step]}))[0] == 201
    status, esc = await api.post("/api/v1/escalations", {"policy_id": "sre", "summary": "API <b>error</b> rate 12%"})
    assert status == 201
    await engine.run(datetime.fromisoformat(esc["created_at"]))
    links = {c.address or f"#{c.channel}": {a.action: a.url for a in m.actions} for m, c in engine.recorder.calls}
    return esc, links


async def page(app, method: str, url: str):
    response = await app.test_client().open(urlsplit(url).path, method=method)
    assert response.content_type == "text/html; charset=utf-8"
    assert response.headers["Referrer-Policy"] == "no-referrer" and response.headers["Cache-Control"] == "no-store"
    return response.status_code, await response.get_data(as_text=True)


async def status_of(api, esc) -> dict:
    return (await api.get(f"/api/v1/escalations/{esc['id']}"))[1]


async def test_a_scanners_get_changes_nothing_and_a_persons_post_acknowledges(app, api, engine):
    esc, links = await paged(api, engine)
    ack = links["a1"]["acknowledge"]
    assert set(links["a1"]) == {"acknowledge", "resolve"} and ack.startswith("https://oncall.example.com/a/")

    for _ in range(3):  # a mail scanner, a link preview, the person opening the page
        status, html = await page(app, "GET", ack)
        assert status == 200 and "API &lt;b&gt;error&lt;/b&gt; rate 12%" in html and "<b>" not in html
        assert '<form method="post">' in html and "<script" not in html and "not acknowledged yet" in html
    assert (await status_of(api, esc))["status"] == "triggered"

    status, html = await page(app, "POST", ack)
    assert status == 200 and "acknowledged by alice" in html
    got = await status_of(api, esc)
    assert (got["status"], got["acknowledged_by"], got["next_step_at"]) == ("acknowledged", "alice", None)

    # Again, from the channel's message: shown as acknowledged, by alice still; the page offers no button.
    status, html = await page(app, "POST", links["#team"]["acknowledge"])
    assert status == 200 and "acknowledged by alice" in html
    status, html = await page(app, "GET", ack)
    assert status == 200 and "acknowledged by alice" in html and "<form" not in html
    assert (await status_of(api, esc))["acknowledged_by"] == "alice"


async def test_a_channels_links_act_as_the_channel_and_a_resolved_escalations_links_stop_working(app, api, engine):
    esc, links = await paged(api, engine)
    assert (await page(app, "POST", links["#team"]["acknowledge"]))[0] == 200
    assert (await status_of(api, esc))["acknowledged_by"] == "channel:team"

    status, html = await page(app, "GET", links["#team"]["resolve"])
    assert status == 200 and "Resolve this escalation?" in html and (await status_of(api, esc))["status"] == "acknowledged"
    status, html = await page(app, "POST", links["#team"]["resolve"])
    assert status == 200 and "resolved by channel:team" in html
    got = await status_of(api, esc)
    assert (got["status"], got["resolved_by"]) == ("resolved", "channel:team")

    for url in [*links["a1"].values(), *links["#team"].values()]:
        for method in ("GET", "POST"):
            status, html = await page(app, method, url)
            assert status == 404 and "does not work" in html
    assert (await status_of(api, esc))["resolved_by"] == "channel:team"


async def test_unknown_and_malformed_links_are_404_pages(app, api, engine):
    await paged(api, engine)
    for path in ("/a/" + "A" * 43, "/a/short", "/a/" + "A" * 44, "/a/x/y"):
        for method in ("GET", "POST"):
            status, html = await page(app, method, "https://oncall.example.com" + path)
            assert status == 404 and "does not work" in html, (path, method)
    for method in ("PUT", "DELETE", "PATCH"):  # no link takes these: still a page, not the API's JSON
        status, html = await page(app, method, "https://oncall.example.com/a/" + "A" * 43)
        assert status == 405 and html.startswith("<!DOCTYPE html>"), method


async def test_a_link_is_the_same_at_every_attempt_in_any_process_and_never_shown_elsewhere(
    app, api, engine, other_engine, caplog
):
    caplog.set_level(logging.DEBUG)
    engine.recorder.fail["a1"] = TemporaryError("try later")
    esc, links = await paged(api, engine)
    t0 = datetime.fromisoformat(esc["created_at"])
    # The retry, by another process whose NSELF_ONCALL_PUBLIC_URL names the service differently.
    public = Settings.from_env({"NSELF_ONCALL_PUBLIC_URL": "https://pager.example.org/"})
    other = other_engine(public.base_url, "other")
    await other.dispatch(t0.replace(year=t0.year + 1))
    first, retry = [m for m, c in engine.recorder.calls if c.address == "a1"]
    assert first.id == retry.id and [a.action for a in retry.actions] == ["acknowledge", "resolve"]
    assert [a.url.replace("https://pager.example.org/", "https://oncall.example.com/") for a in retry.actions] == [
        a.url for a in first.actions
    ]
    assert all(a.url.startswith("https://pager.example.org/a/") for a in retry.actions)

    assert (await page(app, "POST", links["a1"]["acknowledge"]))[0] == 200
    shown = str(await status_of(api, esc)) + str((await api.get("/api/v1/escalations"))[1])
    tokens = [url.rsplit("/", 1)[1] for urls in links.values() for url in urls.values()]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert tokens and not [t for t in tokens if t in shown or t in logged]


async def test_the_audit_log_names_the_links_person_and_a_read_writes_nothing(app, api, engine):
    esc, links = await paged(api, engine)

    async def escalation_entries() -> list[tuple[str, str]]:
        status, body = await api.get(f"/api/v1/audit?resource=escalation&id={esc['id']}")
        assert status == 200
        return [(e["action"], e["actor"]) for e in body["items"]]

    for url in links["a1"].values():
        assert (await page(app, "GET", url))[0] == 200
    assert await escalation_entries() == [("trigger", "api")]
    assert (await page(app, "POST", links["a1"]["acknowledge"]))[0] == 200
    assert (await page(app, "POST", links["#team"]["acknowledge"]))[0] == 200  # already acknowledged: no change
    assert (await page(app, "POST", links["#team"]["resolve"]))[0] == 200
    assert await escalation_entries() == [("resolve", "channel:team"), ("acknowledge", "alice"), ("trigger", "api")]


async def database_copy() -> set[str]:
    """Every value of every table, as text: all that a backup of the database holds."""
    connection = connections.get("default")
    if connection.capabilities.dialect == "postgres":
        tables = "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()"
    else:
        tables = "SELECT name FROM sqlite_master WHERE type = 'table'"
    values = set()
    for table in await connection.execute_query_dict(tables):
        for row in await connection.execute_query_dict(f'SELECT * FROM "{table["name"]}"'):
            values |= {str(value) for value in row.values() if value is not None}
    return values


def keys_from(value: str) -> list[bytes]:
    """The keys a forger would try with one value: the value itself, its bytes if it is hex, and the key derived
    from it as from a secret."""
    tried = [value.encode(), keys.derive(value, keys.LINK_LABEL)]
    with contextlib.suppress(ValueError):
        tried.append(bytes.fromhex(value))
    return tried


async def test_a_copy_of_the_database_forges_no_link(app, api, engine):
    esc, links = await paged(api, engine)
    copy = await database_copy()
    notifications = [n["id"] for n in (await status_of(api, esc))["notifications"]]
    assert notifications and set(notifications) <= copy
    stored = {v for v in copy if len(v) == 64}  # the links' hashes are in the copy, as everything is
    forged = {
        action_links.token(key, notification, action)
        for value in copy for key in keys_from(value) for notification in notifications for action in action_links.ACTIONS
    }
    # A link works only if its hash is stored: not one token derived from the copy has one.
    assert not [token for token in forged if action_links.token_hash(token) in stored]
    for token in list(forged)[:20]:
        assert (await page(app, "POST", f"https://oncall.example.com/a/{token}"))[0] == 404
    assert (await status_of(api, esc))["status"] == "triggered"
    assert (await page(app, "POST", links["a1"]["acknowledge"]))[0] == 200  # while the link sent works


async def test_a_link_expires_after_the_link_ttl_counted_from_when_it_was_made(app, api, engine, monkeypatch):
    esc, links = await paged(api, engine)
    made = datetime.fromisoformat(esc["created_at"])  # the engine claimed the messages then, making the links
    ttl = app.app.config["SETTINGS"].link_ttl
    assert ttl == timedelta(days=7)
    monkeypatch.setattr(service, "utcnow", lambda: made + ttl - timedelta(microseconds=1))
    assert (await page(app, "GET", links["a1"]["acknowledge"]))[0] == 200
    monkeypatch.setattr(service, "utcnow", lambda: made + ttl)
    for url in links["a1"].values():
        for method in ("GET", "POST"):
            status, html = await page(app, method, url)
            assert status == 404 and "expired" in html
    assert (await status_of(api, esc))["status"] == "triggered"

    app.app.config["SETTINGS"] = replace(app.app.config["SETTINGS"], link_ttl=timedelta(days=30))  # a longer TTL
    assert (await page(app, "POST", links["a1"]["acknowledge"]))[0] == 200  # applies to the links sent already


async def test_a_new_secret_stops_every_open_link_and_retries_carry_new_ones(app, api, engine):
    engine.recorder.fail["a1"] = TemporaryError("try later")
    esc, links = await paged(api, engine)
    settings = app.app.config["SETTINGS"]
    app.app.config["SETTINGS"] = replace(settings, link_secret="a-new-link-secret-0123456789")
    for urls in links.values():
        for url in urls.values():
            assert (await page(app, "GET", url))[0] == 404
    # The engines get the new secret too; the retry of alice's message carries links that work.
    engine.dispatcher.link_key = keys.link_key(app.app.config["SETTINGS"])
    engine.recorder.fail.clear()
    await engine.dispatch(datetime.fromisoformat(esc["created_at"]) + timedelta(minutes=1))
    first, retry = [m for m, c in engine.recorder.calls if c.address == "a1"]
    assert first.id == retry.id and retry.actions != first.actions
    assert (await page(app, "GET", first.actions[0].url))[0] == 404
    status, html = await page(app, "POST", retry.actions[0].url)
    assert status == 200 and "acknowledged by alice" in html


def test_the_link_key_comes_from_the_link_secret_else_from_plugin_secret():
    both = keys.link_key(Settings(plugin_secret="api-token-0123456789", link_secret="link-secret-0123456789"))
    assert both == keys.link_key(Settings(plugin_secret="another-token-0123456789", link_secret="link-secret-0123456789"))
    assert both != keys.link_key(Settings(plugin_secret="api-token-0123456789"))
    assert keys.link_key(Settings(plugin_secret="api-token-0123456789")) != b"api-token-0123456789"
    assert keys.link_key(Settings()) is None
