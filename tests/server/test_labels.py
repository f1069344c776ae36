"""Prompt labels, get by label or by a version's UUID, and duplicate, to PostHog's rules."""

from __future__ import annotations

import uuid

import httpx
import pytest

from posthog_api.testing import ServerState

from .conftest import PROJECT

P = f"/api/projects/{PROJECT}/llm_prompts"
LABEL_KEYS = {"id", "name", "prompt_name", "version", "created_by", "created_at", "updated_at"}


def label_url(prompt: str, label: str) -> str:
    return f"{P}/name/{prompt}/labels/{label}/"


async def test_set_move_and_remove_a_label(loopback: httpx.AsyncClient, state: ServerState) -> None:
    state.seed_prompt("bot", "v3", versions=["v1", "v2"])
    created = await loopback.put(label_url("bot", "production"), json={"version": 2})
    assert created.status_code == 201
    label = created.json()
    assert set(label) == LABEL_KEYS
    assert (label["name"], label["prompt_name"], label["version"]) == ("production", "bot", 2)
    assert label["created_by"]["email"] == state.user["email"]
    uuid.UUID(label["id"])

    # Each version answers the labels pointing at it; the resolve answer and list rows
    # carry every label of the prompt.
    await loopback.put(label_url("bot", "staging"), json={"version": 3})
    await loopback.put(label_url("bot", "canary"), json={"version": 3})
    v2 = (await loopback.get(f"{P}/name/bot/", params={"version": 2})).json()
    v3 = (await loopback.get(f"{P}/name/bot/")).json()
    v1 = (await loopback.get(f"{P}/name/bot/", params={"version": 1})).json()
    assert (v1["labels"], v2["labels"], v3["labels"]) == ([], ["production"], ["canary", "staging"])
    every = [
        {"name": "canary", "version": 3},
        {"name": "production", "version": 2},
        {"name": "staging", "version": 3},
    ]
    resolved = (await loopback.get(f"{P}/resolve/name/bot/")).json()
    assert resolved["labels"] == every
    assert resolved["prompt"]["labels"] == ["canary", "staging"]
    (row,) = (await loopback.get(f"{P}/")).json()["results"]
    assert row["all_labels"] == every and row["labels"] == ["canary", "staging"]

    moved = await loopback.put(label_url("bot", "production"), json={"version": 3})
    assert moved.status_code == 200
    assert (moved.json()["id"], moved.json()["version"]) == (label["id"], 3)
    assert moved.json()["created_at"] == label["created_at"]
    assert moved.json()["updated_at"] > label["updated_at"]
    by_label = await loopback.get(f"{P}/name/bot/", params={"label": "production"})
    assert (by_label.json()["version"], by_label.json()["label"]) == (3, "production")

    removed = await loopback.delete(label_url("bot", "production"))
    assert removed.status_code == 204 and removed.content == b""
    again = await loopback.delete(label_url("bot", "production"))
    assert again.status_code == 404
    assert again.json() == {"detail": "Prompt 'bot' has no label 'production'."}
    gone = await loopback.get(f"{P}/name/bot/", params={"label": "production"})
    assert gone.status_code == 404
    assert "production" not in (await loopback.get(f"{P}/name/bot/")).json()["labels"]


@pytest.mark.parametrize(
    "bad",
    ["Production", "-prod", "prod-", "prod.", "_x", "latest", "123", "0", "a" * 129, "pr od", "p!"],
)
async def test_invalid_label_names_are_a_400_everywhere(
    http: httpx.AsyncClient, state: ServerState, bad: str
) -> None:
    state.seed_prompt("bot", "v1")
    put = await http.put(label_url("bot", bad), json={"version": 1})
    assert put.status_code == 400 and put.json()["attr"] == "label_name"
    assert put.json()["type"] == "validation_error"
    assert (await http.delete(label_url("bot", bad))).status_code == 400
    fetched = await http.get(f"{P}/name/bot/", params={"label": bad})
    assert fetched.status_code == 400 and fetched.json()["attr"] == "label"
    listed = await http.get(f"{P}/", params={"label": bad})
    assert listed.status_code == 400 and listed.json()["attr"] == "label"
    assert state.prompt_labels == {}


