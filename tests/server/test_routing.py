"""Routing as PostHog's versions do it: the canonical /api/projects/ prefix, the
deprecated /api/environments/ alias with its headers, ``@current``, and the options that
emulate an old self-hosted server (some operations only under the alias) and the newest
one (no by-id prompt routes)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from posthog_api_client.operations import OPERATIONS

import posthog_api.testing
from posthog_api import ConfigurationError, cli
from posthog_api.testing import (
    BY_ID_PROMPT_OPERATIONS,
    LocalServer,
    ServerState,
    create_app,
    run_in_thread,
)

from .conftest import KEY, KEYS, PROJECT

P = f"/api/projects/{PROJECT}"
E = f"/api/environments/{PROJECT}"
SUNSET = "Fri, 31 Jul 2026 00:00:00 GMT"
ENDPOINT_NOT_FOUND = {
    "type": "invalid_request",
    "code": "not_found",
    "detail": "Endpoint not found.",
    "attr": None,
}
DEPRECATION_HEADERS = ("deprecation", "sunset", "link")


def successor(path_and_query: str) -> str:
    return f'<{path_and_query}>; rel="successor-version"'


async def test_the_alias_answers_like_the_canonical_path_plus_deprecation_headers(
    loopback: httpx.AsyncClient, state: ServerState
) -> None:
    state.seed_prompt("alpha", "a", versions=["a0"])
    state.seed_prompt("beta", "b")
    canonical = await loopback.get(f"{P}/llm_prompts/", params={"search": "a", "limit": 1})
    alias = await loopback.get(f"{E}/llm_prompts/", params={"search": "a", "limit": 1})
    assert (canonical.status_code, alias.status_code) == (200, 200)
    assert not any(name in canonical.headers for name in DEPRECATION_HEADERS)
    assert alias.headers["Deprecation"] == "true"
    assert alias.headers["Sunset"] == SUNSET
    assert alias.headers["Link"] == successor(f"{P}/llm_prompts/?search=a&limit=1")
    # Same rows; the paging links stay on the prefix the client used.
    assert alias.json()["results"] == canonical.json()["results"]
    assert alias.json()["next"].startswith(f"{loopback.base_url}{E}/llm_prompts/")

    # Writes through the alias reach the same project, and its errors carry the headers too.
    created = await loopback.post(f"{E}/llm_prompts/", json={"name": "gamma", "prompt": "g"})
    assert created.status_code == 201 and created.headers["Deprecation"] == "true"
    assert created.headers["Link"] == successor(f"{P}/llm_prompts/")
    fetched = await loopback.get(f"{P}/llm_prompts/name/gamma/")
    assert fetched.json()["prompt"] == "g"
    missing = await loopback.get(f"{E}/llm_prompts/name/nobody/", params={"version": 2})
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Prompt with name 'nobody' not found."}
    assert missing.headers["Link"] == successor(f"{P}/llm_prompts/name/nobody/?version=2")


async def test_every_operation_is_routed_under_both_prefixes() -> None:
    """Unauthenticated, every operation answers 401 (routed) on both prefixes, never
    "Endpoint not found."; only the alias carries the deprecation headers."""
    app = create_app(ServerState(project_id=PROJECT, keys=KEYS))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as raw:
        for operation in OPERATIONS.values():
            path = operation.path.replace("{project_id}", PROJECT)
            for param in operation.params:
                path = path.replace(f"{{{param.wire}}}", "1")
            alias = "/api/environments/" + path.removeprefix("/api/projects/")
            on_projects = await raw.request(operation.method, path)
            on_alias = await raw.request(operation.method, alias)
            assert (on_projects.status_code, on_alias.status_code) == (401, 401), operation
            assert "deprecation" not in on_projects.headers
            assert on_alias.headers["Link"] == successor(path), operation


async def test_current_project_is_accepted_on_both_prefixes(
    loopback: httpx.AsyncClient, state: ServerState
) -> None:
    state.seed_prompt("one", "1")
    state.seed_prompt("two", "2")
    for prefix in ("/api/projects/@current", "/api/environments/@current"):
        listed = await loopback.get(f"{prefix}/llm_prompts/", params={"limit": 1})
        assert listed.status_code == 200 and listed.json()["count"] == 2
        assert f"{prefix}/llm_prompts/?limit=1&offset=1" in listed.json()["next"]
    other = await loopback.get("/api/projects/2/llm_prompts/")
    assert other.status_code == 404 and other.json()["detail"] == "Project not found."


async def test_environments_only_emulates_an_old_self_hosted_server() -> None:
    state = ServerState(
        project_id=PROJECT,
        keys=KEYS,
        environments_only={"llm_prompts", "datasets_list"},
    )
    auth = {"Authorization": f"Bearer {KEY}"}
    with run_in_thread(state) as url:
        async with httpx.AsyncClient(base_url=url, headers=auth) as raw:
            # A whole tag: every prompt operation, whatever the method or key.
            for method, path in (
                ("GET", "/llm_prompts/"),
                ("POST", "/llm_prompts/"),
                ("GET", "/llm_prompts/name/x/"),
                ("PUT", "/llm_prompts/name/x/labels/prod/"),
            ):
                refused = await raw.request(method, P + path, json={})
                assert refused.status_code == 404, (method, path)
                assert refused.json() == ENDPOINT_NOT_FOUND
                assert "deprecation" not in refused.headers
            anonymous = await raw.get(f"{P}/llm_prompts/", headers={"Authorization": ""})
            assert anonymous.status_code == 404  # not routed: no authentication either
            served = await raw.post(f"{E}/llm_prompts/", json={"name": "p", "prompt": "x"})
            assert served.status_code == 201 and served.headers["Deprecation"] == "true"
            # One operation id: the list moved, creating a dataset did not.
            assert (await raw.get(f"{P}/datasets/")).status_code == 404
            assert (await raw.get(f"{E}/datasets/")).status_code == 200
            assert (await raw.post(f"{P}/datasets/", json={"name": "d"})).status_code == 201
            assert (await raw.get(f"{P}/evaluations/")).status_code == 200
            # The option is an attribute: a test may change it while the server runs.
            state.environments_only = frozenset()
            assert (await raw.get(f"{P}/llm_prompts/")).status_code == 200


async def test_unrouted_by_id_prompts_emulates_the_newest_server() -> None:
    state = ServerState(project_id=PROJECT, keys=KEYS, unrouted=BY_ID_PROMPT_OPERATIONS)
    row = state.seed_prompt("p", "x")
    auth = {"Authorization": f"Bearer {KEY}"}
    with run_in_thread(state) as url:
        async with httpx.AsyncClient(base_url=url, headers=auth) as raw:
            for prefix in (P, E):
                for method in ("GET", "PATCH", "DELETE", "POST"):
                    gone = await raw.request(
                        method, f"{prefix}/llm_prompts/{row['id']}/", json={"deleted": True}
                    )
                    assert gone.status_code == 404, (prefix, method)
                    assert gone.json() == ENDPOINT_NOT_FOUND
            by_name = await raw.get(f"{P}/llm_prompts/name/p/")
            assert by_name.status_code == 200 and by_name.json()["id"] == row["id"]
            assert state.prompts[0]["deleted"] is False


def test_unknown_operation_names_are_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="environments_only: llm_prompt is neither"):
        ServerState(environments_only=["llm_prompt"])
    with pytest.raises(ConfigurationError, match="unrouted: nope, zzz is neither"):
        ServerState(unrouted=["zzz", "nope", "llm_prompts_list"])
    assert ServerState(unrouted="llm_prompts").unrouted == frozenset({"llm_prompts"})


@pytest.mark.posthog(
    demo=False,
    environments_only=["llm_prompts"],
    unrouted=BY_ID_PROMPT_OPERATIONS,
    prompt_as_text=True,
)
async def test_the_posthog_marker_passes_the_routing_options(
    posthog_live_server: LocalServer,
) -> None:
    state = posthog_live_server.state
    assert state.environments_only == frozenset({"llm_prompts"})
    assert state.unrouted == BY_ID_PROMPT_OPERATIONS and state.prompt_as_text is True
    state.seed_prompt("chat", [{"role": "user", "content": "hi"}])
    auth = {"Authorization": f"Bearer {posthog_live_server.key}"}
    async with httpx.AsyncClient(base_url=posthog_live_server.url, headers=auth) as raw:
        assert (await raw.get(f"{P}/llm_prompts/name/chat/")).status_code == 404
        served = await raw.get(f"{E}/llm_prompts/name/chat/")
        assert served.json()["prompt"] == '[{"role": "user", "content": "hi"}]'


def test_serve_routing_flags(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(posthog_api.testing, "serve", lambda **kw: calls.append(kw))
    argv = ["serve", "--no-seed", "--environments-only", "llm_prompts", "--environments-only"]
    argv += ["datasets", "--unrouted", "llm_prompts_retrieve", "--prompt-as-text"]
    assert cli.main(argv) == 0
    state = calls[0]["state"]
    assert state.environments_only == frozenset({"llm_prompts", "datasets"})
    assert state.unrouted == frozenset({"llm_prompts_retrieve"})
    assert state.prompt_as_text is True
    plain = ServerState()
    assert (plain.environments_only, plain.unrouted, plain.prompt_as_text) == (
        frozenset(),
        frozenset(),
        False,
    )
    capsys.readouterr()
    assert cli.main(["serve", "--unrouted", "llm_prompt"]) == 2
    assert "llm_prompt is neither an operation id nor a tag" in capsys.readouterr().err
    assert len(calls) == 1  # nothing served after the refusal
