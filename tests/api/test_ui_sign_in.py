"""The web view's sign-in against guessing, and its sessions: an absolute lifetime, and signing out ends them on the
server (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from quart.testing import QuartClient

from apiclient import TOKEN
from metrics_helpers import scrape
from nself_oncall.service import sign_in
from webui import Ui

ELSEWHERE = {"scope_base": {"client": ("203.0.113.7", 40000)}}


@pytest.fixture
def ui(app) -> Ui:
    return Ui(app.test_client())


def clock_at(monkeypatch, at: datetime) -> None:
    monkeypatch.setattr(sign_in, "utcnow", lambda: at)


async def test_ten_failed_sign_ins_within_a_minute_refuse_the_address_for_a_minute(app, ui, monkeypatch):
    await ui.get("/ui/sign-in")
    for _ in range(10):
        response, page = await ui.post("/ui/sign-in", {"token": "a-guess"})
        assert response.status_code == 401 and "That is not the API token" in page
    last_failure = datetime.now(UTC)
    for token in ("another-guess", TOKEN):  # the right token too: the answer tells a guesser nothing
        response, page = await ui.post("/ui/sign-in", {"token": token})
        assert response.status_code == 429 and "Too many failed sign-ins" in page
        assert 0 < int(response.headers["Retry-After"]) <= 60
        assert response.mimetype == "text/html" and response.headers["Cache-Control"] == "no-store"
    assert (await ui.get("/ui/schedules"))[0].status_code == 303

    other = Ui(app.test_client())  # another address is not refused
    await other.get("/ui/sign-in", **ELSEWHERE)
    assert (await other.post("/ui/sign-in", {"token": TOKEN}, **ELSEWHERE))[0].status_code == 303

    clock_at(monkeypatch, last_failure + timedelta(seconds=59))
    assert (await ui.post("/ui/sign-in", {"token": TOKEN}))[0].status_code == 429
    clock_at(monkeypatch, last_failure + timedelta(seconds=61))
    response, _ = await ui.post("/ui/sign-in", {"token": TOKEN})
    assert response.status_code == 303 and (await ui.get("/ui/schedules"))[0].status_code == 200

    got = await scrape(app.test_client())
    assert got.value("nself_oncall_auth_failures_total", door="ui", reason="wrong") == 10
    assert got.value("nself_oncall_auth_failures_total", door="ui", reason="throttled") == 3


async def test_a_burst_of_guesses_gets_ten_tries(app, ui):
    """Attempts racing each other are decided one after the other: 30 at once, 10 are tried, 20 refused."""
    await ui.get("/ui/sign-in")
    answers = await asyncio.gather(*(ui.post("/ui/sign-in", {"token": f"guess-{i}"}) for i in range(30)))
    assert sorted(response.status_code for response, _ in answers) == [401] * 10 + [429] * 20


async def test_signing_out_ends_the_session_for_every_copy_of_the_cookie(app, ui):
    response, _ = await ui.sign_in()
    cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    copy = QuartClient(app.app, use_cookies=False)  # another browser, with the cookie copied
    assert (await copy.get("/ui/schedules", headers={"Cookie": cookie})).status_code == 200
    await ui.get("/ui/schedules")
    assert (await ui.post("/ui/sign-out"))[0].status_code == 303
    response = await copy.get("/ui/schedules", headers={"Cookie": cookie})
    assert response.status_code == 303 and response.headers["Location"] == "/ui/sign-in?next=/ui/schedules"


async def test_a_session_ends_twelve_hours_after_sign_in_however_much_it_is_used(ui, monkeypatch):
    before = datetime.now(UTC)
    await ui.sign_in()
    after = datetime.now(UTC)
    for hours in (1, 6, 11):
        clock_at(monkeypatch, before + timedelta(hours=hours))
        response, _ = await ui.get("/ui/schedules")
        assert response.status_code == 200 and "Set-Cookie" not in response.headers  # reading renews nothing
    clock_at(monkeypatch, before + timedelta(hours=12) - timedelta(seconds=1))
    assert (await ui.get("/ui/schedules"))[0].status_code == 200
    clock_at(monkeypatch, after + timedelta(hours=12))
    assert (await ui.get("/ui/schedules"))[0].status_code == 303


def test_a_lockout_needs_ten_failures_within_a_minute():
    t = datetime(2026, 1, 1, tzinfo=UTC)
    ten = [t - timedelta(seconds=6 * i) for i in range(10)]  # newest first, 54 s apart end to end
    assert sign_in.blocked_until(ten) == t + timedelta(minutes=1)
    assert sign_in.blocked_until(ten[:9]) is None
    assert sign_in.blocked_until([*ten[:9], t - timedelta(minutes=1)]) is None


def test_failures_count_by_address_and_an_ipv6_clients_by_its_64():
    assert sign_in.client_key("192.0.2.10") == "192.0.2.10"
    assert sign_in.client_key("::ffff:192.0.2.10") == "192.0.2.10"
    assert sign_in.client_key("2001:db8:1:2:3:4:5:6") == sign_in.client_key("2001:db8:1:2:ffff::1") == "2001:db8:1:2::/64"
    assert sign_in.client_key(None) == "unknown"
