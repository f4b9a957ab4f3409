"""The engine process of `serve` (engine/process.py): started once, started again after a wait that grows while it
keeps failing, whether it cannot be started or ends at once, counted by /metrics when it does, and not asked by
/ready."""

from __future__ import annotations

import asyncio
import errno
import logging
import multiprocessing
import os
import re
import resource
import signal
import threading
from dataclasses import replace

import pytest

from apiclient import settings_for
from metrics_helpers import scrape
from nself_oncall.app import create_app
from nself_oncall.engine import engine_options
from nself_oncall.engine import process as engine_process
from nself_oncall.engine.process import EngineProcess
from nself_oncall.metrics import Metrics

RESTARTS = re.compile(r"(?:starting another|trying again) in ([\d.]+) s")


async def _until(condition, timeout: float = 60.0) -> None:
    """Wait until `condition()` holds (a spawned process takes a second or more to start on a busy machine)."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.05)


def _waits(caplog) -> list[float]:
    """The waits before each restart, as engine/process.py logged them."""
    return [float(m[1]) for r in caplog.records if (m := RESTARTS.search(r.getMessage()))]


def _engines() -> list[multiprocessing.process.BaseProcess]:
    """The engine processes this process started that still run."""
    return [p for p in multiprocessing.active_children() if p.name == "nself-oncall-engine"]


def _open_fds() -> set[int]:
    return {int(fd) for fd in os.listdir("/proc/self/fd")}


def _limit_to_two_more_fds() -> None:
    """RLIMIT_NOFILE such that one pipe can be opened and not two: the engine's second pipe fails with EMFILE, as
    in a process out of file descriptors. Three descriptors are left below the limit: the two lowest free ones,
    and the one the listing used (the lowest of all, free again once listed)."""
    used = _open_fds()
    free = [fd for fd in range(max(used) + 4) if fd not in used]
    resource.setrlimit(resource.RLIMIT_NOFILE, (free[2], resource.getrlimit(resource.RLIMIT_NOFILE)[1]))


def _restarts_counted(metrics: Metrics) -> dict[str, float]:
    return {reason: metrics.registry.get_sample_value("nself_oncall_engine_restarts_total", {"reason": reason})
            for reason in ("exited", "not_started")}


async def test_a_start_that_fails_is_logged_tried_again_later_and_leaks_no_pipe(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(engine_process, "RESTART", 0.2)
    settings = settings_for(f"sqlite://{tmp_path / 'oncall.db'}")
    metrics = Metrics()
    engine = EngineProcess(settings, engine_options(settings), metrics)
    assert _restarts_counted(metrics) == {"exited": 0, "not_started": 0}
    before = _open_fds()
    limit = resource.getrlimit(resource.RLIMIT_NOFILE)
    with caplog.at_level(logging.INFO, "nself_oncall.engine.process"):
        _limit_to_two_more_fds()
        try:
            engine.start()  # raised OSError out of a call_later callback before: lost, and no engine ever again
        finally:
            resource.setrlimit(resource.RLIMIT_NOFILE, limit)
        assert not engine.running and _open_fds() == before
        assert [r.getMessage() for r in caplog.records] == [
            "engine process could not be started (OSError: [Errno 24] Too many open files); trying again in 0.2 s"
        ]
        assert _restarts_counted(metrics) == {"exited": 0, "not_started": 1}
        try:
            await _until(lambda: engine.running)  # file descriptors are back: the next attempt starts it
        finally:
            await engine.stop()
    assert _waits(caplog) == [0.2]


#: The errors raised by the failing starts below, kept as a log handler that formats later, or a debugger, keeps
#: them: with its traceback, each keeps the frame of the start that failed, and whatever that frame holds.
_KEPT: list[BaseException] = []


def _fail(error: BaseException) -> None:
    _KEPT.append(error)
    raise error


class _NoThreadLeft(threading.Thread):
    def start(self) -> None:
        _fail(RuntimeError("can't start new thread"))


async def test_a_start_that_fails_closes_its_pipes_though_its_traceback_is_kept(tmp_path, monkeypatch):
    """Not left to the garbage collector, which cannot close them while the traceback lives."""
    monkeypatch.setattr(engine_process, "RESTART", 3600.0)
    settings = settings_for(f"sqlite://{tmp_path / 'oncall.db'}")
    engine = EngineProcess(settings, engine_options(settings), Metrics())
    before = _open_fds()
    with monkeypatch.context() as patched:  # no process left to be had
        patched.setattr(multiprocessing.context.SpawnProcess, "start",
                        lambda process: _fail(OSError(errno.EAGAIN, os.strerror(errno.EAGAIN))))
        engine.start()
    try:
        assert not engine.running and _KEPT[-1].__traceback__ is not None
        assert _open_fds() == before
    finally:
        await engine.stop()


async def test_a_process_started_without_its_counting_thread_is_not_left_running(tmp_path, monkeypatch, caplog):
    """Out of memory, the thread that receives the engine's counts cannot start after the process did: that process
    is killed, or the next attempt would make a second engine beside an untracked one; and nothing of it is left
    open, though the error's traceback is kept."""
    monkeypatch.setattr(engine_process, "RESTART", 0.2)
    settings = settings_for(f"sqlite://{tmp_path / 'oncall.db'}")
    engine = EngineProcess(settings, engine_options(settings), Metrics())
    before = _open_fds()
    with caplog.at_level(logging.INFO, "nself_oncall.engine.process"):
        with monkeypatch.context() as patched:
            patched.setattr(engine_process.threading, "Thread", _NoThreadLeft)
            engine.start()
        assert not engine.running and not _engines()
        assert _KEPT[-1].__traceback__ is not None and _open_fds() == before
        assert caplog.messages == [
            "engine process could not be started (RuntimeError: can't start new thread); trying again in 0.2 s"
        ]
        try:
            await _until(lambda: engine.running)
            assert len(_engines()) == 1
        finally:
            await engine.stop()