@pytest.mark.parametrize("good", ["a", "7a", "v1.2_rc-3", "latest-1", "a" * 128, "1.0"])
async def test_valid_label_names(http: httpx.AsyncClient, state: ServerState, good: str) -> None:
    state.seed_prompt("bot", "v1")
    assert (await http.put(label_url("bot", good), json={"version": 1})).status_code == 201
    fetched = await http.get(f"{P}/name/bot/", params={"label": good})
    assert fetched.status_code == 200 and fetched.json()["label"] == good


async def test_set_label_refusals(http: httpx.AsyncClient, state: ServerState) -> None:
    state.seed_prompt("bot", "v2", versions=["v1"])
    unknown_prompt = await http.put(label_url("nobody", "prod"), json={"version": 1})
    assert unknown_prompt.status_code == 404
    assert unknown_prompt.json() == {"detail": "Prompt with name 'nobody' not found."}
    unknown_version = await http.put(label_url("bot", "prod"), json={"version": 3})
    assert unknown_version.status_code == 404
    assert unknown_version.json() == {"detail": "Prompt 'bot' has no version 3."}
    for body, code in (({}, "required"), ({"version": 0}, "min_value"), ({"version": "x"}, None)):
        refused = await http.put(label_url("bot", "prod"), json=body)
        assert refused.status_code == 400 and refused.json()["attr"] == "version", body
        assert code is None or refused.json()["code"] == code
    assert (await http.delete(label_url("nobody", "prod"))).status_code == 404
    assert state.prompt_labels == {}


async def test_at_most_fifty_labels_per_prompt(http: httpx.AsyncClient, state: ServerState) -> None:
    state.seed_prompt("bot", "v2", versions=["v1"])
    state.seed_prompt("other", "x")
    for index in range(50):
        assert (
            await http.put(label_url("bot", f"l{index}"), json={"version": 1})
        ).status_code == 201
    over = await http.put(label_url("bot", "one-more"), json={"version": 1})
    assert over.status_code == 400 and over.json()["type"] == "validation_error"
    assert "50" in over.json()["detail"]
    # Moving one of the fifty is fine, and so is a label of another prompt.
    assert (await http.put(label_url("bot", "l7"), json={"version": 2})).status_code == 200
    assert (await http.put(label_url("other", "one-more"), json={"version": 1})).status_code == 201
    await http.delete(label_url("bot", "l0"))
    assert (await http.put(label_url("bot", "one-more"), json={"version": 1})).status_code == 201


async def test_archive_removes_every_label(loopback: httpx.AsyncClient, state: ServerState) -> None:
    state.seed_prompt("bot", "v2", versions=["v1"], labels={"prod": 1, "staging": 2})
    state.seed_prompt("keep", "k", labels=["prod"])
    assert (await loopback.post(f"{P}/name/bot/archive/")).status_code == 204
    await loopback.post(f"{P}/", json={"name": "bot", "prompt": "fresh"})
    again = await loopback.get(f"{P}/name/bot/", params={"label": "prod"})
    assert again.status_code == 404
    assert again.json() == {"detail": "Prompt 'bot' has no label 'prod'."}
    rows = {r["name"]: r for r in (await loopback.get(f"{P}/")).json()["results"]}
    assert rows["bot"]["all_labels"] == [] and rows["bot"]["version"] == 1
    assert rows["keep"]["all_labels"] == [{"name": "prod", "version": 1}]


async def test_get_by_label(loopback: httpx.AsyncClient, state: ServerState) -> None:
    state.seed_prompt("bot", "v3", versions=["v1", "v2"], labels={"prod": 1})
    state.seed_prompt("other", "o", labels=["staging"])
    prod = await loopback.get(f"{P}/name/bot/", params={"label": "prod"})
    assert prod.status_code == 200
    got = prod.json()
    assert (got["version"], got["prompt"], got["label"], got["is_latest"]) == (
        1,
        "v1",
        "prod",
        False,
    )
    assert got["labels"] == ["prod"] and got["latest_version"] == 3
    plain = (await loopback.get(f"{P}/name/bot/")).json()
    assert "label" not in plain and plain["version"] == 3
    both = await loopback.get(f"{P}/name/bot/", params={"label": "prod", "version": 1})
    assert both.status_code == 400
    assert both.json()["detail"] == "Use either version or label, not both."
    # A label of another prompt is not this prompt's.
    other = await loopback.get(f"{P}/name/bot/", params={"label": "staging"})
    assert other.status_code == 404
    assert other.json() == {"detail": "Prompt 'bot' has no label 'staging'."}
    missing = await loopback.get(f"{P}/name/nobody/", params={"label": "prod"})
    assert missing.json() == {"detail": "Prompt with name 'nobody' not found."}


