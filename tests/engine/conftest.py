"""An app on SQLite and PostgreSQL with a recording notifier, and the engine driven by a test clock.

The engine's loops run pass by pass (`engine.escalate(at)`, `engine.notify(at)`, `engine.dispatch(at)`), so each
test decides exactly what time it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import pytest

from apiclient import Api, settings_for
from nself_oncall import Contact, Message, Notifier, Sent
from nself_oncall.app import create_app
from nself_oncall.config import Channel
from nself_oncall.engine import Engine, EngineOptions
from nself_oncall.engine.retry import Retry
from nself_oncall.keys import link_key
from nself_oncall.migrate import apply_migrations
from nself_oncall.plugins import ChannelState

T0 = datetime(2026, 3, 8, 9, 0, tzinfo=UTC)


@dataclass
class Recorder(Notifier):
    """Records every call; `fail` maps an address to the error to raise (or a callable deciding)."""

    name = "recorder"
    calls: list[tuple[Message, Contact]] = field(default_factory=list)
    fail: dict[str, Exception] = field(default_factory=dict)

    async def send(self, message: Message, contact: Contact, settings, *, timeout: float) -> Sent:
        self.calls.append((message, contact))
        error = self.fail.get(contact.address or contact.channel)
        if error is not None:
            raise error
        return Sent(provider_id=f"rec-{len(self.calls)}")

    def addresses(self) -> list[str | None]:
        return [c.address or f"#{c.channel}" for _, c in self.calls]


class TestEngine:
    """The engine of one app (engine/runner.py's `Engine`, not started), run pass by pass at instants the test gives.

    Each method runs the passes that the engine's loops run, the same functions, until one finds nothing more to do
    at that instant: the loops themselves only add the sleeping between passes and the waking, which
    tests/engine/test_runner.py runs on the real clock. Driving time by hand is what lets a test say "five minutes
    later" without waiting five minutes, and run each job alone (escalate without sending, say)."""

    def __init__(self, app, recorder: Recorder, db_url: str, base_url="https://oncall.example.com", owner="test"):
        registry = app.app.extensions["notifiers"]
        self.recorder = recorder
        self.clock = T0
        options = EngineOptions(
            retry=Retry(attempts=3, base=10), owner=owner,
            link_key=link_key(app.app.config["SETTINGS"]),  # as `serve` passes it down
        )
        self.engine = Engine(
            db_url, registry, base_url, options, clock=lambda: self.clock,
            metrics=app.app.extensions["metrics"].engine,  # counted as `serve`'s engine counts
        )
        self.engine.dispatcher.rand = lambda: 1.0
        self.escalator, self.notices, self.dispatcher = self.engine.escalator, self.engine.notices, self.engine.dispatcher

    async def escalate(self, at: datetime) -> None:
        self.clock = at
        while await self.engine.escalate() == 0:
            pass

    async def notify(self, at: datetime) -> None:
        self.clock = at
        while await self.engine.notify_handoffs() == 0:
            pass

    async def dispatch(self, at: datetime) -> None:
        """Claim and send what is ready at `at`, wait for the sends and write their results, until nothing is."""
        self.clock = at
        while True:
            await self.engine.dispatch()
            if not self.engine.sending:
                return
            await self.engine.drain()
            await self.engine.results.flush()

    async def expire(self, at: datetime) -> None:
        self.clock = at
        while await self.engine.expire_heartbeats() == 0:
            pass

    async def run(self, at: datetime) -> None:
        """Everything due at `at`: heartbeats expired, steps reached and handoff notices planned and due, then their
        messages sent."""
        await self.expire(at)
        await self.escalate(at)
        await self.notify(at)
        await self.dispatch(at)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def app(db_url, recorder):
    settings = settings_for(db_url)
    channels = {**settings.channels, **{name: Channel(name, "recorder") for name in ("pager", "team")}}
    app = create_app(replace(settings, channels=channels))
    registry = app.extensions["notifiers"]
    registry.notifiers["recorder"] = recorder
    for name in ("pager", "team"):
        registry.channels[name] = ChannelState(name, "recorder", 5.0, {})
    async with app.test_app() as test_app:
        yield test_app


@pytest.fixture
def api(app) -> Api:
    return Api(app.test_client())


@pytest.fixture
def engine(app, recorder, db_url) -> TestEngine:
    return TestEngine(app, recorder, db_url)


@pytest.fixture
def other_engine(app, recorder, db_url):
    """Another engine on the same database, as another process runs one: `other_engine(base_url, owner)`."""
    return lambda base_url, owner: TestEngine(app, recorder, db_url, base_url, owner)



@pytest.fixture
async def pg_database(_postgres_database_factory) -> str:
    """A new, migrated database on the shared PostgreSQL server, for this test alone."""
    url = await _postgres_database_factory()
    await apply_migrations(url)
    return url


@pytest.fixture
async def pooled(pg_database) -> str:
    """`pg_database` through PgBouncer in transaction pooling mode."""
    from processes import through_pgbouncer

    return await through_pgbouncer(pg_database)


@pytest.fixture
def receiver():
    from processes import Receiver

    receivers: list[Receiver] = []

    def start(*args, **kwargs) -> Receiver:
        receivers.append(Receiver(*args, **kwargs))
        return receivers[-1]

    yield start
    for r in receivers:
        r.close()
