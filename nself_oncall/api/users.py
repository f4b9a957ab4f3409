"""/api/v1/users: people and how to reach them."""

from __future__ import annotations

from quart import Blueprint, current_app
from quart_schema import tag, validate_querystring, validate_request

from ..service import people
from ..service import users as service
from .actor import actor
from .responses import BODY, QUERY, NoContent, Page, UserOncallOut, UserOut, UserShiftsOut, answers
from .schemas import UserIn, UserOncallQuery, UserPageQuery, UserPatch, UserRangeQuery, patch_fields
from .views import by_id, iso, page_json, user_json, user_shift_json

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
    return user_json(await service.create(data.model_dump(), _check_address, actor=actor())), 201


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
    return user_json(await service.update(user_id, patch_fields(data), _check_address, actor=actor()))


@bp.delete("/users/<user_id:user_id>")
@tag(["users"])
@answers(NoContent, 204, errors=(404, 409))
async def delete_user(user_id: str):
    """Remove a user; refused (409) while a policy names them."""
    await service.delete(user_id, actor=actor())
    return "", 204


@bp.get("/users/<user_id:user_id>/oncall")
@tag(["users"])
@validate_querystring(UserOncallQuery)
@answers(UserOncallOut, errors=(*QUERY, 404, 422))
async def get_user_oncall(user_id: str, query_args: UserOncallQuery):
    """Where this user is on call at `?at=` (default now), and their next interval on any schedule within
    400 days. Any user id works, with or without a user record: schedules name people who may have none."""
    found = await people.user_oncall(_cache(), user_id, query_args.at)
    return {
        "user_id": user_id,
        "at": iso(found.at),
        "now": [user_shift_json(shift) for shift in found.now],
        "next": None if found.next is None else user_shift_json(found.next),
    }


@bp.get("/users/<user_id:user_id>/shifts")
@tag(["users"])
@validate_querystring(UserRangeQuery)
@answers(UserShiftsOut, errors=(*QUERY, 404, 422))
async def get_user_shifts(user_id: str, query_args: UserRangeQuery):
    """This user's intervals on every schedule over `?since=&until=` (default now and 14 days on; at most 400
    days), clipped to the range, by start then schedule id."""
    shifts = await people.user_shifts(_cache(), user_id, query_args.since, query_args.until)
    return {"items": [user_shift_json(shift) for shift in shifts]}


def _cache():
    return current_app.extensions["schedule_cache"]
