"""The audit log: one row per change made through the API, written in the change's own transaction."""

from tortoise import fields
from tortoise.models import Model


class AuditEntry(Model):
    """Who changed what, and when."""

    # `before` and `after` are the resource's public form (contact addresses masked): `before` is NULL
    # for a creation, `after` NULL for a deletion. Ids sort by creation time; pages go by (at, id).

    id = fields.CharField(primary_key=True, max_length=24)
    at = fields.DatetimeField()
    actor = fields.CharField(max_length=255)
    resource = fields.CharField(max_length=32)
    resource_id = fields.CharField(max_length=255)
    action = fields.CharField(max_length=32)
    before = fields.JSONField(null=True)
    after = fields.JSONField(null=True)

    class Meta:
        table = "audit_log"
        indexes = (("at", "id"), ("resource", "resource_id", "at"), ("resource_id", "at"))
