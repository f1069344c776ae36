"""Every one of the spec's operations, called through the generated client.

The ``checker`` fixture validates each response body against the spec's schema for
its operation and status; this test makes sure all 52 operations were exercised,
on their success path, and that the checker itself rejects an off-spec body.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import httpx
from posthog_api_client import AuthenticatedClient
from posthog_api_client.api.dataset_items import (
    dataset_items_create,
    dataset_items_destroy,
    dataset_items_list,
    dataset_items_partial_update,
    dataset_items_retrieve,
)
from posthog_api_client.api.datasets import (
    datasets_create,
    datasets_destroy,
    datasets_list,
    datasets_partial_update,
    datasets_retrieve,
)
from posthog_api_client.api.error_tracking import (
    error_tracking_symbol_sets_bulk_start_upload_create,
    error_tracking_symbol_sets_start_upload_create,
)
from posthog_api_client.api.evaluation_runs import evaluation_runs_create
from posthog_api_client.api.evaluations import (
    evaluations_create,
    evaluations_destroy,
    evaluations_list,
    evaluations_partial_update,
    evaluations_retrieve,
)
from posthog_api_client.api.events import events_list
from posthog_api_client.api.integrations import (
    integrations_authorize_retrieve,
    integrations_github_repos_retrieve,
    integrations_google_accessible_accounts_retrieve,
    integrations_google_conversion_actions_retrieve,
    integrations_jira_projects_retrieve,
    integrations_linear_teams_retrieve,
    integrations_linkedin_ads_accounts_retrieve,
    integrations_linkedin_ads_conversion_rules_retrieve,
    integrations_twilio_phone_numbers_retrieve,
)
from posthog_api_client.api.llm_analytics import (
    llm_analytics_evaluation_config_retrieve,
    llm_analytics_evaluation_config_set_active_key_create,
    llm_analytics_evaluation_summary_create,
    llm_analytics_models_retrieve,
    llm_analytics_provider_key_validations_create,
    llm_analytics_provider_keys_list,
    llm_analytics_summarization_create,
    llm_analytics_text_repr_create,
)
from posthog_api_client.api.llm_prompts import (
    llm_prompts_create,
    llm_prompts_destroy,
    llm_prompts_list,
    llm_prompts_name_archive_create,
    llm_prompts_name_partial_update,
    llm_prompts_name_retrieve,
    llm_prompts_partial_update,
    llm_prompts_resolve_name_retrieve,
    llm_prompts_retrieve,
)
from posthog_api_client.api.logs import (
    logs_attributes_retrieve,
    logs_query_create,
    logs_sparkline_create,
    logs_values_retrieve,
)
from posthog_api_client.api.max_tools import max_tools_create_and_query_insight_create
from posthog_api_client.api.persisted_folder import persisted_folder_create, persisted_folder_list
from posthog_api_client.models import (
    DatasetItemRequest,
    DatasetRequest,
    ErrorTrackingSymbolSetRequest,
    EvaluationRequest,
    EvaluationRunRequest,
    EvaluationSummaryRequest,
    EvaluationTypeEnum,
    JSONObject,
    LLMPromptPublish,
    LLMPromptRequest,
    LogsQueryRequest,
    MaxToolsInsightRequest,
    OutputTypeEnum,
    PatchedDataset,
    PatchedDatasetItem,
    PatchedEvaluation,
    PatchedLLMPrompt,
    PersistedFolderRequest,
    PersistedFolderTypeEnum,
    ProviderEnum,
    ProviderKeyValidationRequest,
    SetActiveKeyRequest,
    SummarizeRequest,
    SummarizeTypeEnum,
    TextReprEventTypeEnum,
    TextReprRequest,
    TextReprRequestData,
)
from posthog_api_client.operations import OPERATIONS

from posthog_api.testing import ServerState, seed_demo

from .conftest import BASE, PROJECT, SpecChecker

P = PROJECT
Call = Callable[[], Awaitable[Any]]

SUCCESS = {"POST": {201, 200, 204}, "GET": {200}, "PATCH": {200}, "DELETE": {405}}


async def test_all_operations_conform(
    client: AuthenticatedClient, state: ServerState, checker: SpecChecker
) -> None:
    seeded = seed_demo(state)
    c = client
    dataset_id = UUID(seeded["dataset"])
    item_id = UUID(seeded["dataset_items"][0])
    evaluation_id = UUID(seeded["evaluation"])
    ints = {row["kind"]: row["id"] for row in state.integrations.values()}
    latest = state.prompts[2]  # support-bot v3 from the seed
    assert (latest["name"], latest["version"]) == ("support-bot", 3)
    prompt_id = UUID(latest["id"])

    calls: list[tuple[str, Call]] = [
        # prompts
        ("llm_prompts_list", lambda: llm_prompts_list.asyncio_detailed(project_id=P, client=c)),
        (
            "llm_prompts_create",
            lambda: llm_prompts_create.asyncio_detailed(
                project_id=P, client=c, body=LLMPromptRequest(name="conf", prompt="x")
            ),
        ),
        (
            "llm_prompts_retrieve",
            lambda: llm_prompts_retrieve.asyncio_detailed(project_id=P, id=prompt_id, client=c),
        ),
        (
            "llm_prompts_partial_update",
            lambda: llm_prompts_partial_update.asyncio_detailed(
                project_id=P, id=prompt_id, client=c, body=PatchedLLMPrompt(deleted=False)
            ),
        ),
        (
            "llm_prompts_destroy",
            lambda: llm_prompts_destroy.asyncio_detailed(project_id=P, id=prompt_id, client=c),
        ),
        (
            "llm_prompts_name_retrieve",
            lambda: llm_prompts_name_retrieve.asyncio_detailed(
                project_id=P, prompt_name="support-bot", client=c
            ),
        ),
        (
            "llm_prompts_name_partial_update",
            lambda: llm_prompts_name_partial_update.asyncio_detailed(
                project_id=P,
                prompt_name="support-bot",
                client=c,
                body=LLMPromptPublish(prompt="v4", base_version=3),
            ),
        ),
        (
            "llm_prompts_resolve_name_retrieve",
            lambda: llm_prompts_resolve_name_retrieve.asyncio_detailed(
                project_id=P, prompt_name="support-bot", client=c, limit=2
            ),
        ),
        (
            "llm_prompts_name_archive_create",
            lambda: llm_prompts_name_archive_create.asyncio_detailed(
                project_id=P, prompt_name="summarizer", client=c
            ),
        ),
        # datasets and items
        ("datasets_list", lambda: datasets_list.asyncio_detailed(project_id=P, client=c)),
        (
            "datasets_create",
            lambda: datasets_create.asyncio_detailed(
                project_id=P, client=c, body=DatasetRequest(name="conf")
            ),
        ),
        (
            "datasets_retrieve",
            lambda: datasets_retrieve.asyncio_detailed(project_id=P, id=dataset_id, client=c),
        ),
        (
            "datasets_partial_update",
            lambda: datasets_partial_update.asyncio_detailed(
                project_id=P, id=dataset_id, client=c, body=PatchedDataset(description="d")
            ),
        ),
        (
            "datasets_destroy",
            lambda: datasets_destroy.asyncio_detailed(project_id=P, id=dataset_id, client=c),
        ),
        (
            "dataset_items_list",
            lambda: dataset_items_list.asyncio_detailed(project_id=P, client=c, dataset=dataset_id),
        ),
        (
            "dataset_items_create",
            lambda: dataset_items_create.asyncio_detailed(
                project_id=P,
                client=c,
                body=DatasetItemRequest(
                    dataset=dataset_id, input_="q", ref_timestamp=dt.datetime.now(dt.UTC)
                ),
            ),
        ),
        (
            "dataset_items_retrieve",
            lambda: dataset_items_retrieve.asyncio_detailed(project_id=P, id=item_id, client=c),
        ),
        (
            "dataset_items_partial_update",
            lambda: dataset_items_partial_update.asyncio_detailed(
                project_id=P, id=item_id, client=c, body=PatchedDatasetItem(output="a")
            ),
        ),
        (
            "dataset_items_destroy",
            lambda: dataset_items_destroy.asyncio_detailed(project_id=P, id=item_id, client=c),
        ),
        # evaluations
        ("evaluations_list", lambda: evaluations_list.asyncio_detailed(project_id=P, client=c)),
        (
            "evaluations_create",
            lambda: evaluations_create.asyncio_detailed(
                project_id=P,
                client=c,
                body=EvaluationRequest(
                    name="conf",
                    evaluation_type=EvaluationTypeEnum.HOG,
                    output_type=OutputTypeEnum.BOOLEAN,
                ),
            ),
        ),
        (
            "evaluations_retrieve",
            lambda: evaluations_retrieve.asyncio_detailed(project_id=P, id=evaluation_id, client=c),
        ),
        (
            "evaluations_partial_update",
            lambda: evaluations_partial_update.asyncio_detailed(
                project_id=P, id=evaluation_id, client=c, body=PatchedEvaluation(enabled=True)
            ),
        ),
        (
            "evaluations_destroy",
            lambda: evaluations_destroy.asyncio_detailed(project_id=P, id=evaluation_id, client=c),
        ),
        (
            "evaluation_runs_create",
            lambda: evaluation_runs_create.asyncio_detailed(
                project_id=P,
                client=c,
                body=EvaluationRunRequest(
                    evaluation_id=evaluation_id,
                    target_event_id="gen-1",
                    timestamp=dt.datetime.now(dt.UTC),
                ),
            ),
        ),
        # llm analytics
        (
            "llm_analytics_evaluation_config_retrieve",
            lambda: llm_analytics_evaluation_config_retrieve.asyncio_detailed(
                project_id=P, client=c
            ),
        ),
        (
            "llm_analytics_evaluation_config_set_active_key_create",
            lambda: llm_analytics_evaluation_config_set_active_key_create.asyncio_detailed(
                project_id=P,
                client=c,
                body=SetActiveKeyRequest(key_id=UUID(seeded["provider_key"])),
            ),
        ),
        (
            "llm_analytics_evaluation_summary_create",
            lambda: llm_analytics_evaluation_summary_create.asyncio_detailed(
                project_id=P, client=c, body=EvaluationSummaryRequest(evaluation_id=evaluation_id)
            ),
        ),
        (
            "llm_analytics_models_retrieve",
            lambda: llm_analytics_models_retrieve.asyncio_detailed(project_id=P, client=c),
        ),
        (
            "llm_analytics_provider_key_validations_create",
            lambda: llm_analytics_provider_key_validations_create.asyncio_detailed(
                project_id=P,
                client=c,
                body=ProviderKeyValidationRequest(
                    provider=ProviderEnum.OPENAI, api_key="sk-test-123456789"
                ),
            ),
        ),
        (
            "llm_analytics_provider_keys_list",
            lambda: llm_analytics_provider_keys_list.asyncio_detailed(project_id=P, client=c),
        ),
        (
            "llm_analytics_summarization_create",
            lambda: llm_analytics_summarization_create.asyncio_detailed(
                project_id=P,
                client=c,
                body=SummarizeRequest(
                    summarize_type=SummarizeTypeEnum.EVENT, data={"event": {"id": "e1"}}
                ),
            ),
        ),
        (
            "llm_analytics_text_repr_create",
            lambda: llm_analytics_text_repr_create.asyncio_detailed(
                project_id=P,
                client=c,
                body=TextReprRequest(
                    event_type=TextReprEventTypeEnum("$ai_generation"),
                    data=TextReprRequestData.from_dict({"id": "e1", "properties": {}}),
                ),
            ),
        ),
        # logs
        (
            "logs_attributes_retrieve",
            lambda: logs_attributes_retrieve.asyncio_detailed(project_id=P, client=c),
        ),
        (
            "logs_values_retrieve",
            lambda: logs_values_retrieve.asyncio_detailed(project_id=P, client=c),
        ),
        (
            "logs_query_create",
            lambda: logs_query_create.asyncio_detailed(
                project_id=P, client=c, body=LogsQueryRequest()
            ),
        ),
        (
            "logs_sparkline_create",
            lambda: logs_sparkline_create.asyncio_detailed(
                project_id=P, client=c, body=LogsQueryRequest()
            ),
        ),
        # integrations
        (
            "integrations_authorize_retrieve",
            lambda: integrations_authorize_retrieve.asyncio_detailed(project_id=P, client=c),
        ),
        (
            "integrations_github_repos_retrieve",
            lambda: integrations_github_repos_retrieve.asyncio_detailed(
                project_id=P, id=ints["github"], client=c
            ),
        ),
        (
            "integrations_google_accessible_accounts_retrieve",
            lambda: integrations_google_accessible_accounts_retrieve.asyncio_detailed(
                project_id=P, id=ints["google-ads"], client=c
            ),
        ),
        (
            "integrations_google_conversion_actions_retrieve",
            lambda: integrations_google_conversion_actions_retrieve.asyncio_detailed(
                project_id=P, id=ints["google-ads"], client=c
            ),
        ),
        (
            "integrations_jira_projects_retrieve",
            lambda: integrations_jira_projects_retrieve.asyncio_detailed(
                project_id=P, id=ints["jira"], client=c
            ),
        ),
        (
            "integrations_linear_teams_retrieve",
            lambda: integrations_linear_teams_retrieve.asyncio_detailed(
                project_id=P, id=ints["linear"], client=c
            ),
        ),
        (
            "integrations_linkedin_ads_accounts_retrieve",
            lambda: integrations_linkedin_ads_accounts_retrieve.asyncio_detailed(
                project_id=P, id=ints["linkedin-ads"], client=c
            ),
        ),
        (
            "integrations_linkedin_ads_conversion_rules_retrieve",
            lambda: integrations_linkedin_ads_conversion_rules_retrieve.asyncio_detailed(
                project_id=P, id=ints["linkedin-ads"], client=c
            ),
        ),
        (
            "integrations_twilio_phone_numbers_retrieve",
            lambda: integrations_twilio_phone_numbers_retrieve.asyncio_detailed(
                project_id=P, id=ints["twilio"], client=c
            ),
        ),
        # folders, symbol sets, events, max tools
        (
            "persisted_folder_create",
            lambda: persisted_folder_create.asyncio_detailed(
                project_id=P,
                client=c,
                body=PersistedFolderRequest(type_=PersistedFolderTypeEnum.HOME),
            ),
        ),
        (
            "persisted_folder_list",
            lambda: persisted_folder_list.asyncio_detailed(project_id=P, client=c),
        ),
        (
            "error_tracking_symbol_sets_start_upload_create",
            lambda: error_tracking_symbol_sets_start_upload_create.asyncio_detailed(
                project_id=P, client=c, body=JSONObject.from_dict({"ref": "chunk-1"})
            ),
        ),
        (
            "error_tracking_symbol_sets_bulk_start_upload_create",
            lambda: error_tracking_symbol_sets_bulk_start_upload_create.asyncio_detailed(
                project_id=P, client=c, body=ErrorTrackingSymbolSetRequest(ref="chunk-2")
            ),
        ),
        ("events_list", lambda: events_list.asyncio_detailed(project_id=P, client=c, limit=5)),
        (
            "max_tools_create_and_query_insight_create",
            lambda: max_tools_create_and_query_insight_create.asyncio_detailed(
                project_id=P,
                client=c,
                body=MaxToolsInsightRequest(query_description="Daily AI generations"),
            ),
        ),
    ]
    assert sorted(op for op, _ in calls) == sorted(OPERATIONS)
    for operation_id, call in calls:
        response = await call()
        method = OPERATIONS[operation_id].method
        assert response.status_code in SUCCESS[method], (operation_id, response.content)
        if response.status_code == 200:
            assert response.parsed is not None, operation_id
    assert {op for op, _ in checker.checked} == set(OPERATIONS)
    assert len(checker.checked) == len(OPERATIONS)
    # The request log names each operation once.
    assert sorted(r.operation_id or "" for r in state.requests) == sorted(OPERATIONS)


def test_checker_rejects_off_spec_bodies() -> None:
    """The conformance check would notice a wrong shape, a wrong type or a stray body."""
    spec_checker = SpecChecker()
    request = httpx.Request("GET", f"{BASE}/api/environments/1/llm_prompts/name/x/")
    missing = httpx.Response(200, json={"id": "not-a-uuid", "name": "x"}, request=request)
    spec_checker.check("GET", request.url.path, missing)
    assert any("required" in p for p in spec_checker.problems)
    wrong = {
        "count": "three",
        "results": [],
    }
    spec_checker.problems.clear()
    listing = httpx.Request("GET", f"{BASE}/api/projects/1/datasets/")
    spec_checker.check("GET", listing.url.path, httpx.Response(200, json=wrong, request=listing))
    assert spec_checker.problems
    spec_checker.problems.clear()
    destroy = httpx.Request("DELETE", f"{BASE}/api/projects/1/datasets/{UUID(int=1)}/")
    spec_checker.check(
        "DELETE", destroy.url.path, httpx.Response(405, json={"detail": "x"}, request=destroy)
    )
    assert spec_checker.problems
    spec_checker.problems.clear()
    spec_checker.check("PATCH", destroy.url.path, httpx.Response(409, json={}, request=destroy))
    assert spec_checker.problems  # 409 is not documented for datasets
