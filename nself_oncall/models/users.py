"""People and their contact methods."""

from tortoise import fields
from tortoise.models import Model


class User(Model):
    id = fields.CharField(primary_key=True, max_length=255)
    name = fields.CharField(max_length=200)
    # [{"contact": index into contacts, "delay_minutes": number}, ...], or NULL: every contact at once.
    notification_rules = fields.JSONField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    contacts: fields.ReverseRelation["ContactMethod"]

    class Meta:
        table = "users"


class ContactMethod(Model):
    """One way to reach a user: a configured channel and the address its notifier needs."""

    id = fields.IntField(primary_key=True)
    user = fields.ForeignKeyField("models.User", related_name="contacts", on_delete=fields.CASCADE)
    position = fields.IntField()
    channel = fields.CharField(max_length=64)
    address = fields.CharField(max_length=1000)

    class Meta:
        table = "contact_methods"
        unique_together = (("user", "position"),)
