"""Prompt versioning on the local server, driven through the generated client."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from uuid import UUID

import httpx
from posthog_api_client import AuthenticatedClient
from posthog_api_client.api.llm_prompts import (
    llm_prompts_create,
    llm_prompts_destroy,
    llm_prompts_list,
    llm_prompts_name_archive_create,
    llm_prompts_name_partial_update,
    llm_prompts_name_retrieve,
    llm_prompts_partial_update,
    llm_prompts_resolve_name_retrieve,
    llm_prompts_retrieve,
)
from posthog_api_client.models import (
    LLMPrompt,
    LLMPromptPublic,
    LLMPromptPublish,
    LLMPromptRequest,
    LLMPromptResolveResponse,
    PaginatedLLMPromptList,
    PatchedLLMPrompt,
    PromptVersionConflict,
)

from posthog_api.testing import ServerState
from posthog_api.testing import prompts as prompt_store

from .conftest import PROJECT

P = PROJECT
CONFLICT = "The prompt changed since you opened it. Reload the latest version and try again."


async def create(client: AuthenticatedClient, name: str, prompt: Any = "hello") -> Any:
    return await llm_prompts_create.asyncio_detailed(
        project_id=P, client=client, body=LLMPromptRequest(name=name, prompt=prompt)
    )


async def publish(client: AuthenticatedClient, name: str, prompt: Any, base: int) -> Any:
    return await llm_prompts_name_partial_update.asyncio_detailed(
        project_id=P,
        prompt_name=name,
        client=client,
        body=LLMPromptPublish(prompt=prompt, base_version=base),
    )


def body(response: Any) -> Any:
    return json.loads(response.content) if response.content else None


async def test_lifecycle_create_publish_get_archive_recreate(client: AuthenticatedClient) -> None:
    created = await create(client, "support-bot", "v1 text")
    assert created.status_code == 201
    first = created.parsed
    assert isinstance(first, LLMPrompt)
    assert (first.version, first.is_latest, first.latest_version, first.version_count) == (
        1,
        True,
        1,
        1,
    )
    # PostHog publishes first_version_created_at as a plain string.
    assert first.first_version_created_at == body(created)["created_at"]

    second = await publish(client, "support-bot", "v2 text", base=1)
    assert second.status_code == 200
    assert second.parsed.version == 2 and second.parsed.is_latest
    assert second.parsed.version_count == 2
    assert second.parsed.first_version_created_at == body(created)["created_at"]

    # The old row is no longer the latest, and it knows the name moved on.
    old = await llm_prompts_retrieve.asyncio_detailed(
        project_id=P, id=UUID(str(first.id)), client=client
    )
    assert old.parsed.is_latest is False
    assert old.parsed.latest_version == 2 and old.parsed.version_count == 2

    latest = await llm_prompts_name_retrieve.asyncio_detailed(
        project_id=P, prompt_name="support-bot", client=client
    )
    assert isinstance(latest.parsed, LLMPromptPublic)
    assert (latest.parsed.version, latest.parsed.prompt) == (2, "v2 text")
    pinned = await llm_prompts_name_retrieve.asyncio_detailed(
        project_id=P, prompt_name="support-bot", client=client, version=1
    )
    assert (pinned.parsed.version, pinned.parsed.prompt, pinned.parsed.is_latest) == (
        1,
        "v1 text",
        False,
    )

    archived = await llm_prompts_name_archive_create.asyncio_detailed(
        project_id=P, prompt_name="support-bot", client=client
    )
    assert archived.status_code == 204 and archived.content == b""
    gone = await llm_prompts_name_retrieve.asyncio_detailed(
        project_id=P, prompt_name="support-bot", client=client
    )
    assert gone.status_code == 404
    assert body(gone) == {"detail": "Prompt with name 'support-bot' not found."}
    again = await llm_prompts_name_archive_create.asyncio_detailed(
        project_id=P, prompt_name="support-bot", client=client
    )
    assert again.status_code == 404

    recreated = await create(client, "support-bot", "fresh")
    assert recreated.status_code == 201
    assert (recreated.parsed.version, recreated.parsed.version_count) == (1, 1)
    assert recreated.parsed.first_version_created_at == body(recreated)["created_at"]
    assert recreated.parsed.first_version_created_at != body(created)["created_at"]


async def test_name_validation(client: AuthenticatedClient) -> None:
    too_long = "a" * 256
    for bad in ["has space", "slash/name", "", too_long, "new", "NEW", "New"]:
        response = await create(client, bad)
        assert response.status_code == 400, bad
        assert body(response)["type"] == "validation_error"
        assert body(response)["attr"] == "name"
    assert (await create(client, "a" * 255)).status_code == 201
    assert (await create(client, "new-ish_Name-2")).status_code == 201


async def test_duplicate_active_name_is_unique_error(client: AuthenticatedClient) -> None:
    assert (await create(client, "dup")).status_code == 201
    response = await create(client, "dup")
    assert response.status_code == 400
    got = body(response)
    assert (got["type"], got["code"], got["attr"]) == ("validation_error", "unique", "name")
    assert got["detail"]


async def test_prompt_missing_and_size_limit(http: httpx.AsyncClient) -> None:
    url = f"/api/projects/{P}/llm_prompts/"
    missing = await http.post(url, json={"name": "x"})
    assert missing.status_code == 400 and missing.json()["attr"] == "prompt"
    assert missing.json()["code"] == "required"
    # Exactly 1,000,000 bytes of compact JSON is allowed; one more is not.
    at_limit = "a" * (1_000_000 - 2)
    assert (await http.post(url, json={"name": "big", "prompt": at_limit})).status_code == 201
    over = await http.post(url, json={"name": "bigger", "prompt": at_limit + "a"})
    assert over.status_code == 400 and over.json()["attr"] == "prompt"
    # Any JSON value is a valid prompt.
    chat = [{"role": "system", "content": "hi"}]
    created = await http.post(url, json={"name": "chat", "prompt": chat})
    assert created.status_code == 201 and created.json()["prompt"] == chat


async def test_publish_conflict_and_validation(
    client: AuthenticatedClient, http: httpx.AsyncClient
) -> None:
    await create(client, "p")
    await publish(client, "p", "v2", base=1)
    stale = await publish(client, "p", "v3?", base=1)
    assert stale.status_code == 409
    assert isinstance(stale.parsed, PromptVersionConflict)
    assert body(stale) == {"detail": CONFLICT, "current_version": 2}
    ahead = await publish(client, "p", "v3?", base=5)
    assert ahead.status_code == 409 and body(ahead)["current_version"] == 2
    url = f"/api/projects/{P}/llm_prompts/name/p/"
    no_base = await http.patch(url, json={"prompt": "x"})
    assert no_base.status_code == 400 and no_base.json()["attr"] == "base_version"
    zero = await http.patch(url, json={"prompt": "x", "base_version": 0})
    assert zero.status_code == 400 and zero.json()["attr"] == "base_version"
    unknown = await publish(client, "nobody", "x", base=1)
    assert unknown.status_code == 404
    assert body(unknown) == {"detail": "Prompt with name 'nobody' not found."}


async def test_twenty_concurrent_publishers_one_wins(client: AuthenticatedClient) -> None:
    await create(client, "race")
    results = await asyncio.gather(
        *(publish(client, "race", f"writer {i}", base=1) for i in range(20))
    )
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200] + [409] * 19
    for r in results:
        if r.status_code == 409:
            assert body(r)["current_version"] == 2
    latest = await llm_prompts_name_retrieve.asyncio_detailed(
        project_id=P, prompt_name="race", client=client
    )
    assert latest.parsed.version == 2 and latest.parsed.version_count == 2


async def test_version_limit(client: AuthenticatedClient, state: ServerState) -> None:
    await create(client, "long")
    for i in range(2, 2001):  # fill the history directly; the API path is tested above
        prompt_store.create_prompt(state, "long", f"v{i}")
    full = await publish(client, "long", "one too many", base=2000)
    assert full.status_code == 400
    assert body(full)["type"] == "validation_error"


async def test_resolve_paging(client: AuthenticatedClient) -> None:
    await create(client, "hist", "v1")
    for base in range(1, 7):
        await publish(client, "hist", f"v{base + 1}", base=base)  # 7 versions

    async def resolve(**kwargs: Any) -> Any:
        return await llm_prompts_resolve_name_retrieve.asyncio_detailed(
            project_id=P, prompt_name="hist", client=client, **kwargs
        )

    first = await resolve(limit=3)
    assert isinstance(first.parsed, LLMPromptResolveResponse)
    assert [v.version for v in first.parsed.versions] == [7, 6, 5]
    assert first.parsed.has_more is True
    assert first.parsed.prompt.version == 7
    assert [v.is_latest for v in first.parsed.versions] == [True, False, False]

    keyset = await resolve(limit=3, before_version=5)
    assert [v.version for v in keyset.parsed.versions] == [4, 3, 2]
    assert keyset.parsed.has_more is True
    last = await resolve(limit=3, before_version=2)
    assert [v.version for v in last.parsed.versions] == [1]
    assert last.parsed.has_more is False

    by_offset = await resolve(limit=2, offset=5)
    assert [v.version for v in by_offset.parsed.versions] == [2, 1]
    assert by_offset.parsed.has_more is False
    assert (await resolve(limit=2, offset=4)).parsed.has_more is True

    both = await resolve(offset=1, before_version=3)
    assert both.status_code == 400
    for bad in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"before_version": 0}):
        assert (await resolve(**bad)).status_code == 400, bad

    pinned = await resolve(version=3)
    assert pinned.parsed.prompt.version == 3 and pinned.parsed.prompt.prompt == "v3"
    by_id = await resolve(version_id=UUID(str(pinned.parsed.prompt.id)))
    assert by_id.parsed.prompt.version == 3
    assert (await resolve(version=99)).status_code == 404
    assert (await resolve(version=1, limit=50)).parsed.versions[0].version == 7


async def test_list_one_row_per_name_with_search(client: AuthenticatedClient) -> None:
    await create(client, "alpha-one")
    await publish(client, "alpha-one", "v2", base=1)
    await create(client, "beta")
    await create(client, "ALPHA-two")
    listed = await llm_prompts_list.asyncio_detailed(project_id=P, client=client)
    assert isinstance(listed.parsed, PaginatedLLMPromptList)
    rows = {r.name: r for r in listed.parsed.results}
    assert listed.parsed.count == 3 and set(rows) == {"alpha-one", "beta", "ALPHA-two"}
    assert rows["alpha-one"].version == 2 and rows["alpha-one"].is_latest
    found = await llm_prompts_list.asyncio_detailed(project_id=P, client=client, search="alpha")
    assert {r.name for r in found.parsed.results} == {"alpha-one", "ALPHA-two"}
    page = await llm_prompts_list.asyncio_detailed(project_id=P, client=client, limit=2)
    assert len(page.parsed.results) == 2 and page.parsed.count == 3
    assert page.parsed.next_ is not None


async def test_patch_by_id_only_deleted(client: AuthenticatedClient) -> None:
    v1 = (await create(client, "pt", "one")).parsed
    v2 = (await publish(client, "pt", "two", base=1)).parsed
    for change in (PatchedLLMPrompt(prompt="changed"), PatchedLLMPrompt(name="renamed")):
        refused = await llm_prompts_partial_update.asyncio_detailed(
            project_id=P, id=UUID(str(v2.id)), client=client, body=change
        )
        assert refused.status_code == 400
        assert body(refused)["attr"] in ("prompt", "name")
    # Soft-deleting the latest row makes version 1 the latest again.
    deleted = await llm_prompts_partial_update.asyncio_detailed(
        project_id=P, id=UUID(str(v2.id)), client=client, body=PatchedLLMPrompt(deleted=True)
    )
    assert deleted.status_code == 200 and deleted.parsed.deleted is True
    assert deleted.parsed.is_latest is False
    gone = await llm_prompts_retrieve.asyncio_detailed(
        project_id=P, id=UUID(str(v2.id)), client=client
    )
    assert gone.status_code == 404
    now = await llm_prompts_retrieve.asyncio_detailed(
        project_id=P, id=UUID(str(v1.id)), client=client
    )
    assert now.parsed.is_latest and now.parsed.latest_version == 1
    assert now.parsed.version_count == 1


async def test_hard_delete_is_405_with_empty_body(client: AuthenticatedClient) -> None:
    row = (await create(client, "keep")).parsed
    response = await llm_prompts_destroy.asyncio_detailed(
        project_id=P, id=UUID(str(row.id)), client=client
    )
    assert response.status_code == 405 and response.content == b""
    still = await llm_prompts_retrieve.asyncio_detailed(
        project_id=P, id=UUID(str(row.id)), client=client
    )
    assert still.status_code == 200


async def test_empty_body_reports_missing_fields(http: httpx.AsyncClient) -> None:
    created = await http.post(f"/api/projects/{P}/llm_prompts/")
    assert created.status_code == 400
    assert (created.json()["attr"], created.json()["code"]) == ("name", "required")
