"""How deeply a JSON text nests, told before it is parsed, in time linear in its length.

Deep enough input makes the parser (and anything that walks the result) recurse without bound, so a body is
measured first. Brackets inside strings do not count; a string runs from a quote to the next quote that no
backslash escapes. The expression is possessive, so no match ever backtracks: an earlier one, which searched for
a string's end again from every quote, took 19 s over 80 KB of escaped quotes (on the event loop). The rest is
done by C loops over bytes (UTF-8 never puts a quote, a backslash or a bracket inside another character): the
worst 1 MB body costs about what parsing an ordinary 1 MB body does (bench/json_nesting.py).
"""

from __future__ import annotations

import re
from array import array
from itertools import accumulate

#: A string, or an unterminated one up to the end of the text (the parser refuses it later).
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"?', re.DOTALL)
#: Every byte but a bracket, to delete; openers become 1 and closers -1 (as signed bytes).
_OTHERS = bytes(b for b in range(256) if b not in b"[]{}")
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


#: How deep a JSON text may nest: a body, or a JSON value sent as text in a form field or query parameter.
MAX_JSON_DEPTH = 32


def nested_deeper_than(text: str, limit: int) -> bool:
    """Whether the arrays and objects of `text` nest more than `limit` levels deep. For a text that is not JSON
    (more closers than openers somewhere), the answer only decides which 400 it gets."""
    if text.count("[") + text.count("{") <= limit:
        return False  # it cannot nest deeper than it opens
    steps = _STRING.sub(b"", text.encode("utf-8", "surrogatepass")).translate(_STEPS, _OTHERS)
    if b"\x01" * (limit + 1) in steps:
        return True  # that many openers in a row
    return max(accumulate(array("b", steps)), default=0) > limit
