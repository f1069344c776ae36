"""Responses the SDK cannot use end in its own exceptions, over a real loopback socket.

A body nested too deeply to parse, a field of the wrong type (``"version": "3"``,
``"name": 5``, ``"count": "5"``): each is a ``ResponseValidationError`` naming the
operation (and the field), and ``prompts.get(..., fallback=...)`` serves the fallback for
it. An error body that cannot be parsed still gives the typed status error; a huge error
``detail`` gives a short message while ``body`` keeps all of it. An exception from the
SDK's own code is never passed off as a response problem.
"""

from __future__ import annotations

import email.utils
import json
import time
import traceback
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from posthog_api_client.operations import OPERATIONS

from posthog_api import AsyncPostHog, _validation
from posthog_api._client import _DEFAULTS as DEFAULTS
from posthog_api._errors import (
    APIStatusError,
    BadRequestError,
    NotFoundError,
    ProjectNotFoundError,
    ResponseValidationError,
)

from ._hostile import HostileServer
from .conftest import API_KEY, PROJECT_ID, FakeClock, MakeClient, install_fake_clock

DEEP = b"[" * 100_000 + b"]" * 100_000  # valid JSON, far past Python's recursion limit
NOW = "2024-01-01T00:00:00Z"


def prompt_row(**changes: Any) -> dict[str, Any]:
    row = {
        "id": str(uuid.UUID(int=7)),
        "name": "greeting",
        "prompt": "Hello {{name}}",
        "version": 3,
        "created_at": NOW,
        "updated_at": NOW,
    }
    row.update(changes)
    return row


def as_json(value: Any) -> bytes:
    return json.dumps(value).encode()


Serve = Callable[..., Any]


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """``await serve(status, body, headers)``: a client on a loopback server answering so."""
    servers: list[HostileServer] = []
    clients: list[AsyncPostHog] = []

    async def factory(
        status: int, body: bytes, headers: dict[str, str] | None = None, **client_kwargs: Any
    ) -> AsyncPostHog:
        server = HostileServer(status, body, headers=headers)
        await server.__aenter__()
        servers.append(server)
        client_kwargs.setdefault("max_retries", 0)
        client = AsyncPostHog(
            api_key=API_KEY, project_id=PROJECT_ID, host=server.url, **client_kwargs
        )
        install_fake_clock(client, FakeClock())
        clients.append(client)
        return client

    yield factory
    for client in clients:
        await client.aclose()
    for server in servers:
        await server.__aexit__(None, None, None)


# -- item 10: a body the SDK cannot parse -------------------------------------------------


async def test_a_deeply_nested_success_body_is_a_response_validation_error(serve: Serve) -> None:
    client = await serve(200, DEEP)
    with pytest.raises(ResponseValidationError) as info:
        await client.prompts.fetch("greeting")
    error = info.value
    assert error.status_code == 200
    assert error.operation == "llm_prompts_name_retrieve"
    assert str(error).startswith("posthog.prompts.fetch: ")
    assert "nested too deeply" in str(error)
    assert error.__cause__ is None  # no chained RecursionError in the traceback
    assert len(str(error)) < 1000


async def test_a_deeply_nested_next_page_is_a_response_validation_error(serve: Serve) -> None:
    client = await serve(200, DEEP)
    with pytest.raises(ResponseValidationError) as info:
        await client._follow(LIST_OP, _page_model(), "/api/next?offset=100", DEFAULTS)
    assert info.value.status_code == 200
    assert info.value.operation == "llm_prompts_list"


LIST_OP = OPERATIONS["llm_prompts_list"]


def _page_model() -> type[Any]:
    from posthog_api_client.models import PaginatedLLMPromptList

    return PaginatedLLMPromptList


