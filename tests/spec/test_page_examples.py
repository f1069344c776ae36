"""Every example body of the reference pages parses with our models and serialises back.

The bodies were copied once from the reference pages into ``page_examples.json`` (label:
operationId + status, plus ``_vN`` where two pages show different bodies for the same
response). Where a page and our spec disagree, the tables below say so: each entry is
a discrepancy that the tests check is still exactly as described.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from posthog_api_client import models

from .spec_util import (
    load_spec,
    missing_required,
    normalise,
    operations,
    resolve,
    response_schema_name,
    strictly_equal,
    undeclared_fields,
    unparseable_formats,
)

EXAMPLES: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).with_name("page_examples.json")).read_text()
)

# Page examples that lack fields our spec requires. (The older get-by-name example lacks
# the version bookkeeping fields; LLMPromptPublic makes them optional for that reason.)
MISSING_REQUIRED: dict[str, set[str]] = {}
# Page examples with fields our spec does not declare: they must land in
# additional_properties and come back out unchanged.
UNDECLARED: dict[str, set[str]] = {}
# Page examples whose value is a placeholder ("string") where our spec says date-time.
PLACEHOLDERS: dict[str, set[str]] = {}
# The pages show ``"string"`` as first_version_created_at; PostHog publishes the field as a
# plain string (not date-time), so these examples parse and keep the text as sent.
PLAIN_STRING_DATES = {
    "llm_prompts_create_201_v2": "first_version_created_at",
    "llm_prompts_list_200": "results.0.first_version_created_at",
    "llm_prompts_name_archive_create_200": "first_version_created_at",
    "llm_prompts_name_partial_update_200": "first_version_created_at",
    "llm_prompts_resolve_name_retrieve_200": "prompt.first_version_created_at",
}
# Write-only fields that the pages nevertheless show in response bodies.
WRITE_ONLY_SHOWN = {
    "llm_analytics_provider_keys_list_200": {"results.0.api_key", "results.0.set_as_active"},
}

FILLER_DATETIME = "2020-01-02T03:04:05Z"


def _schema_ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _set_path(body: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    node: Any = body
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[last] = value


def _filler(schema: dict[str, Any]) -> Any:
    """A valid value for a required field the page left out."""
    schema = resolve(schema)
    if schema.get("format") == "date-time":
        return FILLER_DATETIME
    kind = schema.get("type")
    kind = next(t for t in kind if t != "null") if isinstance(kind, list) else kind
    return {"integer": 7, "boolean": False, "string": "filled-in"}[kind]


def _repaired(label: str) -> dict[str, Any]:
    """The example with the documented discrepancies fixed (placeholders, missing fields)."""
    entry = EXAMPLES[label]
    body = copy.deepcopy(entry["body"])
    for dotted in PLACEHOLDERS.get(label, set()):
        _set_path(body, dotted, FILLER_DATETIME)
    props = resolve(_schema_ref(entry["schema"]))["properties"]
    for name in MISSING_REQUIRED.get(label, set()):
        body[name] = _filler(props[name])
    return body


def _walk_paths(value: Any, where: str = "") -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            found.add(f"{where}{k}")
            found |= _walk_paths(v, f"{where}{k}.")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found |= _walk_paths(v, f"{where}{i}.")
    return found


def _write_only_paths(value: Any, schema: dict[str, Any], where: str = "") -> set[str]:
    schema = resolve(schema)
    found: set[str] = set()
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for k, v in value.items():
            if k in props:
                sub = resolve(props[k])
                if sub.get("writeOnly"):
                    found.add(f"{where}{k}")
                found |= _write_only_paths(v, sub, f"{where}{k}.")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found |= _write_only_paths(v, schema.get("items", {}), f"{where}{i}.")
    return found


def test_fixture_matches_the_spec_operations() -> None:
    """Each example is filed under an operation and status the spec has, with its schema."""
    by_id = {o.operation_id: o for o in operations()}
    assert len(EXAMPLES) >= 20
    for label, entry in EXAMPLES.items():
        assert label.startswith(f"{entry['operation_id']}_{entry['status']}"), label
        op = by_id[entry["operation_id"]]
        assert response_schema_name(op.op, str(entry["status"])) == entry["schema"], label


def test_every_list_operation_with_a_page_example_is_covered() -> None:
    listed = {e["operation_id"] for e in EXAMPLES.values() if e["schema"].startswith("Paginated")}
    assert listed == {
        "dataset_items_list",
        "datasets_list",
        "evaluations_list",
        "events_list",
        "llm_analytics_provider_keys_list",
        "llm_prompts_list",
        "persisted_folder_list",
    }


@pytest.mark.parametrize("label", sorted(EXAMPLES))
def test_page_discrepancies_are_exactly_the_documented_ones(label: str) -> None:
    entry = EXAMPLES[label]
    schema = _schema_ref(entry["schema"])
    body = entry["body"]
    assert missing_required(body, schema) == MISSING_REQUIRED.get(label, set())
    assert undeclared_fields(body, schema) == UNDECLARED.get(label, set())
    assert unparseable_formats(body, schema) == PLACEHOLDERS.get(label, set())
    assert _write_only_paths(body, schema) == WRITE_ONLY_SHOWN.get(label, set())


def test_the_older_get_by_name_example_parses_without_the_bookkeeping_fields() -> None:
    """Older servers omit is_latest/latest_version/...: a prompt must still load."""
    from posthog_api_client.types import Unset

    body = EXAMPLES["llm_prompts_name_retrieve_200"]["body"]
    assert "latest_version" not in body and "created_by" in body
    parsed = models.LLMPromptPublic.from_dict(body)
    assert isinstance(parsed.latest_version, Unset) and isinstance(parsed.is_latest, Unset)
    assert parsed.created_by.email == body["created_by"]["email"]


@pytest.mark.parametrize("label", sorted(PLAIN_STRING_DATES))
def test_first_version_created_at_is_not_stricter_than_posthog(label: str) -> None:
    """A date-time format PostHog does not promise would make valid answers fail to parse."""
    entry = EXAMPLES[label]
    parsed = getattr(models, entry["schema"]).from_dict(entry["body"])
    node: Any = parsed
    for part in PLAIN_STRING_DATES[label].split("."):
        node = node[int(part)] if part.isdigit() else getattr(node, part)
    assert node == "string"


@pytest.mark.parametrize("label", sorted(EXAMPLES))
def test_page_example_round_trips(label: str) -> None:
    entry = EXAMPLES[label]
    schema = _schema_ref(entry["schema"])
    body = _repaired(label)
    source = copy.deepcopy(body)
    model = getattr(models, entry["schema"])

    parsed = model.from_dict(body)
    out = parsed.to_dict()

    assert body == source, "from_dict must not modify its input"
    assert isinstance(parsed, model)
    assert strictly_equal(normalise(out, schema), normalise(source, schema))
    # to_dict is plain JSON: it can be sent again as it is.
    assert json.loads(json.dumps(out)) == out


def test_write_only_fields_shown_by_the_pages_survive_a_round_trip() -> None:
    """The provider-key page shows api_key/set_as_active in a response; they are not lost."""
    body = EXAMPLES["llm_analytics_provider_keys_list_200"]["body"]
    page = models.PaginatedLLMProviderKeyList.from_dict(body)
    key = page.results[0]
    assert isinstance(key, models.LLMProviderKey)
    shown = body["results"][0]
    assert key.to_dict()["api_key"] == shown["api_key"]
    assert key.to_dict()["set_as_active"] is shown["set_as_active"]


@pytest.mark.parametrize(
    "label",
    sorted(k for k, e in EXAMPLES.items() if e["schema"].startswith("Paginated")),
)
def test_paginated_examples_parse_each_result_with_the_item_model(label: str) -> None:
    entry = EXAMPLES[label]
    page_schema = resolve(_schema_ref(entry["schema"]))
    item_name = page_schema["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[-1]
    item_model = getattr(models, item_name)
    body = _repaired(label)

    page = getattr(models, entry["schema"]).from_dict(body)

    assert len(page.results) == len(body["results"]) > 0
    assert all(type(item) is item_model for item in page.results)
    # `next` is a Python builtin, so the generated attribute is `next_`.
    for key, attr in (("count", "count"), ("next", "next_"), ("previous", "previous")):
        if key in body:
            assert getattr(page, attr) == body[key]
    for item, raw in zip(page.results, body["results"], strict=True):
        item_schema = _schema_ref(item_name)
        assert strictly_equal(normalise(item.to_dict(), item_schema), normalise(raw, item_schema))


def test_every_spec_schema_with_a_page_example_is_a_response_schema() -> None:
    """Sanity for the fixture: its schema names are component schemas of the spec."""
    schemas = load_spec()["components"]["schemas"]
    assert {e["schema"] for e in EXAMPLES.values()} <= set(schemas)
