"""The canonical prefix, the ``environment_routes`` option, and PostHog's deprecation signals.

PostHog serves every operation under ``/api/projects/`` and still answers the deprecated
``/api/environments/`` alias, marking those answers with ``Deprecation``, ``Sunset`` and
``Link`` headers. The SDK uses the canonical prefix unless told otherwise, and a deprecated
answer gives one DeprecationWarning and one WARNING line per route per process.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Iterator

import httpx
import pytest

from posthog_api import AsyncPostHog, ConfigurationError, ProjectNotFoundError, _deprecation

from .conftest import KEY, PROJECT, MakeClient, Server

EVALUATION = "00000000-0000-4000-8000-000000000001"


@pytest.fixture(autouse=True)
def _warn_again() -> Iterator[None]:
    """The warnings are once per process: every test starts from none given."""
    _deprecation.forget()
    yield
    _deprecation.forget()


def _deprecations(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]


async def test_every_call_uses_the_canonical_prefix_by_default(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client()
    await client.prompts.create("canon", "Hi")
    await client.prompts.get("canon")
    await client.datasets.list()
    await client.evaluations.list()
    paths = [r.path for r in server.log()]
    assert paths and all(p.startswith(f"/api/projects/{PROJECT}/") for p in paths), paths


async def test_environment_routes_sends_the_named_namespaces_through_the_alias(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client(environment_routes=["prompts"])
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        await client.prompts.create("aliased", "Hi")
        await client.prompts.fetch("aliased")
    await client.datasets.list()
    by_path = {r.path: r.status for r in server.log()}
    assert by_path == {
        f"/api/environments/{PROJECT}/llm_prompts/": 201,
        f"/api/environments/{PROJECT}/llm_prompts/name/aliased/": 200,
        f"/api/projects/{PROJECT}/datasets/": 200,
    }


async def test_one_call_can_be_named_and_true_means_every_operation(
    make_client: MakeClient, server: Server
) -> None:
    one = make_client(environment_routes="prompts.fetch")
    every = make_client(environment_routes=True)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        await one.prompts.create("x", "Hi")
        await one.prompts.fetch("x")
        await every.datasets.list()
    assert [r.path.split("/")[2] for r in server.log()] == [
        "projects",
        "environments",
        "environments",
    ]


def test_environment_routes_from_the_environment_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POSTHOG_ENVIRONMENT_ROUTES", "prompts, evaluations")
    client = AsyncPostHog(api_key=KEY, project_id=PROJECT, host="http://127.0.0.1:9")
    assert "llm_prompts_name_retrieve" in client._alias
    assert "evaluations_list" in client._alias
    assert "datasets_list" not in client._alias
    monkeypatch.setenv("POSTHOG_ENVIRONMENT_ROUTES", "all")
    everything = AsyncPostHog(api_key=KEY, project_id=PROJECT, host="http://127.0.0.1:9")
    assert "datasets_list" in everything._alias
    # The argument wins over the environment, and a copy keeps its routes.
    canonical = AsyncPostHog(
        api_key=KEY, project_id=PROJECT, host="http://127.0.0.1:9", environment_routes=False
    )
    assert not canonical._alias
    assert canonical.with_options(environment_routes=["datasets"])._alias >= {"datasets_list"}
    assert everything.with_options(timeout=5)._alias == everything._alias


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (["promts"], "'promts' is not a namespace, call or operation id"),
        ("prompts,nope", "'nope' is not a namespace"),
        ([1], "1 is not a namespace"),
        (42, "environment_routes must be True (every operation), False, or a list"),
        (b"prompts", "got bytes"),
    ],
)
def test_environment_routes_refuses_what_is_not_an_operation(value: object, said: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        AsyncPostHog(
            api_key=KEY, project_id=PROJECT, host="http://127.0.0.1:9", environment_routes=value
        )  # type: ignore[arg-type]
    assert said in str(caught.value)
    assert "prompts" in str(caught.value)  # says what is accepted


async def test_a_deprecated_answer_warns_once_per_route_naming_sunset_and_successor(
    make_client: MakeClient, server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(environment_routes=["prompts"])
    caplog.set_level(logging.WARNING, logger="posthog_api")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        await client.prompts.create("warned", "Hi")
        for _ in range(3):
            await client.prompts.fetch("warned")
        await client.prompts.fetch("warned", version=1)  # same route, another query
    messages = _deprecations(caught)
    assert len(messages) == 2, messages  # POST llm_prompts/ and GET name/{prompt_name}/
    fetch = next(m for m in messages if "GET" in m)
    assert fetch.startswith(
        "posthog.prompts.fetch: PostHog marks GET "
        "/api/environments/{project_id}/llm_prompts/name/{prompt_name}/ as deprecated"
    )
    assert "sunset Fri, 31 Jul 2026 00:00:00 GMT" in fetch
    assert f"successor is /api/projects/{PROJECT}/llm_prompts/name/warned/" in fetch
    assert "environment_routes" in fetch  # what to do
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert sorted(logged) == sorted(messages)
    assert KEY not in " ".join(logged)


async def test_the_canonical_prefix_gives_no_deprecation_warning(
    make_client: MakeClient, server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        await client.prompts.create("quiet", "Hi")
        await client.prompts.fetch("quiet")
        await client.datasets.list()
    assert _deprecations(caught) == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_an_error_answer_with_deprecation_headers_warns_too(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client(environment_routes=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(Exception):  # noqa: B017 - the 404's class is tested elsewhere
            await client.evaluations.retrieve(EVALUATION)
    assert [m.split(" as ")[0] for m in _deprecations(caught)] == [
        "posthog.evaluations.retrieve: PostHog marks GET "
        "/api/environments/{project_id}/evaluations/{id}/"
    ]


async def test_hostile_deprecation_headers_are_shown_bounded_and_printable() -> None:
    """The headers are the server's input: a huge or control-laden Link is not echoed whole."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            headers={
                "Deprecation": "true",
                "Sunset": "soon\x1b[31m",
                "Link": f'<https://x/{"a" * 5000}>; rel="successor-version"',
            },
            json={"count": 0, "next": None, "previous": None, "results": []},
        )

    async with AsyncPostHog(
        api_key=KEY, project_id=PROJECT, transport=httpx.MockTransport(handler)
    ) as client:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            await client.datasets.list()
    (message,) = _deprecations(caught)
    assert "\x1b" not in message and len(message) < 700
    assert "sunset soon?[31m" in message


