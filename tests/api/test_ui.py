"""The web view under /ui/ with Quart's test client: sign-in, cookies, CSRF, pages, and the only two writes."""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from apiclient import TOKEN, Api, settings_for
from nself_oncall.app import create_app
from nself_oncall.config import NSELF_ACTOR_HEADER
from nself_oncall.engine import Escalator
from nself_oncall.service import escalations
from nself_oncall.store.cache import ScheduleCache
from webui import HOSTILE, Ui, kinds, scenario

PAGES = ("/ui/", "/ui/schedules", "/ui/schedules/sre", "/ui/escalations", "/ui/users", "/ui/users/alice", "/ui/channels")


@pytest.fixture
def make_app():
    """The app as behind nself's gateway, which sets X-Hasura-User-Id (NSELF_ONCALL_ACTOR_HEADER names it)."""
    return lambda database_url: create_app(dataclasses.replace(settings_for(database_url), actor_header=NSELF_ACTOR_HEADER))


@pytest.fixture
def ui(app) -> Ui:
    return Ui(app.test_client())


@pytest.fixture
async def escalation(api: Api) -> str:
    data = scenario()
    for path, body in (("schedules", data["schedule"]), ("overrides", data["override"]), ("users", data["user"]),
                       ("policies", data["policy"])):
        status, _ = await api.post(f"/api/v1/{path}", body)
        assert status == 201, path
    status, body = await api.post("/api/v1/escalations", {"policy_id": "sre-policy", "summary": "Disk <full>"})
    assert status == 201
    return body["id"]


async def _state(api: Api) -> list:
    """Everything the API can list: what a write anywhere would change."""
    paths = ("schedules", "overrides", "users", "policies", "escalations")
    return [(await api.get(f"/api/v1/{path}"))[1] for path in paths]


async def test_signed_out_every_page_redirects_to_the_sign_in_form(ui, api, escalation):
    for path in (*PAGES, f"/ui/escalations/{escalation}"):
        response, _ = await ui.get(path, headers={"Authorization": f"Bearer {TOKEN}"})  # the bearer token is no session
        assert response.status_code == 303 and response.headers["Location"] == f"/ui/sign-in?next={path}"
    response, _ = await ui.post(f"/ui/escalations/{escalation}/acknowledge")
    assert response.status_code == 303
    assert (await api.get(f"/api/v1/escalations/{escalation}"))[1]["status"] == "triggered"


async def test_sign_in_sets_a_strict_http_only_cookie_and_goes_back(ui):
    response, page = await ui.get("/ui/sign-in?next=/ui/channels")
    assert response.status_code == 200 and 'type="password"' in page
    response, _ = await ui.post("/ui/sign-in?next=/ui/channels", {"token": TOKEN})
    assert response.status_code == 303 and response.headers["Location"] == "/ui/channels"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/ui/" in cookie and "Secure" not in cookie
    assert TOKEN not in cookie
    response, page = await ui.get("/ui/channels")
    assert response.status_code == 200 and "ops-email" in page and "not usable" in page  # pigeon has no notifier


async def test_a_wrong_token_is_refused_with_the_form_again(ui):
    response, page = await ui.sign_in("not-the-token")
    assert response.status_code == 401 and "That is not the API token" in page and 'type="password"' in page
    assert (await ui.get("/ui/schedules"))[0].status_code == 303


async def test_sign_in_does_not_redirect_to_another_site(ui):
    for target in ("https://evil.example/", "//evil.example/ui/", "/api/v1/schedules", "/ui/../api/v1/users",
                   "/ui/%2e%2e/metrics", "/ui/%2E%2E/metrics"):
        await ui.get("/ui/sign-in")
        response, _ = await ui.post(f"/ui/sign-in?next={target}", {"token": TOKEN})
        assert response.headers["Location"] == "/ui/"


@pytest.mark.parametrize("headers", [{"X-Forwarded-Proto": "https"}, {}])
async def test_the_cookie_is_secure_behind_https(db_url, headers):
    settings = settings_for(db_url)
    if not headers:
        settings = dataclasses.replace(settings, public_url="https://oncall.example.com")
    app = create_app(settings)
    async with app.test_app() as test_app:
        ui = Ui(test_app.test_client())
        await ui.get("/ui/sign-in")
        response, _ = await ui.post("/ui/sign-in", {"token": TOKEN}, headers=headers)
        assert "Secure" in response.headers["Set-Cookie"]


