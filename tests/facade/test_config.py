"""Configuration: arguments, environment fallbacks, host checks, lifecycle, http_client=."""

from __future__ import annotations

import logging
import traceback
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from spec.examples import UUID_EXAMPLE

from posthog_api._client import AsyncPostHog
from posthog_api._errors import ConfigurationError
from posthog_api._logging import logger as sdk_logger

from .conftest import API_KEY, HOST, PROJECT_ID, Pools, Recorder, success_response

A = uuid.UUID(int=0xA)


def dataset_answer(request: httpx.Request) -> httpx.Response:
    return success_response("datasets_retrieve")


def test_missing_api_key_names_argument_and_variable() -> None:
    with pytest.raises(ConfigurationError) as info:
        AsyncPostHog(project_id=PROJECT_ID)
    assert "api_key" in str(info.value)
    assert "POSTHOG_PERSONAL_API_KEY" in str(info.value)


def test_empty_api_key_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", "")
    with pytest.raises(ConfigurationError, match="POSTHOG_PERSONAL_API_KEY"):
        AsyncPostHog(project_id=PROJECT_ID)


def test_missing_project_id_names_argument_and_variable() -> None:
    with pytest.raises(ConfigurationError) as info:
        AsyncPostHog(api_key=API_KEY)
    assert "project_id" in str(info.value)
    assert "POSTHOG_PROJECT_ID" in str(info.value)


@pytest.mark.parametrize("key", [f" {API_KEY}", f"{API_KEY}\n", f'"{API_KEY}"x\r'])
def test_malformed_key_is_refused_without_echoing_it(key: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        AsyncPostHog(api_key=key, project_id=PROJECT_ID)
    assert API_KEY not in str(info.value)
    assert API_KEY not in repr(info.value)


@pytest.mark.parametrize("project", ["../1", "1/2", "", " 1", True, 1.5, "a" * 65])
def test_bad_project_id(project: Any) -> None:
    with pytest.raises(ConfigurationError, match="project"):
        AsyncPostHog(api_key=API_KEY, project_id=project)


@pytest.mark.parametrize(
    "host",
    [
        "us.posthog.com",  # no scheme
        "ftp://us.posthog.com",
        "not a url",
        "https://",
        "https://user:hunter2@us.posthog.com",
        "ftp://user:hunter2@us.posthog.com",
    ],
)
def test_bad_host(host: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        AsyncPostHog(api_key=API_KEY, project_id=PROJECT_ID, host=host)
    assert "host" in str(info.value)
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize("max_retries", [-1, 1.5, True, "2"])
def test_bad_max_retries(max_retries: Any) -> None:
    with pytest.raises(ConfigurationError, match="max_retries"):
        AsyncPostHog(api_key=API_KEY, project_id=PROJECT_ID, max_retries=max_retries)


async def test_environment_fallbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", "phx_from_env")
    monkeypatch.setenv("POSTHOG_PROJECT_ID", "777")
    monkeypatch.setenv("POSTHOG_HOST", "https://eu.posthog.com/")
    recorder = Recorder(dataset_answer)
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(recorder)) as http,
        AsyncPostHog(http_client=http) as client,
    ):
        await client.datasets.retrieve(A)
    request = recorder.last
    assert str(request.url) == f"https://eu.posthog.com/api/projects/777/datasets/{A}/"
    assert request.headers["authorization"] == "Bearer phx_from_env"


async def test_arguments_beat_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", "phx_from_env")
    monkeypatch.setenv("POSTHOG_PROJECT_ID", "777")
    monkeypatch.setenv("POSTHOG_HOST", "https://eu.posthog.com")
    recorder = Recorder(dataset_answer)
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(recorder)) as http,
        AsyncPostHog(api_key=API_KEY, project_id=PROJECT_ID, host=HOST, http_client=http) as c,
    ):
        await c.datasets.retrieve(A)
    request = recorder.last
    assert str(request.url) == f"{HOST}/api/projects/{PROJECT_ID}/datasets/{A}/"
    assert request.headers["authorization"] == f"Bearer {API_KEY}"


async def test_default_host_is_us_cloud() -> None:
    recorder = Recorder(dataset_answer)
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(recorder)) as http,
        AsyncPostHog(api_key=API_KEY, project_id=1, http_client=http) as client,
    ):
        await client.datasets.retrieve(A)
    assert recorder.last.url.host == "us.posthog.com"
    assert recorder.last.url.scheme == "https"


async def test_async_with_closes_the_pool(pools: Pools) -> None:
    pools.handler = dataset_answer
    async with AsyncPostHog(api_key=API_KEY, project_id=PROJECT_ID) as client:
        await client.datasets.retrieve(A)
        assert not pools.made[0].closed
    assert pools.made[0].closed
    with pytest.raises(ConfigurationError, match="closed"):
        await client.datasets.retrieve(A)
    assert len(pools.made[0].recorder.requests) == 1