async def test_an_old_self_hosted_posthog_works_once_its_alias_routes_are_named(
    make_client: MakeClient, server: Server
) -> None:
    """A server routing prompts only under /api/environments/ (as PostHog before the move):
    the canonical route is "Endpoint not found."; environment_routes makes it work."""
    server.state.environments_only = frozenset({"llm_prompts"})
    server.state.seed_prompt("legacy", "Hi {{name}}")
    canonical = make_client()
    with pytest.raises(ProjectNotFoundError) as caught:
        await canonical.prompts.get("legacy")
    assert "environment_routes=[...] (POSTHOG_ENVIRONMENT_ROUTES)" in str(caught.value)
    legacy = make_client(environment_routes=["prompts"])
    with warnings.catch_warnings(record=True) as caught_warnings:
        warnings.simplefilter("always")
        prompt = await legacy.prompts.get("legacy")
        datasets = await legacy.datasets.list()  # still canonical: served there
    assert (prompt.name, prompt.version, datasets.count) == ("legacy", 1, 0)
    assert len(_deprecations(caught_warnings)) == 1


async def test_calling_an_operation_the_spec_deprecates_warns_once(
    make_client: MakeClient, server: Server
) -> None:
    """The by-id prompt routes are deprecated (PostHog's newest server answers 404)."""
    client = make_client()
    created = await client.prompts.create("by-id", "Hi")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(2):
            row = await client.prompts.retrieve(created.id)
        await client.prompts.fetch("by-id")  # not deprecated: no warning
    assert row.name == "by-id"
    assert _deprecations(caught) == [
        "posthog.prompts.retrieve (GET /api/projects/{project_id}/llm_prompts/{id}/) is "
        "deprecated in the API description: PostHog's newest server may answer it 404. "
        "Next: see help(posthog.prompts.retrieve) for what to use instead."
    ]


