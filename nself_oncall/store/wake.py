"""Waking the engines when work is added: a NOTIFY on PostgreSQL, delivered when the transaction commits."""

from __future__ import annotations

from typing import Any

#: The PostgreSQL channel a commit that adds engine work notifies; the payload says which work.
WAKE_CHANNEL = "nself_oncall_engine"
ESCALATIONS, NOTIFICATIONS = "escalations", "notifications"


async def wake_engines(connection: Any, work: str) -> None:
    """On PostgreSQL, tell every engine (at commit) that there is `work`; SQLite has one engine, woken in-process."""
    if connection.capabilities.dialect == "postgres":
        await connection.execute_query(f"NOTIFY {WAKE_CHANNEL}, '{work}'")
