"""Start, wake and stop the engine: the escalator's, the notice planner's, the heartbeats', the dispatcher's and
retention's loops in this process.

Each loop sleeps until its next due time (a query tells it), looks at least once a second, and wakes at once when
work is added (engine/wakeups.py). Any number of engines can share one PostgreSQL; on SQLite one engine runs per
database file (engine/exclusive.py). Results of notifier calls are written by one writer (engine/results.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from ..clock import utcnow
from ..config import Settings
from ..keys import link_key
from ..metrics import EngineMetrics
from ..plugins import Attempt, Registry
from ..store import claims, heartbeats, notices, steps, transient
from ..store.cache import ScheduleCache
from ..store.wake import ESCALATIONS, NOTICES, NOTIFICATIONS
from . import retention
from .dispatcher import Dispatcher
from .escalator import Escalator
from .exclusive import sqlite_engine_lock
from .faults import FailPoints
from .heartbeats import Heartbeats
from .notices import Notices
from .results import ResultWriter
from .retention import Retention, RetentionOptions
from .retry import Retry
from .wakeups import Wakeups

log = logging.getLogger(__name__)

#: The longest an idle loop sleeps before it looks again.
IDLE = 1.0
#: After a database error a loop waits this long before it tries again.
BACKOFF = 0.5
#: A loop that found nothing more to do passes again no sooner than this after its pass ended, however soon it is
#: woken or its next work is due: under load, one pass takes what came meanwhile, instead of one pass (a query in
#: each engine) per escalation. The price is at most this much delay.
GATHER = 0.01


@dataclass(frozen=True)
class EngineOptions:
    retry: Retry = Retry()
    concurrency: int = 200
    escalation_batch: int = 50
    owner: str | None = None
    failpoints: FailPoints = FailPoints()
    link_key: bytes | None = field(default=None, repr=False)  # a secret: never in a log line
    retention: RetentionOptions = RetentionOptions()


class Engine:
    def __init__(
        self,
        database_url: str,
        registry: Registry,
        base_url: str,
        options: EngineOptions = EngineOptions(),
        clock: Callable[[], datetime] = utcnow,
        metrics: EngineMetrics | None = None,
    ):
        """`database_url`: where the engine's own session goes (LISTEN on PostgreSQL, with PgBouncer the server itself;
        the file lock on SQLite); its queries go through the ORM's connections. `metrics`: where to count deliveries
        and failures when this process serves /metrics (`serve`; a worker has no HTTP)."""
        self.database_url = database_url
        self.owner = options.owner or f"{socket.gethostname()}:{os.getpid()}"
        self.clock = clock
        self.faults = options.failpoints
        sender = secrets.token_hex(8)  # names this engine in its wake-up notifications
        self.wakeups = Wakeups(database_url, sender)
        cache = ScheduleCache()
        self.escalator = Escalator(cache, options.escalation_batch, sender, metrics)
        self.notices = Notices(cache, options.escalation_batch, sender, metrics)
        self.heartbeats = Heartbeats(options.escalation_batch)
        self.dispatcher = Dispatcher(
            registry, base_url, self.owner, options.retry, options.concurrency, metrics=metrics, link_key=options.link_key
        )
        self.results = ResultWriter(self.dispatcher.lease, self.faults, self._database_error)
        self.retention = Retention(options.retention)
        self._events = self.wakeups.events
        self._stopping = asyncio.Event()
        self._slot_free = asyncio.Event()
        self._refill = max(1, options.concurrency // 4)  # see _full
        self._in_flight: set[asyncio.Task[None]] = set()
        self._observing: set[asyncio.Task[None]] = set()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Work was added in this process: look now."""
        self.wakeups.wake()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._main(), name="engine")

    async def stop(self, grace: float = 30.0) -> None:
        """Stop claiming, let the notifier calls under way finish (up to `grace` seconds), write their results."""
        self._stopping.set()
        self.wake()
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), grace)
            except TimeoutError:
                log.warning("engine: %d notifier call(s) still running after %g s; their leases will run out",
                            len(self._in_flight), grace)
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
        log.info("engine stopped")

    async def _main(self) -> None:
        """Run until stopped; an unexpected error is logged and the engine starts again, since a process
        whose engine died would still answer its API while paging nobody."""
        while not self._stopping.is_set():
            try:
                await self._run()
            except Exception:
                log.exception("engine: unexpected error; starting again in %g s", IDLE)
                await self._sleep(self._stopping, IDLE)

    async def _run(self) -> None:
        async with sqlite_engine_lock(self.database_url, self._stopping, self._sleep), self.wakeups.listening():
            if self._stopping.is_set():
                return
            log.info("engine running as %s", self.owner)
            writer = asyncio.create_task(self.results.run(), name="engine-results")
            try:
                await asyncio.gather(
                    self._loop("escalator", ESCALATIONS, self.escalate),
                    self._loop("notice planner", NOTICES, self.notify_handoffs),
                    self._loop("heartbeats", None, self.expire_heartbeats),
                    self._loop("dispatcher", NOTIFICATIONS, self.dispatch, self._full),
                    self._loop("retention", None, self.retain),
                )
            finally:
                if self._in_flight:
                    log.info("engine stopping: waiting for %d notifier call(s)", len(self._in_flight))
                await self.drain()
                self.results.finish()
                await writer

    async def _loop(self, who: str, work: str | None, one_pass: Callable[[], Awaitable[float]],
                    full: Callable[[], bool] | None = None) -> None:
        """Run `one_pass` until stopped, sleeping as long as it says between passes (until woken for `work`, if
        any, or, while `full` says so, until a slot frees)."""
        event = self._events[work] if work is not None else asyncio.Event()
        while not self._stopping.is_set():
            event.clear()
            try:
                wait = await one_pass()
            except Exception as exc:
                wait = self._database_error(who, exc)
            if wait > 0:
                ended, slots = time.monotonic(), full is not None and full()
                await self._sleep(event, wait, self._slot_free if slots else None)
                if not slots:  # waiting for free slots gathers already
                    await self._sleep(self._stopping, ended + GATHER - time.monotonic())

    # One pass of each loop, at the clock's instant: what the loops run, and what the engine tests run at the
    # instants they choose (tests/engine/conftest.py). Each returns how long to wait before the next pass: 0 when
    # it did work (look again at once: for more, and at the next due times of what it just did).

    async def escalate(self) -> float:
        """Notify the steps due of up to a batch of escalations (engine/escalator.py)."""
        now = self.clock()
        due, next_at = await steps.step_times(now)
        if due and await self.escalator.run_once(now, self.dispatcher.concurrency - len(self._in_flight)):
            self._events[NOTIFICATIONS].set()
            return 0.0
        return self._until(next_at)

    async def notify_handoffs(self) -> float:
        """Plan handoff notices and write the due ones to the outbox (engine/notices.py). Schedule changes do not
        wake this loop: it looks at least every IDLE seconds, and a notice is about minutes, not seconds."""
        now = self.clock()
        plan_due, next_plan = await notices.plan_times(now)
        send_due, next_send = await notices.send_times(now)
        worked = plan_due and (await self.notices.plan(now)).schedules > 0
        if send_due:
            sent = await self.notices.send(now)
            if sent.sent:
                self._events[NOTIFICATIONS].set()
            worked = worked or bool(sent.sent or sent.dropped or sent.retimed or sent.put_off)
        if worked:
            return 0.0
        return self._until(min((t for t in (next_plan, next_send) if t is not None), default=None))

    async def expire_heartbeats(self) -> float:
        """Trigger the escalations of heartbeats whose pings stopped (engine/heartbeats.py). Nothing wakes this loop:
        it sleeps until the next expiry, at most IDLE seconds, so an expiry set or moved by the API is seen within
        one."""
        now = self.clock()
        due, next_at = await heartbeats.expiry_times(now)
        if due and await self.heartbeats.run_once(now):
            self._events[ESCALATIONS].set()
            return 0.0
        return self._until(next_at)

    async def dispatch(self) -> float:
        """Claim what is ready, as many as there are free slots, and start sending each in a task of its own
        (its result goes to the result writer); `drain` waits for them."""
        self._slot_free.clear()
        if self._full():
            return IDLE
        dispatcher = self.dispatcher
        now = self.clock()
        ready, next_at = await claims.delivery_times(now)
        claimed = await dispatcher.claim(now, dispatcher.concurrency - len(self._in_flight)) if ready else []
        if claimed:
            self.faults.hit("after_claim")
        for c in claimed:
            self._in_flight.add(asyncio.create_task(self._send(c)))
        return IDLE if self._full() else self._until(next_at)

    @property
    def sending(self) -> int:
        """How many notifier calls are under way."""
        return len(self._in_flight)

    def _full(self) -> bool:
        """A dispatcher with all its slots taken claims again once a quarter of them are free, not as each one
        frees: a claim is a transaction, and one per notification cost more than the notifications."""
        return self.dispatcher.concurrency - len(self._in_flight) < self._refill

    async def retain(self) -> float:
        """Delete what is kept no longer (engine/retention.py): batch after batch while there is some, a short pause
        between two; then look again every retention.IDLE seconds. Nothing wakes this loop but stopping."""
        return retention.PAUSE if await self.retention.run_once(self.clock()) else retention.IDLE

    async def _send(self, claimed: claims.Claimed) -> None:
        try:
            result, attempt = await self.dispatcher.send(claimed, self.clock)
            self.faults.hit("after_send")
            self.results.add(result)
            self._observe(attempt)
        finally:
            self._in_flight.discard(asyncio.current_task())
            if not self._full():
                self._slot_free.set()

    def _observe(self, attempt: Attempt) -> None:
        """Tell the `delivery_attempted` observers, in the background: however long they take (up to their
        timeouts), the result is in the writer's hands already, well within its lease."""
        task = asyncio.create_task(self.dispatcher.observe(attempt))
        self._observing.add(task)
        task.add_done_callback(self._observing.discard)

    async def drain(self) -> None:
        """Wait for the notifier calls under way (their results go to the writer) and for their observers."""
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)
        if self._observing:
            await asyncio.gather(*self._observing, return_exceptions=True)

    def _until(self, next_at: datetime | None) -> float:
        """Seconds to sleep until `next_at`, the next due time after this pass's instant (at most IDLE).
        Work overdue at that instant but held by another engine is not waited on: that engine does it."""
        if next_at is None:
            return IDLE
        return min(IDLE, max(0.0, (next_at - self.clock()).total_seconds()))

    async def _sleep(self, event: asyncio.Event, seconds: float, other: asyncio.Event | None = None) -> None:
        if seconds <= 0 or event.is_set():
            return
        waits = [asyncio.ensure_future(e.wait()) for e in (event, self._stopping, other) if e is not None]
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waits:
                w.cancel()

    def _database_error(self, who: str, exc: Exception) -> float:
        """A pass that failed whole: one line when the database is away or busy (store.transient), else with the
        traceback, since that is a bug to find; either way the loop tries again after BACKOFF."""
        level = logging.WARNING if transient(exc) else logging.ERROR
        log.log(level, "engine %s: %s: %s; trying again in %g s", who, type(exc).__name__, exc, BACKOFF,
                exc_info=None if level == logging.WARNING else exc)
        return BACKOFF


def engine_options(settings: Settings) -> EngineOptions:
    """The engine's options from the settings (NSELF_ONCALL_DELIVERY_ATTEMPTS, NSELF_ONCALL_RETRY_SECONDS, the
    links' secret, NSELF_ONCALL_RETENTION_DAYS, NSELF_ONCALL_AUDIT_DAYS)."""
    return EngineOptions(
        retry=Retry(attempts=settings.delivery_attempts, base=settings.retry_seconds),
        failpoints=FailPoints(settings.failpoints),
        link_key=link_key(settings),
        retention=RetentionOptions(days=settings.retention_days, audit_days=settings.audit_days),
    )
