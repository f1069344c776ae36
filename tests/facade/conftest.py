"""Shared fixtures for the facade tests: a client over ``httpx.MockTransport``.

``make_client(handler)`` builds an :class:`AsyncPostHog` whose requests go to ``handler``
(through the real retry transport and response hook) and are recorded; the retry sleep is
replaced by a fake clock so no test ever really sleeps.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from posthog_api_client.operations import OPERATIONS
from spec.examples import instance

from posthog_api._client import AsyncPostHog

API_KEY = "phx_TESTKEY_do_not_leak_0123456789abcdef"
PROJECT_ID = "4242"
HOST = "https://eu.posthog.example"
SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "posthog.yaml"

Handler = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]


class FakeClock:
    """Stands in for ``asyncio.sleep`` in the retry transport: records, never waits."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    @property
    def elapsed(self) -> float:
        return sum(self.sleeps)


class Recorder:
    """Records every request that reached the (mock) network, then answers it."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self.requests.append(request)
        result = self.handler(request)
        if not isinstance(result, httpx.Response):
            result = await result
        return result

    @property
    def last(self) -> httpx.Request:
        assert self.requests, "no request was sent"
        return self.requests[-1]


class Harness:
    def __init__(self, client: AsyncPostHog, recorder: Recorder, clock: FakeClock) -> None:
        self.client = client
        self.recorder = recorder
        self.clock = clock

    @property
    def requests(self) -> list[httpx.Request]:
        return self.recorder.requests


def install_fake_clock(client: AsyncPostHog, clock: FakeClock) -> None:
    client._transport._sleep = clock.sleep


MakeClient = Callable[..., Harness]


@pytest.fixture
async def make_client() -> AsyncIterator[MakeClient]:
    """Factory: ``make_client(handler, **client_kwargs) -> Harness``; closes them all."""
    made: list[tuple[AsyncPostHog, httpx.AsyncClient]] = []

    def factory(handler: Handler, **kwargs: Any) -> Harness:
        recorder = Recorder(handler)
        http = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
        kwargs.setdefault("api_key", API_KEY)
        kwargs.setdefault("project_id", PROJECT_ID)
        kwargs.setdefault("host", HOST)
        client = AsyncPostHog(http_client=http, **kwargs)
        clock = FakeClock()
        install_fake_clock(client, clock)
        made.append((client, http))
        return Harness(client, recorder, clock)

    yield factory
    for client, http in made:
        await client.aclose()
        await http.aclose()


def json_response(status: int, body: Any = None, **kwargs: Any) -> httpx.Response:
    return httpx.Response(status, json=body, **kwargs)


# -- the spec: minimal valid bodies and path matching ----------------------------------

_SPEC: dict[str, Any] | None = None


def spec() -> dict[str, Any]:
    global _SPEC
    if _SPEC is None:
        _SPEC = yaml.safe_load(SPEC_PATH.read_text())
    return _SPEC


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def operation_spec(operation_id: str) -> dict[str, Any]:
    op = OPERATIONS[operation_id]
    item = spec()["paths"][op.path]
    result: dict[str, Any] = item[op.method.lower()]
    return result


def success_response(operation_id: str, request: httpx.Request | None = None) -> httpx.Response:
    """A minimal valid 2xx answer for ``operation_id`` as the spec describes it.

    Given the ``request``, a prompt read by name answers with that name (and version): the
    SDK refuses an answer for another prompt than the one asked for.
    """
    responses = operation_spec(operation_id)["responses"]
    codes = sorted(str(c) for c in responses if str(c).startswith("2"))
    if not codes:  # hard deletes: the spec documents only the refusal
        return httpx.Response(204)
    code = codes[0]
    response = _resolve(responses[code] if code in responses else responses[int(code)])
    schema = (response.get("content") or {}).get("application/json", {}).get("schema")
    if schema is None:
        return httpx.Response(int(code))
    body = instance(schema)
    if request is not None:
        _as_asked(body, request)
    return httpx.Response(int(code), json=body)


def _as_asked(body: Any, request: httpx.Request) -> None:
    if not isinstance(body, dict):
        return
    sent = json.loads(request.content) if request.content else None
    if isinstance(sent, dict) and re.search(
        r"/llm_prompts/(name/[^/]+/duplicate/)?$", request.url.path
    ):
        # A created or duplicated prompt: version 1 of the name sent.
        body.update(name=sent.get("new_name", sent.get("name")), version=1)
        return
    named = re.search(r"/llm_prompts/(name|resolve/name)/([^/]+)/$", request.url.path)
    if named is None:
        return
    if request.method == "PATCH" and isinstance(sent, dict):  # a publish: the next version
        body["version"] = sent["base_version"] + 1
    row = body["prompt"] if named.group(1) == "resolve/name" else body
    row["name"] = named.group(2)
    version = request.url.params.get("version")
    if version is not None and version.isdigit():
        row["version"] = int(version)


_PATTERNS: list[tuple[re.Pattern[str], str, str]] = []


def match_operation(request: httpx.Request) -> str:
    """The operation id whose method and path template match ``request``."""
    if not _PATTERNS:
        for op in OPERATIONS.values():
            regex = re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(op.path))
            _PATTERNS.append((re.compile(f"^{regex}$"), op.method, op.operation_id))
    found = [
        op_id
        for pattern, method, op_id in _PATTERNS
        if method == request.method and pattern.match(request.url.path)
    ]
    # A literal segment ("name", "resolve", "authorize") beats a {param} match.
    if len(found) > 1:
        found.sort(key=lambda op_id: OPERATIONS[op_id].path.count("{"))
    assert found, f"no operation matches {request.method} {request.url.path}"
    return found[0]


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content)


class FakePool(httpx.AsyncBaseTransport):
    """Stands in for the connection pool the client builds when no http_client is given."""

    def __init__(self, handler: Handler) -> None:
        self.recorder = Recorder(handler)
        self.closed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.closed:
            raise RuntimeError("the connection pool was closed")
        return await self.recorder(request)

    async def aclose(self) -> None:
        self.closed = True


class Pools:
    def __init__(self) -> None:
        self.handler: Handler = lambda request: httpx.Response(200, json={})
        self.made: list[FakePool] = []

    def __call__(self, **kwargs: Any) -> FakePool:
        pool = FakePool(lambda request: self.handler(request))
        self.made.append(pool)
        return pool


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> Pools:
    """Replace the real connection pool (httpx.AsyncHTTPTransport) with FakePool."""
    factory = Pools()
    monkeypatch.setattr(httpx, "AsyncHTTPTransport", factory)
    return factory
