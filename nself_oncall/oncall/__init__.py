"""Pure on-call core: who is on call, from rotations, restrictions and overrides.

No I/O, no ORM, no web framework: datetime and zoneinfo only.
"""

from .layers import handoff, shift_index
from .model import (
    DAYS,
    EARLIEST,
    LATEST,
    UNITS,
    Interval,
    Layer,
    Override,
    Restriction,
    Rotation,
    Schedule,
    Shift,
    Source,
    Temporary,
)
from .render import MAX_RENDER_COST, at, render, render_cost
from .wallclock import local, resolve, to_instant

__all__ = [
    "DAYS", "EARLIEST", "LATEST", "MAX_RENDER_COST", "UNITS", "Interval", "Layer", "Override", "Restriction",
    "Rotation", "Schedule", "Shift", "Source", "Temporary", "at", "handoff", "local", "render", "render_cost", "resolve",
    "shift_index", "to_instant",
]
