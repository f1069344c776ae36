"""Responses from a newer PostHog still parse: unknown enum values and unknown fields.

PostHog adds enum values and fields over time. The custom enum template turns an unknown
string into a pseudo-member that keeps its value; unknown fields land in
``additional_properties``. Both must survive ``to_dict()`` unchanged.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from posthog_api_client import models

import posthog_api

from .spec_util import load_spec

EXAMPLES = json.loads(Path(__file__).with_name("page_examples.json").read_text())
EVALUATION_ID = "497f6eca-6276-4993-bfeb-53cbbbba6f08"


def _evaluation() -> dict[str, Any]:
    return copy.deepcopy(EXAMPLES["evaluations_retrieve_200"]["body"])


def _provider_key() -> dict[str, Any]:
    return copy.deepcopy(EXAMPLES["llm_analytics_provider_keys_list_200"]["body"]["results"][0])


def _folder() -> dict[str, Any]:
    return copy.deepcopy(EXAMPLES["persisted_folder_create_201"]["body"])


def _user() -> dict[str, Any]:
    return copy.deepcopy(EXAMPLES["llm_prompts_retrieve_200"]["body"]["created_by"])


# (model, body factory, field, enum class, a value PostHog might add later)
CASES: list[tuple[type[Any], Callable[[], dict[str, Any]], str, type[StrEnum], str]] = [
    (models.Evaluation, _evaluation, "evaluation_type", models.EvaluationTypeEnum, "python"),
    (models.Evaluation, _evaluation, "output_type", models.OutputTypeEnum, "score"),
    (models.LLMProviderKey, _provider_key, "provider", models.ProviderEnum, "mistral"),
    (models.LLMProviderKey, _provider_key, "state", models.ProviderKeyStateEnum, "rotating"),
    (models.UserBasic, _user, "role_at_organization", models.RoleAtOrganizationEnum, "designer"),
    (models.PersistedFolder, _folder, "type", models.PersistedFolderTypeEnum, "starred"),
]
CASE_IDS = [f"{model.__name__}.{field}" for model, _, field, _, _ in CASES]


def _attr(field: str) -> str:
    """The generated attribute of a JSON field (``type`` shadows a builtin: ``type_``)."""
    return "type_" if field == "type" else field


def _spec_enum(enum_cls: type[StrEnum]) -> list[str]:
    return list(load_spec()["components"]["schemas"][enum_cls.__name__]["enum"])


@pytest.mark.parametrize(("model", "make", "field", "enum_cls", "new_value"), CASES, ids=CASE_IDS)
def test_unknown_enum_value_parses_and_round_trips(
    model: type[Any],
    make: Callable[[], dict[str, Any]],
    field: str,
    enum_cls: type[StrEnum],
    new_value: str,
) -> None:
    assert new_value not in _spec_enum(enum_cls)
    body = make()
    body[field] = new_value

    parsed = model.from_dict(body)

    value = getattr(parsed, _attr(field))
    assert isinstance(value, enum_cls)
    assert value == new_value
    assert value.value == new_value
    assert str(value) == new_value
    assert parsed.to_dict()[field] == new_value
    # The pseudo-member does not join the enum's declared members.
    assert value not in list(enum_cls)
    assert {m.value for m in enum_cls} == set(_spec_enum(enum_cls))


@pytest.mark.parametrize(("model", "make", "field", "enum_cls", "new_value"), CASES, ids=CASE_IDS)
def test_known_enum_values_parse_to_the_real_members(
    model: type[Any],
    make: Callable[[], dict[str, Any]],
    field: str,
    enum_cls: type[StrEnum],
    new_value: str,
) -> None:
    for known in _spec_enum(enum_cls):
        body = make()
        body[field] = known
        value = getattr(model.from_dict(body), _attr(field))
        assert value is enum_cls(known)
        assert value in list(enum_cls)


@pytest.mark.parametrize("enum_cls", sorted({c[3] for c in CASES}, key=lambda c: c.__name__))
@settings(max_examples=40, deadline=None)
@given(value=st.text(min_size=1, max_size=30))
def test_any_new_string_keeps_its_value(enum_cls: type[StrEnum], value: str) -> None:
    member = enum_cls(value)
    assert member.value == value
    assert str(member) == value
    assert isinstance(member, enum_cls)
    if value in _spec_enum(enum_cls):
        assert member in list(enum_cls)
    else:
        assert member not in list(enum_cls)


@pytest.mark.parametrize("enum_cls", [c[3] for c in CASES], ids=CASE_IDS)
def test_a_non_string_is_still_not_an_enum_value(enum_cls: type[StrEnum]) -> None:
    with pytest.raises(ValueError):
        enum_cls(3)


@pytest.mark.parametrize(
    ("model", "make"),
    [
        (models.Evaluation, _evaluation),
        (models.LLMProviderKey, _provider_key),
        (models.PersistedFolder, _folder),
        (models.UserBasic, _user),
    ],
    ids=["Evaluation", "LLMProviderKey", "PersistedFolder", "UserBasic"],
)
def test_unknown_field_lands_in_additional_properties(
    model: type[Any], make: Callable[[], dict[str, Any]]
) -> None:
    body = make()
    body["added_in_a_later_release"] = {"nested": [1, "two", None], "flag": True}

    parsed = model.from_dict(body)

    assert parsed.additional_properties == {
        "added_in_a_later_release": {"nested": [1, "two", None], "flag": True}
    }
    assert parsed.to_dict()["added_in_a_later_release"] == body["added_in_a_later_release"]


def test_unknown_enum_and_field_nested_in_a_page() -> None:
    page = copy.deepcopy(EXAMPLES["llm_analytics_provider_keys_list_200"]["body"])
    page["results"][0]["provider"] = "mistral"
    page["results"][0]["created_by"]["role_at_organization"] = "designer"
    page["results"][0]["rotation_policy"] = "monthly"
    page["cursor"] = "abc"

    parsed = models.PaginatedLLMProviderKeyList.from_dict(page)

    key = parsed.results[0]
    assert key.provider == "mistral"
    assert key.created_by.role_at_organization == "designer"
    assert key.additional_properties == {"rotation_policy": "monthly"}
    assert parsed.additional_properties == {"cursor": "abc"}
    out = parsed.to_dict()
    assert out["cursor"] == "abc"
    assert out["results"][0]["provider"] == "mistral"
    assert out["results"][0]["rotation_policy"] == "monthly"
    assert out["results"][0]["created_by"]["role_at_organization"] == "designer"


# -- through the facade --------------------------------------------------------------


def _facade(handler: Callable[[httpx.Request], httpx.Response]) -> posthog_api.AsyncPostHog:
    return posthog_api.AsyncPostHog(
        api_key="phx_test",
        project_id="1",
        max_retries=0,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
    )


async def test_facade_returns_a_model_for_an_evaluation_from_a_newer_posthog() -> None:
    body = _evaluation()
    body["evaluation_type"] = "python"
    body["output_type"] = "score"
    body["sampling_rate"] = 0.25
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=body)

    client = _facade(handler)
    try:
        evaluation = await client.evaluations.retrieve(EVALUATION_ID)
    finally:
        await client.aclose()

    assert [r.url.path for r in seen] == [f"/api/projects/1/evaluations/{EVALUATION_ID}/"]
    assert isinstance(evaluation, models.Evaluation)
    assert isinstance(evaluation.evaluation_type, models.EvaluationTypeEnum)
    assert evaluation.evaluation_type == "python"
    assert evaluation.output_type == "score"
    assert evaluation.additional_properties == {"sampling_rate": 0.25}
    assert evaluation.name == body["name"]
    out = evaluation.to_dict()
    assert out["evaluation_type"] == "python"
    assert out["output_type"] == "score"
    assert out["sampling_rate"] == 0.25


async def test_facade_list_yields_items_with_unknown_enum_values() -> None:
    page = copy.deepcopy(EXAMPLES["persisted_folder_list_200"]["body"])
    page["next"] = None
    page["count"] = 1
    page["results"][0]["type"] = "starred"
    page["results"][0]["color"] = "teal"

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=page)

    client = _facade(handler)
    try:
        folders = [folder async for folder in client.persisted_folders.list()]
    finally:
        await client.aclose()

    assert len(folders) == 1
    assert isinstance(folders[0], models.PersistedFolder)
    assert folders[0].type_ == "starred"
    assert folders[0].additional_properties == {"color": "teal"}