async def test_injected_http_client_gets_auth_and_is_left_open() -> None:
    recorder = Recorder(dataset_answer)
    http = httpx.AsyncClient(
        transport=httpx.MockTransport(recorder), headers={"X-Proxy-Token": "mine"}
    )
    async with AsyncPostHog(api_key=API_KEY, project_id=PROJECT_ID, http_client=http) as client:
        await client.datasets.retrieve(A)
    assert recorder.last.headers["authorization"] == f"Bearer {API_KEY}"
    assert not http.is_closed
    # The user's client still works for the user after the SDK client is closed.
    response = await http.get("https://elsewhere.example/ping")
    assert response.status_code == 200
    assert "authorization" not in recorder.last.headers  # the SDK's key stays in the SDK
    await http.aclose()


@pytest.fixture
def restore_sdk_logger() -> Iterator[None]:
    handlers, level = list(sdk_logger.handlers), sdk_logger.level
    yield
    sdk_logger.handlers[:] = handlers
    sdk_logger.setLevel(level)


@pytest.mark.usefixtures("restore_sdk_logger")
async def test_posthog_api_log_debug_prints_a_line_per_request(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POSTHOG_API_LOG", "debug")
    recorder = Recorder(dataset_answer)
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(recorder)) as http,
        AsyncPostHog(api_key=API_KEY, project_id=PROJECT_ID, http_client=http) as client,
    ):
        await client.datasets.retrieve(A)
    err = capsys.readouterr().err
    assert "DEBUG" in err
    assert f"GET /api/projects/{PROJECT_ID}/datasets/{A}/ -> 200" in err
    assert API_KEY not in err


@pytest.mark.usefixtures("restore_sdk_logger")
async def test_no_log_lines_without_posthog_api_log(capsys: pytest.CaptureFixture[str]) -> None:
    sdk_logger.setLevel(logging.NOTSET)
    recorder = Recorder(dataset_answer)
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(recorder)) as http,
        AsyncPostHog(api_key=API_KEY, project_id=PROJECT_ID, http_client=http) as client,
    ):
        await client.datasets.retrieve(A)
    assert capsys.readouterr().err == ""


async def test_transport_replaces_the_pool_under_the_sdk_retries() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            return httpx.Response(503, json={"detail": "busy"})
        return dataset_answer(request)

    transport = httpx.MockTransport(handler)
    client = AsyncPostHog(api_key=API_KEY, project_id=PROJECT_ID, transport=transport)

    async def no_sleep(seconds: float) -> None:
        return None

    client._transport._sleep = no_sleep
    async with client:
        dataset = await client.datasets.retrieve(A)
    assert str(dataset.id) == UUID_EXAMPLE  # the canned answer's id
    # The SDK's retry policy sits above the given transport.
    assert len(calls) == 2
    assert calls[0].url.path.endswith(f"/datasets/{A}/")
    assert calls[-1].headers["authorization"] == f"Bearer {API_KEY}"


def test_transport_and_http_client_together_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="not both"):
        AsyncPostHog(
            api_key=API_KEY,
            project_id=PROJECT_ID,
            transport=httpx.MockTransport(dataset_answer),
            http_client=httpx.AsyncClient(),
        )


# -- issue 9: keys httpx cannot send, and every option checked at construction -------------


