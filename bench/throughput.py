"""(b) Loopback throughput against the local server (uvicorn on a thread, TCP_NODELAY, 127.0.0.1).

``throughput_tasks`` tasks share a budget of requests; each contender sends the same
``GET /api/projects/1/llm_prompts/name/support-bot/?version=3``: the facade through
``prompts.fetch`` (the cache bypassed), bare httpx with the facade's connection limits
(100 connections, 20 kept alive) and the facade's headers, parsing the body with
``json.loads``. Contenders alternate burst by burst, each burst preceded by an untimed
warm-up burst of its own (so each starts with its pool open); the server's request log
is read after every burst to check that every request of both reached that endpoint and got a
200.

The server runs in this process on a thread (``posthog_api.testing.run_in_thread``:
``run_in_thread`` with ``TCP_NODELAY`` on, see there), so it shares the GIL with the
client: on a small machine the server is the bottleneck and client overhead shows up
only as the CPU it takes away from the server.
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
from collections.abc import Awaitable, Callable

import httpx

from posthog_api import AsyncPostHog
from posthog_api.testing import ServerState, run_in_thread

from ._fixtures import HEADERS, KEY, PROJECT, PROMPT_NAME, PROMPT_PATH, PROMPT_VERSION
from ._harness import Row, Sizes, median, verdict

TARGET = 0.85


async def _burst(call: Callable[[], Awaitable[object]], requests: int, tasks: int) -> float:
    """Requests per second for ``requests`` calls spread over ``tasks`` concurrent tasks."""
    remaining = requests

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await call()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(tasks)))
    return requests / (time.perf_counter() - started)


async def _measure(url: str, state: ServerState, sizes: Sizes) -> dict[str, list[float]]:
    facade = AsyncPostHog(api_key=KEY, project_id=PROJECT, host=url)
    # The facade's own pool limits (see AsyncPostHog.__init__), so both open the same sockets.
    bare = httpx.AsyncClient(
        base_url=url,
        headers=HEADERS,
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        timeout=30.0,
    )
    try:
        created = await facade.prompts.create(PROMPT_NAME, "v1 {{company}}")
        for version in range(2, PROMPT_VERSION + 1):
            created = await facade.prompts.publish(
                PROMPT_NAME, f"v{version} {{{{company}}}}", base_version=created.version
            )
        params = {"version": PROMPT_VERSION}

        async def via_facade() -> object:
            return await facade.prompts.fetch(PROMPT_NAME, PROMPT_VERSION)

        async def via_httpx() -> object:
            response = await bare.get(PROMPT_PATH, params=params)
            if response.status_code != 200:
                raise RuntimeError(f"bare httpx got {response.status_code}")
            return json.loads(response.content)

        contenders = {"facade": via_facade, "httpx": via_httpx}
        per_round = max(1, sizes.throughput_requests // sizes.throughput_rounds)
        warmup = min(per_round, 500)
        for call in contenders.values():
            await _burst(call, warmup, sizes.throughput_tasks)
        rates: dict[str, list[float]] = {name: [] for name in contenders}
        names = list(contenders)
        for _ in range(sizes.throughput_rounds):
            for name in names:  # strictly alternating: every burst follows the other's
                gc.collect()
                # Untimed: reopen this client's pool, whose idle connections the server
                # may have closed (keep-alive timeout) during the other's burst.
                await _burst(contenders[name], 2 * sizes.throughput_tasks, sizes.throughput_tasks)
                state.clear_requests()
                rate = await _burst(contenders[name], per_round, sizes.throughput_tasks)
                rates[name].append(rate)
                _check_log(state, per_round, name)
        return rates
    finally:
        await facade.aclose()
        await bare.aclose()


def _check_log(state: ServerState, expected: int, who: str) -> None:
    with state.lock:
        seen = [(r.method, r.path, r.status) for r in state.requests]
    wanted = ("GET", PROMPT_PATH, 200)
    if len(seen) != expected or any(entry != wanted for entry in seen):
        odd = next((e for e in seen if e != wanted), None)
        raise RuntimeError(
            f"{who}: the server saw {len(seen)} requests (expected {expected}); "
            f"first unexpected: {odd}"
        )


def run(sizes: Sizes) -> list[Row]:
    return asyncio.run(_run(sizes))


async def _run(sizes: Sizes) -> list[Row]:
    state = ServerState(project_id=PROJECT, keys={KEY: ["*"]})
    with run_in_thread(state) as url:
        rates = await _measure(url, state, sizes)
    facade = median(rates["facade"])
    bare = median(rates["httpx"])
    ratio = facade / bare
    per_round = sizes.throughput_requests // sizes.throughput_rounds
    return [
        Row(
            "b",
            f"loopback req/s, {sizes.throughput_tasks} tasks: facade / bare httpx",
            f"{ratio:.2f}x",
            f">= {TARGET:.2f}x",
            verdict(ratio >= TARGET),
            f"facade {facade:,.0f} req/s, httpx {bare:,.0f} req/s; medians of "
            f"{sizes.throughput_rounds} alternating bursts of {per_round:,} requests "
            f"({sizes.throughput_rounds * per_round:,} each); uvicorn on a thread, TCP_NODELAY",
        )
    ]
