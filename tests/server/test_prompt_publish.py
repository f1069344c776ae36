"""Creating and publishing prompts with today's fields: ``config`` and
``version_description`` on both, publishing by ``edits`` or by ``config`` alone, and
JSON prompts answered as JSON text when the state asks for PostHog's rendering."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from posthog_api.testing import ServerState
from posthog_api.testing import prompts as prompt_store

from .conftest import PROJECT

P = f"/api/projects/{PROJECT}/llm_prompts/"


def name_url(name: str) -> str:
    return f"{P}name/{name}/"


async def versions(http: httpx.AsyncClient, name: str) -> list[dict[str, Any]]:
    """Every version, oldest first, as get by name shows it."""
    latest = (await http.get(name_url(name))).json()
    return [
        (await http.get(name_url(name), params={"version": v})).json()
        for v in range(1, latest["version"] + 1)
    ]


async def test_create_with_config_and_version_description(
    loopback: httpx.AsyncClient, state: ServerState
) -> None:
    config = {"model": "gpt-4.1-mini", "temperature": 0.3, "tools": [{"name": "search"}]}
    created = await loopback.post(
        P,
        json={"name": "bot", "prompt": "hi", "config": config, "version_description": "first"},
    )
    assert created.status_code == 201
    got = created.json()
    assert (got["config"], got["version_description"], got["labels"]) == (config, "first", [])
    plain = (await loopback.post(P, json={"name": "plain", "prompt": "x"})).json()
    assert (plain["config"], plain["version_description"]) == (None, None)
    nulled = await loopback.post(
        P, json={"name": "nulled", "prompt": "x", "config": None, "version_description": None}
    )
    assert nulled.status_code == 201
    assert (nulled.json()["config"], nulled.json()["version_description"]) == (None, None)
    fetched = (await loopback.get(name_url("bot"))).json()
    assert (fetched["config"], fetched["version_description"]) == (config, "first")


@pytest.mark.parametrize(
    ("body", "attr", "code"),
    [
        ({"config": "gpt-4"}, "config", "invalid"),
        ({"config": ["model"]}, "config", "invalid"),
        ({"version_description": "d" * 401}, "version_description", "max_length"),
        ({"name": "New"}, "name", "invalid"),
        ({"name": "a.b"}, "name", "invalid"),
        ({"prompt": "x" * 1_000_000}, "prompt", "max_length"),
    ],
)
async def test_create_refusals(
    http: httpx.AsyncClient, state: ServerState, body: dict[str, Any], attr: str, code: str
) -> None:
    response = await http.post(P, json={"name": "bot", "prompt": "hi", **body})
    assert response.status_code == 400
    assert (response.json()["attr"], response.json()["code"]) == (attr, code)
    assert state.prompts == []
    at_limit = await http.post(
        P, json={"name": "ok", "prompt": "hi", "version_description": "d" * 400}
    )
    assert at_limit.status_code == 201


async def test_publish_by_edits_in_order(loopback: httpx.AsyncClient, state: ServerState) -> None:
    state.seed_prompt("bot", "You are a helpful assistant. Be brief.", config={"model": "m1"})
    edits = [
        {"old": "helpful", "new": "friendly"},
        {"old": "friendly assistant", "new": "friendly guide"},  # sees the first edit
        {"old": "Be brief.", "new": ""},
    ]
    published = await loopback.patch(
        name_url("bot"), json={"base_version": 1, "edits": edits, "version_description": "tone"}
    )
    assert published.status_code == 200
    got = published.json()
    assert (got["version"], got["prompt"]) == (2, "You are a friendly guide. ")
    assert got["config"] == {"model": "m1"}  # carried forward
    assert got["version_description"] == "tone"
    first, second = await versions(loopback, "bot")
    assert first["prompt"] == "You are a helpful assistant. Be brief."
    assert first["version_description"] is None and second["version_description"] == "tone"
    # Only the first occurrence of old is replaced.
    again = await loopback.patch(
        name_url("bot"), json={"base_version": 2, "edits": [{"old": "e", "new": "E"}]}
    )
    assert again.json()["prompt"] == "You arE a friendly guide. "


@pytest.mark.parametrize(
    ("edits", "index"),
    [
        ([{"old": "absent", "new": "x"}], 0),
        ([{"old": "Hello", "new": "Hi"}, {"old": "Hello", "new": "Hey"}], 1),
        ([{"old": "Hello", "new": "Hi"}, {"new": "x"}], 1),
        ([{"old": "Hello", "new": 3}], 0),
        ([{"old": "", "new": "x"}], 0),
        (["Hello"], 0),
    ],
)
async def test_a_bad_edit_is_a_400_naming_its_edit_index(
    http: httpx.AsyncClient, state: ServerState, edits: list[Any], index: int
) -> None:
    state.seed_prompt("bot", "Hello world")
    response = await http.patch(name_url("bot"), json={"base_version": 1, "edits": edits})
    assert response.status_code == 400
    error = response.json()
    assert (error["type"], error["attr"]) == ("validation_error", "edits")
    assert f"edit_index {index}" in error["detail"]
    assert len(state.prompts) == 1  # nothing published


async def test_publish_body_rules(http: httpx.AsyncClient, state: ServerState) -> None:
    state.seed_prompt("bot", "v1", config={"model": "m1"})
    both = await http.patch(
        name_url("bot"),
        json={"base_version": 1, "prompt": "x", "edits": [{"old": "v", "new": "w"}]},
    )
    assert (
        both.status_code == 400
        and both.json()["detail"] == "Send either prompt or edits, not both."
    )
    nothing = await http.patch(name_url("bot"), json={"base_version": 1})
    assert nothing.status_code == 400 and nothing.json()["attr"] == "prompt"
    no_base = await http.patch(name_url("bot"), json={"edits": [{"old": "v", "new": "w"}]})
    assert no_base.status_code == 400 and no_base.json()["attr"] == "base_version"
    for edits in ("v->w", [], {"old": "v", "new": "w"}):
        refused = await http.patch(name_url("bot"), json={"base_version": 1, "edits": edits})
        assert refused.status_code == 400 and refused.json()["attr"] == "edits", edits
    long_note = await http.patch(
        name_url("bot"), json={"base_version": 1, "prompt": "v2", "version_description": "d" * 401}
    )
    assert long_note.status_code == 400 and long_note.json()["attr"] == "version_description"
    stale = await http.patch(
        name_url("bot"), json={"base_version": 2, "edits": [{"old": "absent", "new": "w"}]}
    )
    assert stale.status_code == 409 and stale.json()["current_version"] == 1
    grown = await http.patch(
        name_url("bot"), json={"base_version": 1, "edits": [{"old": "v1", "new": "x" * 1_000_000}]}
    )
    assert grown.status_code == 400 and grown.json()["attr"] == "edits"
    assert grown.json()["code"] == "max_length"
    assert len(state.prompts) == 1


async def test_config_alone_publishes_the_same_content_and_null_clears(
    loopback: httpx.AsyncClient, state: ServerState
) -> None:
    state.seed_prompt("bot", [{"role": "system", "content": "Be terse."}], config={"model": "m1"})
    by_config = await loopback.patch(
        name_url("bot"), json={"base_version": 1, "config": {"model": "m2"}}
    )
    assert by_config.status_code == 200
    assert (by_config.json()["version"], by_config.json()["config"]) == (2, {"model": "m2"})
    assert by_config.json()["prompt"] == [{"role": "system", "content": "Be terse."}]
    by_prompt = await loopback.patch(name_url("bot"), json={"base_version": 2, "prompt": "text"})
    assert by_prompt.json()["config"] == {"model": "m2"}  # carried forward
    cleared = await loopback.patch(name_url("bot"), json={"base_version": 3, "config": None})
    assert (cleared.json()["config"], cleared.json()["prompt"]) == (None, "text")
    kept_cleared = await loopback.patch(name_url("bot"), json={"base_version": 4, "prompt": "t2"})
    assert kept_cleared.json()["config"] is None
    configs = [v["config"] for v in await versions(loopback, "bot")]
    assert configs == [{"model": "m1"}, {"model": "m2"}, {"model": "m2"}, None, None]
    bad = await loopback.patch(name_url("bot"), json={"base_version": 5, "config": "m3"})
    assert bad.status_code == 400 and bad.json()["attr"] == "config"


async def test_edits_on_a_json_prompt_edit_its_json_text(
    http: httpx.AsyncClient, state: ServerState
) -> None:
    state.seed_prompt("chat", [{"role": "system", "content": "Be terse."}])
    edited = await http.patch(
        name_url("chat"),
        json={"base_version": 1, "edits": [{"old": "terse", "new": "kind"}]},
    )
    assert edited.json()["prompt"] == [{"role": "system", "content": "Be kind."}]
    broken = await http.patch(
        name_url("chat"), json={"base_version": 2, "edits": [{"old": "}]", "new": ""}]}
    )
    assert broken.status_code == 400 and broken.json()["attr"] == "edits"


async def test_prompt_as_text_answers_json_prompts_as_json_text(
    loopback: httpx.AsyncClient, state: ServerState
) -> None:
    chat = [{"role": "system", "content": "Sé breve."}]
    text_form = json.dumps(chat, ensure_ascii=False)
    state.prompt_as_text = True
    state.seed_prompt("chat", chat, labels=["prod"])
    state.seed_prompt("plain", "already text")
    assert (await loopback.get(name_url("chat"))).json()["prompt"] == text_form
    assert (await loopback.get(name_url("plain"))).json()["prompt"] == "already text"
    rows = {r["name"]: r for r in (await loopback.get(P)).json()["results"]}
    assert rows["chat"]["prompt"] == text_form
    resolved = (await loopback.get(f"{P}resolve/name/chat/")).json()
    assert resolved["prompt"]["prompt"] == text_form
    assert state.prompts[0]["prompt"] == chat  # stored as JSON all the same
    state.prompt_as_text = False
    assert (await loopback.get(name_url("chat"))).json()["prompt"] == chat


def test_size_measures() -> None:
    """The limit counts compact JSON (a string's quotes too); sizes count the text."""
    assert prompt_store.content_size("ab") == 4
    assert prompt_store.content_size({"a": [1, 2]}) == len('{"a":[1,2]}')
    assert prompt_store.prompt_text({"a": "é"}) == '{"a": "é"}'
