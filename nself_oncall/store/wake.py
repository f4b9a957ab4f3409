"""Waking the engines when work is added: a NOTIFY on PostgreSQL, delivered when the transaction commits."""

from __future__ import annotations

from typing import Any

#: The PostgreSQL channel a commit that adds engine work notifies; the payload says which work.
WAKE_CHANNEL = "nself_oncall_engine"
ESCALATIONS, NOTIFICATIONS, NOTICES = "escalations", "notifications", "notices"


async def wake_engines(connection: Any, work: str, sender: str | None = None) -> None:
    """On PostgreSQL, tell every engine (at commit) that there is `work`; SQLite has one engine, woken in-process.
    The payload is `work`, then after a space the `sender` token of the engine that added the work, if one did:
    that engine woke itself in-process, and a second pass for its own notification would find nothing."""
    if connection.capabilities.dialect == "postgres":
        payload = work if sender is None else f"{work} {sender}"
        await connection.execute_query("SELECT pg_notify($1, $2)", [WAKE_CHANNEL, payload])