async def test_every_post_needs_the_session_csrf_token(ui, api, escalation):
    await ui.get("/ui/sign-in")
    response, page = await ui.post("/ui/sign-in", {"token": TOKEN}, csrf=False)
    assert response.status_code == 403 and "expired" in page and response.mimetype == "text/html"
    await ui.sign_in()
    before = await _state(api)
    for action in ("acknowledge", "resolve"):
        for form, csrf in (({}, False), ({"csrf_token": "forged"}, False)):
            response, _ = await ui.post(f"/ui/escalations/{escalation}/{action}", form, csrf=csrf)
            assert response.status_code == 403
    assert (await ui.post("/ui/sign-out", csrf=False))[0].status_code == 403
    assert await _state(api) == before
    assert (await ui.get("/ui/schedules"))[0].status_code == 200  # still signed in


async def test_the_csrf_token_changes_when_signing_in(ui):
    await ui.get("/ui/sign-in")
    before = ui.csrf
    await ui.post("/ui/sign-in", {"token": TOKEN})
    await ui.get("/ui/channels")
    assert ui.csrf and ui.csrf != before


async def test_pages_render_the_schedule_escalations_and_channels(ui, api, escalation):
    await ui.sign_in()
    _, page = await ui.get("/ui/schedules")
    assert 'href="/ui/schedules/sre"' in page
    response, page = await ui.get("/ui/schedules/sre")
    assert response.status_code == 200
    assert "On call now: <strong>bob</strong>" in page and "override" in page
    assert page.count('class="track"') == 14 and 'class="block layer"' in page and 'class="block gap"' in page
    assert 'id="gaps"' in page and "Europe/Berlin" in page
    _, page = await ui.get("/ui/escalations")
    assert f'href="/ui/escalations/{escalation}"' in page and "triggered" in page
    assert "Disk &lt;full&gt;" in page and "Disk <full>" not in page
    _, page = await ui.get(f"/ui/escalations/{escalation}")
    assert "Acknowledge</button>" in page and "Resolve</button>" in page and "Nobody has been notified yet" in page


async def test_an_escalation_page_shows_100_notifications_and_links_to_the_later_ones(ui, api):
    for u in range(3):  # a step to 3 users of 50 contacts: 150 messages
        contacts = [{"channel": "log", "address": f"ops-{u}-{c}"} for c in range(50)]
        assert (await api.post("/api/v1/users", {"id": f"u{u}", "contacts": contacts}))[0] == 201
    steps = [{"delay_minutes": 5, "targets": [{"type": "user", "id": f"u{u}"} for u in range(3)]}]
    assert (await api.post("/api/v1/policies", {"id": "crowd", "name": "Crowd", "steps": steps}))[0] == 201
    _, body = await api.post("/api/v1/escalations", {"policy_id": "crowd", "summary": "everyone"})
    await Escalator(ScheduleCache()).run_once(datetime.fromisoformat(body["created_at"]))
    await ui.sign_in()
    _, page = await ui.get(f"/ui/escalations/{body['id']}")
    assert page.count('class="error"') == 100 and "First notifications" not in page
    later = re.search(r'href="([^"]+)">Later notifications', page)[1].replace("&amp;", "&")
    response, page = await ui.get(later)
    assert response.status_code == 200 and page.count('class="error"') == 50
    assert "Later notifications" not in page and "First notifications" in page
    _, page = await ui.get(f"/ui/escalations/{body['id']}?after=not-a-cursor")  # from the first ones again
    assert page.count('class="error"') == 100


async def test_acknowledge_and_resolve_buttons_act_as_ui(ui, api, escalation):
    await ui.sign_in()
    await ui.get(f"/ui/escalations/{escalation}")
    response, _ = await ui.post(f"/ui/escalations/{escalation}/acknowledge")
    assert response.status_code == 303 and response.headers["Location"] == f"/ui/escalations/{escalation}"
    _, body = await api.get(f"/api/v1/escalations/{escalation}")
    assert body["status"] == "acknowledged" and body["acknowledged_by"] == "ui"
    _, page = await ui.get(f"/ui/escalations/{escalation}")
    assert "Acknowledge</button>" not in page and "by ui" in page
    await ui.post(f"/ui/escalations/{escalation}/resolve")
    _, body = await api.get(f"/api/v1/escalations/{escalation}")
    assert body["status"] == "resolved" and body["resolved_by"] == "ui"
    response, page = await ui.post(f"/ui/escalations/{escalation}/acknowledge")
    assert response.status_code == 409 and response.mimetype == "text/html" and "resolved" in page


async def test_nothing_else_writes(ui, api, escalation):
    await ui.sign_in()
    for path in PAGES:
        await ui.get(path)
    before = await _state(api)
    for path in (*PAGES[1:], f"/ui/escalations/{escalation}", "/ui/schedules/sre/delete"):
        response, _ = await ui.post(path, {"name": "changed", "status": "resolved"})
        assert response.status_code in (404, 405) and response.mimetype == "text/html", path
    assert await _state(api) == before


