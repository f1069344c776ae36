"""(h) A fleet of processes: the shared prompt store and the shared rate budget, on Redis.

A real ``redis-server`` (``posthog_api.testing.redis_server``) and the local PostHog server
(``bench._fleet_server``, its own process, 20 ms latency) on loopback; each simulated
process is a real one (``bench._fleet_worker``), started and warmed first, then released at
once.

* h1/h2/h3 fleet: ``fleet_processes`` processes x ``fleet_prompts`` prompts, TTL 1 s, each
  process getting every prompt then sleeping 5 ms, for ``fleet_seconds``: the requests
  reaching the server with the store (target: at most 1.1 x prompts x TTL periods) and
  without it (each process refreshing on its own), and the get latencies of each process.
* h4 propagation: every process polls one prompt each millisecond; this process publishes
  ``fleet_publishes`` new versions through a client with the store; for each process and
  version, the time from ``publish()`` returning to that process serving the new version.
* h5/h6 burst: ``burst_requests`` uncached reads from the processes at once (8 tasks each,
  no retries) against a server letting through 480 per ``burst_window`` seconds (PostHog's
  480 a minute, the window scaled down so that the row takes seconds, not ten minutes):
  with a shared ``RateBudget`` of the same 480 per window (only the minute limit: the server
  enforces no hourly one) and without a budget. Counted: PostHog's 429s.
* h7 warm get with the store configured (in this process): the store is not on the path.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

from posthog_api import AsyncPostHog, RedisPromptStore
from posthog_api.testing.redis_server import RedisServer

from ._harness import ROOT, Row, Sizes, interleave, median, ms, start_server, stop_server, verdict

KEY = "phx_bench_local_key"
LATENCY = 0.020
TTL = 1.0
PAUSE = 0.005
LIMIT = 480
BURST_TASKS = 8
PROPAGATION_TARGET = 0.100
WARM_TARGET = 1e-6
MARGIN = 0.15  # the budget's allowance for the way to the server (scaled window: see README)


class _Server:
    """``bench._fleet_server`` in a subprocess: ``url``, ``names``, ``command(...)``."""

    def __init__(self, prompts: int) -> None:
        self.process, started = start_server("bench._fleet_server", prompts, LATENCY)
        self.url: str = started["url"]
        self.names: list[str] = started["names"]

    def command(self, text: str) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())  # type: ignore[no-any-return]

    def close(self) -> None:
        stop_server(self.process)


@contextlib.contextmanager
def _serving(prompts: int) -> Iterator[_Server]:
    server = _Server(prompts)
    try:
        yield server
    finally:
        server.close()


@contextlib.contextmanager
def _workers(specs: list[dict[str, Any]]) -> Iterator[list[subprocess.Popen[str]]]:
    """One ``bench._fleet_worker`` per spec, yielded once every one is ready (each waits
    for :func:`_release`); any still running afterwards is killed."""
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "bench._fleet_worker", json.dumps(spec)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for spec in specs
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None
            if worker.stdout.readline().strip() != "ready":
                raise RuntimeError(f"a fleet worker failed to start ({worker.wait(10)})")
        yield workers
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()


def _release(workers: list[subprocess.Popen[str]]) -> None:
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()


def _result(worker: subprocess.Popen[str], timeout: float) -> dict[str, Any]:
    """The worker's last line of output, once it has ended."""
    out, _ = worker.communicate(timeout=timeout)
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _fleet(specs: list[dict[str, Any]], timeout: float) -> list[dict[str, Any]]:
    """Start one worker per spec, wait until all are ready, release them at once; their
    results."""
    with _workers(specs) as workers:
        _release(workers)
        return [_result(worker, timeout) for worker in workers]


def _loop(server: _Server, redis_url: str | None, sizes: Sizes) -> tuple[int, list[dict[str, Any]]]:
    names = server.names
    spec = {"mode": "loop", "url": server.url, "names": names, "seconds": sizes.fleet_seconds,
            "pause": PAUSE, "ttl": TTL, "redis": redis_url, "store": redis_url is not None,
            "prefix": f"bench-{uuid.uuid4().hex[:8]}"}  # fmt: skip
    server.command("clear")
    results = _fleet([spec] * sizes.fleet_processes, timeout=sizes.fleet_seconds + 60)
    return server.command("count")["requests"], results


