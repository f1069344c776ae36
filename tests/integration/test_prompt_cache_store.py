"""The shared prompt store (issue 14) against a real redis-server and the local PostHog
server, over loopback. Several clients in one process stand for several processes here:
each has its own in-process cache and its own subscription, as a process would (the
tests with real processes are in test_fleet_processes.py, marked slow).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from posthog_api import AsyncPostHog, ConfigurationError, Prompt, RedisPromptStore
from posthog_api.prompts.store import FORMAT, SharedPrompts
from posthog_api.testing.redis_server import RedisServer

from .conftest import PROJECT, MakeClient, ManualClock, Server, until

# Set up first, so closed last: after every client (and its subscription) is closed.
pytestmark = pytest.mark.usefixtures("redis_client")


def _lists(server: Server) -> int:
    return len(server.log("GET", f"/api/projects/{PROJECT}/llm_prompts/"))


def _shared(client: AsyncPostHog) -> SharedPrompts:
    shared = client._prompt_cache.shared
    assert shared is not None
    return shared


def _fleet(
    make_client: MakeClient, store: RedisPromptStore, count: int, clock: ManualClock | None = None,
    **options: Any,
) -> list[AsyncPostHog]:  # fmt: skip
    """``count`` clients on one store; with ``clock``, every cache and store view reads it."""
    clients = [make_client(prompt_store=store, **options) for _ in range(count)]
    if clock is not None:
        for client in clients:
            client._prompt_cache._clock = clock
            _shared(client).wall = clock
    return clients


async def _until_async(condition: Callable[[], Awaitable[Any]], within: float = 2.0) -> None:
    """Until ``await condition()`` is truthy (polled every ms); fails after ``within``."""
    async with asyncio.timeout(within):
        while True:
            if await condition():
                return
            await asyncio.sleep(0.001)


@pytest.fixture
def store(redis_client: Any, store_prefix: str) -> RedisPromptStore:
    return RedisPromptStore(redis_client, prefix=store_prefix, lock_timeout=1.0)


async def test_two_clients_share_one_fetch(
    make_client: MakeClient, server: Server, store: RedisPromptStore
) -> None:
    server.state.seed_prompt("bot", "Hi {{name}}", versions=["old"])
    first, second = _fleet(make_client, store, 2)
    fetched = await first.prompts.get("bot")
    shared = await second.prompts.get("bot")
    assert (fetched.source, fetched.version) == ("api", 2)
    assert (shared.source, shared.version, shared.prompt) == ("cache", 2, "Hi {{name}}")
    assert shared == fetched
    assert server.prompt_gets("bot") == 1  # the second process read the store, not PostHog
    assert second.prompts.stats().store_hits == 1
    # ... and so for a pinned version and a label, each fetched once for the fleet
    server.state.seed_label("bot", "production", 1)
    for client in (first, second):
        assert (await client.prompts.get("bot", label="production")).version == 1
        assert (await client.prompts.get("bot", version=2)).prompt == "Hi {{name}}"
    assert server.prompt_gets("bot") == 2


async def test_a_fresh_hit_never_reaches_redis(
    make_client: MakeClient, server: Server, store: RedisPromptStore, redis_client: Any
) -> None:
    server.state.seed_prompt("bot", "text")
    (client,) = _fleet(make_client, store, 1)
    await client.prompts.get("bot")
    sent: list[object] = []
    original = redis_client.execute_command

    async def counting(*args: Any, **options: Any) -> Any:
        sent.append(args[0])
        return await original(*args, **options)

    redis_client.execute_command = counting
    for _ in range(100):
        assert (await client.prompts.get("bot")).source == "cache"
    assert sent == []


async def test_a_store_copy_keeps_its_age(
    make_client: MakeClient, server: Server, store: RedisPromptStore
) -> None:
    """A copy read from the store expires when the store's does, not a TTL later."""
    server.state.seed_prompt("bot", "v1")
    clock = ManualClock()
    first, second = _fleet(make_client, store, 2, clock, prompt_cache_ttl=60)
    await first.prompts.get("bot")
    clock.advance(45)
    assert (await second.prompts.get("bot")).source == "cache"  # 45 s old in the store
    clock.advance(10)
    assert (await second.prompts.get("bot")).source == "cache"
    clock.advance(6)  # 61 s since the fetch: stale in every process at once
    stale = await second.prompts.get("bot")
    assert stale.source == "stale"
    await until(lambda: second._prompt_cache._inflight == {})
    assert (await second.prompts.get("bot")).source == "cache"
    assert server.prompt_gets("bot") == 2  # one refresh, by the second process


