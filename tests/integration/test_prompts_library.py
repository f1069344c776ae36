"""The prompts library and src's namespaces on the generated ones, over loopback (issue 10).

``versions`` is a paginator (``await`` a page, ``async for``, ``.pages()``, ``.collect()``)
paged by ``before_version``; ``update`` is the PATCH of one version row and forgets the
name's cached copies; ``publish_with`` is the read-modify-publish helper; ``soft_delete``
is one mixin on the three namespaces that have it; every generated namespace is attached.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from posthog_api_client.resources import NAMESPACES

from posthog_api import APIError, AsyncPostHog, ConfigurationError, InvalidRequestError
from posthog_api._pagination import CursorPage, CursorPaginator
from posthog_api.resources import EXTENDED
from posthog_api.testing.prompts import create_prompt

from .conftest import MakeClient, Server

RESOLVE = "/api/projects/1/llm_prompts/resolve/name/greet/"


def seed(server: Server, name: str, count: int) -> None:
    with server.state.lock:
        for i in range(count):
            create_prompt(server.state, name, f"version {i + 1}")


async def test_versions_is_a_paginator_by_before_version(
    server: Server, client: AsyncPostHog
) -> None:
    seed(server, "greet", 7)
    versions = client.prompts.versions("greet", page_size=3)
    assert isinstance(versions, CursorPaginator)
    assert server.log("GET", RESOLVE) == []  # nothing is sent until it is awaited or iterated

    first = await versions
    assert isinstance(first, CursorPage)
    assert [v.version for v in first.results] == [7, 6, 5]
    assert first.has_more and first.has_next_page() and len(first) == 3
    assert first.count is None and first.next is None

    pages = [[v.version for v in page.results] async for page in versions.pages()]
    assert pages == [[7, 6, 5], [4, 3, 2], [1]]
    assert [v.version async for v in versions] == [7, 6, 5, 4, 3, 2, 1]
    assert [v.version for v in await versions.collect()] == [7, 6, 5, 4, 3, 2, 1]
    assert [v.version for v in await versions.collect(max_items=4)] == [7, 6, 5, 4]
    older = client.prompts.versions("greet", page_size=2, before_version=4)
    assert [v.version async for v in older] == [3, 2, 1]


async def test_versions_pages_by_the_last_version_of_each_page(
    server: Server, client: AsyncPostHog
) -> None:
    seed(server, "greet", 5)
    server.state.requests.clear()
    assert len(await client.prompts.versions("greet", page_size=2).collect()) == 5
    queries = [r.query for r in server.log("GET", RESOLVE)]
    assert ["before_version" not in q for q in queries] == [True, False, False]
    assert all("limit=2" in q for q in queries)
    assert "before_version=4" in queries[1] and "before_version=2" in queries[2]


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"name": "a/b"}, "not valid"),
        ({"name": "greet", "page_size": 0}, "page_size"),
        ({"name": "greet", "page_size": 101}, "at most 100"),
        ({"name": "greet", "before_version": 0}, "before_version"),
        ({"name": "greet", "before_version": True}, "before_version"),
    ],
)
async def test_versions_checks_its_arguments_when_called(
    server: Server, client: AsyncPostHog, arguments: dict[str, Any], words: str
) -> None:
    arguments = dict(arguments)  # the parameter's dict is shared by reruns in one process
    name = arguments.pop("name")
    with pytest.raises(InvalidRequestError, match=words):
        client.prompts.versions(name, **arguments)
    assert server.log("GET") == []


async def test_versions_takes_request_options(server: Server, client: AsyncPostHog) -> None:
    seed(server, "greet", 1)
    got = await client.prompts.versions("greet", extra_query={"trace": "t1"}).collect()
    assert [v.version for v in got] == [1]
    assert "trace=t1" in server.log("GET", RESOLVE)[0].query


async def fake_pages(
    pages: list[tuple[list[int], bool]], asked: list[int | None]
) -> CursorPaginator[int]:
    async def fetch(cursor: int | None) -> tuple[list[int], bool]:
        asked.append(cursor)
        return pages[len(asked) - 1]

    return CursorPaginator(fetch, None, key=lambda v: v, what="posthog.x.y('n')", cursor="before")


async def test_a_page_ending_in_a_key_that_is_not_a_positive_int_stops_paging() -> None:
    asked: list[int | None] = []
    paginator = await fake_pages([([3, 0], True), ([], False)], asked)
    seen: list[int] = []
    with pytest.raises(APIError, match="not a positive int") as info:
        async for item in paginator:
            seen.append(item)
    assert seen == [3, 0] and asked == [None]  # the next page was never asked for
    assert "posthog.x.y('n')" in str(info.value) and "(before)" in str(info.value)


async def test_a_page_not_below_its_cursor_stops_paging() -> None:
    asked: list[int | None] = []
    paginator = await fake_pages([([5, 4], True), ([4, 3], True)], asked)
    with pytest.raises(APIError, match="repeated the page") as info:
        await paginator.collect()
    assert asked == [None, 4] and "before 4" in str(info.value)


async def test_an_empty_page_ends_the_list_even_with_has_more() -> None:
    asked: list[int | None] = []
    paginator = await fake_pages([([2], True), ([], True)], asked)
    assert await paginator.collect() == [2] and asked == [None, 2]


async def test_update_patches_one_version_row_and_forgets_the_name(
    server: Server, client: AsyncPostHog
) -> None:
    seed(server, "greet", 2)
    latest = await client.prompts.get("greet")
    assert latest.version == 2
    row = await client.prompts.update(latest.id, deleted=True)
    assert row.name == "greet" and row.deleted is True
    assert len(server.log("PATCH", f"/api/projects/1/llm_prompts/{latest.id}/")) == 1
    with server.state.lock:
        assert [p["deleted"] for p in server.state.prompts] == [False, True]
    assert client.prompts._cache.peek("greet") is None  # nothing cached for the name
    assert (await client.prompts.get("greet")).version == 1
    with pytest.raises(InvalidRequestError, match="deleted"):
        await client.prompts.update(latest.id, deleted="yes")  # type: ignore[arg-type]
    assert len(server.log("PATCH")) == 1


async def test_publish_with_reads_applies_and_publishes(
    server: Server, client: AsyncPostHog
) -> None:
    seed(server, "greet", 1)
    published = await client.prompts.publish_with("greet", lambda text: text + "!")
    assert (published.version, published.prompt) == (2, "version 1!")
    assert not hasattr(AsyncPostHog, "patch_version")


async def test_soft_delete_patches_deleted_on_each_namespace_that_has_it(
    server: Server, client: AsyncPostHog
) -> None:
    dataset = await client.datasets.create(name="golden")
    item = await client.dataset_items.create(dataset=dataset.id, input={"q": 1})
    evaluation = await client.evaluations.create(
        name="tone",
        evaluation_type="llm_judge",
        output_type="boolean",
        evaluation_config={"prompt": "Is it polite?"},
    )
    assert (await client.dataset_items.soft_delete(item.id)).deleted is True
    assert (await client.datasets.soft_delete(dataset.id)).deleted is True
    assert (await client.evaluations.soft_delete(str(evaluation.id))).deleted is True
    with server.state.lock:
        rows = [server.state.datasets, server.state.dataset_items, server.state.evaluations]
        assert [[row["deleted"] for row in table.values()] for table in rows] == [[True]] * 3
    assert len(server.log("PATCH")) == 3


async def test_every_generated_namespace_is_attached(make_client: MakeClient) -> None:
    client = make_client()
    for attribute, generated in NAMESPACES.items():
        namespace = getattr(client, attribute)
        assert isinstance(namespace, generated), attribute
        assert type(namespace) is EXTENDED.get(attribute, generated)
    assert set(EXTENDED) <= set(NAMESPACES)
    assert [name for name in vars(client) if name in NAMESPACES] == list(NAMESPACES)


async def test_a_closed_client_refuses_a_warm_get(make_client: MakeClient, server: Server) -> None:
    seed(server, "greet", 1)
    client = make_client()
    copy = client.with_options(timeout=5.0)
    await client.prompts.get("greet")
    assert (await copy.prompts.get("greet")).source == "cache"  # the copy shares the cache
    await copy.aclose()
    with pytest.raises(ConfigurationError, match="closed"):
        await copy.prompts.get("greet")
    assert (await client.prompts.get("greet")).source == "cache"  # the original still serves
    await client.aclose()
    for ttl in (None, 30.0):
        with pytest.raises(ConfigurationError, match="closed"):
            await client.prompts.get("greet", cache_ttl=ttl)
    await asyncio.sleep(0)