async def _publish(server: _Server, redis_url: str, count: int) -> list[float]:
    """Publish ``count`` versions of the first prompt; when each publish() returned."""
    import redis.asyncio

    redis_client = redis.asyncio.Redis.from_url(redis_url)
    store = RedisPromptStore(redis_client, prefix=_PROPAGATION_PREFIX)
    returned = []
    async with AsyncPostHog(
        api_key=KEY, project_id="1", host=server.url, prompt_store=store
    ) as client:
        name = server.names[0]
        await asyncio.sleep(0.3)  # the watchers are polling
        latest = await client.prompts.fetch(name)
        for index in range(count):
            latest = await client.prompts.publish(
                name, f"version {index}", base_version=latest.version
            )
            returned.append(time.time())
            await asyncio.sleep(0.15)
    await redis_client.aclose()
    return returned


_PROPAGATION_PREFIX = f"bench-propagation-{uuid.uuid4().hex[:8]}"


def _propagation(server: _Server, redis_url: str, sizes: Sizes) -> list[float]:
    spec = {"mode": "watch", "url": server.url, "name": server.names[0], "ttl": 3600.0,
            "versions": sizes.fleet_publishes, "redis": redis_url, "store": True,
            "prefix": _PROPAGATION_PREFIX}  # fmt: skip
    with _workers([spec] * sizes.fleet_processes) as workers:
        _release(workers)
        returned = asyncio.run(_publish(server, redis_url, sizes.fleet_publishes))
        delays = []
        for worker in workers:
            result = _result(worker, 60)
            first = result["first"]
            for version, seen in result["seen"].items():
                delays.append(seen - returned[int(version) - first - 1])
        return delays


def _burst(server: _Server, redis_url: str, sizes: Sizes, budget: bool) -> dict[str, Any]:
    per = sizes.burst_requests // sizes.fleet_processes
    limits = [[LIMIT, sizes.burst_window]] if budget else None
    spec = {"mode": "burst", "url": server.url, "names": server.names, "requests": per,
            "tasks": BURST_TASKS, "redis": redis_url, "budget": limits, "margin": MARGIN,
            "prefix": f"bench-{uuid.uuid4().hex[:8]}"}  # fmt: skip
    server.command("clear")
    server.command(f"limit {LIMIT} {sizes.burst_window}")
    started = time.perf_counter()
    results = _fleet([spec] * sizes.fleet_processes, timeout=600)
    elapsed = time.perf_counter() - started
    counted = server.command("count")
    server.command("limit off")
    total = {key: sum(r[key] for r in results) for key in ("ok", "throttled", "refused", "other")}
    seconds = max(r["seconds"] for r in results)
    throttled = counted["by_status"].get("429", 0)
    return {**total, "seconds": seconds, "wall": elapsed, "server_429": throttled}


async def _warm(
    redis_url: str, server: _Server, sizes: Sizes
) -> tuple[float, float, dict[str, int]]:
    import redis.asyncio

    redis_client = redis.asyncio.Redis.from_url(redis_url)
    store = RedisPromptStore(redis_client, prefix=f"bench-warm-{uuid.uuid4().hex[:8]}")
    plain = AsyncPostHog(api_key=KEY, project_id="1", host=server.url)
    shared = AsyncPostHog(api_key=KEY, project_id="1", host=server.url, prompt_store=store)
    name = server.names[0]
    await plain.prompts.get(name)
    await shared.prompts.get(name)

    def loop(client: AsyncPostHog) -> Any:
        get = client.prompts.get

        async def timed(n: int) -> float:
            started = time.perf_counter()
            for _ in range(n):
                await get(name)
            return time.perf_counter() - started

        return timed

    samples = await interleave(
        {"store": loop(shared), "plain": loop(plain)},
        calls=sizes.warm_calls * sizes.warm_samples,
        rounds=sizes.warm_samples,
        warmup=10_000,
    )
    stats = shared.prompts.stats().to_dict()
    await plain.aclose()
    await shared.aclose()
    await redis_client.aclose()
    return median(samples["store"]), median(samples["plain"]), stats


