"""Messages of notification rules that are not due yet (`planned_messages`).

A step that reaches a person with notification rules makes one message per rule, each due the rule's delay after
the step (escalation.expand). The engine writes those already due as notifications and keeps the others here, in
the same transaction; the escalation's `due_at` is then no later than the first of them, so that the engine takes
the escalation again when one falls due and writes it as a notification then (store/steps.py), never ahead of time.
Acknowledging or resolving the escalation deletes what is left (store/escalations.py). The rows are read and written
under the escalation's row lock, which the engine's pass and acknowledge and resolve all take first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from .. import escalation
from .ids import new_id
from .sql import any_of, execute, instant, is_postgres, rows

_COLUMNS = {
    "id": "text", "escalation_id": "text", "loop": "int", "step": "int", "target_position": "int",
    "contact_position": "int", "rule": "int", "target_type": "text", "target_id": "text", "user": "text",
    "user_name": "text", "channel": "text", "address": "text", "reason": "text", "due_at": "timestamptz",
}
_NAMES = ", ".join(f'"{name}"' for name in _COLUMNS)
_INSERT_PG = (f"INSERT INTO planned_messages ({_NAMES}) SELECT * FROM unnest("
              + ", ".join(f"${i}::{kind}[]" for i, kind in enumerate(_COLUMNS.values(), 1)) + ")")
_INSERT_SQLITE = f"INSERT INTO planned_messages ({_NAMES}) VALUES ({', '.join('?' * len(_COLUMNS))})"


@dataclass(frozen=True)
class Planned:
    """One message kept until it is due: its row's id, and the message as the step made it."""

    id: str
    message: escalation.Message


async def of(connection: Any, escalation_ids: Collection[str]) -> dict[str, list[Planned]]:
    """The planned messages of these escalations, by escalation, each list in due order."""
    found: dict[str, list[Planned]] = defaultdict(list)
    if not escalation_ids:
        return found
    which, values = any_of(connection, "escalation_id", sorted(escalation_ids), 1)
    sql = f"SELECT {_NAMES} FROM planned_messages WHERE {which} ORDER BY due_at, id"
    for row in await rows(connection, sql, values):
        found[row["escalation_id"]].append(Planned(row["id"], _message(row)))
    return found


async def write(connection: Any, escalation_id: str, messages: Sequence[escalation.Message]) -> None:
    """Keep these messages of the escalation until they are due, in `connection`'s transaction."""
    if not messages:
        return
    new = [_values(escalation_id, m) for m in messages]
    if is_postgres(connection):
        await connection.execute_query(_INSERT_PG, [list(column) for column in zip(*new, strict=True)])
    else:
        await connection.execute_many(_INSERT_SQLITE, [list(values) for values in new])


async def remove(connection: Any, ids: Sequence[str]) -> None:
    """Delete these planned messages (written as notifications in the same transaction)."""
    if ids:
        which, values = any_of(connection, "id", list(ids), 1)
        await execute(connection, f"DELETE FROM planned_messages WHERE {which}", values)


async def forget(connection: Any, escalation_id: str) -> None:
    """Delete what is left of the escalation's planned messages: it was acknowledged or resolved before they fell due."""
    await execute(connection, "DELETE FROM planned_messages WHERE escalation_id = $1", [escalation_id])


def _values(escalation_id: str, m: escalation.Message) -> tuple[Any, ...]:
    return (new_id(), escalation_id, m.loop, m.step, m.target_position, m.contact_position, m.rule, m.target.type,
            m.target.id, m.user, m.user_name, m.channel, m.address, m.reason, m.due_at)


def _message(row: dict[str, Any]) -> escalation.Message:
    return escalation.Message(
        loop=row["loop"], step=row["step"], target_position=row["target_position"],
        contact_position=row["contact_position"], target=escalation.Target(row["target_type"], row["target_id"]),
        due_at=instant(row["due_at"]), user=row["user"], user_name=row["user_name"], channel=row["channel"],
        address=row["address"], reason=row["reason"], rule=row["rule"],
    )
