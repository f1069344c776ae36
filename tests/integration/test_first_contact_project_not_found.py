"""Issue 12, "a misconfigured project is not a missing prompt", over loopback.

A 404 whose detail is not about the prompt asked for (PostHog's "Project not found." for a
wrong project, "Endpoint not found." for a host whose path is wrong) is a
ProjectNotFoundError saying to check project_id and host; only the server's "Prompt with
name ... not found." is a PromptNotFoundError (which ``publish_if_changed`` and the CLI read
as "create it").
"""

from __future__ import annotations

import pickle

import httpx
import pytest

from posthog_api import NotFoundError, ProjectNotFoundError, PromptNotFoundError

from .conftest import KEY, PROJECT, MakeClient, Server, clocked, until

WRONG = "999"


def _assert_says_check_the_configuration(error: ProjectNotFoundError) -> None:
    text = str(error)
    assert "project_id" in text and "POSTHOG_PROJECT_ID" in text
    assert "host" in text and "POSTHOG_HOST" in text
    assert "create it" not in text and "prompts.create" not in text
    assert KEY not in text and KEY not in repr(error)


# -- what the local server answers, as PostHog does -----------------------------------------


async def test_the_local_server_answers_404_details_as_posthog_does(server: Server) -> None:
    headers = {"Authorization": f"Bearer {KEY}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers) as http:
        project = await http.get(f"/api/projects/{WRONG}/llm_prompts/name/support-bot/")
        prompt = await http.get(f"/api/projects/{PROJECT}/llm_prompts/name/support-bot/")
        endpoint = await http.get(f"/prefix/api/projects/{PROJECT}/llm_prompts/")

    # PostHog's routing (TeamAndOrgViewSetMixin): DRF NotFound in the usual envelope.
    assert project.status_code == 404
    assert project.json() == {
        "type": "invalid_request",
        "code": "not_found",
        "detail": "Project not found.",
        "attr": None,
    }
    # The prompt view answers a bare detail naming the prompt.
    assert prompt.status_code == 404
    assert prompt.json() == {"detail": "Prompt with name 'support-bot' not found."}
    # PostHog's catch-all for paths no view serves.
    assert endpoint.status_code == 404
    assert endpoint.json()["detail"] == "Endpoint not found."


# -- the SDK: a wrong project or host is not a missing prompt -------------------------------


async def test_a_wrong_project_is_a_project_error_not_a_missing_prompt(
    make_client: MakeClient,
) -> None:
    client = make_client(project_id=WRONG)
    with pytest.raises(ProjectNotFoundError) as info:
        await client.prompts.get("support-bot")
    error = info.value
    assert isinstance(error, NotFoundError) and not isinstance(error, PromptNotFoundError)
    assert error.status_code == 404 and error.detail == "Project not found."
    assert "Project not found" in str(error)
    _assert_says_check_the_configuration(error)
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is ProjectNotFoundError and str(again) == str(error)


async def test_an_unknown_prompt_in_the_right_project_is_still_a_missing_prompt(
    make_client: MakeClient,
) -> None:
    client = make_client()
    with pytest.raises(PromptNotFoundError) as info:
        await client.prompts.get("support-bot")
    assert not isinstance(info.value, ProjectNotFoundError)
    assert "prompts.create()" in str(info.value)


async def test_a_host_with_a_wrong_path_is_a_project_error(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client(host=server.url + "/prefix")
    with pytest.raises(ProjectNotFoundError) as info:
        await client.prompts.get("support-bot")
    assert info.value.detail == "Endpoint not found."
    _assert_says_check_the_configuration(info.value)


async def test_every_prompt_call_by_name_tells_a_wrong_project_from_a_missing_prompt(
    make_client: MakeClient,
) -> None:
    client = make_client(project_id=WRONG)
    calls = {
        "fetch": lambda: client.prompts.fetch("bot"),
        "resolve": lambda: client.prompts.resolve("bot"),
        "publish": lambda: client.prompts.publish("bot", "x", base_version=1),
        "archive": lambda: client.prompts.archive("bot"),
        "versions": lambda: client.prompts.versions("bot"),
        "get pinned": lambda: client.prompts.get("bot", version=2),
    }
    for what, call in calls.items():
        with pytest.raises(ProjectNotFoundError) as info:
            await call()
        _assert_says_check_the_configuration(info.value)
        assert not isinstance(info.value, PromptNotFoundError), what


async def test_publish_if_changed_does_not_try_to_create_in_a_wrong_project(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client(project_id=WRONG)
    with pytest.raises(ProjectNotFoundError):
        await client.prompts.publish_if_changed("bot", "text")
    assert server.log("POST") == []  # a missing prompt would have been created


async def test_other_resources_name_a_wrong_project_too(make_client: MakeClient) -> None:
    client = make_client(project_id=WRONG)
    with pytest.raises(ProjectNotFoundError) as info:
        await client.datasets.list()
    _assert_says_check_the_configuration(info.value)


async def test_a_wrong_project_does_not_evict_a_cached_prompt(
    make_client: MakeClient, server: Server
) -> None:
    client, clock = clocked(make_client)
    await client.prompts.create("bot", "the text")
    assert (await client.prompts.get("bot")).prompt == "the text"
    with server.state.lock:
        server.state.project_id = WRONG  # the host now answers "Project not found."
    clock.advance(61)  # past prompt_cache_ttl: served stale, refreshed in the background
    assert (await client.prompts.get("bot")).source == "stale"
    await until(lambda: client.prompts.stats().refresh_errors == 1)
    # Not "the prompt was deleted": the copy is still served while the project is fixed.
    stale = await client.prompts.get("bot")
    assert (stale.source, stale.prompt) == ("stale", "the text")
