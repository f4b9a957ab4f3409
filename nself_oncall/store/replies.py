"""Answers from the phone: the reply codes of SMS messages, and what a reply or a call's key press answers.

A reply code is the number an SMS reply names ("3a" acknowledges, "3r" resolves). It belongs to one recipient number
and one open escalation (`reply_codes`, unique per (number, code) and per (number, escalation)): every message of an
escalation to a number names the same code, and each number's codes are the smallest positive integers that its
other open escalations leave free, so that a person with one page replies "1a". A row points at the latest message
of its escalation to its number: a reply acts as that message's acknowledge or resolve link would.

Codes are given in the transaction that claims the messages (store/claims.py), before any notifier sends them. A
number's codes are decided under a lock of that number (a PostgreSQL advisory lock; on SQLite the transaction's
write lock), so engines in several processes never give one code twice. The rows of resolved escalations are
deleted then, for the numbers being given codes (their codes are free again); deleting an escalation or its
notifications deletes its rows (ON DELETE CASCADE). A resolved escalation's message gets no code.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .sql import any_of, default, execute, is_postgres, rows

#: The advisory lock space of reply codes (the two-key form: apart from every one-key lock, and from sign-in's).
_LOCK_SPACE = 5_141_712
#: A number a code can be kept for: E.164, as the Twilio notifiers store contact addresses (the column holds 32).
E164 = re.compile(r"\+[1-9][0-9]{1,14}")
_LOCK = """SELECT pg_advisory_xact_lock($1, h)
           FROM (SELECT DISTINCT hashtext(n) AS h FROM unnest($2::text[]) AS n ORDER BY h) AS locks"""
_RESOLVED = "EXISTS (SELECT 1 FROM escalations AS e WHERE e.id = reply_codes.escalation_id AND e.status = 'resolved')"
_INSERT = """INSERT INTO reply_codes (number, code, escalation_id, notification_id, created_at)
             VALUES ($1, $2, $3, $4, $5)"""
_POINT = "UPDATE reply_codes SET notification_id = $1 WHERE number = $2 AND escalation_id = $3"
_FIND = """SELECT r.notification_id, r.escalation_id, n.channel, e.status, e.summary FROM reply_codes AS r
           JOIN escalations AS e ON e.id = r.escalation_id JOIN notifications AS n ON n.id = r.notification_id
           WHERE r.number = $1 AND r.code = $2"""
_MESSAGE = """SELECT n.id AS notification_id, n.escalation_id, n.channel, e.status, e.summary FROM notifications AS n
              JOIN escalations AS e ON e.id = n.escalation_id WHERE n.id = $1"""


@dataclass(frozen=True)
class Answered:
    """The message that an answer acts for, its channel, and its escalation's status and summary now."""

    notification_id: str
    escalation_id: str
    channel: str | None
    status: str
    summary: str


@dataclass(frozen=True)
class Wanted:
    """A message claimed that needs the reply code of its escalation at its recipient's number."""

    notification_id: str
    escalation_id: str
    number: str


async def give(connection: Any, wanted: Sequence[Wanted], now: datetime) -> dict[str, int]:
    """The reply code of each message (by notification id), in `connection`'s transaction: its escalation's code at its
    number, or the smallest one free there. A number that is not E.164 gets none (the notifier refuses it anyway)."""
    wanted = await _open(connection, [w for w in wanted if E164.fullmatch(w.number)])
    if not wanted:
        return {}
    numbers = sorted({w.number for w in wanted})
    if is_postgres(connection):  # in one order (by lock key), so that two claims never wait on each other
        await connection.execute_query(_LOCK, [_LOCK_SPACE, numbers])
    which, values = any_of(connection, "number", numbers, 1)
    await execute(connection, f"DELETE FROM reply_codes WHERE {which} AND {_RESOLVED}", values)
    held: dict[str, dict[str, tuple[int, str]]] = defaultdict(dict)  # number -> escalation -> (code, notification)
    sql = f"SELECT number, code, escalation_id, notification_id FROM reply_codes WHERE {which}"
    for row in await rows(connection, sql, values):
        held[row["number"]][row["escalation_id"]] = (row["code"], row["notification_id"])
    codes = {}
    for w in wanted:
        codes[w.notification_id] = await _code(connection, w, held[w.number], now)
    return codes