UNUSABLE_PROMPTS = {
    "deeply-nested": DEEP,
    "version-list": as_json(prompt_row(version=[1])),
    "version-str": as_json(prompt_row(version="3")),
    "version-null": as_json(prompt_row(version=None)),
    "version-bool": as_json(prompt_row(version=True)),
    "version-zero": as_json(prompt_row(version=0)),
    "name-int": as_json(prompt_row(name=5)),
    "prompt-null": as_json(prompt_row(prompt=None)),
    "id-int": as_json(prompt_row(id=5)),
    "not-an-object": as_json([prompt_row()]),
}


@pytest.mark.parametrize("body", UNUSABLE_PROMPTS.values(), ids=UNUSABLE_PROMPTS.keys())
async def test_get_with_a_fallback_serves_it_for_an_unusable_prompt(
    serve: Serve, body: bytes
) -> None:
    client = await serve(200, body)
    prompt = await client.prompts.get("greeting", fallback="Hi")
    assert prompt.source == "fallback"
    assert prompt.prompt == "Hi"
    with pytest.raises(ResponseValidationError) as info:
        await client.prompts.fetch("greeting")
    assert info.value.status_code == 200
    assert info.value.operation == "llm_prompts_name_retrieve"


async def test_a_deeply_nested_error_body_keeps_the_typed_status_error(serve: Serve) -> None:
    client = await serve(404, DEEP)
    with pytest.raises(NotFoundError) as info:
        await client.datasets.retrieve(uuid.UUID(int=1))
    error = info.value
    assert error.status_code == 404
    assert isinstance(error.body, str)
    assert error.body == DEEP[:2000].decode()  # the raw text, bounded
    assert len(str(error)) < 1000

    with pytest.raises(ProjectNotFoundError):  # not PostHog's prompt 404: a host problem
        await client.prompts.get("greeting")


# -- item 11: fields of the wrong type ----------------------------------------------------

WRONG_FIELDS = [
    ("version", prompt_row(version="3"), "version is str '3', expected an int >= 1"),
    ("version", prompt_row(version=None), "version is NoneType None, expected an int >= 1"),
    ("version", prompt_row(version=True), "version is bool True"),
    ("version", prompt_row(version=-2), "version is int -2, expected an int >= 1"),
    ("name", prompt_row(name=5), "name is int 5, expected a str"),
    ("prompt", prompt_row(prompt=None), "prompt is null"),
]


@pytest.mark.parametrize(("field", "row", "expected"), WRONG_FIELDS)
async def test_a_prompt_field_of_the_wrong_type_is_named(
    serve: Serve, field: str, row: dict[str, Any], expected: str
) -> None:
    client = await serve(200, as_json(row))
    with pytest.raises(ResponseValidationError) as info:
        await client.prompts.fetch("greeting")
    message = str(info.value)
    assert expected in message
    assert message.startswith("posthog.prompts.fetch: the 200 response has ")
    assert info.value.operation == "llm_prompts_name_retrieve"


PAGES = [
    ({"count": "5", "results": []}, "count is str '5', expected an int >= 0 or null"),
    ({"count": 1, "next": 5, "results": []}, "next is int 5"),
    ({"count": 1, "results": {"a": 1}}, "could not be parsed"),  # the parser iterates it
    ({"count": 1, "results": [prompt_row(version="2")]}, "results[0].version is str '2'"),
    ({"count": 2, "results": [prompt_row(), prompt_row(name=5)]}, "results[1].name is int 5"),
]


@pytest.mark.parametrize(("page", "expected"), PAGES)
async def test_a_page_field_of_the_wrong_type_is_named(
    serve: Serve, page: dict[str, Any], expected: str
) -> None:
    client = await serve(200, as_json(page))
    with pytest.raises(ResponseValidationError) as info:
        await client.prompts.list()
    assert expected in str(info.value)
    assert str(info.value).startswith("posthog.prompts.list: ")
    assert info.value.operation == "llm_prompts_list"
    assert info.value.status_code == 200


async def test_a_page_without_a_count_is_accepted(serve: Serve) -> None:
    client = await serve(200, as_json({"count": None, "next": None, "results": [prompt_row()]}))
    page = await client.prompts.list()
    assert page.count is None
    assert [row.version for row in page.results] == [3]


