"""Signing in to the web view: a session with an absolute lifetime that signing out ends everywhere, and a limit
on guessing the token.

A session lives SESSION_LIFETIME from sign-in, however much it is used, and ends at once when signed out: its
row is gone, so a copy of the cookie opens nothing either. After FAILURES failed sign-ins within WINDOW from
one client address, that address is refused for LOCKOUT, whatever it sends: a right token too, or a guesser
could go on guessing through the lockout and know the right token by its answer. An IPv6 client counts by its
/64, which one machine often holds whole. Both live in the database (store/sign_in.py), shared by every process.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from ..clock import utcnow
from ..store import sign_in as store

SESSION_LIFETIME = timedelta(hours=12)
FAILURES = 10
WINDOW = timedelta(minutes=1)
LOCKOUT = timedelta(minutes=1)


class Throttled(Exception):
    """Too many failed sign-ins from this address: refused for `retry_after` more seconds."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


async def attempt(address: str | None, correct: bool) -> None:
    """One sign-in from the client `address` whose token is `correct` or not; `Throttled` when the address is
    refused (nothing is recorded then), else a wrong token is counted."""
    now = utcnow()
    until = await store.attempt(client_key(address), not correct, now, now - WINDOW - LOCKOUT, FAILURES, blocked_until)
    if until is not None:
        raise Throttled(math.ceil((until - now).total_seconds()))


def blocked_until(newest_first: Sequence[datetime]) -> datetime | None:
    """Until when an address whose latest failures these are is refused: LOCKOUT after the last of FAILURES
    failures that all lie within WINDOW; None when there are not so many."""
    if len(newest_first) < FAILURES or newest_first[0] - newest_first[FAILURES - 1] >= WINDOW:
        return None
    return newest_first[0] + LOCKOUT


def client_key(address: str | None) -> str:
    """What failures are counted by: an IPv4 address, an IPv6 address's /64 network."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return (address or "unknown")[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ip.ipv4_mapped or ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


async def start_session() -> str:
    """A new session: the id for its cookie (shown nowhere else; the database keeps its hash)."""
    session_id = secrets.token_urlsafe(32)
    now = utcnow()
    await store.open_session(_digest(session_id), now, now + SESSION_LIFETIME)
    return session_id


async def session_open(session_id: str) -> bool:
    """Whether the session is signed in: not signed out, and younger than SESSION_LIFETIME."""
    return await store.session_open(_digest(session_id), utcnow())


async def end_session(session_id: str) -> None:
    await store.close_session(_digest(session_id))


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()
