"""(f) Memory: iterating 100,000 items through the paginator stays flat.

An in-process ``httpx.MockTransport`` synthesises pages of 100 dataset items from
``limit``/``offset`` (with absolute ``next`` URLs, so the paginator follows them as it
would against PostHog). The client is built and one page fetched before tracing starts,
so lazy imports are not counted. Then one pass of ``async for item in
posthog.dataset_items.list(page_size=100)`` runs under ``tracemalloc``; the traced peak
is read after 10,000 items and again after 100,000. Items are touched, not kept: a
paginator that held on to pages (or items) would make the second peak grow with the
item count.
"""

from __future__ import annotations

import asyncio
import gc
import tracemalloc

from ._fixtures import facade_over_pool, synthetic_items_transport
from ._harness import Row, Sizes, verdict

TARGET = 1.5
PAGE_SIZE = 100


async def _peaks(small: int, large: int) -> tuple[int, int, int]:
    posthog = facade_over_pool(synthetic_items_transport(large))
    try:
        await posthog.dataset_items.list(page_size=PAGE_SIZE)  # warm: imports, first parse
        gc.collect()
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            seen = 0
            peak_small = 0
            async for item in posthog.dataset_items.list(page_size=PAGE_SIZE):
                if item.team != 1:
                    raise AssertionError(item)
                seen += 1
                if seen == small:
                    peak_small = tracemalloc.get_traced_memory()[1]
            peak_large = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    finally:
        await posthog.aclose()
    if seen != large:
        raise AssertionError(f"iterated {seen} items, expected {large}")
    return peak_small, peak_large, seen


def run(sizes: Sizes) -> list[Row]:
    small, large = sizes.memory_small, sizes.memory_large
    peak_small, peak_large, seen = asyncio.run(_peaks(small, large))
    ratio = peak_large / peak_small
    return [
        Row(
            "f",
            f"paginator memory: peak after {large:,} items / after {small:,}",
            f"{ratio:.2f}x",
            f"<= {TARGET:.1f}x",
            verdict(ratio <= TARGET),
            f"tracemalloc peak {peak_small / 1024:,.0f} KiB after {small:,} items, "
            f"{peak_large / 1024:,.0f} KiB after {seen:,} (one pass, pages of {PAGE_SIZE} "
            "synthesised in process)",
        )
    ]
