"""/api/v1/users: people and how to reach them."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, current_app
from quart_schema import document_querystring, tag, validate_request

from ..models import User
from ..store import users as store
from .params import iso, page, page_args
from .schemas import PageQuery, UserIn, UserPatch, patch_fields

bp = Blueprint("users", __name__)


def _check_address(channel: str, address: str) -> str:
    return current_app.extensions["notifiers"].check_address(channel, address)


@bp.get("/users")
@tag(["users"])
@document_querystring(PageQuery)
async def list_users():
    """List users, by id."""
    limit, after = page_args()
    rows = await store.list_page(limit, after)
    return page([user_json(r) for r in rows], limit, lambda item: item["id"])


@bp.post("/users")
@tag(["users"])
@validate_request(UserIn)
async def create_user(data: UserIn):
    """Create a user; each contact names a channel configured in plugins.toml."""
    return user_json(await store.create(data.model_dump(), _check_address)), 201


@bp.get("/users/<user_id>")
@tag(["users"])
async def get_user(user_id: str):
    """One user with contact methods."""
    return user_json(await store.get(user_id))


@bp.patch("/users/<user_id>")
@tag(["users"])
@validate_request(UserPatch)
async def update_user(user_id: str, data: UserPatch):
    """Change the name or replace the contact methods."""
    return user_json(await store.update(user_id, patch_fields(data), _check_address))


@bp.delete("/users/<user_id>")
@tag(["users"])
async def delete_user(user_id: str):
    """Remove a user; refused (409) while a policy names them."""
    await store.delete(user_id)
    return "", 204


def user_json(row: User) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "contacts": [
            {"channel": c.channel, "address": c.address} for c in sorted(row.contacts, key=lambda c: c.position)
        ],
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }
