"""Found by a hostile review of the redesign (issue 10) and first-contact work (issue 12)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from posthog_api import AsyncPostHog, ConfigurationError, InvalidRequestError, ScopeError
from posthog_api.testing import seed_demo

from .conftest import KEY, PROJECT, MakeClient, Server

NAME_PATH = f"/api/projects/{PROJECT}/llm_prompts/name/support-bot/"


async def test_a_copy_told_it_lacks_the_read_scope_does_not_read_the_shared_cache(
    make_client: MakeClient, server: Server
) -> None:
    seed_demo(server.state)
    client = make_client()
    await client.prompts.get("support-bot")
    narrow = client.with_options(scopes=["dataset:read"])
    assert narrow._prompt_cache is client._prompt_cache
    with pytest.raises(ScopeError, match="llm_prompt:read"):
        await narrow.prompts.get("support-bot")
    assert (await narrow.prompts.get("support-bot", fallback="offline")).source == "fallback"
    assert len(server.log("GET", NAME_PATH)) == 1  # the original's fetch only
    await narrow.aclose()


async def test_closing_the_original_closes_copies_with_a_cache_of_their_own(
    make_client: MakeClient, server: Server
) -> None:
    seed_demo(server.state)
    client = make_client()
    copy = client.with_options(prompt_cache_ttl=120.0)
    assert copy._prompt_cache is not client._prompt_cache
    assert (await copy.prompts.get("support-bot")).source == "api"
    assert (await copy.prompts.get("support-bot")).source == "cache"
    await client.aclose()
    with pytest.raises(ConfigurationError, match="closed"):
        await copy.prompts.get("support-bot")


def test_aclose_in_a_later_event_loop_closes_quietly(server: Server) -> None:
    seed_demo(server.state)
    client = AsyncPostHog(api_key=KEY, project_id=PROJECT, host=server.url)
    asyncio.run(client.prompts.fetch("support-bot"))
    asyncio.run(client.aclose())  # the first loop and its sockets are gone: nothing to raise
    assert client._http.is_closed


async def test_a_mistyped_provider_key_is_never_echoed(
    client: AsyncPostHog, server: Server
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        await client.llm_analytics.validate_provider_key(provider="openai", api_key=b"sk-SECRET")
    assert "api_key must be str, got bytes" in str(caught.value)
    assert "SECRET" not in str(caught.value)
    assert server.log() == []


async def test_distinct_ids_are_strings(client: AsyncPostHog, server: Server) -> None:
    seed_demo(server.state)
    wanted = server.state.events[0]["distinct_id"]
    events = await client.events.list(distinct_id=wanted).collect()
    assert events and {e.distinct_id for e in events} == {wanted}
    await client.events.list(distinct_id="user@example.com").collect()
    (last,) = server.log("GET", f"/api/projects/{PROJECT}/events/")[-1:]
    assert "distinct_id=user%40example.com" in last.query


async def test_a_url_too_long_to_build_is_refused_before_sending(
    client: AsyncPostHog, server: Server
) -> None:
    with pytest.raises(InvalidRequestError, match="shorten the arguments"):
        await client.datasets.list(search="x" * 100_000)
    assert server.log() == []


async def test_extra_query_may_not_send_an_argument_a_second_time(
    client: AsyncPostHog, server: Server
) -> None:
    with pytest.raises(InvalidRequestError, match="extra_query sends search again"):
        client.datasets.list(search="q1", extra_query={"search": "q2"})
    page = await client.datasets.list(extra_query={"search": "q2"})  # alone, it is sent
    assert page.results == [] and server.log()[-1].query == "search=q2"


async def test_a_copy_on_another_host_over_the_users_transport_closes_with_it(
    server: Server,
) -> None:
    seed_demo(server.state)
    transport = httpx.AsyncHTTPTransport()
    client = AsyncPostHog(api_key=KEY, project_id=PROJECT, host=server.url, transport=transport)
    other = client.with_options(host=server.url.replace("127.0.0.1", "localhost"))
    assert (await other.prompts.get("support-bot")).source == "api"
    assert (await other.prompts.get("support-bot")).source == "cache"
    await client.aclose()  # closes the given transport, as httpx does: the copy sends over it
    with pytest.raises(ConfigurationError, match="closed"):
        await other.prompts.get("support-bot")
    await other.aclose()
