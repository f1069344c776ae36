"""One process of a fleet, for test_fleet_processes.py: ``python _fleet_proc.py JSON``.

Builds a client on the local server (and Redis: the store, the budget), prints ``ready``,
waits for a line on stdin, runs its mode, prints one JSON line. Modes: ``get`` (one get),
``loop`` (gets for ``seconds``, counting the ones that raised), ``burst`` (``requests``
uncached reads, 5 tasks, no retries), ``watch`` (poll each ms until the version changes).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from posthog_api import AsyncPostHog, RateBudget, RateLimitError, RedisPromptStore


async def main(spec: dict[str, Any]) -> dict[str, Any]:
    import redis.asyncio

    redis_client = redis.asyncio.Redis.from_url(spec["redis"])
    options: dict[str, Any] = {"prompt_cache_ttl": spec.get("ttl", 60.0), "max_retries": 0}
    if spec.get("store", True):
        options["prompt_store"] = RedisPromptStore(
            redis_client, prefix=spec["prefix"], lock_timeout=spec.get("lock_timeout", 5.0),
            command_timeout=0.2, retry_interval=0.1,
        )  # fmt: skip
    if spec.get("budget"):
        options["rate_budget"] = RateBudget(
            redis_client, prefix=spec["prefix"], limits=[tuple(spec["budget"])],
            publish_limits=[], max_wait=float("inf"), margin=spec.get("margin", 0.3),
        )  # fmt: skip
    client = AsyncPostHog(api_key=spec["key"], project_id="1", host=spec["url"], **options)
    shared = client._prompt_cache.shared
    if shared is not None:
        await shared.subscribed()
    name = spec["name"]
    if spec["mode"] == "watch":
        await client.prompts.get(name)
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    result: dict[str, Any] = {}
    started = time.monotonic()
    if spec["mode"] == "get":
        prompt = await client.prompts.get(name)
        result = {"version": prompt.version, "source": prompt.source}
    elif spec["mode"] == "loop":
        gets = failed = 0
        while time.monotonic() - started < spec["seconds"]:
            try:
                await client.prompts.get(name)
            except Exception:
                failed += 1
            gets += 1
            await asyncio.sleep(0.01)
        result = {"gets": gets, "failed": failed}
    elif spec["mode"] == "burst":
        counts = {"ok": 0, "throttled": 0}
        queue = iter(range(spec["requests"]))

        async def worker() -> None:
            for _ in queue:
                try:
                    await client.prompts.fetch(name)
                    counts["ok"] += 1
                except RateLimitError:
                    counts["throttled"] += 1

        await asyncio.gather(*(worker() for _ in range(5)))
        result = counts
    elif spec["mode"] == "watch":
        first = (await client.prompts.get(name)).version
        while (await client.prompts.get(name)).version == first:  # noqa: ASYNC110 - polling is the point
            await asyncio.sleep(0.001)
        result = {"seen": time.time()}
    result["elapsed"] = time.monotonic() - started
    result["stats"] = client.prompts.stats().to_dict()
    await client.aclose()
    await redis_client.aclose()
    return result


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(json.loads(sys.argv[1])))), flush=True)
