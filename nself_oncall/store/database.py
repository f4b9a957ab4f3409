"""This process's connections to the database: opened once at start, for every task of the process, and closed
at the end. The app's lifecycle, `worker` and the engine process of `serve` each open theirs here."""

from __future__ import annotations

from tortoise import Tortoise

from ..config import tortoise_config


async def open_database(url: str, pooled: bool = False) -> None:
    """Open the ORM's connections to `url` (`pooled`: a pooler in transaction mode, see tortoise_config). Tortoise 1.x
    keeps its state per task: the global fallback lets every task of the process (each request's, each engine
    loop's) use them."""
    await Tortoise.init(config=tortoise_config(url, pooled=pooled), _enable_global_fallback=True)


async def close_database() -> None:
    await Tortoise.close_connections()
