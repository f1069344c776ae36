"""Datasets, dataset items, evaluations, folders and provider keys on the local server."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit
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
from posthog_api_client.api.evaluations import (
    evaluations_create,
    evaluations_destroy,
    evaluations_list,
    evaluations_partial_update,
    evaluations_retrieve,
)
from posthog_api_client.api.llm_analytics import llm_analytics_provider_keys_list
from posthog_api_client.api.persisted_folder import persisted_folder_create, persisted_folder_list
from posthog_api_client.models import (
    DatasetItemRequest,
    DatasetRequest,
    EvaluationRequest,
    EvaluationTypeEnum,
    OrderByEnum,
    OutputTypeEnum,
    PatchedDataset,
    PatchedDatasetItem,
    PatchedEvaluation,
    PersistedFolderRequest,
    PersistedFolderTypeEnum,
)

from posthog_api.testing import ServerState

from .conftest import BASE, PROJECT

P = PROJECT


def body(response: Any) -> Any:
    return json.loads(response.content) if response.content else None


async def new_dataset(
    client: AuthenticatedClient, name: str, description: str | None = None
) -> Any:
    response = await datasets_create.asyncio_detailed(
        project_id=P, client=client, body=DatasetRequest(name=name, description=description)
    )
    assert response.status_code == 201
    return response.parsed


async def test_dataset_crud_and_soft_delete(client: AuthenticatedClient) -> None:
    ds = await new_dataset(client, "questions", "support questions")
    assert ds.team == 1 and ds.created_by.email
    got = await datasets_retrieve.asyncio_detailed(project_id=P, id=UUID(str(ds.id)), client=client)
    assert got.status_code == 200 and got.parsed.name == "questions"
    patched = await datasets_partial_update.asyncio_detailed(
        project_id=P, id=UUID(str(ds.id)), client=client, body=PatchedDataset(name="renamed")
    )
    assert patched.parsed.name == "renamed" and patched.parsed.description == "support questions"
    deleted = await datasets_partial_update.asyncio_detailed(
        project_id=P, id=UUID(str(ds.id)), client=client, body=PatchedDataset(deleted=True)
    )
    assert deleted.status_code == 200
    gone = await datasets_retrieve.asyncio_detailed(
        project_id=P, id=UUID(str(ds.id)), client=client
    )
    assert gone.status_code == 404
    listed = await datasets_list.asyncio_detailed(project_id=P, client=client)
    assert listed.parsed.count == 0
    refused = await datasets_destroy.asyncio_detailed(
        project_id=P, id=UUID(str(ds.id)), client=client
    )
    assert refused.status_code == 405 and refused.content == b""


async def test_dataset_validation(http: httpx.AsyncClient) -> None:
    url = f"/api/projects/{P}/datasets/"
    cases = [
        ({}, "name", "required"),
        ({"name": ""}, "name", "blank"),
        ({"name": "x" * 401}, "name", "max_length"),
        ({"name": None}, "name", "null"),
        ({"name": "ok", "deleted": "maybe"}, "deleted", "invalid"),
    ]
    for payload, attr, code in cases:
        response = await http.post(url, json=payload)
        assert response.status_code == 400, payload
        assert response.json() == {
            **response.json(),
            "type": "validation_error",
            "attr": attr,
            "code": code,
        }
    assert (await http.post(url, json={"name": "x" * 400})).status_code == 201
    not_object = await http.post(url, json=["name"])
    assert not_object.status_code == 400
    broken = await http.post(url, content=b"{nope", headers={"Content-Type": "application/json"})
    assert broken.status_code == 400 and broken.json()["code"] == "parse_error"


async def test_dataset_filters_order_and_pagination(
    client: AuthenticatedClient, http: httpx.AsyncClient
) -> None:
    made = [await new_dataset(client, name) for name in ["c-set", "a-set", "b-set", "d-other"]]
    by_name = await datasets_list.asyncio_detailed(
        project_id=P, client=client, order_by=[OrderByEnum.NAME]
    )
    assert [d.name for d in by_name.parsed.results] == ["a-set", "b-set", "c-set", "d-other"]
    newest = await datasets_list.asyncio_detailed(project_id=P, client=client)
    assert [d.name for d in newest.parsed.results] == ["d-other", "b-set", "a-set", "c-set"]
    desc = await http.get(f"/api/projects/{P}/datasets/", params={"order_by": "-name"})
    assert [d["name"] for d in desc.json()["results"]] == ["d-other", "c-set", "b-set", "a-set"]

    ids = [UUID(str(made[0].id)), UUID(str(made[2].id))]
    repeated = await datasets_list.asyncio_detailed(project_id=P, client=client, id_in=ids)
    assert {d.name for d in repeated.parsed.results} == {"c-set", "b-set"}
    comma = await http.get(
        f"/api/projects/{P}/datasets/", params={"id__in": ",".join(str(i) for i in ids)}
    )
    assert {d["name"] for d in comma.json()["results"]} == {"c-set", "b-set"}
    bad = await http.get(f"/api/projects/{P}/datasets/", params={"id__in": "not-a-uuid"})
    assert bad.status_code == 400 and bad.json()["attr"] == "id__in"

    searched = await datasets_list.asyncio_detailed(project_id=P, client=client, search="SET")
    assert searched.parsed.count == 3

    # Pages of 2 over the 3 matches, ordered by name; next/previous keep the filters.
    first = await http.get(
        f"/api/projects/{P}/datasets/",
        params=[("search", "set"), ("order_by", "name"), ("limit", "2")],
    )
    page = first.json()
    assert page["count"] == 3 and page["previous"] is None
    assert [d["name"] for d in page["results"]] == ["a-set", "b-set"]
    next_url = page["next"]
    assert next_url.startswith(BASE + f"/api/projects/{P}/datasets/")
    query = parse_qs(urlsplit(next_url).query)
    assert query == {"search": ["set"], "order_by": ["name"], "limit": ["2"], "offset": ["2"]}
    second = (await http.get(next_url)).json()
    assert [d["name"] for d in second["results"]] == ["c-set"] and second["next"] is None
    back = parse_qs(urlsplit(second["previous"]).query)
    assert back == {"search": ["set"], "order_by": ["name"], "limit": ["2"]}
    assert [d["name"] for d in (await http.get(second["previous"])).json()["results"]] == [
        "a-set",
        "b-set",
    ]


async def test_default_page_size_is_100(http: httpx.AsyncClient, state: ServerState) -> None:
    for i in range(105):
        assert (
            await http.post(f"/api/projects/{P}/datasets/", json={"name": f"d{i}"})
        ).status_code == 201
    page = (await http.get(f"/api/projects/{P}/datasets/")).json()
    assert len(page["results"]) == 100 and page["count"] == 105
    assert parse_qs(urlsplit(page["next"]).query) == {"limit": ["100"], "offset": ["100"]}
    middle = (await http.get(f"/api/projects/{P}/datasets/?limit=10&offset=15")).json()
    assert parse_qs(urlsplit(middle["previous"]).query) == {"limit": ["10"], "offset": ["5"]}


async def test_dataset_items(client: AuthenticatedClient, http: httpx.AsyncClient) -> None:
    ds = await new_dataset(client, "items")
    other = await new_dataset(client, "other")
    created = await dataset_items_create.asyncio_detailed(
        project_id=P,
        client=client,
        body=DatasetItemRequest(
            dataset=UUID(str(ds.id)), input_={"q": "hi"}, output={"a": "hello"}
        ),
    )
    assert created.status_code == 201
    item = created.parsed
    assert str(item.dataset) == str(ds.id) and item.input_ == {"q": "hi"}
    await dataset_items_create.asyncio_detailed(
        project_id=P, client=client, body=DatasetItemRequest(dataset=UUID(str(other.id)))
    )
    only = await dataset_items_list.asyncio_detailed(
        project_id=P, client=client, dataset=UUID(str(ds.id))
    )
    assert [str(i.id) for i in only.parsed.results] == [str(item.id)]
    patched = await dataset_items_partial_update.asyncio_detailed(
        project_id=P,
        id=UUID(str(item.id)),
        client=client,
        body=PatchedDatasetItem(output={"a": "changed"}, ref_trace_id="trace-1"),
    )
    assert patched.parsed.output == {"a": "changed"} and patched.parsed.ref_trace_id == "trace-1"
    missing_dataset = await http.post(
        f"/api/projects/{P}/dataset_items/",
        json={"dataset": "00000000-0000-4000-8000-000000000000"},
    )
    assert missing_dataset.status_code == 400
    assert (missing_dataset.json()["attr"], missing_dataset.json()["code"]) == (
        "dataset",
        "does_not_exist",
    )
    no_dataset = await http.post(f"/api/projects/{P}/dataset_items/", json={"input": 1})
    assert no_dataset.status_code == 400 and no_dataset.json()["attr"] == "dataset"
    long_ref = await http.post(
        f"/api/projects/{P}/dataset_items/", json={"dataset": str(ds.id), "ref_trace_id": "t" * 256}
    )
    assert long_ref.status_code == 400 and long_ref.json()["attr"] == "ref_trace_id"
    soft = await dataset_items_partial_update.asyncio_detailed(
        project_id=P, id=UUID(str(item.id)), client=client, body=PatchedDatasetItem(deleted=True)
    )
    assert soft.status_code == 200
    assert (
        await dataset_items_retrieve.asyncio_detailed(
            project_id=P, id=UUID(str(item.id)), client=client
        )
    ).status_code == 404
    refused = await dataset_items_destroy.asyncio_detailed(
        project_id=P, id=UUID(str(item.id)), client=client
    )
    assert refused.status_code == 405 and refused.content == b""


async def test_evaluations(client: AuthenticatedClient, http: httpx.AsyncClient) -> None:
    def request(name: str, enabled: bool) -> EvaluationRequest:
        return EvaluationRequest(
            name=name,
            evaluation_type=EvaluationTypeEnum.LLM_JUDGE,
            output_type=OutputTypeEnum.BOOLEAN,
            enabled=enabled,
            evaluation_config={"prompt": "Is it polite?"},
        )

    on = (
        await evaluations_create.asyncio_detailed(
            project_id=P, client=client, body=request("polite", True)
        )
    ).parsed
    await evaluations_create.asyncio_detailed(
        project_id=P, client=client, body=request("short", False)
    )
    enabled = await evaluations_list.asyncio_detailed(project_id=P, client=client, enabled=True)
    assert [e.name for e in enabled.parsed.results] == ["polite"]
    disabled = await evaluations_list.asyncio_detailed(project_id=P, client=client, enabled=False)
    assert [e.name for e in disabled.parsed.results] == ["short"]
    retrieved = await evaluations_retrieve.asyncio_detailed(
        project_id=P, id=UUID(str(on.id)), client=client
    )
    assert retrieved.parsed.evaluation_config == {"prompt": "Is it polite?"}
    patched = await evaluations_partial_update.asyncio_detailed(
        project_id=P,
        id=UUID(str(on.id)),
        client=client,
        body=PatchedEvaluation(enabled=False, evaluation_type=EvaluationTypeEnum.HOG),
    )
    assert (
        patched.parsed.enabled is False and patched.parsed.evaluation_type == EvaluationTypeEnum.HOG
    )
    url = f"/api/projects/{P}/evaluations/"
    base = {"name": "x", "evaluation_type": "llm_judge", "output_type": "boolean"}
    for change, attr, code in [
        ({"evaluation_type": "regex"}, "evaluation_type", "invalid_choice"),
        ({"output_type": "score"}, "output_type", "invalid_choice"),
        ({"name": "n" * 401}, "name", "max_length"),
    ]:
        response = await http.post(url, json={**base, **change})
        assert response.status_code == 400
        assert (response.json()["attr"], response.json()["code"]) == (attr, code)
    for field in ("name", "evaluation_type", "output_type"):
        partial = {k: v for k, v in base.items() if k != field}
        response = await http.post(url, json=partial)
        assert (response.status_code, response.json()["attr"]) == (400, field)
    await evaluations_partial_update.asyncio_detailed(
        project_id=P, id=UUID(str(on.id)), client=client, body=PatchedEvaluation(deleted=True)
    )
    remaining = await evaluations_list.asyncio_detailed(project_id=P, client=client)
    assert [e.name for e in remaining.parsed.results] == ["short"]
    refused = await evaluations_destroy.asyncio_detailed(
        project_id=P, id=UUID(str(on.id)), client=client
    )
    assert refused.status_code == 405 and refused.content == b""


async def test_persisted_folders(client: AuthenticatedClient, http: httpx.AsyncClient) -> None:
    made = await persisted_folder_create.asyncio_detailed(
        project_id=P,
        client=client,
        body=PersistedFolderRequest(type_=PersistedFolderTypeEnum.PINNED, path="Insights/Mine"),
    )
    assert made.status_code == 201 and made.parsed.path == "Insights/Mine"
    again = await persisted_folder_create.asyncio_detailed(
        project_id=P,
        client=client,
        body=PersistedFolderRequest(type_=PersistedFolderTypeEnum.PINNED, path="Other"),
    )
    assert str(again.parsed.id) == str(made.parsed.id)  # one folder per type
    listed = await persisted_folder_list.asyncio_detailed(project_id=P, client=client)
    assert [f.path for f in listed.parsed.results] == ["Other"]
    bad = await http.post(f"/api/projects/{P}/persisted_folder/", json={"type": "attic"})
    assert bad.status_code == 400 and bad.json()["attr"] == "type"
    missing = await http.post(f"/api/projects/{P}/persisted_folder/", json={})
    assert missing.status_code == 400 and missing.json()["code"] == "required"


async def test_provider_keys_never_return_the_secret(
    client: AuthenticatedClient, state: ServerState
) -> None:
    secret = "sk-live-secret-value-1234"
    state.add_provider_key("anthropic", "Team key", secret)
    listed = await llm_analytics_provider_keys_list.asyncio_detailed(project_id=P, client=client)
    assert listed.status_code == 200 and listed.parsed.count == 1
    row = listed.parsed.results[0]
    assert row.api_key_masked.endswith("1234") and row.state.value == "ok"
    assert secret not in listed.content.decode()
    assert "api_key" not in json.loads(listed.content)["results"][0]
    assert secret not in repr(state)


async def test_evaluation_model_configuration(
    loopback: httpx.AsyncClient, state: ServerState
) -> None:
    url = f"/api/projects/{P}/evaluations/"
    judge = {"provider": "openai", "model": "gpt-4.1-mini", "parameters": {"temperature": 0}}
    base = {"name": "judge", "evaluation_type": "llm_judge", "output_type": "boolean"}
    created = await loopback.post(url, json={**base, "model_configuration": judge})
    assert created.status_code == 201 and created.json()["model_configuration"] == judge
    ident = created.json()["id"]
    assert (await loopback.get(f"{url}{ident}/")).json()["model_configuration"] == judge
    other = {"provider": "anthropic", "model": "claude-haiku-4-5"}
    patched = await loopback.patch(f"{url}{ident}/", json={"model_configuration": other})
    assert patched.json()["model_configuration"] == other
    cleared = await loopback.patch(f"{url}{ident}/", json={"model_configuration": None})
    assert cleared.json()["model_configuration"] is None
    listed = (await loopback.get(url)).json()["results"]
    assert [e["model_configuration"] for e in listed] == [None]
    absent = await loopback.post(url, json={**base, "name": "plain"})
    assert absent.json()["model_configuration"] is None
    for bad in ("gpt-4.1", ["openai"], 3):
        refused = await loopback.post(url, json={**base, "model_configuration": bad})
        assert refused.status_code == 400 and refused.json()["attr"] == "model_configuration"
    seeded = state.seed_evaluation("seeded", model_configuration={"model": "m"})
    assert seeded["model_configuration"] == {"model": "m"}