def run(sizes: Sizes) -> list[Row]:
    with RedisServer() as redis_server, _serving(sizes.fleet_prompts) as server:
        requests_store, with_store = _loop(server, redis_server.url, sizes)
        requests_plain, without = _loop(server, None, sizes)
        delays = _propagation(server, redis_server.url, sizes)
        shared = _burst(server, redis_server.url, sizes, budget=True)
        alone = _burst(server, redis_server.url, sizes, budget=False)
        warm, warm_plain, warm_stats = asyncio.run(_warm(redis_server.url, server, sizes))
    processes, prompts, seconds = sizes.fleet_processes, sizes.fleet_prompts, sizes.fleet_seconds
    ceiling = 1.1 * prompts * seconds / TTL
    store_hits = sum(r["stats"]["store_hits"] for r in with_store)

    def latencies(results: list[dict[str, Any]]) -> str:
        p50 = statistics.median(r["p50"] for r in results)
        p99 = max(r["p99"] for r in results)
        return f"p50 {p50 * 1e6:.1f} µs, p99 {p99 * 1e6:.1f} µs (worst process)"

    delays.sort()
    p99 = delays[min(len(delays) - 1, int(0.99 * len(delays)))] if delays else float("inf")
    expected = processes * sizes.fleet_publishes
    spread = f"median {ms(median(delays))}, max {ms(delays[-1])}" if delays else "none seen"
    fleet = f"{processes} processes x {prompts} prompts, TTL {TTL:g} s, {seconds:g} s"
    ratio = requests_plain / max(requests_store, 1)
    all_ok = shared["ok"] == sizes.burst_requests // processes * processes
    scaled = f"480/min scaled {60 / sizes.burst_window:g}x"
    return [
        Row("h1", "fleet: requests reaching PostHog, with the store", f"{requests_store:,}",
            f"<= {ceiling:,.0f}", verdict(requests_store <= ceiling),
            f"{fleet}, 20 ms latency; {store_hits:,} loads answered by the store; "
            f"gets {latencies(with_store)}"),
        Row("h2", "fleet: requests reaching PostHog, per-process caches only",
            f"{requests_plain:,}", "reported", "info",
            f"{ratio:.1f}x the store's; gets {latencies(without)}"),
        Row("h3", "fleet: get latency per process, store / no store", latencies(with_store),
            "reported", "info",
            f"{sum(r['gets'] for r in with_store):,} gets with the store, "
            f"{sum(r['gets'] for r in without):,} without; no store: {latencies(without)}"),
        Row("h4", "publish -> every process serves it, p99", ms(p99),
            f"<= {PROPAGATION_TARGET * 1e3:.0f} ms",
            verdict(p99 <= PROPAGATION_TARGET and len(delays) == expected),
            f"{len(delays)} of {expected} (process, version) pairs; {spread}; from publish() "
            "returning (store written, announced) to the first get serving it, polled each ms"),
        Row("h5", f"burst of {sizes.burst_requests:,}: PostHog 429s, shared budget",
            str(shared["server_429"]), "0", verdict(shared["server_429"] == 0 and all_ok),
            f"{shared['ok']:,} ok in {shared['seconds']:.1f} s; server lets {LIMIT} per "
            f"{sizes.burst_window:g} s through ({scaled}); "
            f"RateBudget(redis, limits=[({LIMIT}, {sizes.burst_window:g})], margin={MARGIN:g})"),
        Row("h6", f"burst of {sizes.burst_requests:,}: PostHog 429s, no budget",
            f"{alone['server_429']:,}", "reported", "info",
            f"{alone['ok']:,} ok, {alone['throttled']:,} failed with 429 in "
            f"{alone['seconds']:.1f} s (no retries)"),
        Row("h7", "warm get with the store configured, per call", f"{warm * 1e9:.0f} ns",
            f"<= {WARM_TARGET * 1e9:.0f} ns", verdict(warm <= WARM_TARGET),
            f"without a store: {warm_plain * 1e9:.0f} ns; medians of {sizes.warm_samples} "
            f"interleaved samples of {sizes.warm_calls:,}; store hits {warm_stats['store_hits']}"),
    ]  # fmt: skip
