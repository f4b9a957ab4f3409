"""The web view's sign-ins: its sessions, and the failed attempts that slow down guessing (see service/sign_in.py).

Both are rows, not process memory, so that every replica behind a load balancer sees the same: a session
signed out on one is gone on all, and failures counted on one count on all.
"""

from tortoise import fields
from tortoise.models import Model


class WebSession(Model):
    """A signed-in session of the web view, kept as the sha256 of the id its cookie carries.

    It ends at `expires_at`, a fixed time from sign-in that using it does not move, or when its row is deleted
    (signing out).
    """

    id_hash = fields.CharField(primary_key=True, max_length=64)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "web_sessions"


class SignInFailure(Model):
    """One refused sign-in to the web view, by the client address it came from (an IPv6 address by its first 64 bits)."""

    id = fields.BigIntField(primary_key=True)
    address = fields.CharField(max_length=64)
    failed_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "sign_in_failures"
        indexes = (("address", "failed_at"),)
