"""``scopes=`` names PostHog's scopes; a misspelt one (``llm_prompts:read``) is refused when
the client is built, with the likely fix and the valid objects, instead of granting nothing
and turning every later call into a ScopeError."""

from __future__ import annotations

import re

import pytest
from posthog_api_client.operations import OPERATIONS

from posthog_api import AsyncPostHog, ConfigurationError, ScopeError

from .conftest import KEY, READ_ONLY_KEY, MakeClient, Server


@pytest.mark.parametrize(
    ("scope", "fix"),
    [
        ("llm_prompts:read", "llm_prompt:read"),
        ("datasets:write", "dataset:write"),
        ("evaluations:read", "evaluation:read"),
        ("feature_flags:read", "feature_flag:read"),
    ],
)
def test_a_misspelt_scope_is_refused_with_the_fix_and_the_valid_objects(
    scope: str, fix: str
) -> None:
    with pytest.raises(ConfigurationError) as info:
        AsyncPostHog(api_key=KEY, project_id=1, scopes=["dataset:read", scope])
    message = str(info.value)
    assert message.startswith(f"scope '{scope}' is not a PostHog scope")
    assert f"Did you mean '{fix}'?" in message and "Next: " in message
    listed = set(re.findall(r"[a-z_]+", message.partition("The objects this SDK")[2]))
    assert {"llm_prompt", "dataset", "evaluation", "feature_flag", "insight"} <= listed
    assert KEY not in message


def test_a_scope_of_no_known_object_gets_no_guess() -> None:
    with pytest.raises(ConfigurationError) as info:
        AsyncPostHog(api_key=KEY, project_id=1, scopes=["zzz:read"])
    assert "no 'zzz' object" in str(info.value) and "Did you mean" not in str(info.value)


async def test_with_options_refuses_an_unknown_scope_too(make_client: MakeClient) -> None:
    client = make_client(scopes=["llm_prompt:read"])
    with pytest.raises(ConfigurationError, match="Did you mean 'llm_prompt:write'"):
        client.with_options(scopes=["llm_prompts:write"])


def test_every_object_the_sdk_calls_need_is_accepted() -> None:
    needed = {s for operation in OPERATIONS.values() for s in operation.scopes}
    for scope in sorted(needed):
        name = scope.partition(":")[0]
        client = AsyncPostHog(api_key=KEY, project_id=1, scopes=[f"{name}:read", f"{name}:write"])
        assert client.scopes == {f"{name}:read", f"{name}:write"}


async def test_posthog_scopes_the_sdk_never_needs_are_accepted_and_harmless(
    make_client: MakeClient, server: Server
) -> None:
    """A key's full list, copied from PostHog, works: other products' scopes are real."""
    client = make_client(
        scopes=["feature_flag:read", "insight:write", "session_recording:read", "llm_prompt:write"]
    )
    await client.prompts.create(name="greeting", prompt="Hi")  # llm_prompt:write
    assert (await client.prompts.fetch("greeting")).version == 1  # write grants read
    with pytest.raises(ScopeError):
        await client.datasets.list()
    assert [r.method for r in server.log()] == ["POST", "GET"]  # the refused list unsent


async def test_star_and_write_implies_read_still_hold(make_client: MakeClient) -> None:
    everything = make_client(scopes=["*"])
    await everything.datasets.create(name="golden")
    reader = make_client(api_key=READ_ONLY_KEY, scopes=["dataset:read", "llm_prompt:read"])
    assert [d.name async for d in reader.datasets.list()] == ["golden"]