async def test_the_newest_posthog_answers_the_by_id_routes_404(
    make_client: MakeClient, server: Server
) -> None:
    from posthog_api import NotFoundError
    from posthog_api.testing import BY_ID_PROMPT_OPERATIONS

    client = make_client()
    created = await client.prompts.create("gone", "Hi")
    server.state.unrouted = frozenset(BY_ID_PROMPT_OPERATIONS)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(NotFoundError):
            await client.prompts.retrieve(created.id)
        by_version_id = await client.prompts.get("gone", version_id=created.id)  # the successor
    assert by_version_id.version == 1
    assert len(_deprecations(caught)) == 1


def _deprecated_answer(link: str) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            headers={"Deprecation": "true", "Link": link},
            json={"count": 0, "next": None, "previous": None, "results": []},
        )

    return httpx.MockTransport(handler)


async def test_a_pathological_link_header_is_read_in_linear_time() -> None:
    """88 kB of '<a>;' made the first successor regex backtrack for tens of seconds,
    blocking the event loop; the header is now read 4 kB at most, without backtracking."""
    transport = _deprecated_answer("<a>;" * 22_000)
    async with AsyncPostHog(api_key=KEY, project_id=PROJECT, transport=transport) as client:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            started = time.perf_counter()
            await client.datasets.list()
            elapsed = time.perf_counter() - started
    assert elapsed < 0.5, elapsed
    assert _deprecations(caught) == [
        "posthog.datasets.list: PostHog marks GET /api/projects/{project_id}/datasets/ as "
        "deprecated. Next: upgrade posthog-api-async, or check the API's changelog."
    ]


async def test_the_successor_is_shown_without_its_query_and_the_warning_points_at_caller() -> None:
    link = (
        '<https://h/other>; rel="prev", '
        "</api/projects/1/datasets/?search=secret>; rel=successor-version"
    )
    async with AsyncPostHog(
        api_key=KEY, project_id=PROJECT, transport=_deprecated_answer(link)
    ) as client:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            await client.datasets.list(search="secret")
    (warning,) = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert "its successor is /api/projects/1/datasets/." in str(warning.message)
    assert "secret" not in str(warning.message)
    assert warning.filename == __file__  # reported (and filtered) where the user called


async def test_a_host_with_a_path_names_the_alias_route_and_its_advice() -> None:
    async with AsyncPostHog(
        api_key=KEY,
        project_id=PROJECT,
        host="http://proxy.internal/posthog",
        environment_routes=["datasets"],
        transport=_deprecated_answer(""),
    ) as client:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            await client.datasets.list()
    (message,) = _deprecations(caught)
    assert "marks GET /api/environments/{project_id}/datasets/ as deprecated" in message
    assert "remove this operation from environment_routes" in message


@pytest.mark.parametrize(
    ("text", "routed"),
    [("*", True), ("on", True), ("ALL", True), ("off", False), (" Prompts , DATASETS ", None)],
)
def test_the_environment_variable_forms(
    text: str, routed: bool | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTHOG_ENVIRONMENT_ROUTES", text)
    client = AsyncPostHog(api_key=KEY, project_id=PROJECT, host="http://127.0.0.1:9")
    if routed is None:  # names, in any case and spacing
        assert {"llm_prompts_list", "datasets_list"} <= client._alias
        assert "evaluations_list" not in client._alias
    else:
        assert ("evaluations_list" in client._alias) is routed


def test_a_bad_environment_variable_is_named_and_a_library_method_is_explained(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POSTHOG_ENVIRONMENT_ROUTES", "prompts,promts")
    with pytest.raises(ConfigurationError) as caught:
        AsyncPostHog(api_key=KEY, project_id=PROJECT, host="http://127.0.0.1:9")
    assert str(caught.value).startswith("POSTHOG_ENVIRONMENT_ROUTES: 'promts' is not a namespace")
    monkeypatch.delenv("POSTHOG_ENVIRONMENT_ROUTES")
    with pytest.raises(ConfigurationError) as caught:
        AsyncPostHog(
            api_key=KEY,
            project_id=PROJECT,
            host="http://127.0.0.1:9",
            environment_routes=["prompts.get"],
        )
    assert str(caught.value).startswith(
        "environment_routes: 'prompts.get' is a method of the library, which may call several "
        "operations, not one operation of the API: name its namespace ('prompts')"
    )