#: How long a message waits whose code cannot be given now (its escalation is being written by another transaction).
BUSY_WAIT = timedelta(milliseconds=200)


async def busy(connection: Any, wanted: Sequence[Wanted], now: datetime) -> dict[str, datetime]:
    """The messages of `wanted` whose open escalation another transaction holds (an engine's pass writing its next
    step, an acknowledgement, a resolve), each with when to try it again: claimed now, it would go without its code,
    and waiting for the escalation could deadlock (see `_open`). The others' escalations are then locked FOR KEY SHARE
    (on PostgreSQL; SQLite has one writer at a time, and no such wait) until the claim commits."""
    if not wanted or not is_postgres(connection):
        return {}
    which, values = any_of(connection, "id", sorted({w.escalation_id for w in wanted}), 1)
    sql = f"SELECT id FROM escalations WHERE {which} AND status <> 'resolved'"
    held = {row["id"] for row in await rows(connection, sql + " FOR KEY SHARE SKIP LOCKED", values)}
    others = {row["id"] for row in await rows(connection, sql, values)} - held
    return {w.notification_id: now + BUSY_WAIT for w in wanted if w.escalation_id in others}


async def _open(connection: Any, wanted: list[Wanted]) -> list[Wanted]:
    """The messages of `wanted` whose escalation is open, each escalation locked FOR KEY SHARE on PostgreSQL (as a new
    row's foreign key check would), skipping those locked already. An acknowledgement or a resolve holds its escalation
    FOR UPDATE and may wait for a message this claim holds (to stop its retries): waiting for it here would deadlock.
    Those messages go without a code (their escalation is being acknowledged or resolved)."""
    if not wanted:
        return []
    which, values = any_of(connection, "id", sorted({w.escalation_id for w in wanted}), 1)
    sql = f"SELECT id FROM escalations WHERE {which} AND status <> 'resolved'"
    if is_postgres(connection):
        sql += " FOR KEY SHARE SKIP LOCKED"
    found = {row["id"] for row in await rows(connection, sql, values)}
    return [w for w in wanted if w.escalation_id in found]


async def _code(connection: Any, w: Wanted, held: dict[str, tuple[int, str]], now: datetime) -> int:
    """`w`'s escalation's code at its number, pointed at `w`'s message; a new one (written, and added to `held`)."""
    if w.escalation_id in held:
        code, notification_id = held[w.escalation_id]
        if notification_id != w.notification_id:
            await execute(connection, _POINT, [w.notification_id, w.number, w.escalation_id])
    else:
        code = smallest_free(code for code, _ in held.values())
        await execute(connection, _INSERT, [w.number, code, w.escalation_id, w.notification_id, now])
    held[w.escalation_id] = (code, w.notification_id)
    return code


def smallest_free(used: Iterable[int]) -> int:
    """The smallest positive integer not in `used`."""
    taken = set(used)
    return next(code for code in itertools.count(1) if code not in taken)


async def find(number: str, code: int) -> Answered | None:
    """What a reply with `code` from `number` answers (by the unique index of (number, code)), or None."""
    found = await rows(default(), _FIND, [number, code])
    return Answered(**found[0]) if found else None


async def message(notification_id: str) -> Answered | None:
    """The escalation message `notification_id`, or None (none has that id, or it is a handoff notice's)."""
    found = await rows(default(), _MESSAGE, [notification_id])
    return Answered(**found[0]) if found else None


async def first_reply(sid: str, now: datetime) -> bool:
    """Record the SMS reply `sid` (Twilio's MessageSid) as acting now; False when it was recorded already (the same
    request again: a replay, or Twilio's retry), in which case it must not act."""
    sql = "INSERT INTO inbound_replies (sid, received_at) VALUES ($1, $2) ON CONFLICT (sid) DO NOTHING RETURNING sid"
    return bool(await rows(default(), sql, [sid, now]))
