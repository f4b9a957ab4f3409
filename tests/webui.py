"""The web view's test data and a browser stand-in, shared by tests/api/test_ui*.py and tests/test_ui_browser.py."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from apiclient import TOKEN

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Ui:
    """A browser stand-in: the test client keeps the cookie; `csrf` is the token of the last page read."""

    def __init__(self, client):
        self.client = client
        self.csrf = ""

    async def get(self, path: str, **kwargs):
        response = await self.client.get(path, **kwargs)
        text = await response.get_data(as_text=True)
        if found := CSRF.search(text):
            self.csrf = found.group(1)
        return response, text

    async def post(self, path: str, form: dict | None = None, csrf: bool = True, **kwargs):
        fields = {"csrf_token": self.csrf, **(form or {})} if csrf else dict(form or {})
        response = await self.client.post(path, form=fields, **kwargs)
        return response, await response.get_data(as_text=True)

    async def sign_in(self, token: str = TOKEN):
        await self.get("/ui/sign-in")
        return await self.post("/ui/sign-in", {"token": token})


def stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def scenario(now: datetime | None = None) -> dict:
    """A schedule whose only layer (alice and carol, a day each) ends in ten days, leaving a gap; bob overrides it around now; a
    policy that pages the schedule through the log channel."""
    now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    return {
        "schedule": {
            "id": "sre", "name": "SRE", "timezone": "Europe/Berlin",
            "layers": [{"name": "weekdays", "users": ["alice", "carol"], "rotation": {"unit": "day"},
                        "start": "2024-01-01T00:00:00", "end": stamp(now + timedelta(days=10))}],
        },
        "override": {"schedule_id": "sre", "user": "bob", "start": stamp(now - timedelta(hours=1)),
                     "end": stamp(now + timedelta(hours=2))},
        "user": {"id": "bob", "name": "Bob", "contacts": [{"channel": "log", "address": "bob"}]},
        "policy": {"id": "sre-policy", "name": "SRE paging", "steps": [
            {"delay_minutes": 5, "targets": [{"type": "schedule", "id": "sre"}]}]},
            }


#: A user id a page must escape (user ids may hold anything but whitespace, '/' and control characters).
HOSTILE = "<em>\"eve'&"


def kinds(now: datetime | None = None, covering: str = HOSTILE) -> dict:
    """For the scenario's schedule: dave replacing alice from one day on to three; carol removed from seven days on
    to nine (a gap where she would be, as the layer has nobody else); a temporary schedule from four days on to six
    with `covering` on call for its first day only, so that its second day is a gap."""
    now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    day = timedelta(days=1)
    return {
        "replace": {"schedule_id": "sre", "user": "dave", "replaces": "alice", "start": stamp(now + day),
                    "end": stamp(now + 3 * day)},
        "remove": {"schedule_id": "sre", "user": None, "replaces": "carol", "start": stamp(now + 7 * day),
                   "end": stamp(now + 9 * day)},
        "temporary": {"start": stamp(now + 4 * day), "end": stamp(now + 6 * day),
                      "shifts": [{"user": covering, "start": stamp(now + 4 * day), "end": stamp(now + 5 * day)}]},
    }
