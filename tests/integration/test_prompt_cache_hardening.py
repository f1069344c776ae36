"""The prompt cache against the local server over loopback: issue 9, items 4, 7, 13 and 15.

Pinned versions are revalidated (PostHog reuses version numbers after ``archive``), a
cancelled shared fetch never poisons later calls, a closed client says so the same way
on every path, and every prompt cache option is checked at construction.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any

import pytest

from posthog_api import AsyncPostHog, ConfigurationError, PromptNotFoundError
from posthog_api.prompts import Prompt

from .conftest import KEY, PROJECT, MakeClient, Server, clocked, until


async def _settle() -> None:
    for _ in range(50):
        await asyncio.sleep(0)


def _fetch_tasks() -> list[asyncio.Task[Any]]:
    return [t for t in asyncio.all_tasks() if t.get_name().startswith("posthog-prompt-fetch")]


# -- item 4: a pinned version is cached long, not forever ------------------------------


async def test_a_pinned_version_reused_after_archive_is_revalidated(
    make_client: MakeClient, server: Server
) -> None:
    reader, clock = clocked(make_client)  # the default prompt_cache_pinned_ttl: an hour
    writer = make_client()
    await writer.prompts.create("bot", "the archived text")
    assert (await reader.prompts.get("bot", version=1)).prompt == "the archived text"

    await writer.prompts.archive("bot")
    recreated = await writer.prompts.create("bot", "the new text")
    assert recreated.version == 1  # PostHog starts the name again at version 1

    clock.advance(3599)
    early = await reader.prompts.get("bot", version=1)
    assert (early.source, early.prompt) == ("cache", "the archived text")  # within the hour

    clock.advance(2)
    stale = await reader.prompts.get("bot", version=1)
    assert (stale.source, stale.prompt) == ("stale", "the archived text")  # no waiting
    await until(lambda: reader._prompt_cache._inflight == {})
    fresh = await reader.prompts.get("bot", version=1)
    assert (fresh.source, fresh.prompt) == ("cache", "the new text")
    assert server.prompt_gets("bot") == 2  # the first get and one background revalidation


async def test_a_pinned_version_that_is_gone_is_evicted_by_the_404(
    make_client: MakeClient, server: Server
) -> None:
    reader, clock = clocked(make_client)
    writer = make_client()
    await writer.prompts.create("bot", "text")
    await reader.prompts.get("bot", version=1)
    await writer.prompts.archive("bot")

    clock.advance(3601)
    assert (await reader.prompts.get("bot", version=1)).source == "stale"
    await until(lambda: reader._prompt_cache._inflight == {})
    clock.advance(10)  # past the error cooldown
    with pytest.raises(PromptNotFoundError):
        await reader.prompts.get("bot", version=1)
    served = await reader.prompts.get("bot", version=1, fallback="the fallback")
    assert (served.source, served.prompt) == ("fallback", "the fallback")


async def test_the_pinned_ttl_is_separate_from_the_latest_ttl(make_client: MakeClient) -> None:
    reader, clock = clocked(make_client, prompt_cache_ttl=10, prompt_cache_pinned_ttl=1000)
    writer = make_client()
    await writer.prompts.create("bot", "v1")
    await reader.prompts.get("bot")  # caches the latest and version 1
    clock.advance(500)
    assert (await reader.prompts.get("bot")).source == "stale"
    assert (await reader.prompts.get("bot", version=1)).source == "cache"
    assert reader._prompt_cache.pinned_ttl == 1000


# -- item 7: a cancelled fetch never poisons the cache --------------------------------


async def test_a_fetch_cancelled_before_it_ran_does_not_poison_later_gets(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client()
    await make_client().prompts.create("bot", "hello")
    waiter = asyncio.create_task(client.prompts.get("bot", fallback="the fallback"))
    await asyncio.sleep(0)  # the get has registered its fetch, which has not run yet
    (task,) = _fetch_tasks()
    task.cancel()  # e.g. a task group or a shutdown hook cancelling stray tasks
    waiter.cancel()
    await asyncio.gather(waiter, return_exceptions=True)
    assert server.prompt_gets("bot") == 0

    later = await asyncio.gather(
        asyncio.wait_for(client.prompts.get("bot", fallback="the fallback"), 5),
        return_exceptions=True,
    )
    assert [(p.source, p.prompt) if isinstance(p, Prompt) else p for p in later] == [
        ("api", "hello")
    ]
    assert server.prompt_gets("bot") == 1
    assert client._prompt_cache._inflight == {}


async def test_one_waiter_timing_out_does_not_cancel_the_fetch_for_the_others(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client()
    await make_client().prompts.create("bot", "hello")
    server.state.faults.set_latency(0.05)
    others = [asyncio.create_task(client.prompts.get("bot")) for _ in range(5)]
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(client.prompts.get("bot"), 0.01)
    results = await asyncio.gather(*others)
    assert {(r.source, r.prompt) for r in results} == {("api", "hello")}
    assert server.prompt_gets("bot") == 1  # one request, shared, not cancelled
    server.state.faults.reset()
    assert (await client.prompts.get("bot")).source == "cache"
    assert client._prompt_cache._inflight == {}


# -- item 13: one behaviour once the client is closed ----------------------------------


async def test_every_path_of_a_closed_client_raises_configuration_error(
    make_client: MakeClient, server: Server
) -> None:
    client, clock = clocked(make_client, prompt_cache_ttl=60)
    await make_client().prompts.create("fresh", "f")
    await make_client().prompts.create("stale", "s")
    await client.prompts.get("stale")
    clock.advance(120)  # "stale" is now served stale
    await client.prompts.get("fresh")
    await client.aclose()
    sent = len(server.log())

    calls = {
        "cold get": lambda: client.prompts.get("cold"),
        "cold get with fallback": lambda: client.prompts.get("cold", fallback="fb"),
        "stale get": lambda: client.prompts.get("stale"),
        "stale get with fallback": lambda: client.prompts.get("stale", fallback="fb"),
        "fresh get": lambda: client.prompts.get("fresh"),
        "pinned get": lambda: client.prompts.get("fresh", version=1),
        "get with cache_ttl": lambda: client.prompts.get("fresh", cache_ttl=1000),
        "fetch": lambda: client.prompts.fetch("fresh"),
        "list": lambda: client.prompts.list(),
    }
    for what, call in calls.items():
        with pytest.raises(ConfigurationError, match=r"closed.*create a new client") as info:
            await call()
        assert KEY not in str(info.value), what
    assert len(server.log()) == sent  # nothing was sent


async def test_gets_waiting_when_aclose_runs_end_with_configuration_error(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client()
    await make_client().prompts.create("bot", "hello")
    server.state.faults.set_latency(0.05)
    waiters = [
        asyncio.create_task(client.prompts.get("bot", fallback="not for a closed client"))
        for _ in range(5)
    ]
    await until(lambda: server.prompt_gets("bot") == 1 or any(w.done() for w in waiters))
    await client.aclose()
    results = await asyncio.gather(*waiters, return_exceptions=True)
    assert [type(r) for r in results] == [ConfigurationError] * 5, results
    assert all("create a new client" in str(r) for r in results)
    server.state.faults.reset()


async def test_a_closed_copy_refuses_while_the_original_keeps_serving(
    make_client: MakeClient,
) -> None:
    client = make_client()
    await make_client().prompts.create("bot", "hello")
    await client.prompts.get("bot")
    copy = client.with_options(max_retries=0)
    assert (await copy.prompts.get("bot")).source == "cache"  # one shared cache
    await copy.aclose()
    with pytest.raises(ConfigurationError, match="closed"):
        await copy.prompts.get("bot")
    with pytest.raises(ConfigurationError, match="closed"):
        await copy.prompts.get("bot", cache_ttl=1000)
    with pytest.raises(ConfigurationError, match="closed"):
        await copy.prompts.get("other", fallback="fb")
    assert (await client.prompts.get("bot")).source == "cache"
    assert (await client.prompts.get("bot", cache_ttl=0)).source == "api"


# -- item 15: every prompt cache option checked at construction ------------------------


OPTIONS = [
    "prompt_cache_ttl",
    "prompt_cache_pinned_ttl",
    "prompt_cache_max_stale",
    "prompt_cache_error_cooldown",
]


@pytest.mark.parametrize(
    ("option", "value"),
    [
        *((option, value) for option in OPTIONS for value in (math.nan, -1, True, "5", None)),
        ("prompt_cache_ttl", math.inf),
        ("prompt_cache_pinned_ttl", math.inf),
        ("prompt_cache_error_cooldown", math.inf),
        *(("prompt_cache_size", value) for value in (0, -5, True, 10.0, "10", None, math.nan)),
    ],
)
def test_a_bad_prompt_cache_option_is_refused_at_construction_by_name(
    option: str, value: object
) -> None:
    with pytest.raises(ConfigurationError, match=f"^{option} must be") as info:
        AsyncPostHog(api_key=KEY, project_id=PROJECT, host="http://127.0.0.1:9", **{option: value})
    assert KEY not in str(info.value)
    assert info.value.__cause__ is None and info.value.__context__ is None


def test_good_prompt_cache_options_are_kept() -> None:
    client = AsyncPostHog(
        api_key=KEY,
        project_id=PROJECT,
        host="http://127.0.0.1:9",
        prompt_cache_ttl=0,
        prompt_cache_pinned_ttl=7200,
        prompt_cache_max_stale=math.inf,  # serve a stale copy for as long as the API fails
        prompt_cache_error_cooldown=0.5,
        prompt_cache_size=1,
    )
    cache = client._prompt_cache
    assert (cache.ttl, cache.pinned_ttl, cache.max_stale) == (0.0, 7200.0, math.inf)
