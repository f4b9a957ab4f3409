"""A calendar link through the real `nself-oncall serve`: whatever the server prints, the token is not in it."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

SECRET = "serve-calendar-secret-0123456789"


def test_a_link_works_over_http_and_its_token_is_never_printed(tmp_path: Path, serve_process, db_url):
    env = {k: v for k, v in os.environ.items() if k != "NSELF_ONCALL_PLUGINS"}
    env.update(DATABASE_URL=db_url, PLUGIN_SECRET=SECRET, NSELF_ONCALL_PUBLIC_URL="https://oncall.example.com/")
    served = serve_process(tmp_path, env)
    try:
        served.wait_healthy()
        auth = {"Authorization": f"Bearer {SECRET}"}
        schedule = {"id": "s", "name": "S", "layers": [
            {"users": ["alice", "bob"], "rotation": {"unit": "day"}, "start": "2024-01-01T00:00:00Z"}]}
        assert httpx.post(f"{served.base}/api/v1/schedules", json=schedule, headers=auth).status_code == 201
        made = httpx.post(f"{served.base}/api/v1/calendar-subscriptions", json={"schedule_id": "s", "name": "n"},
                          headers=auth)
        assert made.status_code == 201, made.text
        url = made.json()["url"]
        assert url.startswith("https://oncall.example.com/ical/")
        token = url.removeprefix("https://oncall.example.com/ical/").removesuffix(".ics")
        path = f"{served.base}/ical/{token}.ics"
        answer = httpx.get(path)
        assert answer.status_code == 200 and answer.text.startswith("BEGIN:VCALENDAR")
        assert httpx.delete(f"{served.base}/api/v1/calendar-subscriptions/{made.json()['id']}", headers=auth).status_code == 204
        assert httpx.get(path).status_code == 404
    finally:
        output = served.output()
    assert served.process.returncode in (0, -15), output
    assert "Running on" in output  # the server's own lines were captured
    assert token not in output
