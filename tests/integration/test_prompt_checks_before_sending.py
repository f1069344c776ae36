"""Over loopback: prompt calls PostHog would refuse, or that mean nothing, raise
InvalidRequestError before anything is sent, and say what to do instead."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from posthog_api import AsyncPostHog, InvalidRequestError

from .conftest import Server

PROD = "production"
TOO_BIG = [2**63, 10**5000]  # beyond PostHog's 64-bit integer columns


async def refused(server: Server, call: Awaitable[Any], *words: str) -> str:
    sent = len(server.log())
    with pytest.raises(InvalidRequestError) as info:
        await call
    assert len(server.log()) == sent, "nothing may be sent"
    message = str(info.value)
    for word in words:
        assert word in message
    return message


async def test_duplicate_to_the_same_name(server: Server, client: AsyncPostHog) -> None:
    server.state.seed_prompt("greet", "Hi")
    message = await refused(
        server, client.prompts.duplicate("greet", "greet"), "a copy needs a new name"
    )
    assert "prompts.publish()" in message
    copy = await client.prompts.duplicate("greet", "greet-eu")  # another name is sent
    assert (copy.name, copy.version) == ("greet-eu", 1)


Call = Callable[[AsyncPostHog, int], Awaitable[Any]]


async def versions(client: AsyncPostHog, before: int) -> Any:
    return await client.prompts.versions("greet", before_version=before)  # checks when called


VERSIONED: dict[str, Call] = {
    "set_label": lambda c, v: c.prompts.set_label("greet", PROD, v),
    "get": lambda c, v: c.prompts.get("greet", version=v),
    "fetch": lambda c, v: c.prompts.fetch("greet", version=v),
    "publish": lambda c, v: c.prompts.publish("greet", "x", base_version=v),
    "diff": lambda c, v: c.prompts.diff("greet", 1, v),
    "versions": versions,
}


@pytest.mark.parametrize("call", VERSIONED.values(), ids=list(VERSIONED))
@pytest.mark.parametrize("version", TOO_BIG, ids=["2**63", "10**5000"])
async def test_a_version_beyond_64_bits(
    server: Server, client: AsyncPostHog, call: Call, version: int
) -> None:
    server.state.seed_prompt("greet", "Hi")
    message = await refused(server, call(client, version), "must be <= 9,223,372,036,854,775,807")
    assert len(message) < 300  # a huge int is shown by its size, never as its digits


async def test_the_largest_64_bit_version_is_sent(server: Server, client: AsyncPostHog) -> None:
    from posthog_api import PromptNotFoundError

    server.state.seed_prompt("greet", "Hi")
    with pytest.raises(PromptNotFoundError):
        await client.prompts.set_label("greet", PROD, 2**63 - 1)
    assert len(server.log("PUT")) == 1


async def test_prefetch_of_no_names_sends_nothing(server: Server, client: AsyncPostHog) -> None:
    server.state.seed_prompt("greet", "Hi", labels=[PROD])
    assert await client.prompts.prefetch([]) == 0
    assert await client.prompts.prefetch((), label=PROD) == 0
    assert server.log() == []
    assert await client.prompts.prefetch(["greet"], label=PROD) == 1


@pytest.mark.parametrize("label", ["BAD", 5, "", "latest", "42", " production"])
async def test_invalidate_of_a_label_posthog_refuses(
    server: Server, client: AsyncPostHog, label: Any
) -> None:
    with pytest.raises(InvalidRequestError, match="label name"):
        client.prompts.invalidate("greet", label=label)
    server.state.seed_prompt("greet", "Hi", labels=[PROD])
    await client.prompts.get("greet", label=PROD)
    assert client.prompts.invalidate("greet", label=PROD) == 1  # a valid label still drops


@pytest.mark.parametrize(
    ("edit", "keys"),
    [
        ({"old": "a", "new": "b", "x": 1}, "'old', 'new', 'x'"),
        ({"old": "a"}, "'old'"),
        ({"from": "a", "to": "b"}, "'from', 'to'"),
    ],
)
async def test_an_edit_with_other_keys(
    server: Server, client: AsyncPostHog, edit: dict[str, Any], keys: str
) -> None:
    server.state.seed_prompt("greet", "Hi a")
    await refused(
        server,
        client.prompts.publish("greet", base_version=1, edits=[{"old": "Hi", "new": "Hey"}, edit]),
        "edits[1]: each edit is {'old': str, 'new': str}; got keys " + keys,
    )
