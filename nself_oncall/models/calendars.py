"""Secret links to calendar feeds (`/ical/{token}.ics`): only a hash of each token is kept."""

from tortoise import fields
from tortoise.models import Model


class CalendarSubscription(Model):
    """A feed of one schedule, one schedule filtered to one user, or one user on every schedule.

    `user_id` names a person as schedules do (no user record needed). Deleting the schedule deletes
    its subscriptions, so their links stop working.
    """

    id = fields.CharField(primary_key=True, max_length=40)
    schedule = fields.ForeignKeyField(
        "models.Schedule", related_name="calendar_subscriptions", on_delete=fields.CASCADE, null=True
    )
    user_id = fields.CharField(max_length=255, null=True)
    name = fields.CharField(max_length=200)
    # sha256 of the token, hex: the token itself is shown once and never stored.
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "calendar_subscriptions"
