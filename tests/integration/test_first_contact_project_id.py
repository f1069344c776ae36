"""A project id is PostHog's project number or ``@current``; anything else is refused at
construction with what a project id looks like and where to find it (a name, a UUID or an
API key in ``project_id`` could only ever be answered "not found")."""

from __future__ import annotations

import traceback
from typing import Any

import pytest

from posthog_api import AsyncPostHog, ConfigurationError

from .conftest import KEY, MakeClient, Server


@pytest.mark.parametrize(
    "project",
    [
        "my-project",  # the project's name
        "0190b1a2-7c3d-7e4f-8a9b-0c1d2e3f4a5b",  # a UUID
        "proj_123",
        "12 345",
        "1.0",
        "١٢٣",  # Arabic-Indic digits: str.isdigit() says yes, PostHog says no
        "12345\n",  # a trailing newline, from a file or a heredoc
        "@CURRENT",  # '@current' is spelt exactly so
        "9" * 20,  # more than a 64-bit id
        2**63,
        0,
        "-5",
    ],
)
def test_a_project_id_that_is_not_a_number_is_refused_with_where_to_find_it(
    project: Any,
) -> None:
    with pytest.raises(ConfigurationError) as info:
        AsyncPostHog(api_key=KEY, project_id=project)
    message = str(info.value)
    assert message.startswith("project_id ")
    assert "integer from 1" in message and "Settings > Project" in message
    assert "POSTHOG_PROJECT_ID" in message and "'@current'" in message
    assert len(message) < 400


def test_a_project_id_from_the_environment_is_checked_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", KEY)
    monkeypatch.setenv("POSTHOG_PROJECT_ID", "default")
    with pytest.raises(ConfigurationError, match="'default' is not a project id"):
        AsyncPostHog()


@pytest.mark.parametrize("key", ["phc_project_token_abc123XYZ", "phx_personal_key_abc123XYZ"])
def test_an_api_key_passed_as_project_id_is_named_but_never_shown(key: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        AsyncPostHog(api_key=KEY, project_id=key)
    assert "looks like an API key" in str(info.value) and "api_key=" in str(info.value)
    assert key not in "".join(traceback.format_exception(info.value))


@pytest.mark.parametrize("project", [1, "1", "001"])
async def test_the_number_as_int_or_decimal_text_reaches_the_project(
    make_client: MakeClient, server: Server, project: Any
) -> None:
    client = make_client(project_id=project)
    assert client.project_id == "1"  # one URL and one prompt-cache key for all three
    await client.prompts.create(name="greeting", prompt="Hi {{name}}")
    assert (await client.prompts.get("greeting")).version == 1
    assert server.log() and all(r.path.split("/")[3] == "1" for r in server.log())


async def test_at_current_stays_valid(make_client: MakeClient) -> None:
    client = make_client(project_id="@current")
    assert client.project_id == "@current"
    assert repr(client).count("'@current'") == 1