async def test_one_refresh_for_the_fleet(
    make_client: MakeClient, server: Server, store: RedisPromptStore
) -> None:
    """Five processes find their copy expired at once: one fetches, the others wait for
    its announcement (serving the stale copy meanwhile) and read the store."""
    server.state.seed_prompt("bot", "v1")
    clock = ManualClock()
    fleet = _fleet(make_client, store, 5, clock, prompt_cache_ttl=10)
    for client in fleet:
        await client.prompts.get("bot")
        assert await _shared(client).subscribed()
    assert server.prompt_gets("bot") == 1
    server.state.seed_prompt("bot", "v2")  # published elsewhere (the PostHog UI)
    server.state.faults.set_latency(0.05)
    clock.advance(11)
    served = await asyncio.gather(*(client.prompts.get("bot") for client in fleet))
    assert {p.source for p in served} == {"stale"}
    await until(lambda: all(c._prompt_cache._inflight == {} for c in fleet))
    for client in fleet:
        assert (await client.prompts.get("bot")).prompt == "v2"
    assert server.prompt_gets("bot") == 2
    assert sum(c.prompts.stats().store_waits for c in fleet) == 4


async def test_waiting_for_a_dead_lock_holder_is_bounded_by_the_lock(
    make_client: MakeClient, server: Server, store: RedisPromptStore, redis_client: Any
) -> None:
    """Nothing stored and the lock held by a process that died: the get waits at most the
    lock's lifetime, then fetches itself."""
    server.state.seed_prompt("bot", "v1")
    store.lock_timeout = 0.3
    (client,) = _fleet(make_client, store, 1)
    lock = f"{_shared(client).ns}:lock:bot:latest"
    await redis_client.set(lock, "a process that died", px=300)
    started = time.perf_counter()
    prompt = await client.prompts.get("bot")
    waited = time.perf_counter() - started
    assert (prompt.source, prompt.prompt) == ("api", "v1")
    assert 0.1 < waited < 0.6
    assert server.prompt_gets("bot") == 1


async def test_a_publish_reaches_every_process_within_100_ms(
    make_client: MakeClient, server: Server, store: RedisPromptStore
) -> None:
    server.state.seed_prompt("bot", "v1")
    writer, *readers = _fleet(make_client, store, 4, prompt_cache_ttl=3600)
    for client in (writer, *readers):
        await client.prompts.get("bot")
        assert await _shared(client).subscribed()
    published = await writer.prompts.publish("bot", "v2", base_version=1)
    # every reader's copy dropped within 100 ms of the publish (all of them, not one by one)
    await until(lambda: all(r._prompt_cache.peek("bot") is None for r in readers), within=0.1)
    for reader in readers:
        got = await reader.prompts.get("bot")
        assert (got.version, got.prompt, got.source) == (2, "v2", "cache")  # from the store
    assert (await writer.prompts.get("bot")) == published
    assert server.prompt_gets("bot") == 1  # nobody asked PostHog for the new version


async def test_labels_and_archive_are_announced(
    make_client: MakeClient, server: Server, store: RedisPromptStore
) -> None:
    server.state.seed_prompt("bot", "v2", versions=["v1"], labels={"production": 1})
    writer, reader = _fleet(make_client, store, 2, prompt_cache_ttl=3600)
    for client in (writer, reader):
        assert (await client.prompts.get("bot", label="production")).version == 1
        assert await _shared(client).subscribed()
    await writer.prompts.set_label("bot", "production", 2)
    await until(lambda: reader._prompt_cache.peek("bot", "production") is None, within=0.1)
    assert (await reader.prompts.get("bot", label="production")).version == 2
    await writer.prompts.remove_label("bot", "production")
    await until(lambda: reader._prompt_cache.peek("bot", "production") is None, within=0.1)
    await reader.prompts.get("bot", version=1)
    await writer.prompts.archive("bot")
    await until(lambda: reader._prompt_cache.peek("bot", 1) is None, within=0.1)
    assert len(reader._prompt_cache) == 0


