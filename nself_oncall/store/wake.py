"""Waking the engines when work is added: a NOTIFY on PostgreSQL, delivered when the transaction commits."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

#: The PostgreSQL channel a commit that adds engine work notifies; the payload says which work.
WAKE_CHANNEL = "nself_oncall_engine"
ESCALATIONS, NOTIFICATIONS, NOTICES = "escalations", "notifications", "notices"

#: True while a request of a `serve` whose own engine process runs is handled (app.py): that engine is woken
#: through its pipe once the request's work is committed, so the commit wakes no other. One engine answers the
#: wake-up instead of all of them (each other one would look, in a query, and find the work taken); they still
#: look at least once a second, and take over what an engine that died left.
LOCAL_ENGINE: ContextVar[bool] = ContextVar("local_engine", default=False)


async def wake_engines(connection: Any, work: str, sender: str | None = None) -> None:
    """On PostgreSQL, tell every engine (at commit) that there is `work`; SQLite has one engine, woken in-process.
    The payload is `work`, then after a space the `sender` token of the engine that added the work, if one did:
    that engine woke itself in-process, and a second pass for its own notification would find nothing. Work added
    by a request whose process wakes its own engine (LOCAL_ENGINE) wakes no other."""
    if sender is None and LOCAL_ENGINE.get():
        return
    if connection.capabilities.dialect == "postgres":
        payload = work if sender is None else f"{work} {sender}"
        await connection.execute_query("SELECT pg_notify($1, $2)", [WAKE_CHANNEL, payload])
