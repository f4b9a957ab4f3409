"""The nesting check of request bodies: brackets inside strings never count, escapes included."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nself_oncall.api.nesting import nested_deeper_than

#: Strings full of what could fool a scanner: brackets, quotes and backslashes.
_TRICKY = st.text(alphabet='[]{}"\\ aé日', max_size=12)
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | _TRICKY,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TRICKY, inner, max_size=3),
    max_leaves=60,
)


def _depth(value) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


@settings(max_examples=500)
@given(value=_VALUES, limit=st.integers(0, 8))
def test_agrees_with_the_depth_of_the_parsed_value(value, limit):
    text = json.dumps(value)
    assert nested_deeper_than(text, limit) == (_depth(value) > limit)


@pytest.mark.parametrize(
    ("text", "deeper"),
    [
        ("[" * 33 + "]" * 33, True),
        ("[" * 32 + "]" * 32, False),
        ('["' + "[" * 40 + '"]', False),
        ('["\\"' + "[" * 40 + '"]', False),  # an escaped quote does not end the string
        ('["\\\\"' + ", [" * 40 + "]" * 41, True),  # an escaped backslash does not escape the quote after it
        ("[" * 33 + '"' + '\\"' * 10_000, True),  # an unterminated string of escaped quotes
        ('"\\"' * 30_000 + "[" * 40, False),
        ("]" * 50 + "[" * 20, False),
        ("{" * 40 + '"' + "}" * 40, True),  # an unterminated string hides the closers after it
        (("[" * 32 + "]" * 31) * 2 + "]" * 2, True),  # never 33 openers in a row, 33 deep all the same
        (("[" * 32 + "]" * 32) * 100, False),
        ('["日本' + "[" * 40 + '\\"é"' + ", [" * 31 + "]" * 32, False),  # not ASCII, an escaped quote inside
        ('["日本' + "[" * 40 + '\\"é"' + ", [" * 32 + "]" * 33, True),
    ],
)
def test_adversarial_bodies(text, deeper):
    assert nested_deeper_than(text, 32) is deeper
