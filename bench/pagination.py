"""(c) Pagination: ``concurrency=8`` vs sequential over 10,000 items, 20 ms per request.

The local server runs in a subprocess (``bench._server``) with the items seeded straight
into its state and the latency fault at 20 ms. The client iterates
``posthog.dataset_items.list(dataset=..., page_size=100, concurrency=c)`` with the default
stack; sequential follows the server's ``next`` URLs, concurrent fetches by offset. The
two alternate; every run's items must equal the first run's, in the same order (compared
as the full ``to_dict()`` of every item), or the row fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator
from typing import Any

from posthog_api import AsyncPostHog

from ._harness import Row, Sizes, median, start_server, stop_server, verdict

TARGET = 5.0
LATENCY = 0.020
PAGE_SIZE = 100
CONCURRENCY = 8
KEY = "phx_bench_local_key"  # bench._server's key


@contextlib.contextmanager
def serve(items: int, latency: float, prompts: int = 0) -> Iterator[dict[str, Any]]:
    """Start ``bench._server`` and yield its ``{"url", "dataset", "prompts"}``; stop it after."""
    process, started = start_server("bench._server", items, latency, prompts)
    try:
        yield started
    finally:
        stop_server(process)


async def _iterate(client: AsyncPostHog, dataset: str, concurrency: int) -> tuple[float, list[Any]]:
    started = time.perf_counter()
    items = [
        item
        async for item in client.dataset_items.list(
            dataset=dataset, page_size=PAGE_SIZE, concurrency=concurrency
        )
    ]
    return time.perf_counter() - started, items


async def _measure(
    url: str, dataset: str, repeats: int
) -> tuple[dict[int, list[float]], list[str], int]:
    client = AsyncPostHog(api_key=KEY, project_id="1", host=url)
    times: dict[int, list[float]] = {1: [], CONCURRENCY: []}
    problems: list[str] = []
    reference: list[dict[str, Any]] | None = None
    count = 0
    try:
        for index in range(repeats):
            order = [1, CONCURRENCY] if index % 2 == 0 else [CONCURRENCY, 1]
            for concurrency in order:
                elapsed, items = await _iterate(client, dataset, concurrency)
                times[concurrency].append(elapsed)
                rows = [item.to_dict() for item in items]
                if reference is None:
                    reference, count = rows, len(rows)
                elif rows != reference:
                    problems.append(f"concurrency={concurrency} run {index + 1} differs")
    finally:
        await client.aclose()
    return times, problems, count


def run(sizes: Sizes) -> list[Row]:
    items = sizes.pagination_items
    with serve(items, LATENCY) as server:
        times, problems, count = asyncio.run(
            _measure(server["url"], server["dataset"], sizes.pagination_repeats)
        )
    if count != items:
        problems.append(f"got {count} items, expected {items}")
    sequential, concurrent = median(times[1]), median(times[CONCURRENCY])
    speedup = sequential / concurrent
    pages = -(-items // PAGE_SIZE)
    ok = speedup >= TARGET and not problems
    details = (
        f"sequential {sequential:.2f} s, concurrency={CONCURRENCY} {concurrent:.2f} s; "
        f"{items:,} items, {pages} pages of {PAGE_SIZE}, {LATENCY * 1e3:.0f} ms latency, "
        f"server in a subprocess; medians of {sizes.pagination_repeats}; "
        + ("; ".join(problems) if problems else "identical items, identical order")
    )
    return [
        Row(
            "c",
            f"pagination: concurrency={CONCURRENCY} speed-up over sequential",
            f"{speedup:.2f}x",
            f">= {TARGET:.0f}x, same items",
            verdict(ok),
            details,
        )
    ]
