"""Keys derived from the operator's secrets, one per use, each under its own fixed label.

A derived key is never the secret itself (a key that leaks does not open the API), two uses never share a key,
and no key is stored anywhere: every process derives the same from the same settings. Changing a secret
changes every key derived from it.
"""

from __future__ import annotations

import hashlib
import hmac

from .config import Settings

#: The key of the acknowledge and resolve links in messages (store/action_links.py).
LINK_LABEL = b"nself-oncall action link key v1"
#: The key that signs the web view's session cookie (ui/session.py).
SESSION_LABEL = b"nself-oncall web view session key v1"


def derive(secret: str, label: bytes) -> bytes:
    """HMAC-SHA256(secret, label): 32 bytes."""
    return hmac.new(secret.encode(), label, hashlib.sha256).digest()


def link_key(settings: Settings) -> bytes | None:
    """The links' key: from NSELF_ONCALL_LINK_SECRET, else from PLUGIN_SECRET; None when neither is set."""
    secret = settings.link_secret or settings.plugin_secret
    return derive(secret, LINK_LABEL) if secret else None
