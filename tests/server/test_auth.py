"""API keys and scopes: 401 for a missing or unknown key, 403 naming a missing scope."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from posthog_api_client.api.integrations import integrations_authorize_retrieve
from posthog_api_client.api.llm_prompts import (
    llm_prompts_create,
    llm_prompts_list,
    llm_prompts_name_retrieve,
)
from posthog_api_client.api.max_tools import max_tools_create_and_query_insight_create
from posthog_api_client.models import LLMPromptRequest, MaxToolsInsightRequest

from posthog_api.testing import scope_satisfied

from .conftest import (
    BASE,
    BOTH_KEY,
    INSIGHT_ONLY_KEY,
    KEY,
    NO_SCOPE_KEY,
    PROJECT,
    READ_KEY,
    WRITE_KEY,
    ClientFactory,
    SpecChecker,
)

P = PROJECT


@pytest.mark.parametrize(
    ("needed", "granted", "ok"),
    [
        ("llm_prompt:read", ("llm_prompt:read",), True),
        ("llm_prompt:read", ("llm_prompt:write",), True),
        ("llm_prompt:write", ("llm_prompt:read",), False),
        ("llm_prompt:write", ("*",), True),
        ("dataset:read", ("llm_prompt:write",), False),
        ("insight:read", (), False),
    ],
)
def test_scope_arithmetic(needed: str, granted: tuple[str, ...], ok: bool) -> None:
    assert scope_satisfied(needed, granted) is ok


async def test_missing_and_bad_keys(app: Any, checker: SpecChecker) -> None:
    url = f"/api/projects/{P}/llm_prompts/"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=BASE,
        event_hooks={"response": [checker.hook]},
    ) as raw:
        missing = await raw.get(url)
        assert missing.status_code == 401
        assert missing.json() == {
            "type": "authentication_error",
            "code": "not_authenticated",
            "detail": missing.json()["detail"],
            "attr": None,
        }
        basic = await raw.get(url, headers={"Authorization": "Basic abc"})
        assert basic.status_code == 401 and basic.json()["code"] == "not_authenticated"
        secret = "phx_this_key_does_not_exist"
        bad = await raw.get(url, headers={"Authorization": f"Bearer {secret}"})
        assert bad.status_code == 401
        assert bad.json()["code"] == "authentication_failed"
        assert secret not in bad.text  # the key is never echoed


async def test_read_key_reads_but_cannot_write(make_client: ClientFactory) -> None:
    reader = make_client(READ_KEY)
    assert (await llm_prompts_list.asyncio_detailed(project_id=P, client=reader)).status_code == 200
    denied = await llm_prompts_create.asyncio_detailed(
        project_id=P, client=reader, body=LLMPromptRequest(name="x", prompt="y")
    )
    assert denied.status_code == 403
    assert json.loads(denied.content) == {
        "type": "authentication_error",
        "code": "permission_denied",
        "detail": "API key missing required scope 'llm_prompt:write'",
        "attr": None,
    }


async def test_write_implies_read_and_star_allows_all(make_client: ClientFactory) -> None:
    writer = make_client(WRITE_KEY)
    made = await llm_prompts_create.asyncio_detailed(
        project_id=P, client=writer, body=LLMPromptRequest(name="w", prompt="y")
    )
    assert made.status_code == 201
    read = await llm_prompts_name_retrieve.asyncio_detailed(
        project_id=P, prompt_name="w", client=writer
    )
    assert read.status_code == 200
    star = make_client(KEY)
    assert (await llm_prompts_list.asyncio_detailed(project_id=P, client=star)).status_code == 200


async def test_other_scopes_do_not_reach_prompts(make_client: ClientFactory) -> None:
    other = make_client(BOTH_KEY)
    denied = await llm_prompts_list.asyncio_detailed(project_id=P, client=other)
    assert denied.status_code == 403
    assert "llm_prompt:read" in json.loads(denied.content)["detail"]


async def test_max_tools_needs_both_scopes(make_client: ClientFactory) -> None:
    body = MaxToolsInsightRequest(query_description="Weekly signups")
    only_insight = await max_tools_create_and_query_insight_create.asyncio_detailed(
        project_id=P, client=make_client(INSIGHT_ONLY_KEY), body=body
    )
    assert only_insight.status_code == 403
    assert (
        json.loads(only_insight.content)["detail"] == "API key missing required scope 'query:read'"
    )
    nothing = await max_tools_create_and_query_insight_create.asyncio_detailed(
        project_id=P, client=make_client(NO_SCOPE_KEY), body=body
    )
    assert json.loads(nothing.content)["detail"] == "API key missing required scope 'insight:read'"
    # insight:write covers insight:read; with query:read the call goes through.
    both = await max_tools_create_and_query_insight_create.asyncio_detailed(
        project_id=P, client=make_client(BOTH_KEY), body=body
    )
    assert both.status_code == 200


async def test_unscoped_operation_needs_only_a_valid_key(make_client: ClientFactory) -> None:
    response = await integrations_authorize_retrieve.asyncio_detailed(
        project_id=P, client=make_client(NO_SCOPE_KEY)
    )
    assert response.status_code == 200


async def test_other_project_is_not_found(http: httpx.AsyncClient) -> None:
    response = await http.get("/api/projects/2/llm_prompts/")
    assert response.status_code == 404
    assert response.json()["type"] == "invalid_request"


async def test_trailing_slash_and_methods(http: httpx.AsyncClient) -> None:
    redirect = await http.get(f"/api/projects/{P}/datasets?limit=5")
    assert redirect.status_code == 301
    assert redirect.headers["location"] == f"{BASE}/api/projects/{P}/datasets/?limit=5"
    post = await http.post(f"/api/projects/{P}/datasets", json={"name": "x"})
    assert post.status_code == 404 and post.json()["detail"] == "Endpoint not found."
    unknown = await http.get("/api/projects/1/nothing-here/")
    assert unknown.status_code == 404
    put = await http.put(f"/api/projects/{P}/datasets/", json={})
    assert put.status_code == 405 and put.json()["code"] == "method_not_allowed"
