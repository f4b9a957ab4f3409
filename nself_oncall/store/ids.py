"""Ids shared by the stores: server-made ids, slugs derived from names, client-chosen ids inserted."""

from __future__ import annotations

import re
import secrets
import time
import unicodedata
from datetime import datetime
from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.models import Model

from ..clock import utcnow
from ..errors import Conflict, Invalid
from ..models import PolicyTarget

M = TypeVar("M", bound=Model)

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def new_id() -> str:
    """A server-made id that sorts by creation time: microseconds, then randomness."""
    return f"{time.time_ns() // 1000:014x}{secrets.token_hex(5)}"


async def derive_id(model: type[Model], name: str) -> str:
    """A free slug made from `name` (accents dropped, other runs of symbols as '-')."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    base = _NOT_SLUG.sub("-", ascii_name).strip("-")[:64].rstrip("-")
    if not base:
        raise Invalid("id", "cannot be derived from name; give an id")
    ident, n = base, 1
    while await model.exists(id=ident):
        n += 1
        suffix = f"-{n}"
        ident = base[: 64 - len(suffix)].rstrip("-") + suffix
    return ident


async def insert_new(model: type[M], ident: str, now: datetime | None = None, **fields: Any) -> M:
    """Create a row with a client-chosen id, stamped `now` (default: the clock's); a taken id is a conflict."""
    kind = model.__name__.lower()
    if await model.exists(id=ident):
        raise Conflict(f"{kind} {ident!r} already exists")
    now = now or utcnow()
    try:
        return await model.create(id=ident, created_at=now, updated_at=now, **fields)
    except IntegrityError:
        raise Conflict(f"{kind} {ident!r} already exists") from None


async def refuse_if_targeted(kind: str, ident: str) -> None:
    """A schedule or user that a policy step names cannot be removed. Called with its row locked FOR UPDATE: a
    policy being saved holds the rows it names FOR SHARE (store/policies.py), so one of the two waits for the other."""
    target = await PolicyTarget.filter(type=kind, target_id=ident).select_related("step").first()
    if target is not None:
        raise Conflict(f"{kind} {ident!r} is a target of policy {target.step.policy_id!r}; change the policy first")
