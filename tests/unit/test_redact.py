"""Masking a channel's secrets in error texts: whole, and any piece of MIN_PIECE characters or more."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from nself_oncall.plugins.redact import MASK, MIN_PIECE, mask, secret_parts

TOKEN = "tok-9f8e7d6c5b4a3210fedcba"


def test_a_piece_of_a_secret_is_masked_and_shorter_ones_are_not():
    assert mask(f"got {TOKEN[3:3 + MIN_PIECE]}!", [TOKEN]) == f"got {MASK}!"
    assert mask(f"got {TOKEN[3:3 + MIN_PIECE - 1]}!", [TOKEN]) == f"got {TOKEN[3:3 + MIN_PIECE - 1]}!"
    assert mask(f"a {TOKEN}{TOKEN[:9]} b", [TOKEN]) == f"a {MASK} b"  # touching pieces: one mask


def test_a_short_secret_is_masked_only_whole():
    assert mask("pin 4242 and 424", ["4242"]) == f"pin {MASK} and 424"


def test_a_secret_url_keeps_its_host_in_error_texts():
    url = "https://bot:pa55word@hooks.slack.com/services/T000/B000/XXXXXXXXXXXX"
    parts = secret_parts(url)
    assert parts == ["bot", "pa55word", "services/T000/B000/XXXXXXXXXXXX"]
    assert mask(f"hooks.slack.com answered 404 for {url}", parts) == (
        f"hooks.slack.com answered 404 for https://{MASK}:{MASK}@hooks.slack.com/{MASK}"
    )
    assert secret_parts("not a url: a token") == ["not a url: a token"]


@given(
    secret=st.text(min_size=MIN_PIECE, max_size=40),
    around=st.tuples(st.text(max_size=30), st.text(max_size=30)),
    piece=st.tuples(st.integers(0, 40), st.integers(MIN_PIECE, 40)),
)
def test_no_piece_of_a_secret_is_left_in_a_text(secret, around, piece):
    start = min(piece[0], len(secret) - MIN_PIECE)
    echoed = secret[start : start + piece[1]]
    masked = mask(around[0] + echoed + around[1], [secret])
    pieces = [secret[i : i + MIN_PIECE] for i in range(len(secret) - MIN_PIECE + 1)]
    assert not any(p in masked for p in pieces if p.strip())  # blanks alone stay: they give nothing away
    assert MASK in masked or not echoed.strip()