async def test_errors_are_pages_and_pages_are_not_cached_or_framed(ui):
    await ui.sign_in()
    for path in ("/ui/schedules/missing", "/ui/escalations/" + "0" * 24, "/ui/nothing/here"):
        response, page = await ui.get(path)
        assert response.status_code == 404 and response.mimetype == "text/html" and "<h1>404</h1>" in page, path
        assert response.headers["Cache-Control"] == "no-store"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


async def test_the_web_view_is_not_in_the_openapi_document(app):
    document = await (await app.test_client().get("/openapi.json")).get_json()
    assert document["paths"] and not [path for path in document["paths"] if path.startswith("/ui")]


async def test_a_database_that_cannot_be_reached_is_a_503_page_with_retry_after(ui, monkeypatch):
    async def locked(*args):
        raise sqlite3.OperationalError("database is locked")

    await ui.sign_in()
    monkeypatch.setattr(escalations, "list_escalations", locked)
    response, page = await ui.get("/ui/escalations")
    assert response.status_code == 503 and response.mimetype == "text/html" and "try again" in page
    assert response.headers["Retry-After"] == "1"


async def test_the_buttons_are_in_the_audit_log_as_the_headers_user_else_ui(ui, api, escalation):
    await ui.sign_in()
    await ui.get(f"/ui/escalations/{escalation}")
    await ui.post(f"/ui/escalations/{escalation}/acknowledge", headers={"X-Hasura-User-Id": "alice"})
    await ui.get(f"/ui/escalations/{escalation}")
    await ui.post(f"/ui/escalations/{escalation}/resolve")
    _, body = await api.get(f"/api/v1/audit?resource=escalation&id={escalation}")
    assert [(e["action"], e["actor"]) for e in body["items"]] == [("resolve", "ui"), ("acknowledge", "alice"), ("trigger", "api")]


async def test_an_escalation_page_shows_where_it_came_from_and_its_latest_alerts(ui, api, escalation):
    await ui.sign_in()
    _, page = await ui.get(f"/ui/escalations/{escalation}")
    assert 'id="source">the API' in page and 'id="alerts"' not in page
    status, created = await api.post("/api/v1/integrations", {"id": "prom", "name": "P", "policy_id": "sre-policy"})
    alert = {"status": "firing", "labels": {"alertname": "DiskFull", "host": "<db1>"},
             "annotations": {"summary": "Disk 99% full"}, "startsAt": "2026-12-07T08:00:00Z",
             "generatorURL": "javascript:alert(1)"}
    body = {"groupKey": "g", "status": "firing", "alerts": [alert, {**alert, "status": "resolved",
                                                                   "generatorURL": "https://prom.example/graph"}]}
    status, answer = await api.post(f"/intake/alertmanager/{created['key']}", body)
    _, page = await ui.get(f"/ui/escalations/{answer['escalation_id']}")
    assert 'id="source">integration <code>prom</code>' in page and "key g" in page
    assert page.index("firing</td>") < page.index("resolved</td>")  # firing first
    assert "<code>host=&lt;db1&gt;</code>" in page and "Disk 99% full" in page
    assert 'href="https://prom.example/graph"' in page and 'href="javascript:' not in page  # only in the raw details


@pytest.mark.parametrize("details", [
    {"alerts": [{"labels": "oops"}]}, {"alerts": [{"annotations": [1]}]}, {"alerts": [{"generatorURL": 5}]},
    {"alerts": [{"status": None, "labels": {"a": {"b": 1}}}]}, {"payload": {"summary": 3}}, {"alerts": "x"},
])
async def test_an_escalation_page_shows_any_details(ui, api, escalation, details):
    await ui.sign_in()
    status, body = await api.post("/api/v1/escalations", {"policy_id": "sre-policy", "summary": "odd", "details": details})
    response, _ = await ui.get(f"/ui/escalations/{body['id']}")
    assert response.status_code == 200


async def test_a_persons_page_shows_how_a_page_reaches_them(ui, api, escalation):
    contacts = [{"channel": "log", "address": "ann@push"}, {"channel": "log", "address": "ann<sms>"}]
    rules = [{"contact": 1, "delay_minutes": 2.5}, {"contact": 0, "delay_minutes": 0}]
    assert (await api.post("/api/v1/users", {"id": "ann", "name": "Ann", "contacts": contacts,
                                              "notification_rules": rules}))[0] == 201
    await ui.sign_in()
    _, page = await ui.get("/ui/users")
    assert 'href="/ui/users/ann"' in page and "every contact at once" in page  # the scenario's user has no rules
    response, page = await ui.get("/ui/users/ann")
    assert response.status_code == 200
    assert 'id="contacts"' in page and "ann@push" in page and "ann&lt;sms&gt;" in page and "ann<sms>" not in page
    rows = re.findall(r"<tr>\s*<td>(\d)</td>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>", page.split('id="rules"')[1])
    assert rows == [("1", "at once", "#0: log → ann@push"), ("0", "2.5 min", "#1: log → ann&lt;sms&gt;")]
    assert "Not on call now." in page
    response, page = await ui.get("/ui/users/nobody")
    assert response.status_code == 404


