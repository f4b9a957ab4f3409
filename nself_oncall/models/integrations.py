"""Doors for alert sources that cannot hold the API token: integrations (a key per alert source) and heartbeats
(a key a job pings; silence pages).

Neither keeps its key: only the key's sha256 (`key_hash`, unique, so that a key is found by one index lookup of
its hash, never by comparing keys). `rate_at` is the per-key rate limit's state (store/intake_keys.py).
"""

from tortoise import fields
from tortoise.models import Model


class Integration(Model):
    id = fields.CharField(primary_key=True, max_length=64)
    name = fields.CharField(max_length=200)
    policy_id = fields.CharField(max_length=64, db_index=True)
    key_hash = fields.CharField(max_length=64, unique=True)
    # The rate limit's state: its "theoretical arrival time" (GCRA), in microseconds since the epoch (whole numbers,
    # so that one UPDATE does exact arithmetic on both databases).
    rate_at = fields.BigIntField(null=True)
    # How many events of a batch the last admission let in (see store/intake_keys.py).
    rate_taken = fields.IntField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "integrations"


class Heartbeat(Model):
    """A job that must ping at least every `interval_minutes`. `expires_at` is when it expires (or expired: its
    status is "expired" from then on until the next ping); `due_at` is when the engine triggers its escalation:
    `expires_at` until then, later when the engine had to put it off, NULL once done (until the next ping)."""

    id = fields.CharField(primary_key=True, max_length=64)
    name = fields.CharField(max_length=200)
    policy_id = fields.CharField(max_length=64, db_index=True)
    interval_minutes = fields.FloatField()
    key_hash = fields.CharField(max_length=64, unique=True)
    rate_at = fields.BigIntField(null=True)
    rate_taken = fields.IntField(null=True)
    last_ping_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField()
    due_at = fields.DatetimeField(null=True, db_index=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "heartbeats"
