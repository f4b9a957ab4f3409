"""Schedules with their ordered layers, overrides and temporary schedules."""

from tortoise import fields
from tortoise.models import Model


class Schedule(Model):
    id = fields.CharField(primary_key=True, max_length=64)
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    timezone = fields.CharField(max_length=64, default="UTC")
    # Bumped with every change to the schedule, its layers, overrides or temporary schedules (see store/cache.py).
    version = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    # Handoff notices: [{"channel": name or null (the incoming user's contacts), "minutes_before", "configured_at"}].
    # NULL (a schedule made before notices existed) means none.
    notices = fields.JSONField(null=True)
    # When the engine must next plan this schedule's notices: set to now by every change to the schedule or its
    # overrides, moved on by the planner; NULL when the schedule has no notices (see engine/notices.py).
    notices_plan_at = fields.DatetimeField(null=True, db_index=True)

    layers: fields.ReverseRelation["Layer"]

    class Meta:
        table = "schedules"


class Layer(Model):
    """A rotation layer; `position` orders precedence (a higher one wins).

    `start` and `end` keep the text as written: ISO 8601 with `Z` for an instant,
    or without an offset for wall-clock time, which is read in the schedule's
    zone each time (so a change of zone moves wall-clock layers with it).
    """

    id = fields.IntField(primary_key=True)
    schedule = fields.ForeignKeyField("models.Schedule", related_name="layers", on_delete=fields.CASCADE)
    position = fields.IntField()
    name = fields.CharField(max_length=200)
    users = fields.JSONField()
    rotation_unit = fields.CharField(max_length=8)
    rotation_length = fields.IntField()
    start = fields.CharField(max_length=40)
    end = fields.CharField(max_length=40, null=True)
    restrictions = fields.JSONField()

    class Meta:
        table = "layers"
        unique_together = (("schedule", "position"),)


class Override(Model):
    # An add (`replaces` NULL), a replace (`user` on call wherever `replaces` would be) or a remove (`user` NULL).
    id = fields.CharField(primary_key=True, max_length=40)
    schedule = fields.ForeignKeyField("models.Schedule", related_name="overrides", on_delete=fields.CASCADE)
    user = fields.CharField(max_length=255, null=True)
    replaces = fields.CharField(max_length=255, null=True)
    start_at = fields.DatetimeField()
    end_at = fields.DatetimeField(db_index=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "overrides"


class Temporary(Model):
    """A temporary schedule: from `start_at` to `end_at` the layers are set aside and only `shifts` count.

    `shifts` is [{"user", "start", "end"}] (ISO 8601 UTC instants), in time order, disjoint.
    """

    id = fields.CharField(primary_key=True, max_length=40)
    schedule = fields.ForeignKeyField("models.Schedule", related_name="temporaries", on_delete=fields.CASCADE)
    start_at = fields.DatetimeField()
    end_at = fields.DatetimeField()
    shifts = fields.JSONField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "temporary_schedules"
