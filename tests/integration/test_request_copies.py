"""``with_options`` copies and event loops, over loopback: what a copy on another host or
for another project owns (its pool, its loop, its prompt cache) and closes, and the whole
message for a client used from a second event loop."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from posthog_api import AsyncPostHog, ConfigurationError
from posthog_api.testing import seed_demo

from .conftest import KEY, PROJECT, MakeClient, Server


def other_host(server: Server) -> str:
    """The same local server under another host name: another origin, so another pool."""
    return server.url.replace("127.0.0.1", "localhost")


def test_a_copy_on_another_host_may_be_used_in_another_loop(
    server: Server, first_loop: asyncio.AbstractEventLoop
) -> None:
    client = AsyncPostHog(api_key=KEY, project_id=PROJECT, host=server.url)
    other = client.with_options(host=other_host(server))
    try:
        first_loop.run_until_complete(client.datasets.create(name="golden"))

        async def in_second_loop() -> list[str]:
            try:
                return [d.name for d in await other.datasets.list().collect()]
            finally:
                await other.aclose()

        assert asyncio.run(in_second_loop()) == ["golden"]  # its own pool, its own loop
    finally:
        first_loop.run_until_complete(client.aclose())


def test_a_client_used_from_a_second_loop_says_why_and_what_to_do(
    server: Server, first_loop: asyncio.AbstractEventLoop
) -> None:
    client = AsyncPostHog(api_key=KEY, project_id=PROJECT, host=server.url)
    try:
        first_loop.run_until_complete(client.datasets.create(name="golden"))
        with pytest.raises(ConfigurationError) as info:
            asyncio.run(client.datasets.create(name="second"))
        assert str(info.value) == (
            "posthog.datasets.create: this AsyncPostHog was first used in another event loop, "
            "and its connection pool belongs to that loop (httpx's connections cannot move "
            "between loops, and the first loop may be gone), so nothing was sent. Next: create "
            "one client per event loop, e.g. with 'async with AsyncPostHog(...)' inside the "
            "coroutine you pass to asyncio.run(), or one per thread that runs a loop."
        )
    finally:
        first_loop.run_until_complete(client.aclose())


async def test_closing_a_copy_on_another_host_closes_its_connections(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client()
    other = client.with_options(host=other_host(server))
    await other.datasets.list()
    pool = other._transport.inner
    assert isinstance(pool, httpx.AsyncHTTPTransport)
    assert pool._pool.connections  # the kept-alive connection to the other host
    await other.aclose()
    assert pool._pool.connections == []  # closed with the copy, not leaked
    assert (await client.datasets.list()).results == []  # the original's pool is open


async def test_closing_a_copy_for_another_project_closes_its_own_prompt_cache(
    make_client: MakeClient, server: Server
) -> None:
    seed_demo(server.state)
    client = make_client()
    other = client.with_options(project_id="2")
    await other.aclose()
    fetched: list[str] = []

    async def fetch() -> object:
        fetched.append("support-bot")
        raise AssertionError("a closed cache must not fetch")

    # The copy's cache (its background refreshes) ends with it; the original's serves on.
    with pytest.raises(ConfigurationError, match="closed"):
        await other._prompt_cache.get("support-bot", None, fetch)
    assert fetched == []
    assert (await client.prompts.get("support-bot")).name == "support-bot"


async def test_closing_the_original_leaves_a_copy_on_another_host_working(
    make_client: MakeClient, server: Server
) -> None:
    seed_demo(server.state)
    client = make_client()
    other = client.with_options(host=other_host(server), prompt_cache_ttl=120.0)
    await client.aclose()
    # its own pool and cache: the original's closing does not reach it
    assert (await other.prompts.get("support-bot")).name == "support-bot"
    assert [d.name for d in (await other.datasets.list()).results] == ["support-questions"]
