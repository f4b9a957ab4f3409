"""How deeply a JSON text nests, told before it is parsed, in time linear in its length.

Deep enough input makes the parser (and anything that walks the result) recurse without bound, so a body is
measured first. Brackets inside strings do not count; a string runs from a quote to the next quote that no
backslash escapes. The expressions are possessive, so no match ever backtracks: an earlier one, which searched
for a string's end again from every quote, took 19 s over 80 KB of escaped quotes (on the event loop).
"""

from __future__ import annotations

import re
from itertools import accumulate

#: A string, or an unterminated one up to the end of the text (the parser refuses it later).
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]++")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def nested_deeper_than(text: str, limit: int) -> bool:
    """Whether the arrays and objects of `text` nest more than `limit` levels deep."""
    if text.count("[") + text.count("{") <= limit:
        return False  # it cannot nest deeper than it opens
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > limit
