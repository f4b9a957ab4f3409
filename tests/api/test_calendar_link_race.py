"""A calendar link made while its schedule is deleted: the insert breaks the foreign key, and the answer is the 404
of a schedule that is not there (not the 409 of an id taken). Only that IntegrityError becomes a 404.

The race is made deterministic: the schedule is deleted first, and the existence check before the insert answers
once what it answered an instant before the delete committed (on SQLite the two cannot interleave, since write
transactions begin IMMEDIATE; the insert still meets the foreign key the same way)."""

from __future__ import annotations

from ical_helpers import PRIMARY
from nself_oncall.models import Schedule
from nself_oncall.service import calendars


async def test_a_link_to_a_schedule_deleted_meanwhile_is_a_404_and_stores_nothing(api, monkeypatch):
    assert (await api.post("/api/v1/schedules", PRIMARY))[0] == 201
    assert (await api.delete("/api/v1/schedules/primary"))[0] == 204
    real, stale = Schedule.exists, iter([True])

    def exists(**filters):
        answer = next(stale, None)
        return real(**filters) if answer is None else _answer(answer)

    monkeypatch.setattr(Schedule, "exists", exists)
    status, body = await api.post("/api/v1/calendar-subscriptions", {"name": "mine", "schedule_id": "primary"})
    assert (status, body["error"]["code"], body["error"]["message"]) == (404, "not_found", "schedule 'primary' not found")
    assert next(stale, None) is None  # the stale answer was used
    assert (await api.get("/api/v1/calendar-subscriptions"))[1]["items"] == []


async def test_another_integrity_error_is_still_a_409(api, monkeypatch):
    assert (await api.post("/api/v1/schedules", PRIMARY))[0] == 201
    monkeypatch.setattr(calendars, "token_hash", lambda token: "0" * 64)  # two links, one hash: the unique index
    assert (await api.post("/api/v1/calendar-subscriptions", {"name": "a", "schedule_id": "primary"}))[0] == 201
    status, body = await api.post("/api/v1/calendar-subscriptions", {"name": "b", "schedule_id": "primary"})
    assert (status, body["error"]["code"]) == (409, "conflict")


async def _answer(value: bool) -> bool:
    return value