async def test_get_by_content_mode(http: httpx.AsyncClient, state: ServerState) -> None:
    long_text = "# Title\n" + "word " * 100
    state.seed_prompt("bot", long_text)
    full = (await http.get(f"{P}/name/bot/", params={"content": "full"})).json()
    assert full["prompt"] == long_text and "prompt_preview" not in full
    assert full["outline"] == [{"level": 1, "text": "Title"}]
    preview = (await http.get(f"{P}/name/bot/", params={"content": "preview"})).json()
    assert "prompt" not in preview
    assert long_text.startswith(preview["prompt_preview"])
    assert 0 < len(preview["prompt_preview"]) < len(long_text)
    none = (await http.get(f"{P}/name/bot/", params={"content": "none"})).json()
    assert "prompt" not in none and "prompt_preview" not in none and none["version"] == 1
    bad = await http.get(f"{P}/name/bot/", params={"content": "some"})
    assert bad.status_code == 400 and bad.json()["attr"] == "content"


async def test_the_path_takes_a_versions_uuid(
    loopback: httpx.AsyncClient, state: ServerState
) -> None:
    state.seed_prompt("bot", "v2", versions=["v1"])
    first = next(r for r in state.prompts if r["version"] == 1)
    by_id = await loopback.get(f"{P}/name/{first['id']}/")
    assert by_id.status_code == 200
    assert (by_id.json()["name"], by_id.json()["version"]) == ("bot", 2)  # that prompt's latest
    pinned = await loopback.get(f"{P}/name/{first['id']}/", params={"version": 1})
    assert pinned.json()["prompt"] == "v1"
    # A prompt literally named like the UUID wins.
    state.seed_prompt(first["id"], "named like a uuid")
    named = await loopback.get(f"{P}/name/{first['id']}/")
    assert named.json()["prompt"] == "named like a uuid"
    unknown = uuid.UUID(int=7, version=4)
    missing = await loopback.get(f"{P}/name/{unknown}/")
    assert missing.status_code == 404
    assert missing.json() == {"detail": f"Prompt with name '{unknown}' not found."}
    await loopback.post(f"{P}/name/bot/archive/")
    second = next(r for r in state.prompts if r["name"] == "bot" and r["version"] == 2)
    assert (await loopback.get(f"{P}/name/{second['id']}/")).status_code == 404


async def test_duplicate(loopback: httpx.AsyncClient, state: ServerState) -> None:
    state.seed_prompt(
        "bot",
        "latest text",
        versions=["old text"],
        config={"model": "gpt-4.1", "temperature": 0.2},
        version_description="tuned",
        labels=["prod"],
    )
    copied = await loopback.post(f"{P}/name/bot/duplicate/", json={"new_name": "bot-copy"})
    assert copied.status_code == 201
    got = copied.json()
    assert (got["name"], got["version"], got["prompt"]) == ("bot-copy", 1, "latest text")
    assert (got["version_count"], got["is_latest"], got["labels"]) == (1, True, [])
    assert got["config"] == {"model": "gpt-4.1", "temperature": 0.2}
    assert got["version_description"] is None
    source = (await loopback.get(f"{P}/name/bot/")).json()
    assert (source["version"], source["labels"]) == (2, ["prod"])  # the source is untouched
    history = (await loopback.get(f"{P}/resolve/name/bot-copy/")).json()
    assert [v["version"] for v in history["versions"]] == [1] and history["labels"] == []

    missing = await loopback.post(f"{P}/name/nobody/duplicate/", json={"new_name": "x"})
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Prompt with name 'nobody' not found."}
    taken = await loopback.post(f"{P}/name/bot/duplicate/", json={"new_name": "bot-copy"})
    assert taken.status_code == 400
    assert (taken.json()["attr"], taken.json()["code"]) == ("new_name", "unique")
    for bad in ("has space", "new", "NEW", "", "a" * 256, None, 5.5):
        refused = await loopback.post(f"{P}/name/bot/duplicate/", json={"new_name": bad})
        assert refused.status_code == 400 and refused.json()["attr"] == "new_name", bad
    absent = await loopback.post(f"{P}/name/bot/duplicate/", json={})
    assert (absent.json()["attr"], absent.json()["code"]) == ("new_name", "required")
    assert sorted({r["name"] for r in state.prompts}) == ["bot", "bot-copy"]