@pytest.mark.parametrize(
    "key",
    [
        "phx_abc\x0bdef_do_not_leak_0123456789",  # vertical tab inside
        "phx_abc\x00def_do_not_leak_0123456789",  # NUL inside
        "phx_abc\tdef_do_not_leak_0123456789",
        "phx_abc def_do_not_leak_0123456789",
        "phx_abc\x7fdef_do_not_leak_0123456789",
        "phx_abcédef_do_not_leak_0123456789",  # non-ASCII
        "phx_abc\u200bdef_do_not_leak_0123456789",  # zero-width space
    ],
    ids=["vt", "nul", "tab", "space", "del", "e-acute", "zero-width"],
)
def test_a_key_httpx_cannot_send_is_refused_at_construction(key: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        AsyncPostHog(api_key=key, project_id=PROJECT_ID)
    shown = "".join(traceback.format_exception(info.value)) + repr(info.value)
    assert "do_not_leak" not in shown
    assert "API key" in str(info.value)


async def test_a_key_from_the_environment_is_checked_the_same_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", "phx_env\x0bdo_not_leak")
    with pytest.raises(ConfigurationError) as info:
        AsyncPostHog(project_id=PROJECT_ID)
    assert "do_not_leak" not in "".join(traceback.format_exception(info.value))


BAD_OPTIONS = [
    ("timeout", "5"),
    ("timeout", -1),
    ("timeout", float("nan")),
    ("timeout", float("inf")),
    ("timeout", True),
    ("timeout", [5]),
    ("timeout", httpx.Timeout(5.0, read="30")),  # type: ignore[arg-type]
    ("timeout", httpx.Timeout(5.0, connect=-1)),
    ("host", "http://localhost:99999"),
    ("host", "https://us.posthog.com:0"),
    ("scopes", 5),
    ("scopes", b"llm_prompt:read"),
    ("http_client", httpx.Client()),
    ("http_client", "https://us.posthog.com"),
    ("transport", httpx.HTTPTransport()),
    ("transport", object()),
]


@pytest.mark.parametrize(
    ("option", "value"), BAD_OPTIONS, ids=[f"{o}-{i}" for i, (o, _) in enumerate(BAD_OPTIONS)]
)
def test_every_option_is_checked_at_construction(option: str, value: Any) -> None:
    with pytest.raises(ConfigurationError) as info:
        AsyncPostHog(api_key=API_KEY, project_id=PROJECT_ID, **{option: value})
    assert option in str(info.value)


@pytest.mark.parametrize("value", [5, 2.5, 1e-3, None, httpx.Timeout(3.0), httpx.Timeout(None)])
async def test_good_timeouts_are_kept(value: Any) -> None:
    client = AsyncPostHog(api_key=API_KEY, project_id=PROJECT_ID, timeout=value)
    try:
        assert client.timeout == value
        assert client.with_options(timeout=value).timeout == value
    finally:
        await client.aclose()


async def test_a_port_in_range_is_kept() -> None:
    client = AsyncPostHog(api_key=API_KEY, project_id=PROJECT_ID, host="http://localhost:65535")
    try:
        assert client.host == "http://localhost:65535"
    finally:
        await client.aclose()


@pytest.mark.parametrize(
    ("options", "option"),
    [
        ({"timeout": "5"}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
        ({"timeout": httpx.Timeout(1.0, pool="x")}, "timeout"),  # type: ignore[arg-type]
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": "2"}, "max_retries"),
    ],
)
async def test_with_options_checks_its_options(options: dict[str, Any], option: str) -> None:
    client = AsyncPostHog(api_key=API_KEY, project_id=PROJECT_ID)
    try:
        with pytest.raises(ConfigurationError, match=option):
            client.with_options(**options)
    finally:
        await client.aclose()


# -- review of issue 9, item 1: every bad option is a ConfigurationError naming it ----------

YEAR = 365 * 24 * 3600


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("timeout", 10**400),  # too large for a float: was a raw OverflowError
        ("timeout", 0),  # every request would time out at once
        ("timeout", 0.0),
        ("timeout", httpx.Timeout(5.0, read=0)),
        ("timeout", httpx.Timeout(0)),
        ("timeout", httpx.Timeout(5.0, pool=10**400)),
        ("host", "http://xn--zz.com"),  # not punycode: was a raw idna.IDNAError
        ("project_id", 0),
        ("project_id", -1),
        ("project_id", "0"),
        ("project_id", "-7"),
        ("prompt_cache_error_cooldown", 1e308),  # in effect the refused infinity
        ("prompt_cache_ttl", YEAR + 1),
        ("prompt_cache_pinned_ttl", 10**400),
    ],
    ids=lambda value: repr(value)[:40],
)
def test_out_of_range_options_are_refused_naming_the_option(option: str, value: Any) -> None:
    options: dict[str, Any] = {"api_key": API_KEY, "project_id": PROJECT_ID, option: value}
    with pytest.raises(ConfigurationError) as info:
        AsyncPostHog(**options)
    assert option in str(info.value)
    assert len(str(info.value)) < 400  # 10**400 is not echoed digit by digit
    assert API_KEY not in "".join(traceback.format_exception(info.value))


async def test_the_edges_that_stay_valid() -> None:
    client = AsyncPostHog(
        api_key=API_KEY,
        project_id="@current",
        timeout=httpx.Timeout(5.0, read=None),  # None stays "no limit"
        prompt_cache_ttl=YEAR,
        prompt_cache_pinned_ttl=YEAR,
        prompt_cache_error_cooldown=YEAR,
        prompt_cache_max_stale=float("inf"),  # serve stale for as long as the API fails
    )
    try:
        assert client.project_id == "@current"
        assert AsyncPostHog(api_key=API_KEY, project_id=1, timeout=None).project_id == "1"
    finally:
        await client.aclose()


async def test_with_options_refuses_a_zero_timeout() -> None:
    client = AsyncPostHog(api_key=API_KEY, project_id=PROJECT_ID)
    try:
        with pytest.raises(ConfigurationError, match="timeout"):
            client.with_options(timeout=0)
        with pytest.raises(ConfigurationError, match="timeout"):
            client.with_options(timeout=httpx.Timeout(1.0, connect=0.0))
    finally:
        await client.aclose()
