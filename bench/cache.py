"""(d) The prompt cache: warm hits, cold misses, single flight, stale-while-revalidate.

* d1 warm: ``await posthog.prompts.get(name)`` on a fresh cache entry, in a tight loop in
  a coroutine, next to the same loop awaiting an ``async def`` that does a bare dict
  lookup. Samples interleaved; medians per call.
* d2 cold: ``posthog.prompts.invalidate(name)`` then ``await posthog.prompts.get(name)``
  (a full miss: single-flight task, fetch, store) vs bare httpx + ``json.loads`` over the
  same canned in-process transport, interleaved.
* d3 single flight: 1,000 concurrent gets of one name on an empty cache while the
  transport takes 20 ms; the transport counts the requests reaching it.
* d4 stale: ``prompt_cache_ttl=0.05`` over a transport that takes 50 ms; once the entry
  is past its TTL a get must return the stale copy at once and refresh in the background.
"""

from __future__ import annotations

import asyncio
import json
import time

from posthog_api.prompts import Prompt

from ._fixtures import (
    PROMPT_NAME,
    PROMPT_PATH,
    PROMPT_VERSION,
    CountingSlowTransport,
    bare_client,
    canned_transport,
    facade_over_http_client,
    facade_over_pool,
    timed_loop,
)
from ._harness import Row, Sizes, interleave, median, ms, us, verdict

WARM_TARGET = 1e-6
COLD_TARGET = 1.5
STALE_TARGET = 1e-3
STALE_TTL = 0.05
STALE_SERVER = 0.05
FLIGHT_SERVER = 0.02


def run(sizes: Sizes) -> list[Row]:
    return asyncio.run(_run(sizes))


async def _run(sizes: Sizes) -> list[Row]:
    return [
        await _warm(sizes),
        await _cold(sizes),
        await _single_flight(sizes),
        await _stale(sizes),
    ]


async def _warm(sizes: Sizes) -> Row:
    posthog = facade_over_pool(canned_transport())
    first = await posthog.prompts.get(PROMPT_NAME)
    assert (await posthog.prompts.get(PROMPT_NAME)).source == "cache"
    table: dict[tuple[str, int | None], Prompt] = {(PROMPT_NAME, None): first}

    async def lookup(name: str, version: int | None = None) -> Prompt:
        return table[(name, version)]

    async def facade_loop(n: int) -> float:
        started = time.perf_counter()
        for _ in range(n):
            await posthog.prompts.get(PROMPT_NAME)
        return time.perf_counter() - started

    async def dict_loop(n: int) -> float:
        started = time.perf_counter()
        for _ in range(n):
            await lookup(PROMPT_NAME)
        return time.perf_counter() - started

    samples = await interleave(
        {"facade": facade_loop, "dict": dict_loop},
        calls=sizes.warm_calls * sizes.warm_samples,
        rounds=sizes.warm_samples,
        warmup=10_000,
    )
    stats = posthog.prompts.stats()
    await posthog.aclose()
    hit, bare = median(samples["facade"]), median(samples["dict"])
    return Row(
        "d1",
        "warm get: await posthog.prompts.get(name), per call",
        f"{hit * 1e9:.0f} ns",
        f"<= {WARM_TARGET * 1e9:.0f} ns",
        verdict(hit <= WARM_TARGET),
        f"bare dict lookup in an async def: {bare * 1e9:.0f} ns ({hit / bare:.1f}x); "
        f"medians of {sizes.warm_samples} interleaved samples of {sizes.warm_calls:,}; "
        f"cache stats: {stats.hits:,} hits, {stats.misses} miss",
    )


