"""The engine's own loops (engine/runner.py), started and stopped as `serve` and `worker` run them, on the real clock
(SQLite and PostgreSQL); and the `delivery_attempted` observers, which never hold a result back."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

from nself_oncall import hookimpl
from nself_oncall.engine import Engine, EngineOptions
from nself_oncall.store import escalations

#: How long a test waits for the running engine to do what is due now (a bound on a wait, never a measurement).
PATIENCE = 30.0


async def eventually(check: Callable[[], Awaitable[bool]]) -> None:
    deadline = time.monotonic() + PATIENCE
    while not await check():
        assert time.monotonic() < deadline, f"not within {PATIENCE} s"
        await asyncio.sleep(0.02)


async def policy(api, contacts=("a1", "a2")) -> None:
    user = {"id": "alice", "contacts": [{"channel": "pager", "address": a} for a in contacts]}
    assert (await api.post("/api/v1/users", user))[0] == 201
    step = {"delay_minutes": 5, "targets": [{"type": "user", "id": "alice"}]}
    assert (await api.post("/api/v1/policies", {"id": "sre", "name": "SRE", "steps": [step]}))[0] == 201


def observer(name: str, registry, seen: list, release: asyncio.Event | None = None) -> None:
    """Register a `delivery_attempted` observer that waits for `release` (if given), then records the attempt."""

    class Observer:
        @hookimpl
        async def delivery_attempted(self, message, outcome):
            seen.append(("started", message.id))
            try:
                if release is not None:
                    await release.wait()
            finally:
                seen.append(("done", message.id, outcome.status))

    registry.plugin_manager.register(Observer(), name=name)


async def test_the_running_engine_pages_what_is_due_and_waits_for_its_observers_when_it_stops(
    app, api, db_url, recorder
):
    await policy(api)
    registry = app.app.extensions["notifiers"]
    seen: list = []
    observer("watcher", registry, seen)
    engine = Engine(db_url, registry, "https://oncall.example.com", EngineOptions(owner="runner-test"))
    engine.start()
    try:
        status, esc = await api.post("/api/v1/escalations", {"policy_id": "sre", "summary": "disk full"})
        assert status == 201
        engine.wake()  # as the API wakes the engine of its process

        async def sent() -> bool:
            notes = (await api.get(f"/api/v1/escalations/{esc['id']}"))[1]["notifications"]
            return [n["status"] for n in notes] == ["sent", "sent"]

        await eventually(sent)
    finally:
        await engine.stop()
    assert recorder.addresses() == ["a1", "a2"]
    assert sorted(s for s in seen if s[0] == "done") == sorted(("done", m.id, "sent") for m, _ in recorder.calls)


async def test_a_slow_observer_never_holds_a_result_back(app, api, engine, recorder):
    """The result is written while the observer still waits: an observer slower than the lease cannot make the
    message be sent again (it ran between the notifier call and the result, up to 5 s each)."""
    await policy(api, contacts=("a1",))
    release = asyncio.Event()
    seen: list = []
    observer("slow", app.app.extensions["notifiers"], seen, release)
    _, esc = await api.post("/api/v1/escalations", {"policy_id": "sre", "summary": "disk full"})
    await engine.escalate(datetime.fromisoformat(esc["created_at"]))
    runner = engine.engine
    handed = asyncio.Event()
    add = runner.results.add

    def handed_over(result):
        seen.append(("result", result.id))
        add(result)
        handed.set()

    runner.results.add = handed_over
    await runner.dispatch()
    await asyncio.wait_for(handed.wait(), PATIENCE)
    await runner.results.flush()
    [note] = (await escalations.get(esc["id"])).notifications
    assert note.status == "sent" and note.attempts == 1
    assert seen == [("result", note.id), ("started", note.id)]  # the observer still waits
    release.set()
    await runner.drain()  # the observers are tracked: drain (and stop) wait for them
    assert seen[-1] == ("done", note.id, "sent")


async def test_a_pass_that_fails_with_a_bug_is_logged_with_its_traceback_and_tried_again(app, db_url, caplog):
    """A database away is one line; anything else is a bug to find, so its line carries the traceback."""
    engine = Engine(db_url, app.app.extensions["notifiers"], "https://oncall.example.com", EngineOptions(owner="bug"))
    failed = []

    async def buggy() -> float:
        failed.append(1)
        raise RuntimeError("a bug in a pass")

    engine.escalate = buggy
    engine.start()
    try:
        await eventually(lambda: asyncio.sleep(0, len(failed) >= 2))  # tried again after the first failure
    finally:
        await engine.stop()
    [line, *_] = [r for r in caplog.records if "a bug in a pass" in r.getMessage()]
    assert line.levelname == "ERROR" and line.exc_info is not None and line.exc_info[0] is RuntimeError
