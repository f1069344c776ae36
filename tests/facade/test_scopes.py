"""Scope checks before sending, and the scope table against the spec."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from posthog_api_client.operations import OPERATIONS

from posthog_api._client import AsyncPostHog
from posthog_api._errors import ConfigurationError, ScopeError

from .conftest import API_KEY, MakeClient, match_operation, spec, success_response

A = uuid.UUID(int=0xA)


def answer(request: httpx.Request) -> httpx.Response:
    return success_response(match_operation(request), request)


async def test_missing_scope_raises_and_sends_nothing(make_client: MakeClient) -> None:
    h = make_client(answer, scopes=["dataset:read", "logs:read"])
    with pytest.raises(ScopeError) as info:
        await h.client.datasets.create(name="golden")
    error = info.value
    assert error.operation == "datasets_create"
    assert error.missing == ("dataset:write",)
    assert error.granted == ("dataset:read", "logs:read")
    assert error.status_code == 403
    assert "dataset:write" in str(error) and "Next: " in str(error)
    assert API_KEY not in str(error)
    assert h.requests == []


async def test_denied_list_sends_nothing_even_when_iterated(make_client: MakeClient) -> None:
    h = make_client(answer, scopes=["dataset:read"])
    with pytest.raises(ScopeError):
        await h.client.evaluations.list().collect()
    assert h.requests == []


async def test_write_scope_grants_read(make_client: MakeClient) -> None:
    h = make_client(answer, scopes=["dataset:write"])
    await h.client.datasets.retrieve(A)
    await h.client.dataset_items.list()
    await h.client.datasets.create(name="n")
    assert [match_operation(r) for r in h.requests] == [
        "datasets_retrieve",
        "dataset_items_list",
        "datasets_create",
    ]


async def test_read_scope_does_not_grant_write(make_client: MakeClient) -> None:
    h = make_client(answer, scopes=["evaluation:read"])
    await h.client.evaluations.retrieve(A)
    with pytest.raises(ScopeError) as info:
        await h.client.evaluations.update(A, enabled=False)
    assert info.value.missing == ("evaluation:write",)
    assert len(h.requests) == 1


async def test_star_grants_everything(make_client: MakeClient) -> None:
    h = make_client(answer, scopes=["*"])
    await h.client.datasets.create(name="n")
    await h.client.max_tools.create_and_query_insight(query_description="q")
    await h.client.llm_analytics.text_repr(event_type="$ai_trace", data={})
    await h.client.integrations.github_repos(1)
    assert len(h.requests) == 4


@pytest.mark.parametrize(
    ("scopes", "missing"),
    [
        (["insight:read"], ("query:read",)),
        (["query:read"], ("insight:read",)),
        ([], ("insight:read", "query:read")),
        (["insight:read", "query:read"], ()),
        (["insight:write", "query:write"], ()),
    ],
)
async def test_max_tools_needs_insight_and_query(
    make_client: MakeClient, scopes: list[str], missing: tuple[str, ...]
) -> None:
    h = make_client(answer, scopes=scopes)
    if missing:
        with pytest.raises(ScopeError) as info:
            await h.client.max_tools.create_and_query_insight(query_description="q")
        assert info.value.missing == missing
        assert h.requests == []
    else:
        await h.client.max_tools.create_and_query_insight(query_description="q")
        assert len(h.requests) == 1


async def test_operations_without_scopes_pass_with_no_scopes(make_client: MakeClient) -> None:
    h = make_client(answer, scopes=[])
    await h.client.integrations.authorize()
    await h.client.llm_analytics.set_active_key(key_id=str(A))
    with pytest.raises(ScopeError):
        await h.client.integrations.github_repos(1)
    assert len(h.requests) == 2


async def test_scope_check_applies_to_with_options_copies(make_client: MakeClient) -> None:
    h = make_client(answer, scopes=["logs:read"])
    with pytest.raises(ScopeError):
        await h.client.with_options(max_retries=0).datasets.retrieve(A)
    assert h.requests == []


@pytest.mark.parametrize(
    "scopes",
    [
        ["dataset"],
        ["dataset:delete"],
        ["Dataset:read"],
        [""],
        ["dataset:read "],
        ["dataset:read", 5],
        ["**"],
        [":read"],
        [":write"],
        [":"],
        ["dataset:"],
        ["dataset:read:write"],
        "dataset:read",
    ],
    ids=repr,
)
def test_invalid_scopes_are_a_configuration_error(scopes: Any) -> None:
    with pytest.raises(ConfigurationError) as info:
        AsyncPostHog(api_key=API_KEY, project_id=1, scopes=scopes)
    assert "scope" in str(info.value)


@pytest.mark.parametrize("scope", [":read", ":write"])
def test_a_scope_without_an_object_is_refused_by_name(scope: str) -> None:
    """``:read`` names no object: accepted, it would grant nothing, and calls fail later."""
    with pytest.raises(ConfigurationError) as info:
        AsyncPostHog(api_key=API_KEY, project_id=1, scopes=["dataset:read", scope])
    assert str(info.value) == (
        f"scope {scope!r} is not valid: use '<object>:read', '<object>:write' or '*'"
    )


def test_one_string_instead_of_a_list_is_refused_with_the_fix() -> None:
    """A bare string would be read as its characters; the message shows the list form."""
    with pytest.raises(ConfigurationError) as info:
        AsyncPostHog(api_key=API_KEY, project_id=1, scopes="llm_prompt:read")
    assert str(info.value) == (
        "scopes must be a list of strings such as ['llm_prompt:read'], not one string"
    )


def _spec_scopes() -> dict[str, tuple[str, ...]]:
    document = spec()
    default = document.get("security", [])
    found: dict[str, tuple[str, ...]] = {}
    for item in document["paths"].values():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            requirements = operation.get("security", default)
            scopes: list[str] = []
            for requirement in requirements:
                scopes.extend(requirement.get("PersonalAPIKeyAuth", []))
            found[operation["operationId"]] = tuple(scopes)
    return found


def test_scope_table_matches_the_spec_for_every_operation() -> None:
    from_spec = _spec_scopes()
    assert from_spec
    assert set(OPERATIONS) == set(from_spec)
    for operation_id, operation in OPERATIONS.items():
        assert isinstance(operation.scopes, tuple), operation_id
        assert all(isinstance(s, str) for s in operation.scopes), operation_id
        assert sorted(operation.scopes) == sorted(from_spec[operation_id]), operation_id
