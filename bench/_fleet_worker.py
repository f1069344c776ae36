"""One process of the simulated fleet (rows h): ``python -m bench._fleet_worker JSON``.

It builds its client (with the shared store and/or budget when the JSON names a Redis),
warms what its mode needs, prints ``ready``, waits for a line on stdin (``go``), runs,
and prints one JSON line of results. Modes:

- ``loop``: for ``seconds``, get each of ``names`` then sleep ``pause`` (a service asking
  for its prompts on every request); the latency of every get is recorded.
- ``watch``: get ``name`` every millisecond until ``versions`` new versions were seen;
  the wall time at which each version was first served is recorded.
- ``burst``: ``requests`` uncached reads (``prompts.fetch``) by ``tasks`` concurrent tasks,
  no retries; counts the successes and the 429s (PostHog's, and the budget's own).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from typing import Any

from posthog_api import AsyncPostHog, RateBudget, RateLimitError, RedisPromptStore

KEY = "phx_bench_local_key"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main(spec: dict[str, Any]) -> dict[str, Any]:
    redis_client = None
    options: dict[str, Any] = {"prompt_cache_ttl": spec.get("ttl", 60.0), "max_retries": 0}
    if spec.get("redis"):
        import redis.asyncio

        redis_client = redis.asyncio.Redis.from_url(spec["redis"])
        if spec.get("store"):
            options["prompt_store"] = RedisPromptStore(redis_client, prefix=spec["prefix"])
        if spec.get("budget"):
            limits = [tuple(pair) for pair in spec["budget"]]
            options["rate_budget"] = RateBudget(
                redis_client, prefix=spec["prefix"], limits=limits, publish_limits=[],
                max_wait=float("inf"), margin=spec.get("margin"),
            )  # fmt: skip
    client = AsyncPostHog(api_key=KEY, project_id="1", host=spec["url"], **options)
    shared = client._prompt_cache.shared
    if shared is not None:
        await shared.subscribed()
    mode = spec["mode"]
    if mode == "watch":
        await client.prompts.get(spec["name"])
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    try:
        if mode == "loop":
            result = await _loop(client, spec["names"], spec["seconds"], spec["pause"])
        elif mode == "watch":
            result = await _watch(client, spec["name"], spec["versions"])
        else:
            result = await _burst(client, spec["names"], spec["requests"], spec["tasks"])
        result["stats"] = client.prompts.stats().to_dict()
        return result
    finally:
        await client.aclose()
        if redis_client is not None:
            await redis_client.aclose()


async def _loop(
    client: AsyncPostHog, names: list[str], seconds: float, pause: float
) -> dict[str, Any]:
    get = client.prompts.get
    latencies: list[float] = []
    clock = time.perf_counter
    end = clock() + seconds
    while clock() < end:
        for name in names:
            started = clock()
            await get(name)
            latencies.append(clock() - started)
        await asyncio.sleep(pause)
    return {
        "gets": len(latencies),
        "p50": statistics.median(latencies),
        "p99": _percentile(latencies, 0.99),
        "max": max(latencies),
    }


async def _watch(client: AsyncPostHog, name: str, versions: int) -> dict[str, Any]:
    seen: dict[int, float] = {}
    current = (await client.prompts.get(name)).version
    first = current
    while len(seen) < versions:
        version = (await client.prompts.get(name)).version
        if version != current:
            current = version
            seen.setdefault(version, time.time())
        await asyncio.sleep(0.001)
    return {"first": first, "seen": {str(v): t for v, t in seen.items()}}


async def _burst(
    client: AsyncPostHog, names: list[str], requests: int, tasks: int
) -> dict[str, Any]:
    counts = {"ok": 0, "throttled": 0, "refused": 0, "other": 0}
    queue = iter(range(requests))

    async def worker() -> None:
        for index in queue:
            try:
                await client.prompts.fetch(names[index % len(names)])
                counts["ok"] += 1
            except RateLimitError as error:
                counts["throttled" if error.response is not None else "refused"] += 1
            except Exception:
                counts["other"] += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(tasks)))
    return {**counts, "seconds": time.perf_counter() - started}


if __name__ == "__main__":
    outcome = asyncio.run(main(json.loads(sys.argv[1])))
    print(json.dumps(outcome), flush=True)
