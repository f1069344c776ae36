"""Listing prompts as PostHog does today: by label, by creator, in any of the 16 orders,
with full, preview or no content, and each row's size."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from posthog_api.testing import ServerState
from posthog_api.testing import prompts as prompt_store

from .conftest import PROJECT

P = f"/api/projects/{PROJECT}/llm_prompts/"
ORDER_KEYS = (
    "name",
    "created_at",
    "updated_at",
    "version",
    "latest_version",
    "version_count",
    "first_version_created_at",
    "prompt_size_bytes",
)


async def names(http: httpx.AsyncClient, **params: Any) -> list[str]:
    response = await http.get(P, params=params)
    assert response.status_code == 200, response.text
    return [row["name"] for row in response.json()["results"]]


async def test_list_by_label_one_request_for_every_prompt(
    loopback: httpx.AsyncClient, state: ServerState
) -> None:
    state.seed_prompt("a", "a3", versions=["a1", "a2"], labels={"production": 2})
    state.seed_prompt("b", "b1", labels=["production", "staging"])
    state.seed_prompt("c", "c2", versions=["c1"], labels={"staging": 1})
    listed = await loopback.get(P, params={"label": "production"})
    assert listed.status_code == 200
    rows = {row["name"]: row for row in listed.json()["results"]}
    assert listed.json()["count"] == 2 and set(rows) == {"a", "b"}  # c lacks the label
    assert (rows["a"]["version"], rows["a"]["prompt"], rows["a"]["is_latest"]) == (2, "a2", False)
    assert rows["a"]["latest_version"] == 3 and rows["a"]["labels"] == ["production"]
    assert rows["b"]["all_labels"] == [
        {"name": "production", "version": 1},
        {"name": "staging", "version": 1},
    ]
    staging = {
        r["name"]: r["version"]
        for r in (await loopback.get(P, params={"label": "staging"})).json()["results"]
    }
    assert staging == {"b": 1, "c": 1}
    assert await names(loopback, label="nowhere") == []
    # Without a label: every prompt at its latest, with all of its labels.
    plain = {r["name"]: r for r in (await loopback.get(P)).json()["results"]}
    assert {n: r["version"] for n, r in plain.items()} == {"a": 3, "b": 1, "c": 2}
    assert plain["c"]["all_labels"] == [{"name": "staging", "version": 1}]
    assert plain["c"]["labels"] == []
    # A labelled version soft-deleted by id takes its labels with it.
    a2 = next(r for r in state.prompts if r["name"] == "a" and r["version"] == 2)
    await loopback.patch(f"{P}{a2['id']}/", json={"deleted": True})
    assert await names(loopback, label="production") == ["b"]


async def test_list_by_creator(http: httpx.AsyncClient, state: ServerState) -> None:
    state.seed_prompt("mine", "x")
    other_user = {**state.user, "id": 2, "email": "other@example.com"}
    state.user, own_user = other_user, state.user
    state.seed_prompt("theirs", "y")
    state.user = own_user
    assert await names(http, created_by_id=1) == ["mine"]
    assert await names(http, created_by_id=2) == ["theirs"]
    assert await names(http, created_by_id=3) == []
    bad = await http.get(P, params={"created_by_id": "me"})
    assert bad.status_code == 400 and bad.json()["attr"] == "created_by_id"


def _fill(state: ServerState) -> None:
    """Three prompts whose every sort key orders them differently from creation order."""
    state.seed_prompt("bravo", "x" * 50, versions=["b1"])  # 2 versions, biggest
    state.seed_prompt("Alpha", "a", versions=["a1", "a2", "a3"])  # 4 versions, smallest
    state.seed_prompt("charlie", "c" * 10)  # 1 version
    # bravo's latest row changes last, so it has the newest updated_at.
    bravo = next(r for r in state.prompts if r["name"] == "bravo" and r["version"] == 2)
    bravo["updated_at"] = state.now()


@pytest.mark.parametrize("key", ORDER_KEYS)
async def test_every_order_key_both_ways(
    http: httpx.AsyncClient, state: ServerState, key: str
) -> None:
    _fill(state)
    rows = (await http.get(P, params={"order_by": key})).json()["results"]
    values = [row[key].lower() if key == "name" else row[key] for row in rows]
    assert values == sorted(values) and len(set(values)) == 3, (key, values)
    descending = (await http.get(P, params={"order_by": f"-{key}"})).json()["results"]
    assert [r["name"] for r in descending] == [r["name"] for r in reversed(rows)]


async def test_order_default_unknown_and_sizes(http: httpx.AsyncClient, state: ServerState) -> None:
    _fill(state)
    assert await names(http) == ["charlie", "Alpha", "bravo"]  # -created_at
    assert await names(http, order_by="name") == ["Alpha", "bravo", "charlie"]
    assert await names(http, order_by="-version_count") == ["Alpha", "bravo", "charlie"]
    assert await names(http, order_by="-updated_at") == ["bravo", "charlie", "Alpha"]
    assert await names(http, order_by="prompt_size_bytes") == ["Alpha", "charlie", "bravo"]
    for bad in ("size", "name,-version", "--name", "NAME"):
        refused = await http.get(P, params={"order_by": bad})
        assert refused.status_code == 400, bad
        assert (refused.json()["attr"], refused.json()["code"]) == ("order_by", "invalid_choice")
    state.seed_prompt("json", [{"role": "system", "content": "é"}])
    rows = {r["name"]: r for r in (await http.get(P)).json()["results"]}
    assert rows["bravo"]["prompt_size_bytes"] == 50
    assert rows["json"]["prompt_size_bytes"] == len(
        json.dumps([{"role": "system", "content": "é"}], ensure_ascii=False).encode()
    )


async def test_content_modes(loopback: httpx.AsyncClient, state: ServerState) -> None:
    text = "Line one.\n" * 100
    state.seed_prompt("long", text)
    state.seed_prompt("short", "hi")
    full = {r["name"]: r for r in (await loopback.get(P)).json()["results"]}
    assert full["long"]["prompt"] == text and "prompt_preview" not in full["long"]
    preview = {
        r["name"]: r
        for r in (await loopback.get(P, params={"content": "preview"})).json()["results"]
    }
    assert "prompt" not in preview["long"]
    assert text.startswith(preview["long"]["prompt_preview"])
    assert len(preview["long"]["prompt_preview"]) == prompt_store.PREVIEW_CHARS
    assert preview["short"]["prompt_preview"] == "hi"
    assert preview["long"]["prompt_size_bytes"] == len(text)
    none = (await loopback.get(P, params={"content": "none"})).json()["results"]
    assert all("prompt" not in r and "prompt_preview" not in r for r in none)
    assert all(r["prompt_size_bytes"] > 0 for r in none)
    bad = await loopback.get(P, params={"content": "all"})
    assert bad.status_code == 400 and bad.json()["attr"] == "content"


async def test_paging_default_100_with_filters(http: httpx.AsyncClient, state: ServerState) -> None:
    for index in range(105):
        state.seed_prompt(f"p{index:03d}", "x", labels=["prod"] if index % 2 else [])
    first = (await http.get(P)).json()
    assert (first["count"], len(first["results"])) == (105, 100)
    assert first["next"].endswith("limit=100&offset=100")
    labelled = (await http.get(P, params={"label": "prod", "limit": 50, "order_by": "name"})).json()
    assert labelled["count"] == 52 and len(labelled["results"]) == 50
    second = (await http.get(labelled["next"])).json()
    assert [r["name"] for r in second["results"]] == ["p101", "p103"]
