"""A /metrics scrape with 1,000,000 old notifications in the database, as a ratio of one with none.

    python bench/metrics_scrape.py [--notifications 1000000] [--scrapes 100] [--rounds 5]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/nself_perf_scrape python bench/metrics_scrape.py

On a fresh SQLite file, or on BENCH_DATABASE_URL (migrated here; it must hold no escalation, and its escalations and
notifications are emptied at the end). The app runs in this process and is scraped through its test client, as
Prometheus would through HTTP: the request, the process collectors, the database's queries, the text format.

In the same run: scrapes with only some open work (20 open escalations, 40 messages waiting), then with the history
added beside it (`--notifications` messages sent, failed or undeliverable, ten per resolved escalation, resolved
long ago; see `settle`). Each figure is the best median of `--rounds` rounds of `--scrapes` scrapes. The issue's
bar: with the history, at most 2x the cost without.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tortoise import connections

from nself_oncall.app import create_app
from nself_oncall.config import Settings
from nself_oncall.migrate import apply_migrations

TOKEN = "bench-token-not-secret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NOW = datetime.now(UTC)
OLD = NOW - timedelta(days=30)
POLICY = '{"id": "p", "name": "P", "repeat": 0, "steps": [{"delay_minutes": 5, "targets": []}]}'

# $1: how many escalations, $2 their first index, $3 their status, $4 their instant. One SQL per dialect: the rows
# come from generate_series on PostgreSQL and from a recursive CTE on SQLite.
_ESCALATIONS = {
    "postgres": f"""INSERT INTO escalations (id, policy_id, policy, summary, details, status, created_at, updated_at,
                                            resolved_at, steps_done)
                    SELECT lpad(i::text, 24, '0'), 'p', '{POLICY}', 'old', '{{}}', $3::text, $4::timestamptz,
                           $4::timestamptz, CASE WHEN $3::text = 'resolved' THEN $4::timestamptz END, 1
                    FROM generate_series($2::int, $2::int + $1::int - 1) AS i""",
    "sqlite": f"""WITH RECURSIVE s(i) AS (SELECT $2 UNION ALL SELECT i + 1 FROM s WHERE i < $2 + $1 - 1)
                  INSERT INTO escalations (id, policy_id, policy, summary, details, status, created_at, updated_at,
                                           resolved_at, steps_done)
                  SELECT printf('%024d', i), 'p', '{POLICY}', 'old', '{{}}', $3, $4, $4,
                         CASE WHEN $3 = 'resolved' THEN $4 END, 1 FROM s""",
}
# $1: how many notifications, ten per escalation from index $2; $3: their status ('pending': waiting, at $4).
_NOTIFICATIONS = {
    "postgres": """INSERT INTO notifications (id, escalation_id, loop, step, target_position, contact_position,
                                             target_type, target_id, "user", channel, address, status, attempts,
                                             due_at, available_at, sent_at, error, created_at)
                   SELECT 'n' || lpad(($2::int * 10 + i)::text, 23, '0'), lpad(($2::int + i / 10)::text, 24, '0'),
                          0, i % 10, 0, 0, 'user', 'alice', 'alice', 'log', 'a', $3::text, 1, $4::timestamptz,
                          CASE WHEN $3::text = 'pending' THEN $4::timestamptz END,
                          CASE WHEN $3::text = 'sent' THEN $4::timestamptz END,
                          CASE WHEN $3::text = 'sent' THEN NULL ELSE 'no' END, $4::timestamptz
                   FROM generate_series(0, $1::int - 1) AS i""",
    "sqlite": """WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < $1 - 1)
                 INSERT INTO notifications (id, escalation_id, loop, step, target_position, contact_position,
                                            target_type, target_id, "user", channel, address, status, attempts,
                                            due_at, available_at, sent_at, error, created_at)
                 SELECT 'n' || printf('%023d', $2 * 10 + i), printf('%024d', $2 + i / 10), 0, i % 10, 0, 0, 'user',
                        'alice', 'alice', 'log', 'a', $3, 1, $4, CASE WHEN $3 = 'pending' THEN $4 END,
                        CASE WHEN $3 = 'sent' THEN $4 END, CASE WHEN $3 = 'sent' THEN NULL ELSE 'no' END, $4 FROM s""",
}
#: Where the history's escalations start (the open ones are 0-19).
HISTORY = 1000


async def insert(dialect: str, escalations: int, first: int, status: str, notifications: list[tuple[int, str]],
                 at: datetime) -> None:
    """`escalations` of `status` from index `first`, and (count, status) notifications of theirs, in that order."""
    connection = connections.get("default")
    await connection.execute_query(_for(dialect, _ESCALATIONS[dialect]), [escalations, first, status, at])
    start = first
    for count, kind in notifications:
        await connection.execute_query(_for(dialect, _NOTIFICATIONS[dialect]), [count, start, kind, at])
        start += count // 10


def _for(dialect: str, sql: str) -> str:
    return sql if dialect == "postgres" else sql.replace("$", "?")


async def settle(connection, dialect: str) -> None:
    """What a database that filled up over months has had done to it by then: statistics (ANALYZE), on PostgreSQL
    autovacuum's VACUUM (of rows deleted before, by an earlier run), its write-ahead log checkpointed (on SQLite, a log of one huge write, never reset, makes every read
    look through it), and the hundreds of megabytes just written on disk (their writeback would weigh on the
    scrapes measured next, not the history in the database)."""
    await connection.execute_script("ANALYZE" if dialect == "sqlite" else "VACUUM ANALYZE")
    await connection.execute_script("PRAGMA wal_checkpoint(TRUNCATE)" if dialect == "sqlite" else "CHECKPOINT")
    os.sync()


async def scrape_cost(client, scrapes: int, rounds: int) -> float:
    """The best of `rounds` medians of `scrapes` scrapes, in seconds."""
    medians = []
    for _ in range(rounds):
        times = []
        for _ in range(scrapes):
            started = time.perf_counter()
            response = await client.get("/metrics", headers=AUTH)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        medians.append(statistics.median(times))
    return min(medians)


async def run(url: str, dialect: str, notifications: int, scrapes: int, rounds: int) -> None:
    await apply_migrations(url)
    app = create_app(Settings(database_url=url, plugin_secret=TOKEN, channels={}))
    async with app.test_app() as test_app:
        client = test_app.test_client()
        connection = connections.get("default")
        if (await connection.execute_query_dict("SELECT COUNT(*) AS n FROM escalations"))[0]["n"]:
            raise SystemExit(f"{url} holds escalations already: give the bench a database of its own")
        try:
            await insert(dialect, 20, 0, "triggered", [(40, "pending")], NOW)  # open work, the same throughout
            await settle(connection, dialect)
            empty = await scrape_cost(client, scrapes, rounds)
            started = time.perf_counter()
            share = notifications // 10
            await insert(dialect, notifications // 10, HISTORY, "resolved",
                         [(share * 8, "sent"), (share, "failed"), (notifications - share * 9, "undeliverable")], OLD)
            await settle(connection, dialect)
            filled = time.perf_counter() - started
            full = await scrape_cost(client, scrapes, rounds)
        finally:
            await connection.execute_script("DELETE FROM notifications; DELETE FROM escalations")
    print(f"{dialect}: {notifications:,} old notifications written in {filled:.0f} s")
    print(f"  scrape, open work only:           {empty * 1e3:8.2f} ms")
    print(f"  scrape, with the history:         {full * 1e3:8.2f} ms")
    print(f"  ratio (with history / without):   {full / empty:8.2f}  (bar: <= 2)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notifications", type=int, default=1_000_000)
    parser.add_argument("--scrapes", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite://{Path(folder) / 'bench.db'}"
        dialect = "postgres" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
        asyncio.run(run(url, dialect, args.notifications, args.scrapes, args.rounds))


if __name__ == "__main__":
    main()
