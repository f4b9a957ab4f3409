"""Masking a channel's secrets in the texts made from what a notifier or its peer said (error texts, their log lines,
the notification rows, the observers' outcomes).

A peer may echo a secret whole, or only part of it: a receiver that quotes the `Authorization` header without its
"Bearer ", a token cut by the 200-character excerpt of an answer, a URL's path without its host. So every piece of a
secret at least MIN_PIECE characters long is masked wherever it appears, and a shorter secret wherever it appears
whole.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from urllib.parse import urlsplit

MASK = "********"

#: The shortest piece of a secret that is masked on its own. Shorter pieces would mask ordinary words of an error
#: text that a chosen password happens to contain ("time" of "timeout1" in "timed out"); a piece of 7 characters
#: gives away at most 7 characters of a token (42 bits of a random base64 one), and what is left of a token of the
#: length the notifiers ask for (16 characters and more) still cannot be guessed. A secret of 4 to 7 characters is
#: masked where it appears whole; shorter ones are not masked at all (see registry._secret_values).
MIN_PIECE = 8


def secret_parts(value: str) -> list[str]:
    """What of a secret setting's value to mask: the value, or for a URL only its credentials, path and query, so
    that an error text still names the host it could not reach ("hooks.slack.com: timed out")."""
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return [value]
    if parts.scheme not in ("http", "https") or not host:
        return [value]
    rest = value.split(parts.netloc, 1)[1].lstrip("/")
    return [part for part in (parts.username, parts.password, rest) if part]


def mask(text: str, secrets: Iterable[str]) -> str:
    """`text` with every piece of `secrets` in it (see the module's docstring) replaced by MASK; pieces that touch or
    overlap become one MASK. Blanks at the edges of a masked stretch stay (a piece of "Bearer tok-..." may begin with
    the blank before the token): they give nothing away."""
    hidden = [False] * len(text)
    for secret in secrets:
        size = min(len(secret), MIN_PIECE)
        pieces = {secret[i : i + size] for i in range(len(secret) - size + 1)}
        for start in range(len(text) - size + 1):
            if text[start : start + size] in pieces:
                hidden[start : start + size] = [True] * size
    out = []
    for secret, chars in itertools.groupby(zip(text, hidden, strict=True), key=lambda pair: pair[1]):
        run = "".join(char for char, _ in chars)
        core = run.strip()
        out.append(run.replace(core, MASK, 1) if secret and core else run)
    return "".join(out)
