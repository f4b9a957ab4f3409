"""Pure on-call core: who is on call, from rotations, restrictions and overrides.

No I/O, no ORM, no web framework: datetime and zoneinfo only.
"""

from .layers import handoff, shift_index
from .model import DAYS, EARLIEST, LATEST, UNITS, Interval, Layer, Override, Restriction, Rotation, Schedule, Source
from .render import at, render
from .wallclock import local, resolve, to_instant

__all__ = [
    "DAYS", "EARLIEST", "LATEST", "UNITS", "Interval", "Layer", "Override", "Restriction",
    "Rotation", "Schedule", "Source", "at", "handoff", "local", "render", "resolve", "shift_index", "to_instant",
]
