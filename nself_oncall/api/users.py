"""/api/v1/users: people and how to reach them."""

from __future__ import annotations

from quart import Blueprint, current_app
from quart_schema import tag, validate_querystring, validate_request

from ..service import users as service
from .responses import BODY, QUERY, NoContent, Page, UserOut, answers
from .schemas import UserIn, UserPageQuery, UserPatch, patch_fields
from .views import by_id, page_json, user_json

bp = Blueprint("users", __name__)


def _check_address(channel: str, address: str) -> str:
    return current_app.extensions["notifiers"].check_address(channel, address)


@bp.get("/users")
@tag(["users"])
@validate_querystring(UserPageQuery)
@answers(Page[UserOut], errors=QUERY)
async def list_users(query_args: UserPageQuery):
    """List users, by id."""
    return page_json(await service.list_users(query_args.limit, query_args.cursor), user_json, by_id)


@bp.post("/users")
@tag(["users"])
@validate_request(UserIn)
@answers(UserOut, 201, errors=(*BODY, 409))
async def create_user(data: UserIn):
    """Create a user; each contact names a channel configured in plugins.toml."""
    return user_json(await service.create(data.model_dump(), _check_address)), 201


@bp.get("/users/<user_id:user_id>")
@tag(["users"])
@answers(UserOut, errors=(404,))
async def get_user(user_id: str):
    """One user with contact methods."""
    return user_json(await service.get(user_id))


@bp.patch("/users/<user_id:user_id>")
@tag(["users"])
@validate_request(UserPatch)
@answers(UserOut, errors=(*BODY, 404))
async def update_user(user_id: str, data: UserPatch):
    """Change the name or replace the contact methods."""
    return user_json(await service.update(user_id, patch_fields(data), _check_address))


@bp.delete("/users/<user_id:user_id>")
@tag(["users"])
@answers(NoContent, 204, errors=(404, 409))
async def delete_user(user_id: str):
    """Remove a user; refused (409) while a policy names them."""
    await service.delete(user_id)
    return "", 204