async def test_the_escalation_list_filters_by_status(ui, api, escalation):
    _, other = await api.post("/api/v1/escalations", {"policy_id": "sre-policy", "summary": "Other one"})
    assert (await api.post(f"/api/v1/escalations/{other['id']}/resolve", {}))[0] == 200
    await ui.sign_in()
    shown = {}
    for status in ("", "open", "triggered", "acknowledged", "resolved"):
        response, page = await ui.get(f"/ui/escalations?status={status}" if status else "/ui/escalations")
        assert response.status_code == 200
        shown[status] = ({"Disk &lt;full&gt;", "Other one"} & set(re.findall(r'">([^<]+)</a></td>', page)))
    assert shown == {"": {"Disk &lt;full&gt;", "Other one"}, "open": {"Disk &lt;full&gt;"},
                     "triggered": {"Disk &lt;full&gt;"}, "acknowledged": set(), "resolved": {"Other one"}}
    _, page = await ui.get("/ui/escalations?status=acknowledged")
    assert "No acknowledged escalations." in page and "<strong>acknowledged</strong>" in page
    response, page = await ui.get("/ui/escalations?status=bogus")
    assert response.status_code == 400 and "No such filter" in page


async def test_a_schedule_page_draws_replaces_removes_and_temporary_schedules(ui, api):
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    data, more = scenario(now), kinds(now)
    assert (await api.post("/api/v1/schedules", data["schedule"]))[0] == 201
    for kind in ("replace", "remove"):
        assert (await api.post("/api/v1/overrides", more[kind]))[0] == 201, kind
    status, temporary = await api.post("/api/v1/schedules/sre/temporary", more["temporary"])
    assert status == 201
    await ui.sign_in()
    response, page = await ui.get("/ui/schedules/sre")
    assert response.status_code == 200

    # dave's blocks name whom he replaces, with a class of their own, and so does each one's tooltip
    replaced = re.findall(r'<div class="block override kind-replace" data-user="dave" data-replaces="alice"\s[^>]*'
                          r'title="dave \(replacing alice\), override [^"]+">dave \(replacing alice\)</div>', page)
    assert replaced
    # the temporary schedule's span is a band on each day it touches, and listed; its shift is marked, escaped
    berlin = ZoneInfo("Europe/Berlin")

    def clock(stamp: str) -> str:
        return datetime.fromisoformat(stamp).astimezone(berlin).strftime("%Y-%m-%d %H:%M")

    start, end = clock(temporary["start"]), clock(temporary["end"])
    bands = re.findall(rf'<div class="temporary-span" data-temporary="{temporary["id"]}"[^>]*title="([^"]+)"', page)
    assert 2 <= len(bands) <= 3  # 48 hours from a time of day: two or three days
    assert set(bands) == {f"temporary schedule from {start} to {end}: the layers are set aside"}
    assert f'<li data-temporary="{temporary["id"]}">From {start} to {end} the layers are set aside' in page
    assert 'class="block temporary" data-user="&lt;em&gt;&#34;eve&#39;&amp;"' in page
    assert "&lt;em&gt;&#34;eve&#39;&amp; (temporary schedule" in page
    assert "<em>" not in page and HOSTILE not in page
    # gaps stay gaps: the temporary schedule's second day, and where carol is removed
    gaps = re.findall(r"<li>([^<]+) – ([^<]+)</li>", page.split('id="gaps"')[1])
    day = timedelta(days=1)
    assert (clock((now + 5 * day).isoformat()), end) in gaps
    removed = (clock(more["remove"]["start"]), clock(more["remove"]["end"]))
    assert any(removed[0] <= gap_start < removed[1] for gap_start, _ in gaps)
    assert 'data-user="carol"' in page  # before her removal


async def test_an_escalation_page_shows_its_details_escaped(ui, api, escalation):
    await ui.sign_in()
    _, page = await ui.get(f"/ui/escalations/{escalation}")
    assert 'id="details"' not in page  # none given
    details = {"host": "<db1>", "runbook": {"steps": [1, "two"]}, "note": "Grüße & \"quotes\""}
    _, body = await api.post("/api/v1/escalations", {"policy_id": "sre-policy", "summary": "s", "details": details})
    _, page = await ui.get(f"/ui/escalations/{body['id']}")
    shown = re.search(r'<pre class="details" id="details">(.*?)</pre>', page, re.S)[1]
    unescaped = shown.replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"').replace("&amp;", "&")
    assert json.loads(unescaped) == details and "\n  " in shown  # pretty-printed
    assert "&#34;host&#34;: &#34;&lt;db1&gt;&#34;" in shown and "<db1>" not in page and "Grüße" in shown
