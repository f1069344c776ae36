"""Seeding helpers: plain calls that store what the API could have stored, read back
through the SDK over loopback (so a seeded row that the SDK's response checks refused
would fail here), and refuse what the API would refuse, storing nothing then."""

from __future__ import annotations

import httpx
import pytest

from posthog_api import AsyncPostHog, InvalidRequestError, PromptNotFoundError
from posthog_api.testing import LocalServer, ServerState


@pytest.fixture
def empty() -> ServerState:
    return ServerState()


def test_seeding_needs_no_event_loop(empty: ServerState) -> None:
    """A sync test, with no loop running: every helper is a plain call."""
    prompt = empty.seed_prompt("greeting", "Hi {{name}}!")
    dataset = empty.seed_dataset("faq", items=[{"input": "q"}])
    item = empty.seed_dataset_item(dataset["id"], input="q2")
    evaluation = empty.seed_evaluation("Helpful")
    assert (prompt["version"], dataset["name"], item["input"], evaluation["name"]) == (
        1,
        "faq",
        "q2",
        "Helpful",
    )


@pytest.mark.posthog(demo=False)
async def test_seed_prompt_stores_the_versions_oldest_first_then_the_prompt(
    posthog_live_server: LocalServer,
) -> None:
    state = posthog_live_server.state
    latest = state.seed_prompt("greeting", "Hi {{name}}!", versions=["Hello.", "Hello {{name}}."])
    assert (latest["name"], latest["version"], latest["prompt"], latest["is_latest"]) == (
        "greeting",
        3,
        "Hi {{name}}!",
        True,
    )
    chat = [{"role": "system", "content": "Be {{tone}}."}]
    state.seed_prompt("chat", chat)
    async with posthog_live_server.client() as posthog:
        assert (await posthog.prompts.get("greeting")).compile(name="Ada") == "Hi Ada!"
        first = await posthog.prompts.get("greeting", version=1)
        assert (first.version, first.prompt) == (1, "Hello.")
        assert [v.version async for v in posthog.prompts.versions("greeting")] == [3, 2, 1]
        assert (await posthog.prompts.get("chat")).prompt == chat


async def test_seed_prompt_on_an_existing_name_adds_versions_as_publishing_would(
    posthog_live_server: LocalServer,
) -> None:
    # the demo's support-bot has 3 versions
    latest = posthog_live_server.state.seed_prompt("support-bot", "v4", versions=[])
    assert (latest["version"], latest["version_count"]) == (4, 4)
    async with posthog_live_server.client() as posthog:
        assert (await posthog.prompts.get("support-bot")).prompt == "v4"