async def test_a_refresh_that_fetched_before_a_publish_does_not_overwrite_it(
    make_client: MakeClient, server: Server, store: RedisPromptStore
) -> None:
    server.state.seed_prompt("bot", "v1")
    writer, reader = _fleet(make_client, store, 2)
    old = await writer.prompts.fetch("bot")
    shared = _shared(reader)

    async def slow_fetch() -> Any:  # answers the old version, after the publish landed
        await writer.prompts.publish("bot", "v2", base_version=1)
        return old

    prompt, age = await shared.load("bot", None, slow_fetch, False, 60.0, 3600.0)
    assert (prompt.version, age) == (1, 0.0)  # its caller gets what it fetched ...
    other = make_client(prompt_store=store)
    assert (await other.prompts.get("bot")).version == 2  # ... the store keeps the publish


async def test_pinned_versions_follow_the_pinned_ttl(
    make_client: MakeClient, server: Server, store: RedisPromptStore
) -> None:
    """A version number is reused after an archive: a store copy older than
    prompt_cache_pinned_ttl is revalidated, as in process."""
    server.state.seed_prompt("bot", "the archived text")
    clock = ManualClock()
    first, second = _fleet(make_client, store, 2, clock, prompt_cache_pinned_ttl=100)
    await first.prompts.get("bot", version=1)
    writer = make_client()  # no store: the archive is not announced
    await writer.prompts.archive("bot")
    await writer.prompts.create("bot", "the new text")
    clock.advance(99)
    assert (await second.prompts.get("bot", version=1)).prompt == "the archived text"
    clock.advance(2)
    third = _fleet(make_client, store, 1, clock, prompt_cache_pinned_ttl=100)[0]
    got = await third.prompts.get("bot", version=1)
    assert (got.prompt, got.source) == ("the new text", "api")


async def test_stored_values_are_versioned_json_and_unreadable_ones_are_ignored(
    make_client: MakeClient, server: Server, store: RedisPromptStore, redis_client: Any
) -> None:
    server.state.seed_prompt("bot", [{"role": "system", "content": "Be {{tone}}"}])
    first, second = _fleet(make_client, store, 2)
    await first.prompts.get("bot")
    key = f"{_shared(first).ns}:p:bot"
    stored = json.loads(await redis_client.hget(key, "latest"))
    assert stored["format"] == FORMAT
    assert stored["prompt"]["name"] == "bot" and stored["prompt"]["version"] == 1
    for garbage in (b"\x80\x04pickle", b'{"format": 2, "at": 1}', b"[]", b'{"format": 1}'):
        await redis_client.hset(key, "latest", garbage)
        second.prompts.invalidate()
        got = await second.prompts.get("bot")
        assert got.source == "api"  # ignored: fetched, and stored again readable
        assert json.loads(await redis_client.hget(key, "latest"))["format"] == FORMAT


async def test_prefetch_lists_once_for_the_fleet(
    make_client: MakeClient, server: Server, store: RedisPromptStore
) -> None:
    for index in range(150):
        server.state.seed_prompt(f"p{index}", f"v2 of {index}", versions=["v1"])
        server.state.seed_label(f"p{index}", "production", 1)
    fleet = _fleet(make_client, store, 3)
    counts = await asyncio.gather(*(c.prompts.prefetch(label="production") for c in fleet))
    assert counts == [150, 150, 150]
    assert _lists(server) == 2  # two pages of 100, by one process
    for client in fleet:
        got = await client.prompts.get("p7", label="production")
        assert (got.version, got.label, got.source) == (1, "production", "cache")
    assert await fleet[0].prompts.prefetch() == 150
    assert await fleet[1].prompts.prefetch(["p1", "p2"]) == 2
    assert _lists(server) == 4
    assert server.prompt_gets("p7") == 0


