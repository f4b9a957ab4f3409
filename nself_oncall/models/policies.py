"""Escalation policies: ordered steps, each with ordered targets.

Escalations will keep a frozen JSON snapshot of a policy, so later edits here
never reshape an escalation in flight.
"""

from tortoise import fields
from tortoise.models import Model


class Policy(Model):
    id = fields.CharField(primary_key=True, max_length=64)
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    repeat = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    steps: fields.ReverseRelation["PolicyStep"]

    class Meta:
        table = "policies"


class PolicyStep(Model):
    id = fields.IntField(primary_key=True)
    policy = fields.ForeignKeyField("models.Policy", related_name="steps", on_delete=fields.CASCADE)
    position = fields.IntField()
    delay_minutes = fields.FloatField()

    targets: fields.ReverseRelation["PolicyTarget"]

    class Meta:
        table = "policy_steps"
        unique_together = (("policy", "position"),)


class PolicyTarget(Model):
    """A schedule, user or channel a step notifies; `target_id` is that thing's id."""

    id = fields.IntField(primary_key=True)
    step = fields.ForeignKeyField("models.PolicyStep", related_name="targets", on_delete=fields.CASCADE)
    position = fields.IntField()
    type = fields.CharField(max_length=16)
    target_id = fields.CharField(max_length=255, db_index=True)

    class Meta:
        table = "policy_targets"
        unique_together = (("step", "position"),)
