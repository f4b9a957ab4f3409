"""A /shifts answer too large to compute at once is refused up front with a 422 naming the limit."""

from __future__ import annotations

from nself_oncall.oncall import MAX_RENDER_COST


def _heavy_schedule(layers: int = 20, windows: int = 24) -> dict:
    """Hourly layers whose half-hour windows sit at different offsets, so lower layers show through."""
    step = 24 * 60 // windows
    return {
        "id": "heavy",
        "name": "Heavy",
        "timezone": "America/New_York",
        "layers": [
            {
                "name": f"l{i}",
                "users": [f"u{i}-{u}" for u in range(3 + i % 3)],
                "rotation": {"unit": "hour"},
                "start": f"2024-01-01T00:{(7 * i) % 60:02d}:00",
                "restrictions": [
                    {"start": _clock(w * step + (11 * i) % step), "end": _clock(w * step + (11 * i) % step + step // 2)}
                    for w in range(windows)
                ],
            }
            for i in range(layers)
        ],
    }


def _clock(minutes: int) -> str:
    minutes %= 24 * 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


async def test_a_range_over_the_render_limit_is_422_and_a_shorter_one_answers(api):
    status, body = await api.post("/api/v1/schedules", _heavy_schedule())
    assert status == 201, body
    query = {"since": "2024-02-01T00:00:00Z", "until": "2025-03-01T00:00:00Z"}
    status, body = await api.get("/api/v1/schedules/heavy/shifts", query_string=query)
    assert status == 422
    assert body["error"]["details"][0]["field"] == "until"
    assert f"{MAX_RENDER_COST:,}" in body["error"]["message"]
    status, body = await api.get(
        "/api/v1/schedules/heavy/shifts", query_string={"since": "2024-02-01T00:00:00Z", "until": "2024-02-15T00:00:00Z"}
    )
    assert status == 200 and len(body["items"]) > 1000


async def test_a_plain_schedule_answers_the_longest_range(api):
    schedule = {"id": "plain", "name": "Plain", "layers": [
        {"users": ["a", "b"], "rotation": {"unit": "hour"}, "start": "2024-01-01T00:00:00Z"}]}
    assert (await api.post("/api/v1/schedules", schedule))[0] == 201
    query = {"since": "2024-02-01T00:00:00Z", "until": "2025-03-07T00:00:00Z"}
    status, body = await api.get("/api/v1/schedules/plain/shifts", query_string=query)
    assert status == 200 and len(body["items"]) == 400 * 24


def test_the_reference_states_the_limit():
    from pathlib import Path

    reference = (Path(__file__).parents[2] / "docs" / "api.md").read_text()
    assert f"over {MAX_RENDER_COST:,} " in reference
