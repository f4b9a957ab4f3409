"""Requests that held `serve`'s event loop for seconds, and with it every due page (issue 15, item 11): for the test
that keeps pages on time beside them (test_pager_under_load.py) and for bench/pager_under_load.py.

- `escaped`: an 80 KB body of escaped quotes (an unterminated string) after 40 brackets in a string (more than
  32 brackets: the body is scanned); the old nesting check took 19 s over it.
- `deep`: a 1 MB body nested 500,000 levels deep (refused, after a look at every byte).
- `links`: FETCHES fetches at once of LINKS calendar links of a large schedule, without a token, again and again;
  the schedule changes before each round, so that every link's document is written again.
- `feed` and `shifts`: the large schedule as iCalendar, and as JSON over 400 days, with the bearer token.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter

import httpx

#: Hourly rotations of seven people in eight layers, each on call two and a half hours a day at its own time:
#: about 4,700 shifts in a feed's 194 days (a 1.2 MB document, about a second of CPU to write).
BIG = {
    "id": "big", "name": "Big", "timezone": "Europe/Berlin",
    "layers": [
        {"name": f"l{i}", "users": [f"u{j}" for j in range(7)], "rotation": {"unit": "hour"},
         "start": "2024-01-01T00:00:00", "restrictions": [{"start": f"{3 * i:02d}:00", "end": f"{3 * i + 2:02d}:30"}]}
        for i in range(8)
    ],
}
LINKS, FETCHES = 4, 20
ESCAPED = '{"policy_id": "p", "details": "' + "[" * 40 + '", "summary": "' + '\\"' * 40_000
DEEP = "[" * 500_000 + "]" * 500_000
KINDS = ("escaped", "deep", "links", "feed", "shifts")


async def seed(base: str, auth: dict[str, str]) -> list[str]:
    """The large schedule and LINKS links to it; the links' paths."""
    async with httpx.AsyncClient(base_url=base, headers=auth, timeout=60) as client:
        response = await client.post("/api/v1/schedules", json=BIG)
        assert response.status_code == 201, response.text
        paths = []
        for i in range(LINKS):
            response = await client.post("/api/v1/calendar-subscriptions", json={"schedule_id": "big", "name": f"n{i}"})
            assert response.status_code == 201, response.text
            paths.append("/ical/" + response.json()["url"].rsplit("/ical/", 1)[1])
        return paths


async def heavy_load(
    base: str, auth: dict[str, str], links: list[str], until: float, kinds: tuple[str, ...] = KINDS
) -> tuple[Counter[str], Counter[tuple[str, int]]]:
    """Heavy requests of `kinds` at once (two bodies of each kind, one round of link fetches, one feed, one range
    of shifts), again and again until time.monotonic() passes `until`, when what is still under way is dropped;
    how many requests of each kind were sent, and how many were answered, by kind and status."""
    sent: Counter[str] = Counter()
    answered: Counter[tuple[str, int]] = Counter()
    limits = httpx.Limits(max_connections=FETCHES + 16)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:

        async def repeat(kind: str, send) -> None:
            while True:
                sent[kind] += FETCHES if kind == "links" else 1
                for response in await send():
                    answered[kind, response.status_code] += 1

        async def post(body: str):
            return [await client.post("/api/v1/escalations", content=body, headers=auth)]

        async def fetch_links():
            description = f"round {sum(answered.values())}"
            await client.patch("/api/v1/schedules/big", json={"description": description}, headers=auth)
            return await asyncio.gather(*(client.get(links[i % len(links)]) for i in range(FETCHES)))

        year = {"since": "2024-01-01T00:00:00Z", "until": "2025-02-01T00:00:00Z"}
        sends = {
            "escaped": (2, lambda: post(ESCAPED)),
            "deep": (2, lambda: post(DEEP)),
            "links": (1, fetch_links),
            "feed": (1, lambda: asyncio.gather(client.get("/api/v1/schedules/big/shifts.ics", headers=auth))),
            "shifts": (1, lambda: asyncio.gather(client.get("/api/v1/schedules/big/shifts", params=year, headers=auth))),
        }
        tasks = [asyncio.create_task(repeat(kind, sends[kind][1])) for kind in kinds for _ in range(sends[kind][0])]
        await asyncio.wait(tasks, timeout=max(0.0, until - time.monotonic()))
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return sent, answered


async def _main(base: str, token: str, seconds: float, kinds: tuple[str, ...]) -> None:
    """Seed, say so on stdout, wait for a line on stdin, load for `seconds`; then print what was sent and answered
    (JSON)."""
    auth = {"Authorization": f"Bearer {token}"}
    links = await seed(base, auth)
    print("seeded", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    started = time.time()
    sent, answered = await heavy_load(base, auth, links, time.monotonic() + seconds, kinds)
    counts = [[kind, status, n] for (kind, status), n in answered.items()]
    print(json.dumps({"started": started, "ended": time.time(), "sent": sent, "answered": counts}), flush=True)


if __name__ == "__main__":  # `python heavy.py BASE TOKEN SECONDS [KIND,...]`: the load from a process of its own
    asyncio.run(_main(sys.argv[1], sys.argv[2], float(sys.argv[3]), tuple((sys.argv[4:] or [",".join(KINDS)])[0].split(","))))
