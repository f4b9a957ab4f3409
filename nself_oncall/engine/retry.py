"""When a failed delivery is tried again: exponential backoff with jitter, honouring the provider's Retry-After."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

MAX_RETRY_AFTER = 3600.0


@dataclass(frozen=True)
class Retry:
    """Up to `attempts` attempts in all; the wait before attempt n+1 is `base` * 2**(n-1) seconds, at most `cap`,
    of which a random half is taken off (so that many failures at once do not retry at once)."""

    attempts: int = 5
    base: float = 5.0
    cap: float = 300.0

    def delay(self, attempt: int, retry_after: float | None, rand: Callable[[], float]) -> float:
        """Seconds to wait after failed attempt number `attempt` (1 for the first)."""
        full = min(self.cap, self.base * 2 ** (attempt - 1))
        wait = full / 2 + rand() * full / 2
        if retry_after is not None and retry_after > 0:
            wait = max(wait, min(retry_after, MAX_RETRY_AFTER))
        return wait
