"""Prompt labels through the facade, over loopback against the local server (issue 11).

The whole lifecycle: ``set_label`` (created, then moved), ``get(name, label=)`` cached like
the latest, write-through on set/move/remove, ``labels(name)``, ``prefetch(label=)`` through
the list endpoint, ``duplicate``, and ``publish`` with ``edits``, ``config`` and
``version_description``. Arguments PostHog would refuse are refused before anything is sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

import pytest

from posthog_api import (
    AsyncPostHog,
    BadRequestError,
    InvalidRequestError,
    PromptLabel,
    PromptNotFoundError,
)

from .conftest import MakeClient, Server, clocked

P = "/api/projects/1/llm_prompts"
PROD = "production"


def by_name(name: str) -> str:
    return f"{P}/name/{name}/"


def label_path(name: str, label: str) -> str:
    return f"{P}/name/{name}/labels/{label}/"


async def test_set_label_creates_then_moves(server: Server, client: AsyncPostHog) -> None:
    server.state.seed_prompt("greet", "v3", versions=["v1", "v2"])

    created = await client.prompts.set_label("greet", PROD, 2)
    assert created == PromptLabel("greet", PROD, 2, created=True)
    assert not created.moved
    # As in PostHog's label object, name is not the prompt's: prompt_name is.
    assert (created.prompt_name, created.label, created.version) == ("greet", PROD, 2)
    assert not hasattr(created, "name")
    moved = await client.prompts.set_label("greet", PROD, 3)
    assert moved == PromptLabel("greet", PROD, 3, created=False)
    assert moved.moved

    assert [r.status for r in server.log("PUT", label_path("greet", PROD))] == [201, 200]
    assert server.state.prompt_labels[("greet", PROD)]["version"] == 3


async def test_get_by_label_is_cached_and_says_what_it_served(
    server: Server, client: AsyncPostHog
) -> None:
    server.state.seed_prompt(
        "greet",
        "Hello {{name}}, v2",
        versions=["v1"],
        labels={PROD: 1},
        config={"model": "gpt-4o"},
        version_description="warmer",
    )
    first = await client.prompts.get("greet", label=PROD)
    second = await client.prompts.get("greet", label=PROD)
    assert (first.version, first.label, first.prompt, first.source) == (1, PROD, "v1", "api")
    assert (second.version, second.label, second.source) == (1, PROD, "cache")
    assert first.labels == (PROD,)
    assert repr(second) == "Prompt('greet', version=1, label='production', source='cache')"
    gets = server.log("GET", by_name("greet"))
    assert [r.query for r in gets] == ["label=production"]  # one request for two gets

    # The label's version asked for by number is served from the same fetch, unlabelled;
    # the latest is another key, with its config and description.
    pinned = await client.prompts.get("greet", 1)
    assert (pinned.version, pinned.label, pinned.source) == (1, None, "cache")
    latest = await client.prompts.get("greet")
    assert (latest.version, latest.label, latest.labels) == (2, None, ())
    assert latest.config == {"model": "gpt-4o"} and latest.version_description == "warmer"
    assert len(server.log("GET", by_name("greet"))) == 2


async def test_a_label_refreshes_like_the_latest_after_its_ttl(
    server: Server, make_client: MakeClient
) -> None:
    server.state.seed_prompt("greet", "v2", versions=["v1"], labels={PROD: 1})
    client, clock = clocked(make_client, prompt_cache_ttl=60)
    assert (await client.prompts.get("greet", label=PROD)).version == 1
    server.state.seed_label("greet", PROD, 2)  # moved by someone else
    clock.advance(30)
    assert (await client.prompts.get("greet", label=PROD)).version == 1  # still fresh
    clock.advance(31)
    stale = await client.prompts.get("greet", label=PROD)
    assert (stale.version, stale.source) == (1, "stale")  # served while one refresh runs
    for _ in range(100):  # the refresh's request runs on the server's thread
        if client.prompts._cache.peek("greet", PROD).version == 2:  # type: ignore[union-attr]
            break
        await asyncio.sleep(0.005)
    assert (await client.prompts.get("greet", label=PROD)).version == 2
    assert len(server.log("GET", by_name("greet"))) == 2


async def test_set_label_is_visible_to_the_next_get_at_once(
    server: Server, make_client: MakeClient
) -> None:
    server.state.seed_prompt("greet", "v3", versions=["v1", "v2"], labels={PROD: 1})
    client, _ = clocked(make_client)
    assert (await client.prompts.get("greet", label=PROD)).version == 1
    latest = await client.prompts.get("greet")  # version 3, now cached
    before = len(server.log("GET", by_name("greet")))

    await client.prompts.set_label("greet", PROD, 3)  # the version is cached: no fetch
    moved = await client.prompts.get("greet", label=PROD)
    assert (moved.version, moved.label, moved.source) == (3, PROD, "cache")
    assert moved.prompt == latest.prompt and PROD in moved.labels
    assert len(server.log("GET", by_name("greet"))) == before

    await client.prompts.set_label("greet", PROD, 2)  # not cached: the next get fetches it
    again = await client.prompts.get("greet", label=PROD)
    assert (again.version, again.label, again.source) == (2, PROD, "api")
    assert len(server.log("GET", by_name("greet"))) == before + 1


async def test_remove_label_then_get_is_prompt_not_found(
    server: Server, client: AsyncPostHog
) -> None:
    server.state.seed_prompt("greet", "v1", labels=[PROD])
    assert (await client.prompts.get("greet", label=PROD)).version == 1
    await client.prompts.remove_label("greet", PROD)
    assert server.log("DELETE", label_path("greet", PROD))[0].status == 204
    with pytest.raises(PromptNotFoundError) as info:
        await client.prompts.get("greet", label=PROD)
    message = str(info.value)
    assert "prompt 'greet' has no label 'production'" in message
    assert "prompts.set_label('greet', 'production', version)" in message
    assert (await client.prompts.get("greet")).version == 1  # the prompt itself is there

    with pytest.raises(PromptNotFoundError, match="has no label 'production'"):
        await client.prompts.remove_label("greet", PROD)  # not set any more


async def test_a_missing_label_serves_the_fallback_marked_with_it(
    server: Server, client: AsyncPostHog
) -> None:
    server.state.seed_prompt("greet", "v1")
    served = await client.prompts.get("greet", label=PROD, fallback="Hi {{name}}")
    assert (served.source, served.label, served.prompt) == ("fallback", PROD, "Hi {{name}}")
    assert client.prompts.stats().fallbacks_served == 1


async def test_set_label_errors_say_what_was_missing(server: Server, client: AsyncPostHog) -> None:
    server.state.seed_prompt("greet", "v1")
    with pytest.raises(PromptNotFoundError, match="prompt 'greet' version 9 was not found"):
        await client.prompts.set_label("greet", PROD, 9)
    with pytest.raises(PromptNotFoundError, match="prompt 'nobody' version 1 was not found"):
        await client.prompts.set_label("nobody", PROD, 1)


async def test_labels_lists_every_label_of_the_prompt(server: Server, client: AsyncPostHog) -> None:
    server.state.seed_prompt("greet", "v3", versions=["v1", "v2"], labels={PROD: 2, "staging": 3})
    assert await client.prompts.labels("greet") == {PROD: 2, "staging": 3}
    (resolve,) = server.log("GET", f"{P}/resolve/name/greet/")
    assert resolve.query == "limit=1"
    server.state.seed_prompt("bare", "v1")
    assert await client.prompts.labels("bare") == {}
    with pytest.raises(PromptNotFoundError):
        await client.prompts.labels("nobody")


async def test_prefetch_by_label_warms_every_prompt_in_three_requests(
    server: Server, client: AsyncPostHog
) -> None:
    for i in range(250):
        server.state.seed_prompt(f"p{i}", f"p{i} v2", versions=[f"p{i} v1"], labels={PROD: 1})
    server.state.seed_prompt("unlabelled", "x")

    assert await client.prompts.prefetch(label=PROD) == 250
    lists = server.log("GET", f"{P}/")
    assert len(lists) == 3
    assert all("label=production" in r.query for r in lists)

    for i in range(250):
        prompt = await client.prompts.get(f"p{i}", label=PROD)
        assert (prompt.version, prompt.prompt, prompt.label) == (1, f"p{i} v1", PROD)
        assert prompt.source == "cache"
    assert len(server.state.requests) == 3  # not one request per name
    assert client.prompts._cache.get_fresh("p0") is None  # the latest was not cached


async def test_prefetch_by_label_keeps_the_names_filter(
    server: Server, client: AsyncPostHog
) -> None:
    for name in ("a", "b", "c"):
        server.state.seed_prompt(name, f"{name} v1", labels=[PROD])
    assert await client.prompts.prefetch(["a", "c"], label=PROD) == 2
    assert (await client.prompts.get("a", label=PROD)).source == "cache"
    assert client.prompts._cache.get_fresh("b", PROD) is None


async def test_list_passes_the_label_and_order_filters(
    server: Server, client: AsyncPostHog
) -> None:
    server.state.seed_prompt("alpha", "a2", versions=["a1"], labels={PROD: 1})
    server.state.seed_prompt("beta", "b1")
    rows = await client.prompts.list(label=PROD, order_by="name", content="none").collect()
    assert [(r.name, r.version) for r in rows] == [("alpha", 1)]
    every = await client.prompts.list(order_by="-name", search="a").collect()
    assert [r.name for r in every] == ["beta", "alpha"]


async def test_version_and_label_together_are_refused_before_sending(
    server: Server, client: AsyncPostHog
) -> None:
    server.state.seed_prompt("greet", "v2", versions=["v1"], labels=[PROD])
    uid = "497f6eca-6276-4993-bfeb-53cbbbba6f08"
    for call in (
        client.prompts.get("greet", 2, label=PROD),
        client.prompts.get("greet", label=PROD, version_id=uid),
        client.prompts.fetch("greet", 2, label=PROD),
    ):
        with pytest.raises(InvalidRequestError, match="or label, not both") as info:
            await call
        assert "Next: drop" in str(info.value)
    assert server.state.requests == []


BAD_LABELS = [
    "Production",  # upper case
    "latest",
    "123",  # digits only
    "-prod",
    "prod-",
    "prod.",
    "",
    "a" * 129,
    "pro duction",
    "prod\n",
    "prödüction",
]


def label_calls(client: AsyncPostHog, label: Any) -> list[Awaitable[object]]:
    """Every call taking a label name; None means "no label" to get, fetch and prefetch."""
    calls = [
        client.prompts.set_label("greet", label, 1),
        client.prompts.remove_label("greet", label),
    ]
    if label is not None:
        calls += [
            client.prompts.get("greet", label=label),
            client.prompts.fetch("greet", label=label),
            client.prompts.prefetch(label=label),
        ]
    return calls


async def test_invalid_label_names_are_refused_before_sending(
    server: Server, client: AsyncPostHog
) -> None:
    server.state.seed_prompt("greet", "v1")
    for label in [*BAD_LABELS, 5, None]:
        for call in label_calls(client, label):
            with pytest.raises(InvalidRequestError, match="lowercase letters, digits") as info:
                await call
            assert "not 'latest' and not digits only" in str(info.value), label
    assert server.state.requests == []


async def test_valid_label_names_at_the_edges_are_sent(
    server: Server, client: AsyncPostHog
) -> None:
    server.state.seed_prompt("greet", "v1")
    for label in ("a", "0x", "v1.2_rc-3", "a" * 128, "latest-1"):
        assert (await client.prompts.set_label("greet", label, 1)).created
    assert set(await client.prompts.labels("greet")) == {
        "a",
        "0x",
        "v1.2_rc-3",
        "a" * 128,
        "latest-1",
    }


async def test_archive_forgets_the_labels(server: Server, client: AsyncPostHog) -> None:
    server.state.seed_prompt("greet", "v1", labels=[PROD])
    await client.prompts.get("greet", label=PROD)
    await client.prompts.archive("greet")
    assert client.prompts._cache.peek("greet", PROD) is None
    server.state.seed_prompt("greet", "new v1")  # the name is free again, without labels
    with pytest.raises(PromptNotFoundError, match="has no label"):
        await client.prompts.get("greet", label=PROD)


async def test_duplicate_copies_to_version_1_and_caches_it(
    server: Server, client: AsyncPostHog
) -> None:
    server.state.seed_prompt("greet", "v2", versions=["v1"], config={"temperature": 0.2})
    copy = await client.prompts.duplicate("greet", "greet-copy")
    assert (copy.name, copy.version, copy.prompt, copy.config) == (
        "greet-copy",
        1,
        "v2",
        {"temperature": 0.2},
    )
    assert server.log("POST", f"{P}/name/greet/duplicate/")[0].status == 201
    again = await client.prompts.get("greet-copy")
    assert (again.version, again.source) == (1, "cache")
    assert server.log("GET", by_name("greet-copy")) == []

    with pytest.raises(BadRequestError, match="already exists"):
        await client.prompts.duplicate("greet", "greet-copy")
    with pytest.raises(PromptNotFoundError, match="prompt 'nobody' was not found"):
        await client.prompts.duplicate("nobody", "other")
    with pytest.raises(InvalidRequestError, match="prompt name"):
        await client.prompts.duplicate("greet", "bad name")


async def test_publish_with_edits_carries_the_config_forward(
    server: Server, client: AsyncPostHog
) -> None:
    created = await client.prompts.create(
        "greet", "Hello {{name}}!", config={"model": "gpt-4o"}, version_description="first"
    )
    assert (created.config, created.version_description) == ({"model": "gpt-4o"}, "first")

    edited = await client.prompts.publish(
        "greet",
        base_version=1,
        edits=[{"old": "Hello", "new": "Hi"}, {"old": "!", "new": "."}],
        version_description="shorter",
    )
    assert (edited.version, edited.prompt) == (2, "Hi {{name}}.")
    assert edited.config == {"model": "gpt-4o"}  # carried forward: not sent
    assert edited.version_description == "shorter"
    sent = server.state.prompts[-1]
    assert sent["config"] == {"model": "gpt-4o"}
    assert (await client.prompts.get("greet")).source == "cache"  # write-through

    reconfigured = await client.prompts.publish(
        "greet", base_version=2, config={"model": "gpt-4o-mini"}
    )  # config alone: same content, new version
    assert (reconfigured.version, reconfigured.prompt) == (3, "Hi {{name}}.")
    assert reconfigured.config == {"model": "gpt-4o-mini"}

    cleared = await client.prompts.publish("greet", "Hey {{name}}", base_version=3, config=None)
    assert (cleared.version, cleared.config) == (4, None)
    kept = await client.prompts.publish("greet", "Yo {{name}}", base_version=4)
    assert kept.config is None and kept.version_description is None


async def test_publish_refuses_ambiguous_or_empty_calls_before_sending(
    server: Server, client: AsyncPostHog
) -> None:
    server.state.seed_prompt("greet", "v1")
    edits = [{"old": "v1", "new": "v2"}]
    cases = [
        ({"prompt": "v2", "edits": edits}, "pass the new content as prompt or as edits"),
        ({}, "nothing to publish"),
        ({"edits": []}, "edits is empty"),
        ({"edits": "v1->v2"}, "edits must be a list"),
        ({"edits": [{"old": "v1"}]}, r"edits\[0\]"),
        ({"edits": [{"old": "", "new": "x"}]}, "'old' is empty"),
        ({"prompt": "v2", "config": ["gpt"]}, "config must be a JSON object"),
        ({"prompt": "v2", "config": {"t": float("nan")}}, "JSON-serialisable"),
        ({"prompt": "v2", "version_description": "x" * 401}, "at most 400"),
        ({"prompt": "v2", "version_description": 3}, "version_description must be a str"),
    ]
    for arguments, message in cases:
        with pytest.raises(InvalidRequestError, match=message):
            await client.prompts.publish("greet", base_version=1, **arguments)
    with pytest.raises(InvalidRequestError, match="at most 400"):
        await client.prompts.create("other", "x", version_description="x" * 401)
    assert server.state.requests == []


async def test_a_bad_edit_is_the_servers_400_naming_it(
    server: Server, client: AsyncPostHog
) -> None:
    server.state.seed_prompt("greet", "Hello")
    with pytest.raises(BadRequestError, match="edit_index 0"):
        await client.prompts.publish("greet", base_version=1, edits=[{"old": "Bye", "new": "x"}])


async def test_positional_publish_and_helpers_still_work(
    server: Server, client: AsyncPostHog
) -> None:
    server.state.seed_prompt("greet", "v1", config={"model": "m"})
    published = await client.prompts.publish("greet", "v2", base_version=1)
    assert (published.version, published.config) == (2, {"model": "m"})
    assert (await client.prompts.publish_if_changed("greet", "v3")).version == 3
    assert (await client.prompts.publish_with("greet", lambda text: text + "!")).prompt == "v3!"
    with pytest.raises(InvalidRequestError, match="must not be None"):
        await client.prompts.publish_with("greet", lambda text: None)
