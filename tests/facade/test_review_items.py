"""Loopback regressions for the review of the issue 9 fixes (items 2 to 6).

Each test runs the SDK against a real HTTP/1.1 server on 127.0.0.1 that answers as a
hostile or broken server would: slowly (while the client closes), with another prompt
than the one asked for, with text that is not text (a lone UTF-16 surrogate), with
terminal escapes in an error detail, or with a success status the API does not give.
"""

from __future__ import annotations

import asyncio
import json
import time
import traceback
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from posthog_api import AsyncPostHog
from posthog_api._errors import (
    BadRequestError,
    ConfigurationError,
    ResponseValidationError,
)

from ._hostile import HostileServer
from .conftest import API_KEY, PROJECT_ID

# Far beyond what any of these calls needs: only a call that hangs gets near it.
GIVE_UP = 5.0


def row(name: str = "p", version: int = 1, prompt: Any = "hello", **over: Any) -> dict[str, Any]:
    """A prompt version as PostHog serves it."""
    return {
        "id": str(uuid.uuid4()),
        "name": name,
        "prompt": prompt,
        "version": version,
        "created_by": None,
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-01-01T00:00:00Z",
        "deleted": False,
        "is_latest": True,
        "latest_version": version,
        "version_count": version,
        "first_version_created_at": "2024-01-01T00:00:00Z",
        **over,
    }


def page(*rows: dict[str, Any]) -> dict[str, Any]:
    return {"count": len(rows), "next": None, "previous": None, "results": list(rows)}


Client = Callable[..., AsyncPostHog]


@pytest.fixture
async def client_on() -> AsyncIterator[Client]:
    """``client_on(server, **options)``: an SDK client on a loopback server, closed after."""
    made: list[AsyncPostHog] = []

    def make(server: HostileServer, **options: Any) -> AsyncPostHog:
        options.setdefault("max_retries", 0)
        client = AsyncPostHog(api_key=API_KEY, project_id=PROJECT_ID, host=server.url, **options)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


def shown(error: BaseException) -> str:
    """Everything a user could see of an error: message, repr and traceback."""
    text = str(error) + repr(error) + "".join(traceback.format_exception(error))
    assert API_KEY not in text
    return text


async def until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + GIVE_UP
    while not condition():
        assert time.monotonic() < deadline, "the condition never came true"
        await asyncio.sleep(0.005)


# -- item 2: a closed client sends nothing more, and says so -----------------------------


@pytest.mark.parametrize("max_retries", [0, 2])
async def test_calls_in_flight_when_the_client_closes_end_with_configuration_error(
    client_on: Client, max_retries: int
) -> None:
    async with HostileServer(200, json.dumps(page(row())).encode(), delay=2.0) as server:
        client = client_on(server, max_retries=max_retries)
        calls = {
            "fetch": asyncio.create_task(client.prompts.fetch("p")),
            "list": asyncio.create_task(client.prompts.list().collect()),
            "resolve": asyncio.create_task(client.prompts.resolve("p")),
        }
        await until(lambda: len(server.requests) == 3)  # all three are waiting on the server
        started = time.monotonic()
        await client.aclose()
        async with asyncio.timeout(GIVE_UP):
            results = await asyncio.gather(*calls.values(), return_exceptions=True)
        # Ended by aclose, not by the server's answer two seconds later.
        assert time.monotonic() - started < 1.0
        for what, result in zip(calls, results, strict=True):
            assert isinstance(result, ConfigurationError), (what, result)
            assert "closed" in shown(result) and "create a new client" in str(result)
        await asyncio.sleep(0.05)
        # Nothing was sent again (a retry after aclose used to open a new connection
        # that nothing ever closed).
        assert len(server.requests) == 3
        assert server.connections == 3


async def test_a_copy_of_a_closed_client_sends_nothing(client_on: Client) -> None:
    async with HostileServer(200, json.dumps(row()).encode()) as server:
        client = client_on(server)
        copy = client.with_options(timeout=3)
        await client.aclose()
        for call in (
            lambda: copy.prompts.fetch("p"),
            lambda: copy.prompts.get("p", fallback="not for a closed client"),
            lambda: copy.prompts.list().collect(),
            lambda: copy.datasets.list(),
        ):
            with pytest.raises(ConfigurationError, match="closed"):
                await call()
        assert server.requests == []
        assert server.connections == 0
        await copy.aclose()


async def test_a_closed_copy_leaves_its_original_working(client_on: Client) -> None:
    async with HostileServer(200, json.dumps(row()).encode()) as server:
        client = client_on(server)
        copy = client.with_options(max_retries=0)
        await copy.aclose()
        assert (await client.prompts.fetch("p")).version == 1
        with pytest.raises(ConfigurationError, match="closed"):
            await copy.prompts.fetch("p")


# -- item 3: an answer about another prompt is not the prompt asked for ------------------