async def test_a_resolved_prompt_is_checked_inside(serve: Serve) -> None:
    body = {"prompt": prompt_row(), "versions": [{"id": str(uuid.UUID(int=2))}], "has_more": 1}
    body["versions"][0].update(version="1", created_at=NOW, is_latest=True)
    client = await serve(200, as_json(body))
    with pytest.raises(ResponseValidationError, match=r"versions\[0\]\.version is str '1'"):
        await client.prompts.resolve("greeting")


# -- item 16: messages built from a response are bounded ----------------------------------


async def test_a_huge_error_detail_gives_a_short_message_and_a_full_body(serve: Serve) -> None:
    detail = "x" * 2_000_000
    body = {"type": "validation_error", "code": "invalid", "detail": detail, "attr": "y" * 5000}
    client = await serve(400, as_json(body))
    with pytest.raises(BadRequestError) as info:
        await client.datasets.create(name="n")
    error = info.value
    assert len(str(error)) < 2000
    assert len("".join(traceback.format_exception(error))) < 10_000
    assert "2,000,000 characters" in str(error)
    assert error.body["detail"] == detail
    assert error.detail == detail


async def test_a_huge_unparseable_field_gives_a_short_message(serve: Serve) -> None:
    client = await serve(200, as_json(prompt_row(created_at="9" * 1_000_000)))
    with pytest.raises(ResponseValidationError) as info:
        await client.prompts.fetch("greeting")
    assert len(str(info.value)) < 2000
    assert len(info.value.body) > 1_000_000  # the raw body is kept whole


async def test_a_huge_redirect_location_gives_a_short_message(serve: Serve) -> None:
    client = await serve(302, b"", {"Location": "/" + "l" * 100_000})
    with pytest.raises(APIStatusError) as info:
        await client.datasets.list()
    assert len(str(info.value)) < 2000
    assert "redirected" in str(info.value)


async def test_a_long_next_page_path_gives_a_short_message(serve: Serve) -> None:
    client = await serve(404, as_json({"detail": "Not found."}))
    with pytest.raises(NotFoundError) as info:
        await client._follow(LIST_OP, _page_model(), "/" + "p" * 20_000, DEFAULTS)
    assert len(str(info.value)) < 1000
    assert info.value.url is not None and len(info.value.url) > 20_000  # kept whole


# -- the SDK's own errors are not the response's ------------------------------------------


def _sdk_bug(*args: Any, **kwargs: Any) -> Any:
    raise TypeError("check() got an unexpected keyword argument 'no_such_argument'")


@pytest.mark.parametrize("where", ["param_text", "response_problem"])
async def test_a_bad_keyword_inside_the_sdk_propagates_as_itself(
    serve: Serve, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """An SDK bug before sending (argument encoding) or after the answer came (the response
    checks) is the TypeError itself, never a ResponseValidationError or another SDK error."""
    client = await serve(200, as_json(prompt_row()))
    monkeypatch.setattr(_validation, where, _sdk_bug)
    with pytest.raises(TypeError, match="no_such_argument") as info:
        await client.prompts.fetch("greeting")
    assert type(info.value) is TypeError
    assert info.value.__cause__ is None


# -- with_options(max_retries=...) and a Retry-After date ---------------------------------


async def test_with_options_max_retries_honours_a_retry_after_date(
    make_client: MakeClient,
) -> None:
    answers = iter(
        [
            httpx.Response(
                429, headers={"Retry-After": email.utils.formatdate(time.time() + 10, usegmt=True)}
            ),
            httpx.Response(200, json={"count": 0, "results": []}),
        ]
    )
    h = make_client(lambda request: next(answers), max_retries=0)
    page = await h.client.with_options(max_retries=1).datasets.list()
    assert page.results == []
    assert len(h.requests) == 2
    # The date has a one-second resolution: 9 to 10 s from now, waited as given.
    assert len(h.clock.sleeps) == 1
    assert 8.5 < h.clock.sleeps[0] <= 10.0