def _failing_at_start() -> EngineProcess:
    """An engine process that fails at start: its engine cannot open the database URL it is given."""
    settings = settings_for("sqlite://unused.db")
    return EngineProcess(replace(settings, database_url="nosuchdatabase://anywhere"), engine_options(settings), Metrics())


async def _restarts(engine: EngineProcess, caplog, count: int) -> list[float]:
    with caplog.at_level(logging.INFO, "nself_oncall.engine.process"):
        engine.start()
        try:
            await _until(lambda: len(_waits(caplog)) >= count, timeout=120)
        finally:
            await engine.stop()
    return _waits(caplog)[:count]


async def test_an_engine_that_ends_at_once_is_started_again_after_longer_and_longer_waits(monkeypatch, caplog):
    """Not every second for ever: each wait doubles, up to RESTART_MAX."""
    monkeypatch.setattr(engine_process, "RESTART", 0.1)
    monkeypatch.setattr(engine_process, "RESTART_MAX", 0.4)
    assert await _restarts(_failing_at_start(), caplog, 4) == [0.1, 0.2, 0.4, 0.4]
    assert "engine process exited with status 1; starting another in 0.1 s" in caplog.messages


async def test_an_engine_that_had_run_for_a_while_is_started_again_after_the_first_wait(monkeypatch, caplog):
    monkeypatch.setattr(engine_process, "RESTART", 0.1)
    monkeypatch.setattr(engine_process, "STEADY", 0.0)  # every process has run long enough
    assert await _restarts(_failing_at_start(), caplog, 3) == [0.1, 0.1, 0.1]


async def test_a_second_start_while_the_engine_runs_starts_no_second_engine(tmp_path):
    settings = settings_for(f"sqlite://{tmp_path / 'oncall.db'}")
    engine = EngineProcess(settings, engine_options(settings), Metrics())
    engine.start()
    try:
        engine.start()
        assert engine.running and len(_engines()) == 1
    finally:
        await engine.stop()


async def test_metrics_say_whether_the_engine_of_serve_runs_and_ready_does_not_ask(db_url, monkeypatch):
    """An engine that keeps crashing must not take the API (acknowledgements first) out of a load balancer's
    rotation: /ready stays 200, and /metrics shows the engine down and the restart."""
    monkeypatch.setattr(engine_process, "RESTART", 3600.0)  # once ended, it stays down for this test
    settings = settings_for(db_url)
    app = create_app(settings, engine=engine_options(settings))
    async with app.test_app() as running:
        client = running.test_client()
        engine = app.extensions["engine"]
        assert engine.running
        assert (await client.get("/ready")).status_code == 200
        got = await scrape(client)
        assert got.value("nself_oncall_engine_up") == 1
        assert got.families["nself_oncall_engine_restarts"].type == "counter"
        assert got.labels("nself_oncall_engine_restarts_total") == [{"reason": "exited"}, {"reason": "not_started"}]
        assert got.value("nself_oncall_engine_restarts_total", reason="exited") == 0
        spawned, = _engines()
        os.kill(spawned.pid, signal.SIGKILL)
        await _until(lambda: not engine.running)
        response = await client.get("/ready")
        assert response.status_code == 200 and await response.get_json() == {"status": "ok"}
        got = await scrape(client)
        assert got.value("nself_oncall_engine_up") == 0
        assert got.value("nself_oncall_engine_restarts_total", reason="exited") == 1
        assert got.value("nself_oncall_engine_restarts_total", reason="not_started") == 0


async def test_serve_api_only_has_no_engine_to_be_up(db_url):
    app = create_app(settings_for(db_url))
    async with app.test_app() as running:
        client = running.test_client()
        assert (await client.get("/ready")).status_code == 200
        got = await scrape(client)
        assert "nself_oncall_engine_up" not in got.families and "nself_oncall_engine_restarts" not in got.families


@pytest.fixture(autouse=True)
def _no_engine_left():
    yield
    _KEPT.clear()
    assert not _engines()
