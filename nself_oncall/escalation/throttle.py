"""Per-contact rate limits: a message to a contact that has had too many lately waits, never drops.

A rule "5/15m" allows at most 5 first attempts to one contact in any 15 minutes. A retry of a
message already counted does not count again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

_RULE = re.compile(r"\s*(\d{1,6})\s*/\s*(\d{1,6})\s*(s|m|h|d)\s*")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rule:
    count: int
    per: timedelta

    def __str__(self) -> str:
        seconds = int(self.per.total_seconds())
        unit = next(u for u in ("d", "h", "m", "s") if seconds % _UNITS[u] == 0)
        return f"{self.count}/{seconds // _UNITS[unit]}{unit}"


def parse_rule(text: str) -> Rule:
    """'COUNT/PERIOD' with a unit of s, m, h or d: '1/1m', '21/3h'. ValueError otherwise."""
    match = _RULE.fullmatch(text) if isinstance(text, str) else None
    if not match or int(match[1]) < 1 or int(match[2]) < 1:
        raise ValueError(f"a rate limit is COUNT/PERIOD, like '1/1m' or '21/3h', not {text!r}")
    return Rule(int(match[1]), timedelta(seconds=int(match[2]) * _UNITS[match[3]]))


def longest(rules: Sequence[Rule]) -> timedelta:
    return max((r.per for r in rules), default=timedelta(0))


def allowed_at(rules: Sequence[Rule], recent: Sequence[datetime], now: datetime) -> datetime:
    """The earliest instant from `now` on at which one more message to the contact keeps every rule;
    `recent` are its earlier first attempts (any order)."""
    earliest = now
    ordered = sorted(recent)
    for rule in rules:
        window = [t for t in ordered if t > now - rule.per]
        if len(window) >= rule.count:
            # Once the oldest (len - count + 1) of them have left the window, one more fits.
            earliest = max(earliest, window[len(window) - rule.count] + rule.per)
    return earliest
