"""Instants in requests are RFC 3339 date-times: refused otherwise (400 in a query, 422 in a body), with the forms
the contract allows kept: no offset (wall-clock time in the schedule's zone), a fraction of a second, "z" and "t",
a space between date and time, and a "+" that arrived as a space in a query string."""

from __future__ import annotations

import pytest
from test_schedules import SEED

NOT_RFC_3339 = [
    "20260101T000000Z",  # ISO 8601's basic format
    "2026-01-01T00:00Z",  # no seconds
    "2026-01-01T00:00",
    "2026-01-01T00Z",
    "2026-01-01T00:00:00,5Z",  # a comma before the fraction
    "2026-01-01T00:00:00+0530",  # an offset without its colon
    "2026-01-01T00:00:00+05",
    "2026-W01-1T00:00:00Z",  # a week date
    "2026-001T00:00:00Z",  # an ordinal date
    "2026-01-01",
]


@pytest.mark.parametrize("at", NOT_RFC_3339)
async def test_a_query_instant_that_is_not_rfc_3339_is_a_400(api, at):
    await api.post("/api/v1/schedules", SEED)
    status, body = await api.get("/api/v1/schedules/my-schedule/oncall", query_string={"at": at})
    assert (status, body["error"]["code"]) == (400, "bad_request"), at
    assert body["error"]["details"] == [{"field": "at", "message": "must be an RFC 3339 date-time"}]


@pytest.mark.parametrize("start", NOT_RFC_3339)
async def test_a_body_instant_that_is_not_rfc_3339_is_a_422_and_stores_nothing(api, start):
    await api.post("/api/v1/schedules", SEED)
    override = {"schedule_id": "my-schedule", "user": "dave", "start": start, "end": "2026-01-02T00:00:00Z"}
    status, body = await api.post("/api/v1/overrides", override)
    assert (status, body["error"]["code"]) == (422, "validation_error"), start
    assert body["error"]["details"] == [{"field": "start", "message": "must be an RFC 3339 date-time"}]
    assert (await api.get("/api/v1/overrides"))[1]["items"] == []


@pytest.mark.parametrize(
    ("at", "instant"),
    [
        ("2024-03-18T14:00:00Z", "2024-03-18T14:00:00Z"),
        ("2024-03-18t14:00:00z", "2024-03-18T14:00:00Z"),
        ("2024-03-18 14:00:00Z", "2024-03-18T14:00:00Z"),
        ("2024-03-18T14:00:00.250Z", "2024-03-18T14:00:00.250000Z"),
        ("2024-03-18T10:00:00", "2024-03-18T14:00:00Z"),  # wall-clock time in New York (EDT)
        ("2024-03-18T19:30:00+05:30", "2024-03-18T14:00:00Z"),
        ("2024-03-18T19:30:00 05:30", "2024-03-18T14:00:00Z"),  # the "+" of an unencoded query string
    ],
)
async def test_the_forms_the_contract_allows_are_kept(api, at, instant):
    await api.post("/api/v1/schedules", SEED)
    status, body = await api.get("/api/v1/schedules/my-schedule/oncall", query_string={"at": at})
    assert (status, body["at"], body["user"]) == (200, instant, "bob"), at
