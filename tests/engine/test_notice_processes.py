"""Handoff notices planned and sent by three engines in real processes on one PostgreSQL, counted at a real
receiver: each (schedule, shift start, user, notice) arrives exactly once.

Real time cannot be hurried, so the notices reach far ahead instead: with `minutes_before` close to a week, every
hourly shift of the coming week is due at once (too late to be early, so sent at once), which makes some 300
notices per schedule that the engines plan and send concurrently.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from apiclient import Api, settings_for
from nself_oncall.app import create_app
from nself_oncall.config import Channel

sys.path.insert(0, str(Path(__file__).parent))
from processes import Workers, plugins_toml  # noqa: E402

pytestmark = pytest.mark.postgres

USERS = ["u0", "u1", "u2", "u3"]
SCHEDULES = 3
NOTICES = [{"channel": "hook", "minutes_before": 10_080}, {"oncall_contacts": True, "minutes_before": 10_020}]
HOUR = timedelta(hours=1)


async def create_schedules(database_url: str, hook_url: str, start: datetime) -> datetime:
    """Users with a contact on the hook, and hourly schedules with NOTICES, through the API (no engine in this
    process); answers the instant the notices were configured (the earliest)."""
    hook = Channel("hook", "webhook", {"url": hook_url, "allow": ["127.0.0.1"]})
    app = create_app(replace(settings_for(database_url), channels={"hook": hook}))
    async with app.test_app() as test_app:
        api = Api(test_app.test_client())
        for user in USERS:
            assert (await api.post("/api/v1/users", {"id": user, "contacts": [{"channel": "hook", "address": hook_url}]}))[0] == 201
        configured = []
        for i in range(SCHEDULES):
            layer = {"users": USERS[i:] + USERS[:i], "rotation": {"unit": "hour"}, "start": _z(start)}
            body = {"id": f"s{i}", "name": f"S{i}", "layers": [layer], "notices": NOTICES}
            status, made = await api.post("/api/v1/schedules", body)
            assert status == 201, made
            configured.append(datetime.fromisoformat(made["notices"][0]["configured_at"]))
        return min(configured)


def due_keys(start: datetime, configured: datetime, until: datetime) -> set[tuple[str, str, str, int]]:
    """(schedule, shift start, user, notice) of every notice due by `until`, worked out from the rotation."""
    keys = set()
    for i in range(SCHEDULES):
        users = USERS[i:] + USERS[:i]
        k = 0
        while (shift := start + k * HOUR) <= until + timedelta(minutes=NOTICES[0]["minutes_before"]):
            for index, notice in enumerate(NOTICES):
                if shift > configured and shift - timedelta(minutes=notice["minutes_before"]) <= until:
                    keys.add((f"s{i}", _z(shift), users[k % len(users)], index))
            k += 1
    return keys


def _z(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def test_three_engines_send_each_handoff_notice_exactly_once(tmp_path, pg_database, receiver):
    hook = receiver()
    folder = tmp_path / "run"
    folder.mkdir()
    engines = Workers(folder, pg_database, plugins_toml(folder, hook.url))
    engines.start(3)
    try:
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - 24 * HOUR
        configured = await create_schedules(pg_database, hook.url, start)
        expected = due_keys(start, configured, datetime.now(UTC))
        assert len(expected) > 900
        assert hook.wait_for(len(expected), timeout=120), (len(hook.counts()), engines.logs()[-3000:])
        engines.stop()
    finally:
        engines.stop()
    counts = hook.counts()
    assert set(counts.values()) == {1}, [key for key, n in counts.items() if n > 1]
    details = [d.body["message"]["details"] for d in hook.deliveries]
    delivered = Counter((d["schedule_id"], d["start"], d["user"], d["notice"]) for d in details)
    assert set(delivered.values()) == {1}
    # A shift may have come due while the test ran (an hour boundary passed): those may be there too.
    assert expected <= set(delivered) <= due_keys(start, configured, datetime.now(UTC))
    assert {d["previous_user"] for d in details} == set(USERS)
    assert "Traceback" not in engines.logs()