async def _cold(sizes: Sizes) -> Row:
    transport = canned_transport()
    posthog = facade_over_pool(transport)
    posthog_hc = facade_over_http_client(transport)
    bare = bare_client(transport)
    params = {"version": PROMPT_VERSION}

    async def cold_get() -> object:
        posthog.prompts.invalidate(PROMPT_NAME)
        return await posthog.prompts.get(PROMPT_NAME)

    async def cold_get_hc() -> object:
        posthog_hc.prompts.invalidate(PROMPT_NAME)
        return await posthog_hc.prompts.get(PROMPT_NAME)

    async def via_httpx() -> object:
        response = await bare.get(PROMPT_PATH, params=params)
        if response.status_code != 200:
            raise RuntimeError(response.status_code)
        return json.loads(response.content)

    assert (await cold_get()).source == "api"  # type: ignore[attr-defined]
    try:
        samples = await interleave(
            {
                "cold": timed_loop(cold_get),
                "cold_hc": timed_loop(cold_get_hc),
                "httpx": timed_loop(via_httpx),
            },
            calls=sizes.cold_calls,
            rounds=sizes.cold_rounds,
        )
        stats = posthog.prompts.stats()
    finally:
        await posthog.aclose()
        await posthog_hc.aclose()
        await bare.aclose()
    cold, cold_hc, base = (median(samples[k]) for k in ("cold", "cold_hc", "httpx"))
    ratio = cold / base
    return Row(
        "d2",
        "cold get (invalidated each call) / bare httpx + json.loads",
        f"{ratio:.2f}x",
        f"<= {COLD_TARGET:.1f}x",
        verdict(ratio <= COLD_TARGET and stats.hits == 0),
        f"cold get {us(cold)} (with http_client=: {us(cold_hc)}, {cold_hc / base:.2f}x), "
        f"httpx {us(base)}; {stats.misses:,} misses, {stats.hits} hits; "
        f"medians of {sizes.cold_rounds} interleaved rounds",
    )


async def _single_flight(sizes: Sizes) -> Row:
    transport = CountingSlowTransport(FLIGHT_SERVER)
    posthog = facade_over_pool(transport)
    try:
        started = time.perf_counter()
        results = await asyncio.gather(
            *(posthog.prompts.get(PROMPT_NAME) for _ in range(sizes.single_flight))
        )
        elapsed = time.perf_counter() - started
        stats = posthog.prompts.stats()
    finally:
        await posthog.aclose()
    same = all(r.version == PROMPT_VERSION for r in results) and len(results) == sizes.single_flight
    return Row(
        "d3",
        f"cold single flight: {sizes.single_flight:,} concurrent gets of one name",
        f"{transport.requests} request(s)",
        "exactly 1",
        verdict(transport.requests == 1 and same),
        f"counted at the transport ({FLIGHT_SERVER * 1e3:.0f} ms per request); all "
        f"{len(results):,} got version {PROMPT_VERSION}: {same}; {stats.coalesced:,} "
        f"coalesced; {ms(elapsed)} in all",
    )


async def _stale(sizes: Sizes) -> Row:
    transport = CountingSlowTransport(STALE_SERVER)
    posthog = facade_over_pool(transport, prompt_cache_ttl=STALE_TTL)
    times: list[float] = []
    problems: list[str] = []
    try:
        await posthog.prompts.get(PROMPT_NAME)  # cold: waits for the server
        for _ in range(sizes.stale_samples):
            await asyncio.sleep(STALE_TTL * 1.2)  # now past the TTL
            before = transport.requests
            started = time.perf_counter()
            prompt = await posthog.prompts.get(PROMPT_NAME)
            times.append(time.perf_counter() - started)
            if prompt.source != "stale":
                problems.append(f"source {prompt.source!r}, not 'stale'")
            await asyncio.sleep(STALE_SERVER * 1.5)  # the background refresh lands
            if transport.requests != before + 1:
                problems.append(f"{transport.requests - before} refresh requests, not 1")
            if posthog.prompts._cache.get_fresh(PROMPT_NAME) is None:
                problems.append("not fresh again after the refresh")
        stats = posthog.prompts.stats()
    finally:
        await posthog.aclose()
    typical = median(times)
    return Row(
        "d4",
        f"get after TTL expiry, server taking {STALE_SERVER * 1e3:.0f} ms",
        us(typical),
        f"<= {STALE_TARGET * 1e3:.0f} ms",
        verdict(typical <= STALE_TARGET and not problems),
        f"stale copy served, refreshed in the background; median of {len(times)}, max "
        f"{us(max(times))}; {stats.refreshes} refreshes, {stats.stale_served} stale served"
        + (f"; PROBLEMS: {'; '.join(sorted(set(problems)))}" if problems else ""),
    )
