"""The service behind PgBouncer in transaction pooling mode (Debian's pgbouncer, started by .ci/run on
NSELF_ONCALL_TEST_PGBOUNCER_PORT, in front of the shared PostgreSQL server): DATABASE_URL names PgBouncer and
NSELF_ONCALL_DIRECT_DATABASE_URL the server, for LISTEN and migrations. Four engines in real processes deliver each
notification exactly once at a real receiver (the crash test runs through it too, tests/engine/test_crash.py);
without the direct URL's settings the pooled connections would keep
prepared statements that PgBouncer hands to other clients ("prepared statement ... does not exist")."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

from apiclient import Api, settings_for
from nself_oncall.app import create_app

sys.path.insert(0, str(Path(__file__).parent))
from test_processes import PER_ESCALATION, trigger_many  # noqa: E402

from processes import Workers, plugins_toml  # noqa: E402

pytestmark = pytest.mark.postgres

async def test_four_engines_behind_pgbouncer_deliver_each_notification_exactly_once(
    tmp_path, pg_database, pooled, receiver
):
    hook = receiver()
    engines = Workers(tmp_path, pooled, plugins_toml(tmp_path, hook.url),
                      {"NSELF_ONCALL_DIRECT_DATABASE_URL": pg_database})
    engines.start(4)
    try:
        count = 100
        ids = await trigger_many(pooled, hook.url, count, direct_url=pg_database)
        assert hook.wait_for(count * PER_ESCALATION, timeout=120), (len(hook.counts()), engines.logs()[-3000:])
    finally:
        engines.stop()
    counts = hook.counts()
    assert len(counts) == count * PER_ESCALATION and set(counts.values()) == {1}
    assert {d.body["message"]["escalation_id"] for d in hook.deliveries} == set(ids)
    logs = engines.logs()
    assert "prepared statement" not in logs and "Traceback" not in logs, logs[-3000:]
    assert len({line.split(" as ")[1] for line in logs.splitlines() if "engine running as" in line}) == 4


async def test_ready_answers_for_both_urls(pg_database, pooled):
    """/ready is 200 when both answer, and 503 when the direct URL does not (LISTEN and migrations need it)."""
    for direct, status in ((pg_database, 200), ("postgres://postgres@127.0.0.1:9/nowhere", 503)):
        app = create_app(replace(settings_for(pooled), direct_database_url=direct))
        async with app.test_app() as test_app:
            response = await Api(test_app.test_client()).get("/ready")
        assert response[0] == status, response
