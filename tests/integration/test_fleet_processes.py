"""The shared store and budget with real processes (issue 14): each process is a Python
interpreter of its own (``_fleet_proc.py``) on the local server and a real redis-server.
A few seconds each (process start-up, lock lifetimes): marked slow, run by
``make test-slow``; the same behaviour has fast in-process tests in
test_prompt_cache_store.py and test_rate_budget.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from posthog_api import AsyncPostHog, RedisPromptStore
from posthog_api.testing.redis_server import RedisServer

from .conftest import KEY, PROJECT, Server

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("redis_client")]

SCRIPT = Path(__file__).with_name("_fleet_proc.py")


class Proc:
    """One fleet process: started, ready, released with ``go()``, its JSON ``result()``."""

    def __init__(self, spec: dict[str, Any]) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        self.process = subprocess.Popen(
            [sys.executable, str(SCRIPT), json.dumps(spec)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=env,
        )  # fmt: skip
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        assert line == "ready", self.process.stderr.read() if self.process.stderr else line

    def go(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def result(self, timeout: float = 30) -> dict[str, Any]:
        out, err = self.process.communicate(timeout=timeout)
        assert self.process.returncode == 0, err
        return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.communicate()


@pytest.fixture
def procs() -> Iterator[list[Proc]]:
    started: list[Proc] = []
    yield started
    for proc in started:
        if proc.process.poll() is None:
            proc.kill()


def _spec(server: Server, redis_url: str, prefix: str, **more: Any) -> dict[str, Any]:
    return {"url": server.url, "redis": redis_url, "prefix": prefix, "key": KEY, "name": "bot",
            "mode": "get", **more}  # fmt: skip


def test_two_processes_share_one_store(
    server: Server, redis_server: RedisServer, store_prefix: str, procs: list[Proc]
) -> None:
    server.state.seed_prompt("bot", "v1")
    first = Proc(_spec(server, redis_server.url, store_prefix))
    procs.append(first)
    second = Proc(_spec(server, redis_server.url, store_prefix))
    procs.append(second)
    first.go()
    assert first.result()["source"] == "api"
    second.go()
    answer = second.result()
    assert (answer["version"], answer["source"]) == (1, "cache")
    assert answer["stats"]["store_hits"] == 1
    assert server.prompt_gets("bot") == 1


async def test_the_lock_holder_killed_mid_refresh_blocks_nobody_past_the_lock(
    server: Server, redis_server: RedisServer, redis_client: Any, store_prefix: str,
    procs: list[Proc],
) -> None:  # fmt: skip
    server.state.seed_prompt("bot", "v1")
    spec = _spec(server, redis_server.url, store_prefix, lock_timeout=1.0)
    holder, other = Proc(spec), Proc(spec)
    procs.extend([holder, other])
    server.state.faults.set_latency(30)  # the holder's fetch never ends
    holder.go()
    lock = f"{RedisPromptStore(redis_client, prefix=store_prefix).namespace(server.url, PROJECT)}"
    lock += ":lock:bot:latest"
    deadline = time.monotonic() + 10
    while not await redis_client.exists(lock):
        assert time.monotonic() < deadline, "the holder never took the lock"
        await asyncio.sleep(0.01)
    holder.kill()  # mid-refresh, holding the lock
    server.state.faults.set_latency(0)
    other.go()
    answer = other.result()
    assert (answer["version"], answer["source"]) == (1, "api")  # fetched by itself
    assert answer["elapsed"] < 1.5  # waited at most the lock's lifetime (1 s)


def test_redis_stopped_and_restarted_during_a_run(
    server: Server, store_prefix: str, procs: list[Proc]
) -> None:
    server.state.seed_prompt("bot", "v1")
    with RedisServer() as redis_server:
        spec = _spec(server, redis_server.url, store_prefix, mode="loop", seconds=3.0, ttl=0.1)
        fleet = [Proc(spec) for _ in range(2)]
        procs.extend(fleet)
        for proc in fleet:
            proc.go()
        time.sleep(0.8)
        redis_server.stop()
        time.sleep(0.8)
        redis_server.start()
        time.sleep(0.4)
        server.state.clear_requests()
        results = [proc.result() for proc in fleet]
    assert [r["failed"] for r in results] == [0, 0]  # not one get failed
    assert all(r["gets"] > 100 for r in results)
    assert all(r["stats"]["store_errors"] >= 1 for r in results)
    # Used again after the restart: the last second's refreshes (TTL 0.1 s) went through
    # the store, one process fetching for both (without it: about 2 x 10 a second).
    assert server.prompt_gets("bot") <= 14


def test_the_budget_is_shared_by_four_processes_under_a_burst(
    server: Server, redis_server: RedisServer, store_prefix: str, procs: list[Proc]
) -> None:
    server.state.seed_prompt("bot", "v1")
    # PostHog's 480 a minute, scaled. The budget's margin (0.3 s here) covers the spread of
    # a burst's first 20 requests, all in flight at once, through the local server's queue.
    server.state.faults.limit_rate(20, 1.0)
    spec = _spec(
        server, redis_server.url, store_prefix, mode="burst", requests=15, budget=[20, 1.0],
        store=False,
    )  # fmt: skip
    fleet = [Proc(spec) for _ in range(4)]
    procs.extend(fleet)
    started = time.monotonic()
    for proc in fleet:
        proc.go()
    results = [proc.result() for proc in fleet]
    assert [r["ok"] for r in results] == [15] * 4
    assert server.state.faults.rate_limited == 0  # not one 429 from the server
    assert time.monotonic() - started >= 2.0  # 60 requests at 20 a second: paced


async def test_a_publish_reaches_every_process(
    server: Server, redis_server: RedisServer, redis_client: Any, store_prefix: str,
    procs: list[Proc],
) -> None:  # fmt: skip
    server.state.seed_prompt("bot", "v1")
    spec = _spec(server, redis_server.url, store_prefix, mode="watch", ttl=3600.0)
    fleet = [Proc(spec) for _ in range(4)]
    procs.extend(fleet)
    for proc in fleet:
        proc.go()
    store = RedisPromptStore(redis_client, prefix=store_prefix)
    async with AsyncPostHog(
        api_key=KEY, project_id=PROJECT, host=server.url, prompt_store=store
    ) as writer:
        await asyncio.sleep(0.2)
        await writer.prompts.publish("bot", "v2", base_version=1)
        published = time.time()
    delays = [proc.result()["seen"] - published for proc in fleet]
    assert max(delays) < 0.1, delays
    # the first watcher's fetch; the new version came from the store
    assert server.prompt_gets("bot") == 1
