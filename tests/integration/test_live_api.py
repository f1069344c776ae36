"""The facade against the local server over real HTTP on 127.0.0.1: every resource area,
the prompt lifecycle end to end, soft deletes, refused hard deletes and server-side auth.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from posthog_api import (
    AsyncPostHog,
    AuthenticationError,
    MethodNotAllowedError,
    NotFoundError,
    PromptNotFoundError,
    PromptVersionConflict,
    ScopeError,
)
from posthog_api.testing import seed_demo

from .conftest import BAD_KEY, PROJECT, READ_ONLY_KEY, MakeClient, Server

NAME_PATH = f"/api/projects/{PROJECT}/llm_prompts/name/{{}}/"


# -- the prompt lifecycle --------------------------------------------------------------


async def test_prompt_lifecycle_end_to_end(
    client: AsyncPostHog, make_client: MakeClient, server: Server
) -> None:
    name = "lifecycle"
    by_name = NAME_PATH.format(name)
    prompts = client.prompts

    created = await prompts.create(name, "Hello {{customer}}.")
    assert (created.name, created.version) == (name, 1)

    # get: the API first, then the cache (one request for both)
    prompts.invalidate(name)
    first = await prompts.get(name)
    second = await prompts.get(name)
    assert (first.source, second.source) == ("api", "cache")
    assert first.prompt == second.prompt == "Hello {{customer}}."
    assert first.compile(customer="Ada") == "Hello Ada."
    assert len(server.log("GET", by_name)) == 1

    # publish, then a stale base_version conflicts and names the current version
    v2 = await prompts.publish(name, "Hello {{customer}} on {{plan}}.", base_version=1)
    assert v2.version == 2
    assert (await prompts.get(name)).version == 2  # write-through: no stale read
    with pytest.raises(PromptVersionConflict) as conflict:
        await prompts.publish(name, "lost update", base_version=1)
    assert conflict.value.current_version == 2
    assert conflict.value.base_version == 1 and conflict.value.status_code == 409

    # versions, newest first; a diff between two of them
    assert [v.version async for v in prompts.versions(name)] == [2, 1]
    diff = await prompts.diff(name, 1, 2)
    assert diff.changed and diff.added_variables == ["plan"] and not diff.removed_variables
    assert "-Hello {{customer}}." in diff.unified
    assert "+Hello {{customer}} on {{plan}}." in diff.unified

    # update: read-modify-publish
    v3 = await prompts.publish_with(name, lambda text: text + "\nBe brief.")
    assert v3.version == 3 and v3.prompt == "Hello {{customer}} on {{plan}}.\nBe brief."

    # publish_if_changed with equal content: no new version, no PATCH sent
    patches_before = len(server.log("PATCH", by_name))
    same = await prompts.publish_if_changed(name, v3.prompt)
    assert same.version == 3
    assert len(server.log("PATCH", by_name)) == patches_before
    assert [v.version async for v in prompts.versions(name)] == [3, 2, 1]
    changed = await prompts.publish_if_changed(name, "Brand new text.")
    assert changed.version == 4

    # prefetch: a cold client warms its cache from one list pass, then gets without I/O
    cold = make_client()
    assert await cold.prompts.prefetch([name]) == 1
    gets_before = len(server.log("GET", by_name))
    warmed = await cold.prompts.get(name)
    assert (warmed.version, warmed.source) == (4, "cache")
    assert len(server.log("GET", by_name)) == gets_before

    # archive: every version gone, the cache too; the name is free again
    await prompts.archive(name)
    with pytest.raises(PromptNotFoundError):
        await prompts.get(name)
    with pytest.raises(PromptNotFoundError):
        await prompts.get(name, version=2)
    with pytest.raises(PromptNotFoundError):
        await prompts.publish(name, "x", base_version=4)
    recreated = await prompts.create(name, "Second life.")
    assert recreated.version == 1
    assert [v.version async for v in prompts.versions(name)] == [1]
    assert (await prompts.fetch(name)).prompt == "Second life."


async def test_prompt_rows_by_id_and_version_id(client: AsyncPostHog) -> None:
    await client.prompts.create("rows", "one")
    two = await client.prompts.publish("rows", "two", base_version=1)
    row = await client.prompts.retrieve(two.id)
    assert (row.name, row.version, row.prompt) == ("rows", 2, "two")
    by_id = await client.prompts.get("rows", version_id=two.id)
    assert (by_id.version, by_id.prompt) == (2, "two")
    resolved = await client.prompts.resolve("rows", version=1)
    assert resolved.prompt.prompt == "one" and [v.version for v in resolved.versions] == [2, 1]
    listed = [p.name async for p in client.prompts.list(search="row")]
    assert listed == ["rows"]


# -- every other resource area ---------------------------------------------------------


async def test_datasets_and_items(client: AsyncPostHog) -> None:
    dataset = await client.datasets.create(name="golden", description="d", metadata={"k": 1})
    assert (dataset.name, dataset.description) == ("golden", "d")
    fetched = await client.datasets.retrieve(dataset.id)
    assert fetched.id == dataset.id
    renamed = await client.datasets.update(dataset.id, name="golden-2")
    assert renamed.name == "golden-2"
    assert [d.name async for d in client.datasets.list(search="golden")] == ["golden-2"]

    items = [
        await client.dataset_items.create(
            dataset=dataset.id,
            input={"q": f"question {i}"},
            output={"a": i},
            ref_timestamp=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        )
        for i in range(3)
    ]
    listed = await client.dataset_items.list(dataset=dataset.id, page_size=2).collect()
    assert [i.id for i in listed] == [i.id for i in items]
    one = await client.dataset_items.retrieve(items[1].id)
    assert one.input_ == {"q": "question 1"}
    patched = await client.dataset_items.update(items[1].id, output={"a": "changed"})
    assert patched.output == {"a": "changed"}


async def test_evaluations_and_runs(client: AsyncPostHog) -> None:
    evaluation = await client.evaluations.create(
        name="Helpful",
        evaluation_type="llm_judge",
        output_type="boolean",
        enabled=True,
        evaluation_config={"prompt": "Is it helpful?"},
    )
    assert (await client.evaluations.retrieve(evaluation.id)).name == "Helpful"
    disabled = await client.evaluations.update(evaluation.id, enabled=False)
    assert disabled.enabled is False
    page = await client.evaluations.list(enabled=False)
    assert [e.id for e in page.results] == [evaluation.id] and page.count == 1
    assert (await client.evaluations.list(enabled=True)).count == 0

    run = await client.evaluation_runs.create(
        evaluation_id=str(evaluation.id),
        target_event_id="generation-1",
        timestamp="2025-01-01T00:00:00Z",
    )
    assert run.additional_properties["status"] == "started"
    summary = await client.llm_analytics.evaluation_summary(evaluation_id=evaluation.id)
    assert summary.statistics.total_analyzed == 1


async def test_llm_analytics(client: AsyncPostHog, server: Server) -> None:
    good = server.state.add_provider_key("openai", "Main", "sk-main-000000000000")
    server.state.add_provider_key("anthropic", "Broken", "sk-ant-11111111111", state="invalid")
    keys = await client.llm_analytics.provider_keys().collect()
    assert sorted(k.name for k in keys) == ["Broken", "Main"]
    assert all("0000000000" not in k.api_key_masked for k in keys)

    models = await client.llm_analytics.models()
    assert models.additional_properties["models"]
    config = await client.llm_analytics.evaluation_config()
    assert config.additional_properties["active_provider_key"] is None
    chosen = await client.llm_analytics.set_active_key(key_id=good["id"])
    assert chosen.additional_properties["active_provider_key"]["id"] == good["id"]

    valid = await client.llm_analytics.validate_provider_key(
        provider="openai", api_key="sk-valid-123456789"
    )
    assert valid.additional_properties["state"] == "ok"
    invalid = await client.llm_analytics.validate_provider_key(
        provider="openai", api_key="invalid-key"
    )
    assert invalid.additional_properties["state"] == "invalid"

    summary = await client.llm_analytics.summarize(
        summarize_type="trace", data={"trace": {"id": "t1"}, "events": [1, 2, 3]}
    )
    # Today's server: a summary object whose points cite lines of text_repr.
    assert not isinstance(summary.summary, str)
    assert summary.summary["points"][0].startswith("Part 1 of the trace [L1-")
    assert isinstance(summary.text_repr, str) and summary.text_repr.startswith("L1: ")
    text = await client.llm_analytics.text_repr(
        event_type="$ai_generation",
        data={"id": "e1", "properties": {"$ai_trace_id": "t1"}},
        options={"include_line_numbers": True},
    )
    assert text.text.startswith("L001: $ai_generation event")
    assert text.metadata.trace_id == "t1"


async def test_logs_integrations_folders_symbols_events_max_tools(
    client: AsyncPostHog, server: Server
) -> None:
    seed_demo(server.state)

    logs = await client.logs.query(query={"severityLevels": ["error"], "limit": 2})
    assert logs.additional_properties["results"]
    assert (await client.logs.sparkline()).additional_properties["sparkline"]
    attributes = await client.logs.attributes()
    assert "service.name" in {a["name"] for a in attributes.additional_properties["results"]}
    assert (await client.logs.values()).additional_properties["results"]

    ids = {row["kind"]: row["id"] for row in server.state.integrations.values()}
    assert (await client.integrations.authorize()).additional_properties["authorize_url"]
    repos = await client.integrations.github_repos(ids["github"])
    assert isinstance(repos.repositories, list) and len(repos.repositories) == 3
    assert await client.integrations.jira_projects(ids["jira"])
    assert await client.integrations.linear_teams(ids["linear"])
    assert await client.integrations.twilio_phone_numbers(ids["twilio"])
    assert await client.integrations.google_accessible_accounts(ids["google-ads"])
    assert await client.integrations.google_conversion_actions(ids["google-ads"])
    assert await client.integrations.linkedin_ads_accounts(ids["linkedin-ads"])
    assert await client.integrations.linkedin_ads_conversion_rules(ids["linkedin-ads"])
    with pytest.raises(NotFoundError):
        await client.integrations.github_repos(ids["jira"])

    folder = await client.persisted_folders.create(type="pinned", path="llm/prompts")
    assert [f.id async for f in client.persisted_folders.list()] == [folder.id]

    one = await client.error_tracking.start_upload(chunk_id="chunk-1")
    assert one.additional_properties["symbol_set_id"]
    bulk = await client.error_tracking.bulk_start_upload(chunk_ids=["a", "b"])
    assert sorted(bulk.additional_properties["id_map"]) == ["a", "b"]

    # the legacy events list pages by time (no count): every event exactly once
    events = await client.events.list(page_size=5).collect()
    assert len(events) == len(server.state.events) == 12
    assert len({e.id for e in events}) == 12
    generations = await client.events.list(event="$ai_generation").collect()
    assert len(generations) == 6

    insight = await client.max_tools.create_and_query_insight(query_description="Signups")
    assert insight.additional_properties["insight_type"] == "trends"


# -- soft delete, hard delete, authentication and scopes -------------------------------


async def test_soft_delete_hides_rows(client: AsyncPostHog) -> None:
    keep = await client.datasets.create(name="keep")
    gone = await client.datasets.create(name="gone")
    item = await client.dataset_items.create(dataset=keep.id, input={"x": 1})
    evaluation = await client.evaluations.create(
        name="e", evaluation_type="hog", output_type="boolean"
    )

    assert (await client.datasets.soft_delete(gone.id)).deleted is True
    assert [d.id async for d in client.datasets.list()] == [keep.id]
    with pytest.raises(NotFoundError):
        await client.datasets.retrieve(gone.id)

    await client.dataset_items.soft_delete(item.id)
    assert await client.dataset_items.list(dataset=keep.id).collect() == []
    with pytest.raises(NotFoundError):
        await client.dataset_items.retrieve(item.id)

    await client.evaluations.soft_delete(evaluation.id)
    assert (await client.evaluations.list()).count == 0
    with pytest.raises(NotFoundError):
        await client.evaluations.retrieve(evaluation.id)

    # one prompt version soft-deleted: it disappears from the history and the latest
    await client.prompts.create("soft", "v1")
    v2 = await client.prompts.publish("soft", "v2", base_version=1)
    await client.prompts.update(v2.id, deleted=True)
    assert (await client.prompts.get("soft")).version == 1
    assert [v.version async for v in client.prompts.versions("soft")] == [1]


async def test_hard_delete_is_method_not_allowed(client: AsyncPostHog, server: Server) -> None:
    dataset = await client.datasets.create(name="d")
    item = await client.dataset_items.create(dataset=dataset.id)
    evaluation = await client.evaluations.create(
        name="e", evaluation_type="hog", output_type="boolean"
    )
    prompt = await client.prompts.create("undeletable", "x")
    for delete, ident in (
        (client.datasets.delete, dataset.id),
        (client.dataset_items.delete, item.id),
        (client.evaluations.delete, evaluation.id),
        (client.prompts.delete, prompt.id),
    ):
        with pytest.raises(MethodNotAllowedError) as caught:
            await delete(ident)
        assert caught.value.status_code == 405 and caught.value.method == "DELETE"
    # 405 is not retried, and nothing was deleted
    assert len(server.log("DELETE")) == 4
    assert (await client.datasets.retrieve(dataset.id)).id == dataset.id


async def test_bad_key_is_authentication_error(make_client: MakeClient, server: Server) -> None:
    client = make_client(api_key=BAD_KEY)
    with pytest.raises(AuthenticationError) as caught:
        await client.datasets.list()
    assert caught.value.status_code == 401
    assert BAD_KEY not in str(caught.value) and BAD_KEY not in repr(caught.value)
    assert len(server.log()) == 1  # a 401 is never retried


async def test_missing_scope_on_the_server_is_scope_error(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client(api_key=READ_ONLY_KEY)  # the client is not told its scopes
    assert (await client.datasets.list()).count == 0  # dataset:read is granted
    with pytest.raises(ScopeError) as caught:
        await client.prompts.create("nope", "x")
    assert caught.value.status_code == 403
    assert caught.value.missing == ("llm_prompt:write",)
    with pytest.raises(ScopeError) as caught_eval:
        await client.evaluations.list()
    assert caught_eval.value.missing == ("evaluation:read",)
    # the server refused them: they were sent, once each
    assert len(server.log("POST")) == 1
    assert server.state.prompts == []


async def test_scopes_told_to_the_client_refuse_before_sending(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client(api_key=READ_ONLY_KEY, scopes=["llm_prompt:read", "dataset:read"])
    with pytest.raises(ScopeError):
        await client.prompts.create("nope", "x")
    with pytest.raises(ScopeError):
        await client.evaluations.retrieve(uuid.uuid4())
    assert server.log() == []