def test_seed_prompt_keeps_its_own_copy(empty: ServerState) -> None:
    content = [{"role": "user", "content": "a"}]
    empty.seed_prompt("chat", content)
    content[0]["content"] = "changed later"
    assert empty.prompts[0]["prompt"] == [{"role": "user", "content": "a"}]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda s: s.seed_prompt("bad name", "x"),
            "seed_prompt: name: Only letters, numbers, hyphens (-) and underscores (_)",
        ),
        (lambda s: s.seed_prompt("new", "x"), "'new' is a reserved name"),
        (lambda s: s.seed_prompt("ok", None), "seed_prompt: prompt: This field may not be null"),
        (lambda s: s.seed_prompt("ok", "x", versions="ab"), "versions must be a list"),
        (lambda s: s.seed_prompt("ok", "x", versions=[float("nan")]), "prompt must be JSON"),
        (lambda s: s.seed_prompt("ok", "x", versions=[None]), "may not be null"),
        (lambda s: s.seed_prompt("ok", {1j}), "prompt must be JSON"),
    ],
)
def test_seed_prompt_refuses_what_the_api_would_and_stores_nothing(
    empty: ServerState, call: object, message: str
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        call(empty)  # type: ignore[operator]
    assert message in str(caught.value)
    assert empty.prompts == []


def test_seed_prompt_refuses_more_versions_than_a_prompt_can_have(empty: ServerState) -> None:
    with pytest.raises(InvalidRequestError, match="at most 2000"):
        empty.seed_prompt("long", "last", versions=["v"] * 2000)
    assert empty.prompts == []


@pytest.mark.posthog(demo=False)
async def test_seed_dataset_stores_the_dataset_and_its_items_in_order(
    posthog_live_server: LocalServer,
) -> None:
    state = posthog_live_server.state
    dataset = state.seed_dataset(
        "golden",
        items=[
            {"input": {"question": "Refunds?"}, "output": {"answer": "30 days"}},
            {"input": {"question": "Export?"}, "ref_timestamp": "2025-01-01T10:00:00Z"},
        ],
        description="hand-checked answers",
        metadata={"owner": "qa"},
    )
    extra = state.seed_dataset_item(dataset["id"], input={"question": "Hours?"}, metadata={"n": 3})
    async with posthog_live_server.client() as posthog:
        read = await posthog.datasets.retrieve(dataset["id"])
        assert (read.name, read.description, read.metadata) == (
            "golden",
            "hand-checked answers",
            {"owner": "qa"},
        )
        items = [i async for i in posthog.dataset_items.list(dataset=dataset["id"])]
    assert [i.input_["question"] for i in items] == ["Refunds?", "Export?", "Hours?"]
    assert items[0].output == {"answer": "30 days"}
    assert str(items[2].id) == extra["id"]


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([{"inptu": 1}], "unknown item key(s) inptu; the keys are input, output, metadata"),
        (["just a string"], "an item must be a dict"),
        ({"input": 1}, "items must be a list of dicts, got dict"),
        ([{"input": 1}, {"ref_timestamp": "yesterday"}], "ref_timestamp: Datetime has wrong"),
        ([{"ref_trace_id": "x" * 256}], "ref_trace_id:"),
    ],
)
def test_seed_dataset_refuses_a_bad_item_and_stores_nothing(
    empty: ServerState, items: object, message: str
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        empty.seed_dataset("golden", items=items)  # type: ignore[arg-type]
    assert message in str(caught.value)
    assert (empty.datasets, empty.dataset_items) == ({}, {})


def test_seed_dataset_refuses_a_blank_name(empty: ServerState) -> None:
    with pytest.raises(
        InvalidRequestError, match="seed_dataset: name: This field may not be blank"
    ):
        empty.seed_dataset("")
    assert empty.datasets == {}


def test_seed_dataset_item_refuses_an_unknown_dataset(empty: ServerState) -> None:
    with pytest.raises(InvalidRequestError, match="dataset: Must be a valid UUID"):
        empty.seed_dataset_item("not-a-uuid", input=1)
    with pytest.raises(InvalidRequestError, match="object does not exist"):
        empty.seed_dataset_item("00000000-0000-4000-8000-000000000001", input=1)
    with pytest.raises(InvalidRequestError, match="unknown item key"):
        empty.seed_dataset_item("00000000-0000-4000-8000-000000000001", question=1)
    assert empty.dataset_items == {}


@pytest.mark.posthog(demo=False)
async def test_seed_evaluation_is_an_enabled_llm_judge_unless_told_otherwise(
    posthog_live_server: LocalServer,
) -> None:
    state = posthog_live_server.state
    judge = state.seed_evaluation("Helpful", evaluation_config={"prompt": "Helpful? true/false"})
    state.seed_evaluation(
        "Short", evaluation_type="hog", evaluation_config={"source": "return true"}, enabled=False
    )
    async with posthog_live_server.client() as posthog:
        enabled = (await posthog.evaluations.list(enabled=True)).results
        everything = [e.name async for e in posthog.evaluations.list()]
    assert [(e.name, str(e.id), e.evaluation_config) for e in enabled] == [
        ("Helpful", judge["id"], {"prompt": "Helpful? true/false"})
    ]
    assert sorted(everything) == ["Helpful", "Short"]


def test_seed_evaluation_refuses_an_unknown_type(empty: ServerState) -> None:
    with pytest.raises(InvalidRequestError, match='evaluation_type: "judge" is not a valid choice'):
        empty.seed_evaluation("x", evaluation_type="judge")
    assert empty.evaluations == {}


async def test_seeding_from_an_async_test_while_a_client_reads(
    posthog_server: LocalServer, posthog_client: AsyncPostHog
) -> None:
    """Seeding between calls changes what the next uncached call sees (a miss is
    remembered for the error cooldown: ``invalidate`` forgets it)."""
    with pytest.raises(PromptNotFoundError):
        await posthog_client.prompts.get("late")
    posthog_server.state.seed_prompt("late", "here now")
    posthog_client.prompts.invalidate("late")
    assert (await posthog_client.prompts.get("late")).prompt == "here now"


@pytest.mark.posthog(demo=False)
async def test_seed_prompt_with_labels_config_and_a_description(
    posthog_live_server: LocalServer,
) -> None:
    state = posthog_live_server.state
    latest = state.seed_prompt(
        "bot",
        "v3",
        versions=["v1", "v2"],
        labels={"production": 2, "staging": 3},
        config={"model": "gpt-4.1"},
        version_description="shorter",
    )
    assert (latest["version"], latest["labels"], latest["config"]) == (
        3,
        ["staging"],
        {"model": "gpt-4.1"},
    )
    state.seed_prompt("other", "o", labels=["production"])  # a list: the latest version
    auth = {"Authorization": f"Bearer {posthog_live_server.key}"}
    base = f"{posthog_live_server.url}/api/projects/{posthog_live_server.project_id}/llm_prompts"
    async with httpx.AsyncClient(headers=auth) as raw:
        prod = (await raw.get(f"{base}/name/bot/", params={"label": "production"})).json()
        assert (prod["version"], prod["prompt"], prod["config"]) == (2, "v2", None)
        assert prod["version_description"] is None  # both belong to the latest only
        listed = (await raw.get(f"{base}/", params={"label": "production"})).json()
    assert {r["name"]: r["version"] for r in listed["results"]} == {"bot": 2, "other": 1}


def test_seed_label_points_and_moves_a_label(empty: ServerState) -> None:
    empty.seed_prompt("bot", "v2", versions=["v1"])
    label = empty.seed_label("bot", "production")
    assert (label["name"], label["prompt_name"], label["version"]) == ("production", "bot", 2)
    moved = empty.seed_label("bot", "production", 1)
    assert (moved["id"], moved["version"]) == (label["id"], 1)
    assert [row["version"] for row in empty.prompt_labels.values()] == [1]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.seed_label("nobody", "prod"), "there is no prompt 'nobody'"),
        (lambda s: s.seed_label("bot", "Prod"), "label 'Prod': A label name uses lowercase"),
        (lambda s: s.seed_label("bot", "latest"), "'latest' is reserved"),
        (lambda s: s.seed_label("bot", "prod", 3), "'bot' has no version 3; its versions are 1, 2"),
        (lambda s: s.seed_prompt("new-one", "x", labels="prod"), "labels must be a list"),
        (lambda s: s.seed_prompt("new-one", "x", labels=["42"]), "cannot be only digits"),
        (lambda s: s.seed_prompt("new-one", "x", labels={"prod": 2}), "versions 1 to 1"),
        (lambda s: s.seed_prompt("new-one", "x", config=["m"]), "config: Expected a dictionary"),
        (
            lambda s: s.seed_prompt("new-one", "x", version_description="d" * 401),
            "version_description: Ensure this field has no more than 400 characters",
        ),
        (
            lambda s: s.seed_prompt("new-one", "x", labels=[f"l{i}" for i in range(51)]),
            "at most 50",
        ),
    ],
)
def test_seeding_labels_refuses_what_the_api_would_and_stores_nothing(
    empty: ServerState, call: object, message: str
) -> None:
    empty.seed_prompt("bot", "v2", versions=["v1"])
    stored = list(empty.prompts)
    with pytest.raises(InvalidRequestError) as caught:
        call(empty)  # type: ignore[operator]
    assert message in str(caught.value)
    assert empty.prompts == stored and empty.prompt_labels == {}


def test_seed_prompt_counts_the_labels_a_prompt_has_already(empty: ServerState) -> None:
    """50 labels held, one more asked for: refused as the seeding helper's own error,
    before the new version is stored (not the server's internal 400 halfway through)."""
    empty.seed_prompt("bot", "v1", labels=[f"l{i}" for i in range(50)])
    stored, labels = list(empty.prompts), dict(empty.prompt_labels)
    with pytest.raises(InvalidRequestError, match="51 labels; a prompt can have at most 50"):
        empty.seed_prompt("bot", "v2", labels=["extra"])
    assert empty.prompts == stored and empty.prompt_labels == labels
    moved = empty.seed_prompt("bot", "v2", labels=["l0"])  # moving one it has is fine
    assert moved["version"] == 2 and empty.prompt_labels[("bot", "l0")]["version"] == 2
