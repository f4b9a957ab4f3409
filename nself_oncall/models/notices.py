"""Handoff notices planned by the engine: one row per (schedule, shift start, user, notice).

The unique key is what makes a notice go out once however many engines plan it: a row is planned
(`send_at` set) until its due time, then either dropped (the schedule changed: the shift is gone) or
turned, in one transaction, into notification rows that the dispatcher delivers like any other.
"""

from tortoise import fields
from tortoise.models import Model


class Notice(Model):
    id = fields.CharField(primary_key=True, max_length=24)
    schedule = fields.ForeignKeyField("models.Schedule", related_name="notice_rows", on_delete=fields.CASCADE)
    # Indexed for retention (engine/retention.py): sent notices are deleted by the start of their shift.
    shift_start = fields.DatetimeField(db_index=True)
    user = fields.CharField(max_length=255)
    # The notice's index in the schedule's `notices`, and what it was when planned.
    notice = fields.IntField()
    channel = fields.CharField(max_length=64, null=True)
    minutes_before = fields.FloatField()
    due_at = fields.DatetimeField()
    # due_at while planned; NULL once its notifications are written.
    send_at = fields.DatetimeField(null=True, db_index=True)
    # The message, written with the notifications (the dispatcher reads it as it reads an escalation's).
    summary = fields.TextField(null=True)
    details = fields.JSONField(null=True)
    created_at = fields.DatetimeField()

    notifications: fields.ReverseRelation

    class Meta:
        table = "notices"
        unique_together = (("schedule", "shift_start", "user", "notice"),)
