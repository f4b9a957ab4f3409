"""Fail points for the crash tests: kill this process, with SIGKILL, at a named point of the engine.

NSELF_ONCALL_FAILPOINTS="after_claim:0.05,after_send:0.05" makes the engine kill itself right after
a claim commits, right after a notifier call returns (before its result is queued), or right before
a batch of results is written (`before_result`), each with the probability given (config.FAIL_POINTS
names them). It is for tests that prove no page is lost when a process dies; unset, `hit` is one lookup
in an empty mapping.
"""

from __future__ import annotations

import os
import random
import signal
from collections.abc import Mapping


class FailPoints:
    def __init__(self, points: Mapping[str, float] | None = None):
        self.points = dict(points or {})

    def hit(self, name: str) -> None:
        chance = self.points.get(name)
        if chance and random.random() < chance:
            os.kill(os.getpid(), signal.SIGKILL)
