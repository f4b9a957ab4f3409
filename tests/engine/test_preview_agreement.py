"""The policy preview and the engine agree: for random-ish policies, trigger at t, run the engine pass by pass
through the last repeat, and compare every message it made with the preview at t (SQLite and PostgreSQL)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from nself_oncall.models import Notification
from nself_oncall.plugins import ChannelState

# pigeon's notifier (carrier-pigeon) is not installed; "old" is taken out of the configuration after the users are made
CHANNELS = ("pager", "team", "pigeon", "old")
ZONES = ("America/New_York", "Australia/Sydney", "Europe/London")  # DST in both directions
PEOPLE = ("ann", "bob", "cat", "dan", "eve")
GHOST = "ghost"  # on call in schedules, without a user record


def z(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def create(api, path, body):
    status, made = await api.post(path, body)
    assert status == 201, made
    return made


async def make_users(api, rng, registry):
    """0..3 contacts each (cat has none), on the recorder's channels, on pigeon, and on a channel then removed; ann
    and bob with notification rules (delays of minutes, and of days, past later steps)."""
    registry.channels["old"] = ChannelState("old", "recorder", 5.0, {})
    for name in PEOPLE:
        count = 0 if name == "cat" else rng.randint(1, 3)
        contacts = [{"channel": {"dan": "pigeon", "eve": "old"}.get(name, rng.choice(CHANNELS)) if j == 0
                     else rng.choice(CHANNELS), "address": f"{name}-{j}"} for j in range(count)]
        pairs = {(rng.randrange(count), rng.choice([0, 0.5, rng.randint(1, 120), 1440]))
                 for _ in range(rng.randint(1, 4) if name in ("ann", "bob") else 0)}
        rules = [{"contact": c, "delay_minutes": d} for c, d in sorted(pairs)]
        await create(api, "/api/v1/users", {"id": name, "contacts": contacts, "notification_rules": rules})
    del registry.channels["old"]


async def make_schedules(api, rng, now):
    """Three schedules in DST zones, with restrictions (gaps) and overrides around the early steps. At the
    trigger, s0 has an override for a user without a record, and s2 has not started (a gap)."""
    for i, zone in enumerate(ZONES):
        users = rng.sample([*PEOPLE, GHOST], rng.randint(2, 4))
        start = (now + timedelta(days=30)).astimezone(ZoneInfo(zone)) if i == 2 else datetime(2026, 1, 1, 8, 30)
        layers = [{"users": users, "rotation": {"unit": rng.choice(["hour", "day", "week"]), "length": rng.randint(1, 3)},
                   "start": start.replace(tzinfo=None).isoformat(timespec="seconds"),
                   "restrictions": [{"days": rng.sample(["mon", "tue", "wed", "thu", "fri", "sat", "sun"], 4),
                                     "start": f"{rng.randint(0, 12):02d}:00", "end": f"{rng.randint(13, 23):02d}:30"}]}]
        if i == 1:  # a second layer over the first at night, wrapping past midnight
            layers.append({"users": [rng.choice(PEOPLE)], "rotation": {"unit": "day"}, "start": "2026-02-01T00:00:00",
                           "restrictions": [{"start": "22:00", "end": "02:00"}]})
        await create(api, "/api/v1/schedules", {"id": f"s{i}", "name": f"S{i}", "timezone": zone, "layers": layers})
        for _ in range(2):
            start = now + timedelta(minutes=rng.randint(1, 300), days=31 if i == 2 else 0)
            await override(api, f"s{i}", rng.choice([*PEOPLE, GHOST]), start, timedelta(minutes=rng.randint(5, 600)))
    await override(api, "s0", GHOST, now - timedelta(hours=1), timedelta(hours=2))


async def override(api, schedule_id, user, start, length):
    await create(api, "/api/v1/overrides", {"schedule_id": schedule_id, "user": user, "start": z(start),
                                            "end": z(start + length)})


def random_policy(rng):
    """Every schedule, some users and channels (pigeon included) over 2-4 steps; minutes, hours or months
    apart (months cross DST changes), repeated 0-2 times."""
    must = [{"type": "schedule", "id": "s1"}, {"type": "channel", "id": "pigeon"}, {"type": "user", "id": "cat"},
            {"type": "user", "id": "dan"}, {"type": "user", "id": "eve"}, {"type": "user", "id": "ann"}]
    steps = [{"delay_minutes": rng.choice([rng.randint(1, 90), rng.uniform(0.5, 30), rng.randint(20, 90) * 1440]),
              "targets": []} for _ in range(rng.randint(2, 4))]
    extra = [{"type": rng.choice(["user", "channel", "schedule"]), "id": ""} for _ in range(rng.randint(0, 5))]
    for target in extra:
        target["id"] = {"user": rng.choice(PEOPLE), "channel": rng.choice(CHANNELS[:3]), "schedule": f"s{rng.randrange(3)}"}[
            target["type"]]
    for target in rng.sample(must + extra, len(must + extra)):
        rng.choice(steps)["targets"].append(target)
    steps[0]["targets"][rng.randint(0, len(steps[0]["targets"])):0] = [{"type": "schedule", "id": "s0"}]
    steps[0]["targets"].append({"type": "schedule", "id": "s2"})
    for step in steps:
        step["targets"] = step["targets"] or [{"type": "channel", "id": "team"}]
    return {"id": "sre", "name": "SRE", "repeat": rng.randint(0, 2), "steps": steps}


async def run_through(api, engine, esc_id, t):
    """The engine at every due instant the escalation names, until no step is left."""
    passes = 0
    while t is not None:
        await engine.run(t)
        _, got = await api.get(f"/api/v1/escalations/{esc_id}")
        t = None if got["next_step_at"] is None else datetime.fromisoformat(got["next_step_at"])
        passes += 1
    await engine.dispatch(max(datetime.fromisoformat(n["due_at"]) for n in got["notifications"]) + timedelta(minutes=1))
    _, got = await api.get(f"/api/v1/escalations/{esc_id}")
    return got, passes


async def engine_messages(got, recorder):
    """What the engine did, as the preview says it: the status at the end, and the address each message had."""
    stored = dict(await Notification.filter(escalation_id=got["id"]).values_list("id", "address"))
    received = {message.id: contact.address for message, contact in recorder.calls}
    assert all(stored[i] == address for i, address in received.items())
    status = {"sent": "would_send", "undeliverable": "undeliverable"}
    in_due_order = sorted(got["notifications"], key=lambda n: n["due_at"])  # stable: the policy's order within
    return [(n["loop"], n["step"], n["due_at"], n["target"], n["user"], n["channel"], n["rule"], stored[n["id"]],
             status[n["status"]], n["error"]) for n in in_due_order]


def preview_messages(preview):
    keys = ("loop", "step", "due_at", "target", "user", "channel", "rule", "address", "status", "reason")
    return [tuple(item[k] for k in keys) for item in preview["items"]]


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_the_preview_at_t_is_what_the_engine_sends_for_a_trigger_at_t(app, api, engine, seed):
    rng = random.Random(seed)
    now = datetime.now(UTC)
    await make_users(api, rng, app.app.extensions["notifiers"])
    await make_schedules(api, rng, now)
    policy = await create(api, "/api/v1/policies", random_policy(rng))
    esc = await create(api, "/api/v1/escalations", {"policy_id": "sre", "summary": f"seed {seed}"})
    status, preview = await api.get(f"/api/v1/policies/sre/preview?at={esc['created_at']}")
    assert status == 200, preview
    assert (preview["policy_id"], preview["at"]) == ("sre", esc["created_at"])

    got, passes = await run_through(api, engine, esc["id"], datetime.fromisoformat(esc["created_at"]))
    assert passes >= len(policy["steps"]) * (policy["repeat"] + 1)  # the engine went through the last repeat
    assert await engine_messages(got, engine.recorder) == preview_messages(preview)
    assert any(item["rule"] is not None for item in preview["items"])

    reasons = {item["reason"] for item in preview["items"]}
    assert {"nobody on call", "user 'ghost' does not exist", "notifier 'carrier-pigeon' is not installed",
            "user 'cat' has no contact methods", "no channel named 'old' in plugins.toml"} <= reasons
    assert any(item["status"] == "would_send" for item in preview["items"])