async def test_redis_down_never_fails_a_get_and_is_used_again_when_back(
    make_client: MakeClient, server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    import redis.asyncio

    server.state.seed_prompt("bot", "v1")
    with RedisServer() as redis_server:
        client_redis = redis.asyncio.Redis.from_url(redis_server.url)
        store = RedisPromptStore(
            client_redis, prefix="down", command_timeout=0.2, retry_interval=0.05
        )
        client = make_client(prompt_store=store, prompt_cache_ttl=0)
        redis_server.stop()
        with caplog.at_level(logging.INFO, logger="posthog_api"):
            for _ in range(5):
                assert (await client.prompts.get("bot")).prompt == "v1"
                await asyncio.sleep(0.06)
            warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
            assert len(warnings) == 1 and "Redis failed" in warnings[0].getMessage()
            assert server.prompt_gets("bot") == 5  # direct fetches, nothing failed
            redis_server.start()
            await asyncio.sleep(0.06)
            await client.prompts.get("bot")  # the first after: stores for the others
            other = make_client(prompt_store=store)
            assert (await other.prompts.get("bot")).source == "cache"
            assert any("answers again" in r.getMessage() for r in caplog.records)
        assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1
        await client_redis.aclose()


async def test_a_slow_or_full_redis_never_fails_a_get(
    make_client: MakeClient, server: Server, redis_client: Any, store_prefix: str
) -> None:
    server.state.seed_prompt("bot", "v1")
    store = RedisPromptStore(
        redis_client, prefix=store_prefix, command_timeout=0.05, retry_interval=0.01
    )
    client = make_client(prompt_store=store, prompt_cache_ttl=0)
    await redis_client.execute_command("CLIENT", "PAUSE", "400")  # every command waits
    started = time.perf_counter()
    assert (await client.prompts.get("bot")).prompt == "v1"
    assert time.perf_counter() - started < 0.3  # the command's own timeout, not 400 ms
    await asyncio.sleep(0.45)
    await redis_client.config_set("maxmemory", "1")  # full: every write is refused
    try:
        await asyncio.sleep(0.02)
        assert (await client.prompts.get("bot")).prompt == "v1"
    finally:
        await redis_client.config_set("maxmemory", "0")
    assert client.prompts.stats().store_errors >= 1


def test_the_store_is_checked_at_construction(redis_client: Any) -> None:
    import redis

    with pytest.raises(ConfigurationError, match="asyncio Redis client"):
        RedisPromptStore(redis.Redis())
    with pytest.raises(ConfigurationError, match="prefix"):
        RedisPromptStore(redis_client, prefix="")
    with pytest.raises(ConfigurationError, match="lock_timeout"):
        RedisPromptStore(redis_client, lock_timeout=0)
    with pytest.raises(ConfigurationError, match=r"lock_timeout must be >= 0.1 s"):
        RedisPromptStore(redis_client, lock_timeout=0.0001)
    with pytest.raises(ConfigurationError, match="command_timeout"):
        RedisPromptStore(redis_client, command_timeout=0)
    with pytest.raises(ConfigurationError, match="prompt_store must be a RedisPromptStore"):
        AsyncPostHog(api_key="phx_x", project_id="1", prompt_store=redis_client)


# -- the hostile review of issue 14 ------------------------------------------------------


async def _bot(client: AsyncPostHog, version: int, text: str) -> Prompt:
    """The latest of "bot" as fetched, re-numbered: what a fetch answered at some time."""
    fetched = await client.prompts.fetch("bot")
    return dataclasses.replace(fetched, version=version, prompt=text)


async def test_a_refresh_that_lost_its_lock_does_not_overwrite_a_newer_copy(
    make_client: MakeClient, server: Server, redis_client: Any, store_prefix: str
) -> None:
    """A refresh whose process stalled past its lock's lifetime: another process refreshed
    meanwhile and stored a newer copy, which the stalled one must not replace."""
    server.state.seed_prompt("bot", "v1")
    store = RedisPromptStore(redis_client, prefix=store_prefix, lock_timeout=0.1)
    slow, quick, reader = _fleet(make_client, store, 3)
    old, new = await _bot(slow, 1, "v1"), await _bot(slow, 2, "v2 (published in the UI)")
    answer = asyncio.Event()

    async def slow_fetch() -> Prompt:
        await answer.wait()
        return old

    async def quick_fetch() -> Prompt:
        return new

    async def never() -> Prompt:
        raise AssertionError("the store holds a fresh copy")

    stalled = asyncio.create_task(_shared(slow).load("bot", None, slow_fetch, False, 60, 3600))
    lock = f"{_shared(slow).ns}:lock:bot:latest"
    await _until_async(lambda: redis_client.exists(lock))  # taken: the fetch is under way
    await redis_client.delete(lock)  # its lifetime ran out while the process stalled
    got, _ = await _shared(quick).load("bot", None, quick_fetch, False, 60, 3600)
    assert got.version == 2
    answer.set()
    assert (await stalled)[0].version == 1  # its own caller still gets what it fetched
    stored, _ = await _shared(reader).load("bot", None, never, False, 60, 3600)
    assert (stored.version, stored.prompt) == (2, "v2 (published in the UI)")


async def test_the_lock_lives_as_long_as_its_fetch(
    make_client: MakeClient, server: Server, redis_client: Any, store_prefix: str
) -> None:
    """A fetch slower than lock_timeout (waiting for the rate budget, a slow PostHog) keeps
    its lock: no second process refreshes meanwhile, and its copy is stored."""
    server.state.seed_prompt("bot", "v1")
    store = RedisPromptStore(redis_client, prefix=store_prefix, lock_timeout=0.1)
    holder, reader = _fleet(make_client, store, 2)
    old = await _bot(holder, 1, "v1")

    async def slow_fetch() -> Prompt:
        await asyncio.sleep(0.25)
        return old

    refresh = asyncio.create_task(_shared(holder).load("bot", None, slow_fetch, False, 60, 3600))
    lock = f"{_shared(holder).ns}:lock:bot:latest"
    await asyncio.sleep(0.2)  # twice the lock's lifetime
    assert await redis_client.exists(lock) == 1
    await refresh
    assert await redis_client.exists(lock) == 0  # released
    got = await reader.prompts.get("bot")
    assert (got.source, got.version) == ("cache", 1)


async def test_a_stored_copy_ages_from_when_its_fetch_started(
    make_client: MakeClient, server: Server, store: RedisPromptStore
) -> None:
    """What PostHog answered may have changed while the answer was on its way: the stored
    copy is as old as the fetch's start, not as its write."""
    server.state.seed_prompt("bot", "v1")
    clock = ManualClock()
    writer, reader = _fleet(make_client, store, 2, clock)
    old = await _bot(writer, 1, "v1")

    async def slow_fetch() -> Prompt:
        clock.advance(5)  # a fetch that took five seconds
        return old

    async def never() -> Prompt:
        raise AssertionError("the store holds a fresh copy")

    await _shared(writer).load("bot", None, slow_fetch, False, 60, 3600)
    _, age = await _shared(reader).load("bot", None, never, False, 60, 3600)
    assert age == 5


async def test_of_two_overlapping_fetches_the_higher_latest_version_stays(
    make_client: MakeClient, server: Server, store: RedisPromptStore
) -> None:
    """A prefetch pass (its own lock) that started during a refresh of "bot" but answered
    an older version must not replace the refresh's newer copy when it lands last."""
    server.state.seed_prompt("bot", "v1")
    refresher, lister, reader = _fleet(make_client, store, 3)
    old, new = await _bot(refresher, 1, "v1"), await _bot(refresher, 2, "v2")
    refreshed, listed = asyncio.Event(), asyncio.Event()

    async def fetch() -> Prompt:
        await refreshed.wait()
        return new

    async def list_all() -> list[Prompt]:
        await listed.wait()
        return [old]

    refresh = asyncio.create_task(_shared(refresher).load("bot", None, fetch, False, 60, 3600))
    await asyncio.sleep(0.01)
    listing = asyncio.create_task(_shared(lister).bulk(None, list_all, 60))
    await asyncio.sleep(0.01)
    refreshed.set()
    await refresh  # v2 stored
    await asyncio.sleep(0.01)
    listed.set()
    await listing  # v1, from a fetch that started before v2's ended
    got = await reader.prompts.get("bot")
    assert (got.source, got.version, got.prompt) == ("cache", 2, "v2")


async def test_a_lower_latest_version_fetched_later_replaces_the_stored_one(
    make_client: MakeClient, server: Server, store: RedisPromptStore
) -> None:
    """Archived and created again outside the SDK (the PostHog UI): version 1 is the
    latest again, and a refresh started after the stored copy's fetch ended stores it."""
    server.state.seed_prompt("bot", "the old v2", versions=["the old v1"])
    clock = ManualClock()
    first, second = _fleet(make_client, store, 2, clock, prompt_cache_ttl=10)
    assert (await first.prompts.get("bot")).version == 2
    outside = make_client()  # no store: nothing is announced
    await outside.prompts.archive("bot")
    await outside.prompts.create("bot", "the new v1")
    clock.advance(11)
    refreshed = await second.prompts.get("bot")  # the stored v2 is stale: refreshed
    assert (refreshed.source, refreshed.version) == ("api", 1)
    third = _fleet(make_client, store, 1, clock, prompt_cache_ttl=10)[0]
    got = await third.prompts.get("bot")
    assert (got.source, got.version, got.prompt) == ("cache", 1, "the new v1")


class _Proxy:
    """A TCP proxy to Redis that can go silent: it stops forwarding (no RST, no FIN), as a
    NAT or a load balancer does when it drops an idle connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.flowing = asyncio.Event()
        self.flowing.set()
        self.tasks: set[asyncio.Task[None]] = set()
        self.server: asyncio.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.port)
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pipe(source, sink))
            self.tasks.add(task)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            while data := await reader.read(65536):
                await self.flowing.wait()
                writer.write(data)
                await writer.drain()
        writer.close()

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        if self.server is not None:
            self.server.close()


async def test_a_silent_subscription_is_noticed_and_every_copy_revalidated(
    make_client: MakeClient, server: Server, redis_server: RedisServer, store_prefix: str,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    """The pub/sub connection black-holed: announcements stop without an error. A PING
    unanswered in time is a gap: one WARNING, the in-process copies are revalidated, the
    subscription is made again, and announcements reach the process once more."""
    import redis.asyncio

    server.state.seed_prompt("bot", "v1")
    proxy = _Proxy(redis_server.port)
    proxied = redis.asyncio.Redis(host="127.0.0.1", port=await proxy.start())
    direct = redis.asyncio.Redis.from_url(redis_server.url)
    options = {"prefix": store_prefix, "command_timeout": 0.05, "retry_interval": 0.05}
    writer = make_client(prompt_store=RedisPromptStore(direct, **options), prompt_cache_ttl=3600)
    reader = make_client(prompt_store=RedisPromptStore(proxied, **options), prompt_cache_ttl=3600)
    _shared(reader).heartbeat = 0.05
    try:
        with caplog.at_level(logging.INFO, logger="posthog_api"):
            for client in (writer, reader):
                await client.prompts.get("bot")
                assert await _shared(client).subscribed()
            proxy.flowing.clear()
            await until(lambda: reader._prompt_cache.get_fresh("bot") is None, within=0.5)
            assert reader._prompt_cache.peek("bot") is not None  # stale, still servable
            warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
            assert len(warnings) == 1 and "announcements stopped" in warnings[0], warnings
            proxy.flowing.set()
            await until(lambda: _shared(reader)._subscribed.is_set(), within=1.0)
            await reader.prompts.get("bot")  # revalidated through the store
            await until(lambda: reader._prompt_cache.get_fresh("bot") is not None)
            await writer.prompts.publish("bot", "v2", base_version=1)
            await until(lambda: reader._prompt_cache.peek("bot") is None, within=0.1)
            assert any("announcements are back" in r.getMessage() for r in caplog.records)
    finally:
        await reader.aclose()
        await writer.aclose()
        await proxy.close()
        await proxied.aclose()
        await direct.aclose()


async def test_a_value_of_another_type_is_absent_not_redis_down(
    make_client: MakeClient, server: Server, store: RedisPromptStore, redis_client: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    """One key holding a string (WRONGTYPE): that prompt is fetched directly, every other
    prompt is still shared through the store, and one WARNING says so."""
    server.state.seed_prompt("bot", "bot v1")
    server.state.seed_prompt("other", "other v1")
    clock = ManualClock()
    fleet = first, second = _fleet(make_client, store, 2, clock, prompt_cache_ttl=10)
    await redis_client.set(f"{_shared(first).ns}:p:bot", "not a hash")
    with caplog.at_level(logging.INFO, logger="posthog_api"):
        for period in range(3):
            clock.advance(11 if period else 0)
            for client in fleet:
                assert (await client.prompts.get("bot")).prompt == "bot v1"
                assert (await client.prompts.get("other")).prompt == "other v1"
            await until(lambda: all(c._prompt_cache._inflight == {} for c in fleet))
    assert server.prompt_gets("other") == 3  # once per TTL, for the fleet: the store is in use
    assert not _shared(first).down and not _shared(second).down
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2 and all("WRONGTYPE" in w for w in warnings)  # one per process
    assert not [r for r in caplog.records if r.levelno == logging.INFO]


async def test_a_full_redis_still_serves_what_it_holds(
    make_client: MakeClient, server: Server, store: RedisPromptStore, redis_client: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    """maxmemory reached (noeviction): reads still answer, writes are refused. The stored
    copies keep being served and the store is not switched off; one WARNING."""
    server.state.seed_prompt("bot", "bot v1")
    server.state.seed_prompt("fresh", "fresh v1")
    first, second = _fleet(make_client, store, 2, prompt_cache_ttl=10)
    await first.prompts.get("bot")
    policy = (await redis_client.config_get("maxmemory-policy"))["maxmemory-policy"]
    await redis_client.config_set("maxmemory-policy", "noeviction")
    await redis_client.config_set("maxmemory", "1")
    try:
        with caplog.at_level(logging.INFO, logger="posthog_api"):
            for _ in range(5):
                assert (await second.prompts.get("fresh")).prompt == "fresh v1"  # not stored
                second._prompt_cache.invalidate("fresh")
                second._prompt_cache.invalidate("bot")
                got = await second.prompts.get("bot")
                assert (got.source, got.prompt) == ("cache", "bot v1")  # from the store
    finally:
        await redis_client.config_set("maxmemory", "0")
        await redis_client.config_set("maxmemory-policy", policy)
    assert server.prompt_gets("bot") == 1 and server.prompt_gets("fresh") == 5
    assert not _shared(second).down
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "maxmemory" in warnings[0], warnings
    assert not [r for r in caplog.records if r.levelno == logging.INFO]


async def test_a_flapping_redis_logs_one_warning_and_one_info(
    make_client: MakeClient, server: Server, redis_client: Any, store_prefix: str,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    """Redis answering, then not, three times over: one WARNING (saying which limit was
    missed, not an empty TimeoutError) and one INFO, not three of each."""
    server.state.seed_prompt("bot", "v1")
    store = RedisPromptStore(
        redis_client, prefix=store_prefix, command_timeout=0.05, retry_interval=0.01
    )
    client = make_client(prompt_store=store, prompt_cache_ttl=0)
    with caplog.at_level(logging.INFO, logger="posthog_api"):
        for _ in range(3):
            await redis_client.execute_command("CLIENT", "PAUSE", "80")
            assert (await client.prompts.get("bot")).prompt == "v1"  # times out: direct
            await asyncio.sleep(0.1)
            assert (await client.prompts.get("bot")).prompt == "v1"  # Redis answers again
            assert not _shared(client).down
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert "no answer within command_timeout=0.05 s" in warnings[0]
    assert len([r for r in caplog.records if r.levelno == logging.INFO]) == 1


def test_redis_cluster_is_refused_with_what_to_do(redis_client: Any) -> None:
    from redis.asyncio.cluster import RedisCluster

    from posthog_api import RateBudget

    cluster = RedisCluster.__new__(RedisCluster)  # no nodes needed to be refused
    for make in (RedisPromptStore, RateBudget):
        with pytest.raises(ConfigurationError, match="Redis Cluster is not supported"):
            make(cluster)


async def test_ages_follow_the_redis_clock_not_the_machines(
    make_client: MakeClient, server: Server, store: RedisPromptStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """A process on a machine whose clock runs 30 s ahead reads a copy stored a moment ago
    by one whose clock is right: it is fresh (TTL 20 s), not 30 s old."""
    server.state.seed_prompt("bot", "v1")
    (right,) = _fleet(make_client, store, 1, prompt_cache_ttl=20)
    real = time.time
    with monkeypatch.context() as patch:  # the store's view reads the clock it was made with
        patch.setattr(time, "time", lambda: real() + 30)
        (ahead,) = _fleet(make_client, store, 1, prompt_cache_ttl=20)
    assert _shared(ahead).wall() - time.time() > 29  # its machine's clock, 30 s ahead
    await right.prompts.get("bot")
    got = await ahead.prompts.get("bot")
    assert (got.source, got.version) == ("cache", 1)
    assert server.prompt_gets("bot") == 1
