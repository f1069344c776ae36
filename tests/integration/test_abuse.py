"""Hostile arguments and secrets, in process over ``httpx.MockTransport``.

Every argument is either refused before anything is sent (``InvalidRequestError``, zero
requests recorded) or sent to exactly the intended endpoint: the recorded path is the
operation's template with the value percent-encoded as one segment, and the method is
the operation's. The API key never shows in logs, reprs, exception text or pickles, and
a pagination ``next`` URL on another origin is never followed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import pickle
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs, quote

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from posthog_api import (
    APIConnectionError,
    APIError,
    AsyncPostHog,
    ConfigurationError,
    InternalServerError,
    InvalidRequestError,
    PostHogError,
    RateLimitError,
)

KEY = "phx_ABUSE_secret_key_do_not_leak_5f4e3d2c1b0a"
HOST = "https://eu.posthog.example"
PROJECT = "4242"
ENV = f"/api/projects/{PROJECT}"
PROJ = f"/api/projects/{PROJECT}"
NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,255}")

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Handler = Callable[[httpx.Request], httpx.Response]


class Recording:
    """A client whose requests are recorded and answered by ``handler``; fake retry sleep."""

    def __init__(self, handler: Handler | None = None, **kwargs: Any) -> None:
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []
        self._handler = handler or (lambda request: httpx.Response(404, json={"detail": "no"}))

        def record(request: httpx.Request) -> httpx.Response:
            request.read()
            self.requests.append(request)
            return self._handler(request)

        self.http = httpx.AsyncClient(transport=httpx.MockTransport(record))
        kwargs.setdefault("max_retries", 2)
        self.client = AsyncPostHog(
            api_key=KEY, project_id=PROJECT, host=HOST, http_client=self.http, **kwargs
        )

        async def fake_sleep(seconds: float) -> None:
            self.sleeps.append(seconds)

        self.client._transport._sleep = fake_sleep

    async def run(self, call: Callable[[AsyncPostHog], Awaitable[Any]]) -> BaseException | None:
        """Run ``call``; return what it raised (None if nothing), then close the client."""
        try:
            await call(self.client)
        except Exception as error:
            return error
        finally:
            await self.client.aclose()
            await self.http.aclose()
        return None


def run(call: Callable[[AsyncPostHog], Awaitable[Any]], **kwargs: Any) -> tuple[Recording, Any]:
    recording = Recording(**kwargs)
    error = asyncio.run(recording.run(call))
    return recording, error


def raw_path(request: httpx.Request) -> str:
    return request.url.raw_path.decode("ascii").split("?", 1)[0]


def assert_refused(recording: Recording, error: BaseException | None) -> None:
    assert isinstance(error, InvalidRequestError), repr(error)
    assert str(error)  # a message that says what was wrong
    assert KEY not in str(error)
    assert recording.requests == []


def assert_sent_once(
    recording: Recording, error: BaseException | None, method: str, path: str
) -> httpx.Request:
    assert not isinstance(error, InvalidRequestError), repr(error)
    assert error is None or isinstance(error, APIError), repr(error)
    assert [(r.method, raw_path(r)) for r in recording.requests] == [(method, path)]
    assert recording.requests[0].url.host == "eu.posthog.example"
    return recording.requests[0]


# -- values to throw at the SDK ---------------------------------------------------------

TRICKY_SEGMENTS = [
    "..",
    ".",
    "",
    "/",
    "%2F",
    "a/../b",
    "a%2F..%2Fb",
    "name?x=1",
    "name#frag",
    "new",
    "NEW",
    "abc\n",
    "\nabc",
    " abc",
    "a" * 255,
    "a" * 256,
    "x" * 100_000,
    "ok-Name_1",
    "\u00e9",
    "\U0001f600",
    "\x00",
]
WRONG_TYPES: list[Any] = [
    0,
    1,
    -1,
    None,
    [],
    ["a"],
    {},
    {"a": 1},
    b"abc",
    math.nan,
    1.0,
    True,
    object(),
]
ANY_VALUE = (
    st.text(max_size=300)
    | st.sampled_from(TRICKY_SEGMENTS)
    | st.sampled_from(WRONG_TYPES)
    | st.integers()
    | st.floats(allow_nan=True)
    | st.binary(max_size=20)
    | st.lists(st.text(max_size=5), max_size=3)
)


def valid_prompt_name(value: Any) -> bool:
    return isinstance(value, str) and bool(NAME_RE.fullmatch(value)) and value.lower() != "new"


# -- path parameters: prompt names --------------------------------------------------------

PROMPT_NAME_CALLS: dict[str, tuple[str, str, Callable[[AsyncPostHog, Any], Awaitable[Any]]]] = {
    "get": ("GET", "{env}/llm_prompts/name/{name}/", lambda c, n: c.prompts.get(n)),
    "get_version": (
        "GET",
        "{env}/llm_prompts/name/{name}/",
        lambda c, n: c.prompts.get(n, version=3),
    ),
    "fetch": ("GET", "{env}/llm_prompts/name/{name}/", lambda c, n: c.prompts.fetch(n)),
    "publish": (
        "PATCH",
        "{env}/llm_prompts/name/{name}/",
        lambda c, n: c.prompts.publish(n, "text", base_version=1),
    ),
    "archive": (
        "POST",
        "{env}/llm_prompts/name/{name}/archive/",
        lambda c, n: c.prompts.archive(n),
    ),
    "resolve": (
        "GET",
        "{env}/llm_prompts/resolve/name/{name}/",
        lambda c, n: c.prompts.resolve(n),
    ),
    "versions": (
        "GET",
        "{env}/llm_prompts/resolve/name/{name}/",
        lambda c, n: c.prompts.versions(n),
    ),
}


@pytest.mark.parametrize("operation", sorted(PROMPT_NAME_CALLS))
@SETTINGS
@given(name=ANY_VALUE)
@example(name="abc\n")
@example(name="a/../b")
@example(name="ok-Name_1")
def test_prompt_names_are_refused_or_sent_as_one_segment(operation: str, name: Any) -> None:
    method, template, call = PROMPT_NAME_CALLS[operation]
    recording, error = run(lambda c: call(c, name))
    if not valid_prompt_name(name):
        assert_refused(recording, error)
        return
    path = template.format(env=ENV, name=quote(name, safe=""))
    assert_sent_once(recording, error, method, path)


@SETTINGS
@given(name=ANY_VALUE)
@example(name="abc\n")
def test_prompt_create_sends_the_name_only_in_the_body(name: Any) -> None:
    recording, error = run(lambda c: c.prompts.create(name, "text"))
    if not valid_prompt_name(name):
        assert_refused(recording, error)
        return
    request = assert_sent_once(recording, error, "POST", f"{ENV}/llm_prompts/")
    assert json.loads(request.content) == {"name": name, "prompt": "text"}


@pytest.mark.parametrize("value", [1.0, True, 3.0])
def test_a_cached_version_is_not_a_way_around_the_type_check(value: Any) -> None:
    """``1.0`` and ``True`` hash like ``1``: a warm cache must not accept them either."""

    async def call(client: AsyncPostHog) -> None:
        from posthog_api.prompts import Prompt

        client._prompt_cache.put(Prompt(name="p", version=1, id="", prompt="x"), latest=False)
        client._prompt_cache.put(Prompt(name="p", version=3, id="", prompt="x"), latest=False)
        assert (await client.prompts.get("p", version=1)).source == "cache"
        await client.prompts.get("p", version=value)

    recording, error = run(call)
    assert_refused(recording, error)


@pytest.mark.parametrize("value", [math.nan, True, -1])
def test_a_cached_latest_is_not_a_way_around_the_cache_ttl_check(value: Any) -> None:
    """A warm latest must refuse a bad ``cache_ttl`` just as a cold one does."""

    async def call(client: AsyncPostHog) -> None:
        from posthog_api.prompts import Prompt

        client._prompt_cache.put(Prompt(name="p", version=1, id="", prompt="x"))
        assert (await client.prompts.get("p")).source == "cache"
        await client.prompts.get("p", cache_ttl=value)

    recording, error = run(call)
    assert_refused(recording, error)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.prompts.get("p", cache_ttl=math.nan), id="cache_ttl-nan"),
        pytest.param(lambda c: c.prompts.get("p", cache_ttl=-1), id="cache_ttl-negative"),
        pytest.param(lambda c: c.prompts.get("p", cache_ttl="5"), id="cache_ttl-str"),
        pytest.param(lambda c: c.prompts.prefetch("support-bot"), id="prefetch-one-string"),
        pytest.param(lambda c: c.prompts.prefetch([None]), id="prefetch-None"),
        pytest.param(lambda c: c.prompts.diff("p", 1, math.nan), id="diff-nan"),
        pytest.param(lambda c: c.prompts.resolve("p", limit=101), id="limit-too-big"),
        pytest.param(
            lambda c: c.prompts.publish_with("p", str.upper, max_attempts=0), id="attempts"
        ),
    ],
)
def test_other_prompt_arguments_are_refused_before_sending(call: Any) -> None:
    recording, error = run(call)
    assert_refused(recording, error)


@pytest.mark.parametrize("scope", ["llm_prompt:read\n", "llm_prompt:read ", "*\n", "llm_prompt"])
def test_malformed_scopes_are_a_configuration_error(scope: str) -> None:
    with pytest.raises(ConfigurationError):
        AsyncPostHog(api_key=KEY, project_id=PROJECT, host=HOST, scopes=[scope])


# -- path parameters: ids ----------------------------------------------------------------

UUID_CALLS: dict[str, tuple[str, str, Callable[[AsyncPostHog, Any], Awaitable[Any]]]] = {
    "datasets.retrieve": ("GET", "{proj}/datasets/{id}/", lambda c, i: c.datasets.retrieve(i)),
    "datasets.update": (
        "PATCH",
        "{proj}/datasets/{id}/",
        lambda c, i: c.datasets.update(i, name="n"),
    ),
    "datasets.delete": ("DELETE", "{proj}/datasets/{id}/", lambda c, i: c.datasets.delete(i)),
    "dataset_items.retrieve": (
        "GET",
        "{proj}/dataset_items/{id}/",
        lambda c, i: c.dataset_items.retrieve(i),
    ),
    "evaluations.soft_delete": (
        "PATCH",
        "{env}/evaluations/{id}/",
        lambda c, i: c.evaluations.soft_delete(i),
    ),
    "prompts.retrieve": ("GET", "{env}/llm_prompts/{id}/", lambda c, i: c.prompts.retrieve(i)),
    "prompts.update": (
        "PATCH",
        "{env}/llm_prompts/{id}/",
        lambda c, i: c.prompts.update(i, deleted=True),
    ),
}


def _as_uuid(value: Any) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, str):
        try:
            return uuid.UUID(value)
        except ValueError:
            return None
    return None


@pytest.mark.parametrize("operation", sorted(UUID_CALLS))
@SETTINGS
@given(ident=ANY_VALUE | st.uuids() | st.uuids().map(str) | st.uuids().map(lambda u: u.hex))
@example(ident="{12345678-1234-5678-1234-567812345678}")
@example(ident="urn:uuid:12345678-1234-5678-1234-567812345678")
@example(ident="12345678-1234-5678-1234-567812345678/../x")
def test_ids_are_refused_or_sent_canonical(operation: str, ident: Any) -> None:
    method, template, call = UUID_CALLS[operation]
    recording, error = run(lambda c: call(c, ident))
    parsed = _as_uuid(ident)
    if parsed is None:
        assert_refused(recording, error)
        return
    path = template.format(env=ENV, proj=PROJ, id=str(parsed))
    assert_sent_once(recording, error, method, path)


@SETTINGS
@given(ident=ANY_VALUE)
@example(ident=1)
@example(ident=10**30)
def test_integration_ids_are_refused_or_sent_as_ints(ident: Any) -> None:
    recording, error = run(lambda c: c.integrations.github_repos(ident))
    if isinstance(ident, bool) or not isinstance(ident, int) or ident < 1:
        assert_refused(recording, error)
        return
    assert_sent_once(recording, error, "GET", f"{ENV}/integrations/{ident}/github_repos/")


# -- query parameters and bodies -------------------------------------------------------

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
NOT_JSON = st.sampled_from(
    [b"bytes", math.nan, math.inf, {1, 2}, object(), {"k": [math.nan]}, [b"x"], {"k": {1}}]
)


@SETTINGS
@given(search=st.text(max_size=200))
def test_search_text_is_sent_as_one_query_value(search: str) -> None:
    recording, error = run(lambda c: c.datasets.list(search=search))
    request = assert_sent_once(recording, error, "GET", f"{PROJ}/datasets/")
    query = parse_qs(request.url.query.decode(), keep_blank_values=True)
    # an empty search is sent as such (or dropped); any other text arrives intact
    assert query.get("search", [""]) == [search]


@SETTINGS
@given(name=st.text(max_size=400), metadata=JSON)
def test_json_bodies_arrive_intact(name: str, metadata: Any) -> None:
    recording, error = run(lambda c: c.datasets.create(name=name, metadata=metadata))
    request = assert_sent_once(recording, error, "POST", f"{PROJ}/datasets/")
    assert json.loads(request.content) == {"name": name, "metadata": metadata}


@SETTINGS
@given(bad=NOT_JSON)
def test_non_json_bodies_are_refused(bad: Any) -> None:
    for call in (
        lambda c: c.datasets.create(name="n", metadata=bad),
        lambda c: c.prompts.create("n", bad),
        lambda c: c.logs.query(query=bad),
        lambda c: c.dataset_items.create(dataset=uuid.uuid4(), input=bad),
    ):
        recording, error = run(call)
        assert_refused(recording, error)


@SETTINGS
@given(value=st.sampled_from(WRONG_TYPES[1:]) | st.integers() | st.binary(max_size=5))
def test_wrongly_typed_body_fields_are_refused(value: Any) -> None:
    """``name`` must be a str and ``enabled`` a bool: nothing else is sent."""
    recording, error = run(lambda c: c.datasets.create(name=value))
    assert_refused(recording, error)
    if not isinstance(value, bool):
        recording, error = run(
            lambda c: c.evaluations.create(
                name="e", evaluation_type="hog", output_type="boolean", enabled=value
            )
        )
        assert_refused(recording, error)


@SETTINGS
@given(content=JSON)
def test_prompt_content_arrives_intact(content: Any) -> None:
    recording, error = run(lambda c: c.prompts.publish("p", content, base_version=2))
    if content is None:  # PostHog refuses a null prompt; the SDK says so before sending
        assert_refused(recording, error)
        return
    request = assert_sent_once(recording, error, "PATCH", f"{ENV}/llm_prompts/name/p/")
    assert json.loads(request.content) == {"prompt": content, "base_version": 2}


def test_a_10_mb_prompt_is_refused_before_sending() -> None:
    huge = "x" * 10_000_000
    for call in (
        lambda c: c.prompts.create("big", huge),
        lambda c: c.prompts.publish("big", huge, base_version=1),
        lambda c: c.prompts.publish_if_changed("big", huge),
        lambda c: c.prompts.create("big", [{"role": "system", "content": huge}]),
    ):
        recording, error = run(call)
        assert_refused(recording, error)
        assert "1,000,000" in str(error)


def test_the_size_limit_is_exactly_one_million_bytes_of_compact_json() -> None:
    at_limit = "\u00e9" * 499_999  # 999,998 bytes of UTF-8 plus two quotes
    recording, error = run(lambda c: c.prompts.create("edge", at_limit))
    request = assert_sent_once(recording, error, "POST", f"{ENV}/llm_prompts/")
    assert len(request.content) > 1_000_000  # the body also holds the name
    recording, error = run(lambda c: c.prompts.create("edge", at_limit + "x"))
    assert_refused(recording, error)


# -- the key never leaks --------------------------------------------------------------------


def _flaky_handler() -> Handler:
    """500, 429 (Retry-After), a dropped connection and 401s, in turn, then successes."""
    answers = iter(
        [
            httpx.Response(500, text="<html>oops</html>"),
            httpx.Response(429, headers={"Retry-After": "2"}, json={"detail": "slow"}),
            "drop",
            httpx.Response(401, json={"detail": "Invalid token.", "type": "authentication"}),
            httpx.Response(503, json={"detail": "down"}),
            httpx.Response(503, json={"detail": "down"}),
            httpx.Response(503, json={"detail": "down"}),
        ]
    )

    def handler(request: httpx.Request) -> httpx.Response:
        answer = next(answers, None)
        if answer == "drop":
            raise httpx.RemoteProtocolError("Server disconnected", request=request)
        if answer is None:
            return httpx.Response(200, json={"count": 0, "next": None, "results": []})
        assert isinstance(answer, httpx.Response)
        return answer

    return handler


async def test_the_key_never_appears_in_logs_reprs_errors_or_pickles(
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sdk_logger = logging.getLogger("posthog_api")
    handlers, level = list(sdk_logger.handlers), sdk_logger.level
    monkeypatch.setenv("POSTHOG_API_LOG", "debug")  # the client attaches its stderr handler
    caplog.set_level(logging.DEBUG)
    try:
        await _run_with_failures(caplog, capsys)
    finally:  # the handler is process-wide: leave the logger as it was
        sdk_logger.handlers[:] = handlers
        sdk_logger.setLevel(level)


async def _run_with_failures(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    recording = Recording(_flaky_handler(), max_retries=2, scopes=["dataset:read"])
    client = recording.client
    errors: list[BaseException] = []
    calls = [
        lambda: client.datasets.list(),  # 500, 429, then drop: the retries run out
        lambda: client.datasets.list(),  # 401
        lambda: client.datasets.list(),  # 503 x3
        lambda: client.evaluations.list(),  # refused by the scope check
        lambda: client.datasets.retrieve("not-a-uuid"),
        lambda: client.datasets.list(),  # finally fine
    ]
    try:
        for call in calls:
            try:
                await call()
            except PostHogError as error:
                errors.append(error)
        kinds = [type(e).__name__ for e in errors]
        assert kinds == [
            "APIConnectionError",
            "AuthenticationError",
            "InternalServerError",
            "ScopeError",
            "InvalidRequestError",
        ]
        assert recording.sleeps[0] > 0 and 2.0 in recording.sleeps
        assert any("retrying" in r.getMessage() for r in caplog.records)  # logging was on

        out, err = capsys.readouterr()
        assert "retrying GET" in err  # the SDK's own stderr handler wrote its lines
        texts = [caplog.text, out, err]
        texts += [r.getMessage() for r in caplog.records]
        texts += [repr(r.args) for r in caplog.records]
        paginator = client.datasets.list(page_size=5)
        copy = client.with_options(timeout=1, max_retries=0)
        for obj in (
            client,
            copy,
            paginator,
            client._transport,
            client._config,
            client._prompt_cache,
            *(getattr(client, n) for n in vars(client) if not n.startswith("_")),
        ):
            texts += [repr(obj), str(obj)]
        for error in errors:
            texts += [str(error), repr(error), repr(vars(error)), repr(error.args)]
            revived = pickle.loads(pickle.dumps(error))
            assert type(revived) is type(error) and str(revived) == str(error)
            texts.append(pickle.dumps(error).decode("latin-1"))
        leaks = [t for t in texts if KEY in t or KEY[4:] in t]
        assert leaks == []
        await copy.aclose()
    finally:
        await client.aclose()
        await recording.http.aclose()
    assert isinstance(errors[0], APIConnectionError)
    assert isinstance(errors[2], InternalServerError)


async def test_a_rate_limit_error_pickles_without_the_key() -> None:
    recording = Recording(
        lambda request: httpx.Response(429, headers={"Retry-After": "90"}, json={"detail": "x"})
    )
    try:
        with pytest.raises(RateLimitError) as caught:
            await recording.client.prompts.fetch("p")
    finally:
        await recording.client.aclose()
        await recording.http.aclose()
    data = pickle.dumps(caught.value)
    assert KEY.encode() not in data
    assert pickle.loads(data).retry_after == 90.0


# -- next URLs on another origin --------------------------------------------------------

FOREIGN_NEXT = [
    "https://evil.example/api/projects/4242/datasets/?offset=2",
    "http://eu.posthog.example/api/projects/4242/datasets/?offset=2",  # downgraded scheme
    "https://eu.posthog.example:8443/api/projects/4242/datasets/?offset=2",
    "https://eu.posthog.example@evil.example/api/projects/4242/datasets/",
    "https://eu.posthog.example.evil.example/api/projects/4242/datasets/",
    "//evil.example/api/projects/4242/datasets/",
    "ftp://eu.posthog.example/api/projects/4242/datasets/",
    "https://EVIL.example/api/projects/4242/datasets/",
]
# Parsers disagree on these: whatever httpx makes of them, no request may leave the host.
AMBIGUOUS_NEXT = [
    "https://evil.example\\@eu.posthog.example/api/projects/4242/datasets/?offset=2",
    "https://evil.example%2F@eu.posthog.example/api/projects/4242/datasets/?offset=2",
    "https://eu.posthog.example\\.evil.example/api/projects/4242/datasets/",
    "https://eu.posthog.example:443/api/projects/4242/datasets/?offset=2",
]


def _pages_with_next(next_url: str) -> Handler:
    """A first page (count 4, one row) whose ``next`` is ``next_url``; later pages end the list.

    The row matters: an empty page ends the list, so its ``next`` would never be followed.
    """
    row = {"id": str(uuid.UUID(int=1)), "name": "d0", "created_at": "2024-01-01T00:00:00Z"}
    row.update(updated_at=None, created_by=None, team=1)

    def handler(request: httpx.Request) -> httpx.Response:
        first = "offset" not in request.url.params
        return httpx.Response(
            200,
            json={
                "count": 4,
                "next": next_url if first else None,
                "previous": None,
                "results": [row] if first else [],
            },
        )

    return handler


@pytest.mark.parametrize("next_url", FOREIGN_NEXT)
async def test_a_next_url_on_another_origin_is_refused(next_url: str) -> None:
    recording = Recording(_pages_with_next(next_url))
    try:
        with pytest.raises(APIError) as caught:
            await recording.client.datasets.list().collect()
    finally:
        await recording.client.aclose()
        await recording.http.aclose()
    assert "not followed" in str(caught.value) and KEY not in str(caught.value)
    assert [r.url.host for r in recording.requests] == ["eu.posthog.example"]


@pytest.mark.parametrize("next_url", AMBIGUOUS_NEXT)
async def test_an_ambiguous_next_url_never_leaves_the_host(next_url: str) -> None:
    recording = Recording(_pages_with_next(next_url))
    try:
        await recording.client.datasets.list().collect()  # refused or followed: both fine
    except APIError as error:
        assert KEY not in str(error)
    finally:
        await recording.client.aclose()
        await recording.http.aclose()
    assert {(r.url.scheme, r.url.host, r.url.port) for r in recording.requests} == {
        ("https", "eu.posthog.example", None)
    }
