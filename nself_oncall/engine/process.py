"""The escalation engine as a process of its own: the `worker` command's, and the one `serve` starts beside its API.

`serve` used to run the engine on the API's event loop, where any request that held the loop (a large body to
check, a big calendar to write) held every due page back with it, by 15 s and more. A thread of its own was not
enough: beside heavy requests (bench/pager_under_load.py), pages came 1.2 s (PostgreSQL) and 2.1 s (SQLite) late
at the median, up to 3.3 s, the engine waiting for the GIL at each of its many small steps. In a process of its
own they came 12 ms late at the median (27 ms at worst) on PostgreSQL, as on an idle server, and 10 ms (111 ms)
on SQLite, where the API's transactions still share the one write lock. So `serve` starts its engine as a child
process (multiprocessing's spawn, with the same settings), and:

- wakes it when a request added work (one byte down a pipe; the pipe's end also tells the child that `serve` is
  gone, and it stops);
- counts what it counts (deliveries, failures) in the app's /metrics (the child sends each count up a pipe);
- stops it on SIGTERM or SIGINT, the engine finishing its notifier calls and writing their results, and waits;
- starts another when it ends without being asked to (a crash, an out-of-memory kill, a crash test's fail point),
  or when it cannot be started (no file descriptor or memory left), after a wait that doubles with each failure,
  and counts each time (`nself_oncall_engine_restarts_total`: an engine that keeps crashing after a while shows
  `nself_oncall_engine_up` 1 most of the time);
- stops starting any once `serve` is stopping, from `serve`'s own signal handling on (see EngineProcess.stopping).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from prometheus_client import Counter, Gauge

from .. import logs, loop
from ..config import Settings
from ..metrics import PREFIX, Metrics
from ..plugins import Registry, build_registry
from ..signals import on_stop_signal
from ..store.database import close_database, open_database
from . import counts
from .runner import Engine, EngineOptions

log = logging.getLogger(__name__)

#: Seconds before an engine process that ended, or could not be started, is started again; each next failure
#: doubles the wait, up to RESTART_MAX: an engine that fails at start is not started every second for ever.
RESTART = 1.0
RESTART_MAX = 60.0
#: An engine process that ran this long was up: if it ends, the wait is RESTART again.
STEADY = 60.0
#: How long `serve` waits for its engine process to stop (the engine's own grace for notifier calls is 30 s).
STOP_WAIT = 40.0
#: The `reason` label of nself_oncall_engine_restarts_total: the process ended without being asked to, or could
#: not be started.
EXITED, NOT_STARTED = "exited", "not_started"


async def run_engine(
    settings: Settings, registry: Registry, options: EngineOptions, metrics: Any = None,
    wakes: Connection | None = None,
) -> None:
    """Run an engine in this process until SIGTERM or SIGINT (or until `wakes`, the pipe `serve` wakes it
    through, is closed), then stop it gracefully. `metrics`: where it counts (EngineMetrics, or what sends the
    counts to `serve`); a worker has none."""
    await open_database(settings.database_url, settings.pooled)
    engine = Engine(settings.session_url, registry, settings.base_url, options, metrics=metrics)
    stop = asyncio.Event()
    try:
        engine.start()
        on_stop_signal(stop.set)
        if wakes is not None:
            asyncio.get_running_loop().add_reader(wakes.fileno(), _woken, wakes, engine, stop)
        await stop.wait()
        log.info("stopping: finishing the notifier calls under way")
        await engine.stop()
    finally:
        await registry.close()
        await close_database()


def _woken(wakes: Connection, engine: Engine, stop: asyncio.Event) -> None:
    try:
        woken = os.read(wakes.fileno(), 4096)
    except BlockingIOError:
        return
    if woken:
        engine.wake()
    else:  # serve's end is closed: serve is gone
        asyncio.get_running_loop().remove_reader(wakes.fileno())
        stop.set()


class EngineProcess:
    """The engine of `serve`, in a child process, started again when it ends without being asked to, or when it
    cannot be started at all, after a wait that doubles with each failure (RESTART, then twice as long, up to
    RESTART_MAX; RESTART again once a process has run for STEADY seconds). `nself_oncall_engine_up` tells whether it
    runs, `nself_oncall_engine_restarts_total` how often it had to be started again. /ready does not ask: the API
    answers (acknowledgements above all) without an engine, and what is written meanwhile is paged once one runs."""

    def __init__(self, settings: Settings, options: EngineOptions, metrics: Metrics):
        self._settings, self._options, self._counts = settings, options, metrics.engine
        self._process: BaseProcess | None = None
        self._wakes: Connection | None = None
        self._ended: asyncio.Future[None] | None = None
        self._stopping = False
        self._retry: asyncio.TimerHandle | None = None
        self._wait = RESTART
        self._started = 0.0
        Gauge(
            f"{PREFIX}_engine_up", "1 while the engine process of this serve runs, 0 while it does not (it ended or "
            "could not be started, and is started again after a wait)", registry=metrics.registry,
        ).set_function(lambda: int(self.running))
        self._restarts = Counter(
            f"{PREFIX}_engine_restarts_total", "Times the engine process of this serve had to be started again, by "
            f"reason: {EXITED} (it ended without being asked to) or {NOT_STARTED} (it could not be started)",
            ("reason",), registry=metrics.registry,
        )
        for reason in (EXITED, NOT_STARTED):
            self._restarts.labels(reason)

    @property
    def running(self) -> bool:
        """Whether the engine process runs: from its start until `serve` sees it end."""
        return self._process is not None

    def start(self) -> None:
        """Start the engine process, unless one runs (a second would page every due escalation twice, and go
        untracked). When it cannot be started (no file descriptor or no memory left), say why and try again later:
        an error raised here would be lost, leaving `serve` without an engine for good."""
        if self._retry is not None:  # a start called while one waits: that one is not needed any more
            self._retry.cancel()
            self._retry = None
        if self._stopping or self.running:
            return
        try:
            self._spawn()
        except Exception as exc:  # OSError (EMFILE, ENOMEM, EAGAIN) or whatever else multiprocessing raises
            self._again(NOT_STARTED, logging.ERROR,
                        f"engine process could not be started ({type(exc).__name__}: {exc})", "trying again")

    def wake(self) -> None:
        """Work was added in this process: the engine looks now."""
        if self._wakes is not None:
            with contextlib.suppress(BlockingIOError, BrokenPipeError, OSError):  # a wake is pending, or no engine
                os.write(self._wakes.fileno(), b"w")

    def stopping(self) -> None:
        """`serve` is stopping: start no engine process from now on. Called from `serve`'s own handling of SIGTERM
        and SIGINT, before Hypercorn's graceful shutdown: the same signal often stops the engine process too
        (systemd signals the whole cgroup, a terminal the whole process group), and that shutdown can last longer
        than the wait before a restart."""
        self._stopping = True
        if self._retry is not None:
            self._retry.cancel()
            self._retry = None

    async def stop(self) -> None:
        """SIGTERM the engine process and wait until it has stopped (SIGKILL after STOP_WAIT seconds)."""
        self.stopping()
        process = self._process
        if process is None or self._ended is None:
            return
        process.terminate()
        try:
            await asyncio.wait_for(asyncio.shield(self._ended), STOP_WAIT)
        except TimeoutError:
            log.warning("engine process still running after %g s: killing it", STOP_WAIT)
            process.kill()
            await self._ended

    def _spawn(self) -> None:
        context = multiprocessing.get_context("spawn")  # not fork: this process has threads
        # Every pipe end is closed at once if this start fails, not left to the garbage collector: a traceback that
        # is kept (by a log handler, a debugger) keeps this frame, and every end in it, open.
        with contextlib.ExitStack() as opened:
            wake_reader, wake_writer = _pipe(context, opened)
            count_reader, count_writer = _pipe(context, opened)
            process = context.Process(
                target=_child, args=(self._settings, self._options, wake_reader, count_writer),
                name="nself-oncall-engine", daemon=True,
            )
            process.start()
            try:
                threading.Thread(target=counts.receive, args=(count_reader, self._counts),
                                 name="nself-oncall-engine-counts", daemon=True).start()
            except BaseException:  # no thread left to be had: no engine either, or the next attempt would make two
                process.kill()
                process.join()
                process.close()  # and its sentinel's descriptors
                raise
            opened.pop_all()
        wake_reader.close()  # the child's ends: it has its own
        count_writer.close()
        os.set_blocking(wake_writer.fileno(), False)
        self._process, self._wakes, self._started = process, wake_writer, time.monotonic()
        self._ended = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().add_reader(process.sentinel, self._exited)

    def _exited(self) -> None:
        process, self._process = self._process, None
        asyncio.get_running_loop().remove_reader(process.sentinel)
        process.join()
        if self._wakes is not None:
            self._wakes.close()
            self._wakes = None
        if self._ended is not None and not self._ended.done():
            self._ended.set_result(None)
        if self._stopping:
            return
        if time.monotonic() - self._started >= STEADY:
            self._wait = RESTART
        # A signal to the engine process alone stops it gracefully (status 0); serve without an engine would answer
        # while paging nobody.
        level = logging.WARNING if process.exitcode == 0 else logging.ERROR
        self._again(EXITED, level, f"engine process exited with status {process.exitcode}", "starting another")

    def _again(self, reason: str, level: int, what: str, then: str) -> None:
        """Count a restart for `reason`, log `what` happened (once per attempt), then call start after the wait,
        doubled for the next time."""
        self._restarts.labels(reason).inc()
        wait, self._wait = self._wait, min(self._wait * 2, RESTART_MAX)
        log.log(level, "%s; %s in %g s", what, then, wait)
        self._retry = asyncio.get_running_loop().call_later(wait, self.start)


def _pipe(context: Any, opened: contextlib.ExitStack) -> tuple[Connection, Connection]:
    """A one-way pipe (reader, writer), each end closed by `opened` unless it is emptied."""
    reader, writer = context.Pipe(duplex=False)
    opened.callback(reader.close)
    opened.callback(writer.close)
    return reader, writer


def _child(settings: Settings, options: EngineOptions, wakes: Connection, counted: Connection) -> None:
    """The engine process: what `worker` runs, woken by `serve` and counting into its metrics."""
    logs.configure(settings.log_format)
    metrics = counts.ForwardedMetrics(counted)
    try:
        loop.run(run_engine(settings, _registry_again(settings), options, metrics, wakes))
    finally:
        metrics.close()


def _registry_again(settings: Settings) -> Registry:
    """The notifiers and channels, loaded as `serve` loaded them already (and reported what it found)."""
    reports = logging.getLogger("nself_oncall.plugins")
    level = reports.level
    reports.setLevel(logging.ERROR)
    try:
        return build_registry(settings)
    finally:
        reports.setLevel(level)