async def test_another_version_than_the_one_asked_for_is_refused(client_on: Client) -> None:
    async with HostileServer(200, json.dumps(row(version=2, prompt="v2")).encode()) as server:
        client = client_on(server)
        with pytest.raises(ResponseValidationError) as info:
            await client.prompts.get("p", version=1)
        message = shown(info.value)
        assert "'p' version 1" in message and "version 2" in message
        assert info.value.status_code == 200
        assert info.value.operation == "llm_prompts_name_retrieve"
        assert info.value.body["version"] == 2  # what came, for the report
        with pytest.raises(ResponseValidationError):
            await client.prompts.fetch("p", 1)
        # Nothing was cached under either key: version 2 was never asked for.
        assert client.prompts._cache.peek("p", 2) is None
        assert client.prompts._cache.peek("p", 1) is None
        client.prompts.invalidate()  # forget the cooldown: the fallback is served on a miss
        served = await client.prompts.get("p", version=1, fallback="be brief")
        assert (served.source, served.prompt, served.version) == ("fallback", "be brief", 1)


async def test_another_name_than_the_one_asked_for_is_refused(client_on: Client) -> None:
    async with HostileServer(200, json.dumps(row(name="other")).encode()) as server:
        client = client_on(server)
        with pytest.raises(ResponseValidationError) as info:
            await client.prompts.fetch("p")
        message = shown(info.value)
        assert "'other'" in message and "'p'" in message
        served = await client.prompts.get("p", fallback="be brief")
        assert (served.source, served.name, served.prompt) == ("fallback", "p", "be brief")


async def test_the_prompt_asked_for_is_still_served(client_on: Client) -> None:
    async with HostileServer(200, json.dumps(row(version=3)).encode()) as server:
        client = client_on(server)
        assert (await client.prompts.get("p", version=3)).source == "api"
        assert (await client.prompts.get("p")).version == 3  # the latest: any version
        assert (await client.prompts.get("p", version=3)).source == "cache"


# -- item 4: a lone surrogate is not text ------------------------------------------------

# JSON may spell a lone surrogate as an escape; Python decodes it to a str that no
# encoder (a terminal, a file) accepts.
LONE = "\\ud800"


@pytest.mark.parametrize(
    "body",
    [
        json.dumps(row(prompt="SURROGATE here")).replace("SURROGATE", LONE),
        json.dumps(row(prompt={"messages": ["SURROGATE"]})).replace("SURROGATE", LONE),
        json.dumps(row(name="pSURROGATE")).replace("SURROGATE", LONE),
    ],
    ids=["text", "json-prompt", "name"],
)
async def test_a_prompt_holding_a_lone_surrogate_is_unreadable(
    client_on: Client, body: str
) -> None:
    async with HostileServer(200, body.encode()) as server:
        client = client_on(server)
        with pytest.raises(ResponseValidationError) as info:
            await client.prompts.fetch("p")
        message = shown(info.value)
        assert "surrogate" in message and "U+D800" in message
        message.encode("utf-8")  # the message itself is printable text
        served = await client.prompts.get("p", fallback="be brief")
        assert served.source == "fallback"


async def test_a_listed_prompt_holding_a_lone_surrogate_is_unreadable(client_on: Client) -> None:
    body = json.dumps(page(row(name="a"), row(name="b", prompt="x SURROGATE")))
    async with HostileServer(200, body.replace("SURROGATE", LONE).encode()) as server:
        client = client_on(server)
        with pytest.raises(ResponseValidationError, match=r"results\[1\]\.prompt"):
            await client.prompts.list().collect()


async def test_text_beyond_ascii_is_still_text(client_on: Client) -> None:
    text = "Répondez en français 🙂 — 日本語"
    async with HostileServer(200, json.dumps(row(prompt=text)).encode()) as server:
        client = client_on(server)
        assert (await client.prompts.fetch("p")).prompt == text


# -- item 5: terminal escapes from the server never reach the terminal --------------------


async def test_control_characters_in_an_error_detail_are_escaped(client_on: Client) -> None:
    detail = "bad\x1b[2J\x1b[31mRED\nerror: fake second line\r\x07\x9b\x7f"
    body = json.dumps({"detail": detail, "attr": "na\x1bme"}).encode()
    async with HostileServer(400, body) as server:
        client = client_on(server)
        with pytest.raises(BadRequestError) as info:
            await client.prompts.fetch("p")
    message = str(info.value)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in message), message
    assert "bad\\x1b[2J\\x1b[31mRED\\x0aerror: fake second line\\x0d\\x07\\x9b\\x7f" in message
    assert "[field: na\\x1bme]" in message
    # The raw text stays available.
    assert info.value.detail == detail
    assert info.value.body["detail"] == detail


# -- item 6: a success status the API does not give ------------------------------------


async def test_create_answered_200_says_the_status_was_unexpected(client_on: Client) -> None:
    async with HostileServer(200, json.dumps(row(name="new-prompt")).encode()) as server:
        client = client_on(server)
        with pytest.raises(ResponseValidationError) as info:
            await client.prompts.create("new-prompt", "hello")
    message = shown(info.value)
    assert "answered 200 where 201 was expected" in message
    assert "NoneType" not in message
    assert info.value.status_code == 200
    assert info.value.operation == "llm_prompts_create"
    assert "new-prompt" in info.value.body  # the raw body, for the report
