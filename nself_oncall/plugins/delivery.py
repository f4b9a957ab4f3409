"""Send one message through a channel: the host awaits the notifier under the channel's timeout,
turns whatever happens into an `Outcome`, and tells the `delivery_attempted` observers.

pluggy does not await coroutines, and one raising implementation would stop a hook call, so
notifiers are called directly and observers one by one. The engine tells the observers after it
has handed the result over (`attempt`, then `observe`), so that they can never delay it; a test
message tells them before its answer (`deliver`).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from ..errors import storable
from ..escalation import channel_problem
from .redact import mask
from .registry import ChannelState, Registry
from .types import Contact, Message, Outcome, PermanentError, Sent, TemporaryError

log = logging.getLogger(__name__)

OBSERVER_TIMEOUT = 5.0


@dataclass(frozen=True)
class Attempt:
    """One delivery attempt, as the `delivery_attempted` observers are told of it."""

    message: Message
    contact: Contact
    channel: str
    notifier: str | None
    outcome: Outcome


async def deliver(registry: Registry, channel: str, message: Message, contact: Contact) -> Outcome:
    """Deliver `message` to `contact` through the named channel, then tell the observers; never raises for a
    delivery failure."""
    done = await attempt(registry, channel, message, contact)
    await observe(registry, done)
    return done.outcome


async def attempt(registry: Registry, channel: str, message: Message, contact: Contact) -> Attempt:
    """Deliver `message` to `contact` through the named channel, telling no observer; never raises for a
    delivery failure."""
    state = registry.channels.get(channel)
    started = time.perf_counter()
    attempted_at = datetime.now(UTC)
    reason = channel_problem(channel, state is not None, state.error if state else None)
    if reason is not None:  # decided as the policy preview decides it
        outcome = Outcome("undeliverable", attempted_at, error=reason)
    else:
        outcome = await _send(registry, state, message, contact, attempted_at, started)
    log_outcome(channel, message, outcome)
    return Attempt(message, contact, channel, state.notifier if state else None, outcome)


async def _send(
    registry: Registry, state: ChannelState, message: Message, contact: Contact, attempted_at: datetime, started: float
) -> Outcome:
    notifier = registry.notifiers[state.notifier]

    def failed(error: str, temporary: bool, retry_after: float | None = None) -> Outcome:
        elapsed = (time.perf_counter() - started) * 1000
        error = storable(mask(state.redact(error), _link_tokens(message)))
        return Outcome("failed", attempted_at, elapsed, temporary, error=error, retry_after=retry_after)

    try:
        async with asyncio.timeout(state.timeout):
            sent = await notifier.send(message, contact, state.settings, timeout=state.timeout)
    except TimeoutError:
        return failed(f"timed out after {state.timeout:g} s", temporary=True)
    except TemporaryError as exc:
        return failed(str(exc), temporary=True, retry_after=exc.retry_after)
    except PermanentError as exc:
        return failed(str(exc), temporary=False)
    except Exception as exc:  # a notifier's own bug: retry later rather than lose the page
        log.error("notifier %r raised %s", state.notifier, type(exc).__name__, exc_info=log.isEnabledFor(logging.DEBUG))
        return failed(f"notifier error: {type(exc).__name__}: {exc}", temporary=True)
    if not isinstance(sent, Sent):
        return failed(f"notifier {state.notifier!r} returned {type(sent).__name__}, not Sent", temporary=False)
    elapsed = (time.perf_counter() - started) * 1000
    provider_id = None if sent.provider_id is None else storable(str(sent.provider_id))
    return Outcome("sent", attempted_at, elapsed, provider_id=provider_id)


def _link_tokens(message: Message) -> list[str]:
    """The tokens of the message's acknowledge and resolve links: a peer that quotes the message back in its error
    would put working links into the notification row and the log."""
    return [action.url.rsplit("/", 1)[-1] for action in message.actions]


def log_outcome(channel: str, message: Message, outcome: Outcome) -> None:
    """A failure is a warning; a message sent is logged at DEBUG only (its notification row records it: a line
    per message at INFO cost more than the no-op notifier's whole delivery at thousands per second)."""
    level = logging.DEBUG if outcome.status == "sent" else logging.WARNING
    if not log.isEnabledFor(level):
        return
    kind = "" if outcome.status != "failed" else "temporary: " if outcome.temporary else "permanent: "
    reason = f" ({kind}{outcome.error})" if outcome.error else ""
    log.log(level, "message %s via channel %r: %s%s", message.id, channel, outcome.status, reason)


async def observe(registry: Registry, attempt: Attempt) -> None:
    """Call each `delivery_attempted` observer with `attempt`, awaiting each for at most OBSERVER_TIMEOUT seconds;
    never raises for an observer's failure."""
    given = {"message": attempt.message, "contact": attempt.contact, "channel": attempt.channel,
             "notifier": attempt.notifier, "outcome": attempt.outcome}
    # pluggy's own order: the last registered first, honouring tryfirst/trylast
    for impl in reversed(registry.plugin_manager.hook.delivery_attempted.get_hookimpls()):
        try:
            result = impl.function(**{arg: given[arg] for arg in impl.argnames})
            if inspect.isawaitable(result):
                async with asyncio.timeout(OBSERVER_TIMEOUT):
                    await result
        except Exception as exc:
            log.warning("plugin %r: delivery_attempted raised %s: %s", impl.plugin_name, type(exc).__name__, exc)
