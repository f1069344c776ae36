"""``posthog.prompts``: the versioning API and its cache, against the local server in-process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from posthog_api import (
    AsyncPostHog,
    InvalidRequestError,
    PromptNotFoundError,
    PromptVersionConflict,
)
from posthog_api.testing import ServerState, create_app

KEY = "phx_prompt_resource_test"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Env:
    def __init__(self) -> None:
        self.state = ServerState(project_id="1", keys={KEY: ["*"]})
        self.app = create_app(self.state)
        self.clock = Clock()
        self.clients: list[AsyncPostHog] = []

    def client(self, **options: object) -> AsyncPostHog:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app))
        client = AsyncPostHog(
            api_key=KEY, project_id="1", host="http://testserver", http_client=http, **options
        )  # type: ignore[arg-type]
        client._prompt_cache._clock = self.clock
        self.clients.append(client)
        return client

    def gets(self, name: str) -> int:
        return self.state.request_count("GET", f"/api/projects/1/llm_prompts/name/{name}/")


@pytest.fixture
async def env() -> AsyncIterator[Env]:
    environment = Env()
    yield environment
    for client in environment.clients:
        await client.aclose()


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_get_serves_api_then_cache_with_source_and_fetched_at(env: Env) -> None:
    posthog, other = env.client(), env.client()
    await other.prompts.create("bot", "Hello {{name}}")
    first = await posthog.prompts.get("bot")
    second = await posthog.prompts.get("bot")
    assert (first.source, second.source) == ("api", "cache")
    assert first.version == second.version == 1 and second.prompt == "Hello {{name}}"
    assert first.fetched_at > 0 and second.fetched_at == first.fetched_at
    assert env.gets("bot") == 1
    assert posthog.prompts.stats().hits == 1


async def test_pinned_versions_outlive_the_latest_which_is_stale_while_revalidating(
    env: Env,
) -> None:
    posthog, other = env.client(prompt_cache_ttl=60, prompt_cache_pinned_ttl=86400), env.client()
    await other.prompts.create("bot", "v1")
    assert (await posthog.prompts.get("bot", version=1)).version == 1
    assert (await posthog.prompts.get("bot")).version == 1
    await other.prompts.publish("bot", "v2", base_version=1)

    env.clock.now += 10_000  # far past the TTL of the latest, not of a pinned version
    pinned = await posthog.prompts.get("bot", version=1)
    assert (pinned.source, pinned.prompt) == ("cache", "v1")

    before = env.gets("bot")
    stale = await posthog.prompts.get("bot")
    assert (stale.source, stale.version) == ("stale", 1)  # answered at once
    again = await posthog.prompts.get("bot")  # the refresh is already under way
    assert again.source == "stale"
    await settle()
    assert env.gets("bot") == before + 1  # exactly one background refresh
    fresh = await posthog.prompts.get("bot")
    assert (fresh.source, fresh.version, fresh.prompt) == ("cache", 2, "v2")


async def test_a_deleted_prompt_is_evicted_and_never_served_forever(env: Env) -> None:
    posthog, other = env.client(), env.client()
    await other.prompts.create("bot", "v1")
    await posthog.prompts.get("bot")
    await other.prompts.archive("bot")
    env.clock.now += 120
    assert (await posthog.prompts.get("bot")).source == "stale"
    await settle()  # the refresh meets the 404 and evicts
    env.clock.now += 600  # past the error cooldown
    with pytest.raises(PromptNotFoundError, match="'bot' was not found"):
        await posthog.prompts.get("bot")


async def test_fallback_only_when_nothing_is_cached_and_the_fetch_failed(env: Env) -> None:
    posthog = env.client()

    async def async_fallback() -> str:
        return "async fallback"

    text = await posthog.prompts.get("missing", fallback="default {{x}}")
    assert (text.source, text.prompt, text.compile(x=1)) == (
        "fallback",
        "default {{x}}",
        "default 1",
    )
    assert (await posthog.prompts.get("missing2", fallback=lambda: "sync")).prompt == "sync"
    assert (
        await posthog.prompts.get("missing3", fallback=async_fallback)
    ).prompt == "async fallback"
    assert (
        await posthog.prompts.get("missing4", fallback="")
    ).source == "fallback"  # `is not None`

    await posthog.prompts.create("bot", "real")
    env.state.faults.fail_next(50)
    served = await posthog.prompts.get("bot", fallback="unused")
    assert (served.source, served.prompt) == ("cache", "real")  # cached beats fallback
    env.state.faults.reset()


async def test_bad_names_are_refused_before_sending(env: Env) -> None:
    posthog = env.client()
    for name in ["", "..", "a/b", "new", "NEW", "x" * 256, "sp ace"]:
        with pytest.raises(InvalidRequestError):
            await posthog.prompts.get(name)
    with pytest.raises(InvalidRequestError):
        await posthog.prompts.get("ok", version=0)
    assert env.state.request_count() == 0


async def test_concurrent_cold_gets_send_one_request(env: Env) -> None:
    posthog, other = env.client(), env.client()
    await other.prompts.create("bot", "hi")
    results = await asyncio.gather(*(posthog.prompts.get("bot") for _ in range(200)))
    assert {r.version for r in results} == {1}
    assert env.gets("bot") == 1
    assert posthog.prompts.stats().coalesced == 199


async def test_publish_writes_through_so_the_publisher_never_reads_its_own_stale_version(
    env: Env,
) -> None:
    posthog = env.client()
    await posthog.prompts.create("bot", "v1")
    assert (await posthog.prompts.get("bot")).version == 1
    published = await posthog.prompts.publish("bot", "v2", base_version=1)
    assert published.version == 2
    got = await posthog.prompts.get("bot")
    assert (got.version, got.source) == (2, "cache")
    assert env.gets("bot") == 0  # create and publish answered every get


async def test_twenty_concurrent_publishers_one_wins(env: Env) -> None:
    posthog = env.client()
    await posthog.prompts.create("bot", "v1")
    results = await asyncio.gather(
        *(posthog.prompts.publish("bot", f"edit {i}", base_version=1) for i in range(20)),
        return_exceptions=True,
    )
    wins = [r for r in results if not isinstance(r, BaseException)]
    conflicts = [r for r in results if isinstance(r, PromptVersionConflict)]
    assert len(wins) == 1 and wins[0].version == 2
    assert len(conflicts) == 19
    assert {(c.name, c.base_version, c.current_version) for c in conflicts} == {("bot", 1, 2)}
    assert "latest is now version 2" in str(conflicts[0])


async def test_publish_with_rereads_and_retries_on_conflict(env: Env) -> None:
    posthog, other = env.client(), env.client()
    await posthog.prompts.create("bot", "base")
    calls = 0

    async def edit(text: str) -> str:
        nonlocal calls
        calls += 1
        if calls == 1:  # someone else publishes between our read and our write
            latest = await other.prompts.fetch("bot")
            await other.prompts.publish("bot", text + " +theirs", base_version=latest.version)
        return text + " +mine"

    updated = await posthog.prompts.publish_with("bot", edit)
    assert calls == 2
    assert (updated.version, updated.prompt) == (3, "base +theirs +mine")

    async def always_loses(text: str) -> str:
        latest = await other.prompts.fetch("bot")
        await other.prompts.publish("bot", text + "!", base_version=latest.version)
        return text + "?"

    with pytest.raises(PromptVersionConflict):
        await posthog.prompts.publish_with("bot", always_loses, max_attempts=2)
    assert (
        await posthog.prompts.publish_with("bot", lambda t: t)
    ).version == 5  # no-op: no version


async def test_publish_if_changed(env: Env) -> None:
    posthog = env.client()
    created = await posthog.prompts.publish_if_changed("bot", "v1")
    assert created.version == 1
    same = await posthog.prompts.publish_if_changed("bot", "v1")
    assert same.version == 1
    changed = await posthog.prompts.publish_if_changed("bot", {"role": "system"})
    assert (changed.version, changed.prompt) == (2, {"role": "system"})
    assert sum(r["name"] == "bot" for r in env.state.prompts) == 2


async def test_versions_page_newest_first_and_diff(env: Env) -> None:
    posthog = env.client()
    await posthog.prompts.create("bot", "Hi {{a}}")
    for version in range(1, 5):
        await posthog.prompts.publish("bot", f"Hi {{{{b}}}} {version}", base_version=version)
    assert [v.version async for v in posthog.prompts.versions("bot", page_size=2)] == [
        5,
        4,
        3,
        2,
        1,
    ]
    assert [v.version async for v in posthog.prompts.versions("bot", before_version=4)] == [3, 2, 1]
    diff = await posthog.prompts.diff("bot", 1, 2)
    assert diff.added_variables == ["b"] and diff.removed_variables == ["a"]
    assert "-Hi {{a}}" in str(diff) and "+Hi {{b}} 1" in str(diff)


async def test_prefetch_and_exact_invalidation(env: Env) -> None:
    posthog, other = env.client(), env.client()
    for name in ("a", "ab", "b"):
        await other.prompts.create(name, name)
    assert await posthog.prompts.prefetch(["a", "ab"]) == 2
    await posthog.prompts.get("a")
    await posthog.prompts.get("ab")
    assert env.gets("a") == env.gets("ab") == 0
    posthog.prompts.invalidate("a")  # exactly "a", never "ab" by prefix
    await posthog.prompts.get("ab")
    await posthog.prompts.get("a")
    assert (env.gets("a"), env.gets("ab")) == (1, 0)


async def test_closing_the_client_cancels_background_refreshes(env: Env) -> None:
    posthog, other = env.client(), env.client()
    await other.prompts.create("bot", "v1")
    await posthog.prompts.get("bot")
    env.state.faults.set_latency(5)
    env.clock.now += 120
    assert (await posthog.prompts.get("bot")).source == "stale"  # refresh now in flight
    refreshes = [t for t in asyncio.all_tasks() if "posthog-prompt-fetch" in t.get_name()]
    assert refreshes
    await posthog.aclose()
    assert all(t.done() for t in refreshes)
    env.state.faults.reset()


async def test_a_warm_get_protects_its_entry_from_eviction(env: Env) -> None:
    posthog, other = env.client(prompt_cache_size=3), env.client()
    for name in ("a", "b", "c", "d"):
        await other.prompts.create(name, name)
    for name in ("a", "b", "c"):
        await posthog.prompts.get(name, version=1)
    assert (await posthog.prompts.get("a", version=1)).source == "cache"  # the hot path
    await posthog.prompts.get("d", version=1)  # one entry too many: one is evicted
    assert posthog.prompts.stats().evictions == 1
    assert (await posthog.prompts.get("a", version=1)).source == "cache"
    assert (await posthog.prompts.get("b", version=1)).source == "api"  # it went, not "a"


def test_version_ids_are_their_uuid_text_however_many_are_seen() -> None:
    """_prompt remembers the text of recent version ids (str(UUID) is slow); the memo is
    bounded, and every id still reads as the UUID's own text."""
    import uuid

    from posthog_api_client.models import LLMPromptPublic

    from posthog_api.resources import prompts as module

    ids = [uuid.uuid4() for _ in range(3000)] + [uuid.UUID(int=0), uuid.UUID(int=2**128 - 1)]
    for _ in range(2):  # the second pass reads the memo where it still holds the id
        for value in ids:
            row = {
                "id": str(value),
                "name": "p",
                "prompt": "x",
                "version": 1,
                "created_at": "2024-01-01T00:00:00Z",
                "updated_at": "2024-01-01T00:00:00Z",
            }
            assert module._prompt(LLMPromptPublic.from_dict(row)).id == str(value)
    assert 0 < module._id_text.cache_info().currsize <= 1024
