"""Escalations and their notifications (the outbox the engine delivers from).

The engine's work is rows: an escalation whose `due_at` has passed has a step to notify, and a
notification whose `available_at` has passed is ready to be sent. Both columns are NULL once
nothing is left to do, so each claim query reads one index.
"""

from tortoise import fields
from tortoise.models import Model


class Escalation(Model):
    id = fields.CharField(primary_key=True, max_length=24)
    policy_id = fields.CharField(max_length=64)
    # The policy as it was when the escalation was triggered (escalation.policy_json).
    policy = fields.JSONField()
    summary = fields.TextField()
    details = fields.JSONField()
    dedup_key = fields.CharField(max_length=255, null=True)
    # dedup_key, in its scope, while the escalation is not resolved, else NULL: unique, so two open escalations
    # cannot share a key, however many triggers race (store/escalations.py's `open_key`).
    open_key = fields.CharField(max_length=255, null=True, unique=True)
    # Where it came from: an integration, a heartbeat, or neither (the API).
    integration_id = fields.CharField(max_length=64, null=True)
    heartbeat_id = fields.CharField(max_length=64, null=True)
    status = fields.CharField(max_length=16)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    acknowledged_at = fields.DatetimeField(null=True)
    acknowledged_by = fields.CharField(max_length=255, null=True)
    # Indexed for retention (engine/retention.py): resolved escalations are deleted oldest first.
    resolved_at = fields.DatetimeField(null=True, db_index=True)
    resolved_by = fields.CharField(max_length=255, null=True)
    # How many steps (across loops) have been notified, and when the next one is due.
    steps_done = fields.IntField(default=0)
    due_at = fields.DatetimeField(null=True, db_index=True)

    notifications: fields.ReverseRelation["Notification"]

    class Meta:
        table = "escalations"
        indexes = (("status", "id"), ("policy_id", "id"))


class Notification(Model):
    """One message of one step to one contact (or to a channel, or a record of why nobody could be reached).

    A row belongs to an escalation or to a handoff notice (`notice`, see models/notices.py), never both.

    `lease` is the token of the claim that holds the row while its notifier is called: the result is
    written only with the same token, so an engine whose lease ran out cannot overwrite another's.
    """

    id = fields.CharField(primary_key=True, max_length=24)
    escalation = fields.ForeignKeyField(
        "models.Escalation", related_name="notifications", on_delete=fields.CASCADE, null=True
    )
    notice = fields.ForeignKeyField("models.Notice", related_name="notifications", on_delete=fields.CASCADE, null=True)
    loop = fields.IntField()
    step = fields.IntField()
    target_position = fields.IntField()
    contact_position = fields.IntField()
    # The index of the user's notification rule that made this message (then contact_position is that index too),
    # or NULL: no rules applied.
    rule = fields.IntField(null=True)
    target_type = fields.CharField(max_length=16)
    target_id = fields.CharField(max_length=255)
    user = fields.CharField(max_length=255, null=True)
    user_name = fields.CharField(max_length=200, null=True)
    channel = fields.CharField(max_length=64, null=True)
    address = fields.CharField(max_length=1000, null=True)
    # A digest of (channel, address) for the per-contact rate limits.
    contact_key = fields.CharField(max_length=32, null=True)
    status = fields.CharField(max_length=16)
    attempts = fields.IntField(default=0)
    due_at = fields.DatetimeField()
    available_at = fields.DatetimeField(null=True, db_index=True)
    lease = fields.CharField(max_length=32, null=True)
    lease_owner = fields.CharField(max_length=100, null=True)
    first_attempt_at = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)
    provider_id = fields.CharField(max_length=255, null=True)
    error = fields.TextField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "notifications"
        unique_together = (
            ("escalation", "loop", "step", "target_position", "contact_position"),
            ("notice", "contact_position"),
        )
        indexes = (("contact_key", "first_attempt_at"),)


class ActionLink(Model):
    """The sha256 of one notification's link that acknowledges or resolves its escalation (see nself_oncall.store.action_links).

    The token itself is never stored: it is derived again, the same, at every attempt of the notification, from a
    key that is not in the database either. `created_at` is when the link was made (its notification first
    claimed): the link works for NSELF_ONCALL_LINK_TTL from then.
    """

    token_hash = fields.CharField(primary_key=True, max_length=64)
    notification = fields.ForeignKeyField("models.Notification", related_name="action_links", on_delete=fields.CASCADE)
    action = fields.CharField(max_length=16)
    created_at = fields.DatetimeField()

    class Meta:
        table = "action_links"
        unique_together = (("notification", "action"),)


class PlannedMessage(Model):
    """A message of a notification rule that is not due yet: it becomes a notification when it is (see
    engine/escalator.py), unless its escalation is acknowledged or resolved first (then it is deleted). Its
    escalation's `due_at` is never later than its own."""

    id = fields.CharField(primary_key=True, max_length=24)
    escalation = fields.ForeignKeyField("models.Escalation", related_name="planned", on_delete=fields.CASCADE)
    loop = fields.IntField()
    step = fields.IntField()
    target_position = fields.IntField()
    contact_position = fields.IntField()
    rule = fields.IntField()
    target_type = fields.CharField(max_length=16)
    target_id = fields.CharField(max_length=255)
    user = fields.CharField(max_length=255)
    user_name = fields.CharField(max_length=200, null=True)
    channel = fields.CharField(max_length=64, null=True)
    address = fields.CharField(max_length=1000, null=True)
    # Why nobody is reached through it (then it is written undeliverable when due), as a notification's error.
    reason = fields.TextField(null=True)
    due_at = fields.DatetimeField()

    class Meta:
        table = "planned_messages"
        unique_together = (("escalation", "loop", "step", "target_position", "contact_position"),)


class ReplyCode(Model):
    """The code that an SMS reply names (3a, 3r): one per recipient number and open escalation, the smallest free one
    for that number when its first message is sent. `notification` is that message: a reply acts as its links do."""

    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=32)
    code = fields.IntField()
    escalation = fields.ForeignKeyField("models.Escalation", related_name="reply_codes", on_delete=fields.CASCADE)
    notification = fields.ForeignKeyField("models.Notification", related_name="reply_codes", on_delete=fields.CASCADE)
    created_at = fields.DatetimeField()

    class Meta:
        table = "reply_codes"
        unique_together = (("number", "code"), ("number", "escalation"))


class InboundReply(Model):
    """An SMS reply that acted, by Twilio's id of it (MessageSid): the same signed request posted again changes nothing.
    Twilio's signature carries no time, and reply codes are given again once their escalation is resolved, so a
    replayed "1r" would otherwise resolve whichever escalation has code 1 then. Kept as long as resolved escalations
    are (NSELF_ONCALL_RETENTION_DAYS)."""

    sid = fields.CharField(primary_key=True, max_length=64)
    received_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "inbound_replies"
