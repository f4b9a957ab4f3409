"""Schedules and their layers: rows in and out, and the pure `Schedule` they make."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from .. import oncall
from ..clock import utcnow
from ..errors import Invalid, NotFound
from ..models import Layer, Schedule
from ..records import Page, ScheduleRecord
from . import audit
from .cache import schedule_record, to_pure_layer
from .ids import derive_id, insert_new, refuse_if_targeted


async def _layers_of(schedule_id: str) -> list[Layer]:
    return await Layer.filter(schedule_id=schedule_id).order_by("position")


async def list_page(limit: int, after: str | None) -> Page[ScheduleRecord]:
    query = Schedule.all().order_by("id").limit(limit + 1).prefetch_related("layers")
    if after is not None:
        query = query.filter(id__gt=after)
    rows = await query
    return Page(tuple(schedule_record(r, list(r.layers)) for r in rows[:limit]), len(rows) > limit)


async def create(data: dict[str, Any], channels: Collection[str], *, actor: str) -> str:
    """Store a new schedule; answers its id. Every notice's channel must be configured (`channels`)."""
    zone = ZoneInfo(data["timezone"])
    layers = _layer_rows(data["layers"], zone)
    now = utcnow()
    notices = _notices_json(data.get("notices") or [], [], channels, now)
    async with in_transaction() as connection:
        ident = data.get("id") or await derive_id(Schedule, data["name"])
        row = await insert_new(
            Schedule, ident, name=data["name"], description=data["description"], timezone=data["timezone"],
            notices=notices, notices_plan_at=now if notices else None,
        )
        await _save_layers(row, layers)
        after = schedule_record(row, layers)
        await audit.record(connection, "schedule", row.id, "create", before=None, after=after, actor=actor)
    return row.id


async def update(schedule_id: str, data: dict[str, Any], channels: Collection[str], *, actor: str) -> None:
    """Change what `data` holds; `notices` and `layers` replace the whole list. The notice planner looks
    at the schedule again after any change (see engine/notices.py)."""
    async with in_transaction() as connection:
        row = await Schedule.select_for_update().get_or_none(id=schedule_id)
        if row is None:
            raise NotFound("schedule", schedule_id)
        old_layers = await _layers_of(schedule_id)
        before = schedule_record(row, old_layers)
        for key in ("name", "description", "timezone"):
            if data.get(key) is not None:
                setattr(row, key, data[key])
        now = utcnow()
        if data.get("notices") is not None:
            row.notices = _notices_json(data["notices"], row.notices or [], channels, now)
        row.notices_plan_at = now if row.notices or row.notices_plan_at else None
        zone = ZoneInfo(row.timezone)
        layers = old_layers
        if data.get("layers") is not None:
            layers = _layer_rows(data["layers"], zone)
            await Layer.filter(schedule_id=schedule_id).delete()
            await _save_layers(row, layers)
        else:
            _check_layers(layers, zone)
        row.updated_at = now
        row.version += 1
        await row.save()
        after = schedule_record(row, layers)
        await audit.record(connection, "schedule", schedule_id, "update", before=before, after=after, actor=actor)


async def delete(schedule_id: str, *, actor: str) -> None:
    """Remove a schedule (its overrides and calendar subscriptions go with it: one entry, for the schedule)."""
    async with in_transaction() as connection:
        row = await Schedule.select_for_update().get_or_none(id=schedule_id)
        if row is None:
            raise NotFound("schedule", schedule_id)
        await refuse_if_targeted("schedule", schedule_id)
        before = schedule_record(row, await _layers_of(schedule_id))
        await row.delete()
        await audit.record(connection, "schedule", schedule_id, "delete", before=before, after=None, actor=actor)


def _notices_json(
    notices: list[dict[str, Any]], old: list[dict[str, Any]], channels: Collection[str], now: datetime
) -> list[dict[str, Any]]:
    """The notices as stored, each with the instant it was configured: a notice equal to the one at its
    index before keeps that one's instant (only shifts starting after it get the notice), any other is new."""
    stored = []
    for i, notice in enumerate(notices):
        channel = None if notice.get("oncall_contacts") else notice["channel"]
        if channel is not None and channel not in channels:
            raise Invalid(f"notices[{i}].channel", f"no channel {channel!r} in plugins.toml")
        item = {"channel": channel, "minutes_before": notice["minutes_before"]}
        before = old[i] if i < len(old) else None
        same = before is not None and all(before[key] == value for key, value in item.items())
        stored.append({**item, "configured_at": before["configured_at"] if same else now.isoformat()})
    return stored


def written(value: datetime | None) -> str | None:
    """A request datetime as stored: naive stays wall-clock, aware becomes UTC with Z."""
    if value is None or value.tzinfo is None:
        return None if value is None else value.isoformat()
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _layer_rows(layers: list[dict[str, Any]], zone: ZoneInfo) -> list[Layer]:
    rows = []
    for i, data in enumerate(layers):
        rows.append(Layer(
            position=i,
            name=data.get("name") or f"layer-{i + 1}",
            users=list(data["users"]),
            rotation_unit=data["rotation"]["unit"],
            rotation_length=data["rotation"]["length"],
            start=written(data["start"]),
            end=written(data.get("end")),
            restrictions=[
                {"days": r.get("days"), "start": _clock(r["start"]), "end": _clock(r["end"])}
                for r in data.get("restrictions") or []
            ],
        ))
    _check_layers(rows, zone)
    return rows


def _check_layers(rows: list[Layer], zone: ZoneInfo) -> None:
    """Each layer's start and end must resolve, in `zone`, within range and in order."""
    for row in rows:
        field = f"layers[{row.position}]"
        layer = to_pure_layer(row, zone)
        for name, value in (("start", layer.start), ("end", layer.end)):
            if value is not None and not oncall.EARLIEST <= value < oncall.LATEST:
                raise Invalid(f"{field}.{name}", "must lie between years 1900 and 9000")
        if layer.end is not None and layer.end <= layer.start:
            raise Invalid(f"{field}.end", "must be after start")


def _clock(value: time) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


async def _save_layers(schedule: Schedule, rows: list[Layer]) -> None:
    for row in rows:
        row.schedule = schedule
    if rows:
        await Layer.bulk_create(rows)
