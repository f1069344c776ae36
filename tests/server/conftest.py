"""Fixtures for the local server's tests, and the spec-conformance check they all use.

Every response any test receives (in process or over HTTP) goes through
:class:`SpecChecker`: its body is validated against the response schema the spec
documents for that operation and status, and the test fails at teardown if any
response did not match.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker
from posthog_api_client import AuthenticatedClient
from posthog_api_client.operations import OPERATIONS, Operation
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from posthog_api.testing import ServerState, create_app, run_in_thread

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "posthog.yaml"
SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())
BASE = "http://testserver"
PROJECT = "1"
KEY = "phx_all_scopes_test_key"
READ_KEY = "phx_prompt_read_test_key"
WRITE_KEY = "phx_prompt_write_test_key"
INSIGHT_ONLY_KEY = "phx_insight_only_test_key"
BOTH_KEY = "phx_insight_and_query_test_key"
NO_SCOPE_KEY = "phx_no_scopes_test_key"

KEYS = {
    KEY: ["*"],
    READ_KEY: ["llm_prompt:read"],
    WRITE_KEY: ["llm_prompt:write"],
    INSIGHT_ONLY_KEY: ["insight:read"],
    BOTH_KEY: ["insight:write", "query:read"],
    NO_SCOPE_KEY: [],
}

_FORMATS = FormatChecker()


@_FORMATS.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.tzinfo is not None


@_FORMATS.checks("uri", raises=ValueError)
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc)


_REGISTRY: Registry[Any] = Registry().with_resource(
    "urn:posthog-spec", Resource.from_contents(SPEC, default_specification=DRAFT202012)
)
_PATTERNS = [
    (re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", op.path) + "$"), op)
    for op in OPERATIONS.values()
]
# Statuses every endpoint may send although not every operation lists them: the
# project check (404), an undefined method (405) and injected faults (429, 5xx).
# Their bodies must still be the error envelope.
_GENERIC_ERRORS = {404, 405, 429, 500, 502, 503, 504}


def operation_for(method: str, path: str) -> Operation | None:
    """The operation serving ``path``; the deprecated ``/api/environments/`` alias is the
    same operation as its ``/api/projects/`` path."""
    if path.startswith("/api/environments/"):
        path = "/api/projects/" + path.removeprefix("/api/environments/")
    for pattern, op in _PATTERNS:
        if op.method == method and pattern.match(path):
            return op
    return None


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = SPEC
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _validator(ref: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": f"urn:posthog-spec{ref}"}, registry=_REGISTRY, format_checker=_FORMATS
    )


class SpecChecker:
    """Validates each response against the spec; collects what did not match."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.checked: list[tuple[str, int]] = []  # (operation_id, status)

    async def hook(self, response: httpx.Response) -> None:
        await response.aread()
        self.check(response.request.method, response.request.url.path, response)

    def check(self, method: str, path: str, response: httpx.Response) -> None:
        status = response.status_code
        op = operation_for(method, path)
        where = f"{method} {path} -> {status}"
        if op is None or 300 <= status < 400:
            return  # not an operation of the spec (redirects, unknown paths)
        spec_op = SPEC["paths"][op.path][op.method.lower()]
        documented = spec_op["responses"].get(str(status))
        if documented is None:
            if status not in _GENERIC_ERRORS:
                self.problems.append(f"{where}: status not documented")
                return
            documented = {
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}
                }
            }
        documented = _resolve(documented)
        content = documented.get("content", {}).get("application/json")
        if content is None:
            if response.content:
                self.problems.append(f"{where}: body sent where the spec documents none")
        else:
            try:
                body = json.loads(response.content)
            except ValueError:
                self.problems.append(f"{where}: body is not JSON")
                return
            schema = content["schema"]
            ref = schema.get("$ref", "")
            validator = _validator(ref) if ref else Draft202012Validator(schema)
            for error in validator.iter_errors(body):
                self.problems.append(f"{where}: {error.json_path}: {error.message}")
        self.checked.append((op.operation_id, status))


@pytest.fixture
def checker() -> Iterator[SpecChecker]:
    spec_checker = SpecChecker()
    yield spec_checker
    assert not spec_checker.problems, "responses off the spec:\n" + "\n".join(spec_checker.problems)


@pytest.fixture
def state() -> ServerState:
    return ServerState(project_id=PROJECT, keys=KEYS)


@pytest.fixture
def app(state: ServerState) -> Any:
    return create_app(state)


ClientFactory = Callable[..., AuthenticatedClient]


@pytest.fixture
async def make_client(app: Any, checker: SpecChecker) -> AsyncIterator[ClientFactory]:
    """Generated low-level clients talking to the app in process, one per key."""
    opened: list[httpx.AsyncClient] = []

    def factory(key: str = KEY, base_url: str = BASE, transport: Any = None) -> AuthenticatedClient:
        client = AuthenticatedClient(base_url=base_url, token=key)
        http = httpx.AsyncClient(
            transport=transport or httpx.ASGITransport(app=app),
            base_url=base_url,
            headers={"Authorization": f"Bearer {key}"},
            event_hooks={"response": [checker.hook]},
        )
        opened.append(http)
        return client.set_async_httpx_client(http)

    yield factory
    for http in opened:
        await http.aclose()


@pytest.fixture
def client(make_client: ClientFactory) -> AuthenticatedClient:
    return make_client()


@pytest.fixture
async def loopback(state: ServerState, checker: SpecChecker) -> AsyncIterator[httpx.AsyncClient]:
    """A raw httpx client talking to ``state`` served on a 127.0.0.1 port, also checked."""
    with run_in_thread(state) as url:
        async with httpx.AsyncClient(
            base_url=url,
            headers={"Authorization": f"Bearer {KEY}"},
            event_hooks={"response": [checker.hook]},
        ) as raw:
            yield raw


@pytest.fixture
async def http(app: Any, checker: SpecChecker) -> AsyncIterator[httpx.AsyncClient]:
    """A raw httpx client (for what the generated client cannot send), also checked."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=BASE,
        headers={"Authorization": f"Bearer {KEY}"},
        event_hooks={"response": [checker.hook]},
    ) as raw:
        yield raw
