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
  after RESTART seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import queue
import threading
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from tortoise import Tortoise

from . import logs
from .config import Settings, tortoise_config
from .engine import Engine, EngineOptions
from .metrics import EngineMetrics
from .plugins import Registry, build_registry
from .signals import on_stop_signal

log = logging.getLogger(__name__)

#: Seconds before an engine process that died is started again.
RESTART = 1.0
#: How long `serve` waits for its engine process to stop (the engine's own grace for notifier calls is 30 s).
STOP_WAIT = 40.0


async def run_engine(
    settings: Settings, registry: Registry, options: EngineOptions, metrics: Any = None,
    wakes: Connection | None = None,
) -> None:
    """Run an engine in this process until SIGTERM or SIGINT (or until `wakes`, the pipe `serve` wakes it
    through, is closed), then stop it gracefully. `metrics`: where it counts (EngineMetrics, or what sends the
    counts to `serve`); a worker has none."""
    await Tortoise.init(config=tortoise_config(settings.database_url), _enable_global_fallback=True)
    engine = Engine(settings.database_url, registry, settings.base_url, options, metrics=metrics)
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
        await Tortoise.close_connections()


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
    """The engine of `serve`, in a child process, started again when it dies."""

    def __init__(self, settings: Settings, options: EngineOptions, metrics: EngineMetrics):
        self._settings, self._options, self._metrics = settings, options, metrics
        self._process: BaseProcess | None = None
        self._wakes: Connection | None = None
        self._stopping = False
        self._ended: asyncio.Future[None] | None = None

    def start(self) -> None:
        context = multiprocessing.get_context("spawn")  # not fork: this process has threads
        wake_reader, wake_writer = context.Pipe(duplex=False)
        count_reader, count_writer = context.Pipe(duplex=False)
        process = context.Process(
            target=_child, args=(self._settings, self._options, wake_reader, count_writer),
            name="nself-oncall-engine", daemon=True,
        )
        process.start()
        wake_reader.close()
        count_writer.close()
        os.set_blocking(wake_writer.fileno(), False)
        self._process, self._wakes = process, wake_writer
        self._ended = asyncio.get_running_loop().create_future()
        threading.Thread(target=_count, args=(count_reader, self._metrics), name="nself-oncall-engine-counts",
                         daemon=True).start()
        asyncio.get_running_loop().add_reader(process.sentinel, self._exited)

    def wake(self) -> None:
        """Work was added in this process: the engine looks now."""
        if self._wakes is not None:
            with contextlib.suppress(BlockingIOError, BrokenPipeError, OSError):  # a wake is pending, or no engine
                os.write(self._wakes.fileno(), b"w")

    async def stop(self) -> None:
        """SIGTERM the engine process and wait until it has stopped (SIGKILL after STOP_WAIT seconds)."""
        self._stopping = True
        if self._process is None or self._ended is None:
            return
        if self._process.is_alive():
            self._process.terminate()
        try:
            await asyncio.wait_for(asyncio.shield(self._ended), STOP_WAIT)
        except TimeoutError:
            log.warning("engine process still running after %g s: killing it", STOP_WAIT)
            self._process.kill()
            await self._ended

    def _exited(self) -> None:
        process = self._process
        asyncio.get_running_loop().remove_reader(process.sentinel)
        process.join()
        if self._wakes is not None:
            self._wakes.close()
            self._wakes = None
        if self._ended is not None and not self._ended.done():
            self._ended.set_result(None)
        if self._stopping:
            return
        # A signal to the engine process alone stops it gracefully (status 0); serve without an engine would answer
        # while paging nobody. When serve is signalled too (a terminal's Ctrl+C, systemd's whole cgroup), it is
        # stopping before RESTART has passed.
        level = logging.WARNING if process.exitcode == 0 else logging.ERROR
        log.log(level, "engine process exited with status %s; starting another in %g s", process.exitcode, RESTART)
        asyncio.get_running_loop().call_later(RESTART, self._restart)

    def _restart(self) -> None:
        if not self._stopping:
            self.start()


def _child(settings: Settings, options: EngineOptions, wakes: Connection, counts: Connection) -> None:
    """The engine process: what `worker` runs, woken by `serve` and counting into its metrics."""
    logs.configure(settings.log_format)
    metrics = _ForwardedMetrics(counts)
    try:
        asyncio.run(run_engine(settings, _registry_again(settings), options, metrics, wakes))
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


class _ForwardedMetrics:
    """EngineMetrics as the engine counts into it (`metrics.attempts.labels(...).inc()`, `.observe(...)`), sent to
    `serve`'s process by a thread of its own, so that a slow reader never holds the engine up."""

    def __init__(self, counts: Connection):
        self._queue: queue.SimpleQueue[tuple[str, tuple[str, ...], str, float] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._send, args=(counts,), name="nself-oncall-counts", daemon=True)
        self._thread.start()

    def __getattr__(self, name: str) -> _Metric:
        return _Metric(name, self._queue)

    def close(self) -> None:
        """Send what is counted, then close the pipe."""
        self._queue.put(None)
        self._thread.join(5)

    def _send(self, counts: Connection) -> None:
        with counts:
            while (count := self._queue.get()) is not None:
                try:
                    counts.send(count)
                except OSError:  # serve is gone
                    return


class _Metric:
    def __init__(self, name: str, counts: queue.SimpleQueue, labels: tuple[str, ...] = ()):
        self._name, self._counts, self._labels = name, counts, labels

    def labels(self, *labels: str) -> _Metric:
        return _Metric(self._name, self._counts, labels)

    def inc(self, amount: float = 1.0) -> None:
        self._counts.put((self._name, self._labels, "inc", amount))

    def observe(self, value: float) -> None:
        self._counts.put((self._name, self._labels, "observe", value))


def _count(counts: Connection, metrics: EngineMetrics) -> None:
    """In `serve`'s process: add what its engine process counted to the app's metrics."""
    with counts:
        while True:
            try:
                name, labels, method, value = counts.recv()
            except (EOFError, OSError):
                return
            getattr(getattr(metrics, name).labels(*labels), method)(value)
