"""Fail points for the crash tests: kill this process, with SIGKILL, at a named point of the engine.

NSELF_ONCALL_FAILPOINTS="after_claim:0.05,after_send:0.05" makes the engine kill itself right after
a claim commits, right after a notifier call returns (before its result is queued), or right before
a batch of results is written (`before_result`), each with the probability given. It is for tests
that prove no page is lost when a process dies; unset, `hit` is one lookup in an empty mapping.
"""

from __future__ import annotations

import os
import random
import signal
from collections.abc import Mapping

POINTS = ("after_claim", "after_send", "before_result")


def parse(value: str) -> dict[str, float]:
    """'point:probability,...' -> {point: probability}; ValueError for anything else."""
    points = {}
    for part in filter(None, (p.strip() for p in value.split(","))):
        name, _, chance = part.partition(":")
        if name not in POINTS:
            raise ValueError(f"unknown fail point {name!r} (known: {', '.join(POINTS)})")
        probability = float(chance or 1)
        if not 0 <= probability <= 1:
            raise ValueError(f"fail point {name}: a probability from 0 to 1, not {chance!r}")
        points[name] = probability
    return points


class FailPoints:
    def __init__(self, points: Mapping[str, float] | None = None):
        self.points = dict(points or {})

    def hit(self, name: str) -> None:
        chance = self.points.get(name)
        if chance and random.random() < chance:
            os.kill(os.getpid(), signal.SIGKILL)
