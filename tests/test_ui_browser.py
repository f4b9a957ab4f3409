"""The web view in a real headless Chromium (Debian's chromium package, driven by Playwright) against the real
`nself-oncall serve` on SQLite: sign in, read who is on call, see the gap, a replaced shift and a temporary schedule's
span, acknowledge an escalation.

Playwright's own browser downloads are never used. Without /usr/bin/chromium this test is skipped, except
under CI=true where it fails (.ci/run installs the package), as the PostgreSQL tests do. It also keeps the
README's screenshot, docs/ui-schedule.png, up to date.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from webui import kinds, scenario

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = Path(__file__).parents[1] / "docs" / "ui-schedule.png"
TOKEN = "browser-test-token-0123456789abcdef"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(f"{reason}; CI is set: the browser test must run", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def served(tmp_path: Path, serve_process):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "NSELF_ONCALL_PLUGINS")}
    served = serve_process(tmp_path, {**env, "PLUGIN_SECRET": TOKEN})
    served.wait_healthy()
    return served


def _seed(base: str) -> str:
    """The scenario through the API, with dave replacing alice and a temporary schedule (erin on call for its first
    day, a gap for its second); the id of a triggered escalation that the engine has notified."""
    now = datetime.now(UTC)
    data, more, auth = scenario(now), kinds(now, covering="erin"), {"Authorization": f"Bearer {TOKEN}"}
    for path, body in (("schedules", data["schedule"]), ("overrides", data["override"]), ("overrides", more["replace"]),
                       ("schedules/sre/temporary", more["temporary"]), ("users", data["user"]), ("policies", data["policy"])):
        assert httpx.post(f"{base}/api/v1/{path}", json=body, headers=auth).status_code == 201, path
    answer = httpx.post(f"{base}/api/v1/escalations", json={"policy_id": "sre-policy", "summary": "Disk full"}, headers=auth)
    escalation = answer.json()["id"]
    deadline = time.monotonic() + 10
    while not httpx.get(f"{base}/api/v1/escalations/{escalation}", headers=auth).json()["notifications"]:
        assert time.monotonic() < deadline, "the engine notified nobody"
        time.sleep(0.1)
    return escalation


def test_sign_in_read_the_timeline_and_acknowledge(browser, served, tmp_path):
    escalation = _seed(served.base)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(5000)
    page.goto(f"{served.base}/ui/schedules")
    assert page.url.startswith(f"{served.base}/ui/sign-in")

    page.fill("input[name=token]", "not-the-token")
    page.click("button:has-text('Sign in')")
    assert "That is not the API token" in page.inner_text("[role=alert]")
    page.fill("input[name=token]", TOKEN)
    page.click("button:has-text('Sign in')")
    assert page.url == f"{served.base}/ui/schedules"
    (cookie,) = page.context.cookies()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/ui/"

    page.click("a:has-text('SRE')")
    assert "On call now: bob" in page.inner_text("#oncall-now")
    assert page.locator(".track").count() == 14
    assert page.locator(".track .block.gap").count() >= 2 and "2 gaps" in page.inner_text("#gap-count")  # one is erin's
    assert page.locator(".track .block.override").count() >= 1 and page.locator(".track .block.layer").count() >= 1
    replaced = page.locator(".track .block.kind-replace")
    assert replaced.count() >= 1 and replaced.first.inner_text() == "dave (replacing alice)"
    assert replaced.first.is_visible() and "replacing alice" in replaced.first.get_attribute("title")
    assert page.locator(".track .block.temporary").first.inner_text() == "erin"
    spans = page.locator(".track .temporary-span")
    assert spans.count() >= 2 and spans.first.is_visible()  # 48 hours: on two or three days
    assert spans.first.get_attribute("title").startswith("temporary schedule from ")
    assert "the layers are set aside" in page.inner_text("#temporaries")
    keep = os.environ.get("NSELF_ONCALL_UI_SCREENSHOT") == "1"
    page.screenshot(path=str(SCREENSHOT if keep else tmp_path / "schedule.png"), full_page=True)

    page.click("header a:has-text('Escalations')")
    page.click("a:has-text('Disk full')")
    assert page.inner_text("#status") == "triggered" and "bob" in page.inner_text("#notifications")
    page.click("button:has-text('Acknowledge')")
    assert page.inner_text("#status") == "acknowledged"
    answer = httpx.get(f"{served.base}/api/v1/escalations/{escalation}", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.json()["status"] == "acknowledged" and answer.json()["acknowledged_by"] == "ui"

    # A form without this session's CSRF token, posted from the signed-in page, is refused.
    with page.expect_navigation():  # (waiting for the load state alone may see the page still there)
        page.evaluate(
            """url => { const f = document.createElement('form'); f.method = 'post'; f.action = url;
                        document.body.appendChild(f); f.submit(); }""",
            f"/ui/escalations/{escalation}/resolve",
        )
    assert page.inner_text("h1") == "403"
    assert httpx.get(f"{served.base}/api/v1/escalations/{escalation}", headers={"Authorization": f"Bearer {TOKEN}"}).json()[
        "status"] == "acknowledged"
    assert TOKEN not in served.output()  # signing in logs no token
