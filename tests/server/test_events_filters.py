"""The local server's events list reads ``properties``, ``select`` and ``where`` as JSON."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from posthog_api.testing import ServerState, seed_demo

from .conftest import PROJECT

EVENTS = f"/api/projects/{PROJECT}/events/"


async def _ids(http: httpx.AsyncClient, filters: Any) -> set[str]:
    response = await http.get(EVENTS, params={"properties": json.dumps(filters)})
    assert response.status_code == 200, response.text
    return {row["id"] for row in response.json()["results"]}


def _where(state: ServerState, test: Any) -> set[str]:
    return {row["id"] for row in state.events if test(row["properties"])}


@pytest.mark.parametrize(
    ("leaf", "test"),
    [
        ({"key": "$ai_latency", "value": 1.0, "operator": "gt"}, lambda p: p["$ai_latency"] > 1.0),
        (
            {"key": "$ai_latency", "value": 0.7, "operator": "lte"},
            lambda p: p["$ai_latency"] <= 0.7,
        ),
        ({"key": "$ai_model", "value": "gpt-4o-mini"}, lambda p: True),
        ({"key": "$ai_model", "value": "GPT", "operator": "icontains"}, lambda p: True),
        ({"key": "$ai_model", "value": "gpt-4o-mini", "operator": "is_not"}, lambda p: False),
        ({"key": "$ai_model", "value": ["o4-mini", "x"]}, lambda p: False),
        ({"key": "$missing", "operator": "is_set"}, lambda p: False),
        ({"key": "$missing", "operator": "is_not_set"}, lambda p: True),
    ],
)
async def test_leaf_filters(
    http: httpx.AsyncClient, state: ServerState, leaf: dict[str, Any], test: Any
) -> None:
    seed_demo(state)
    assert await _ids(http, [leaf]) == _where(state, test)


async def test_groups_nest_and_non_objects_are_dropped(
    http: httpx.AsyncClient, state: ServerState
) -> None:
    seed_demo(state)
    fast = {"key": "$ai_latency", "value": 0.7, "operator": "lt"}
    slow = {"key": "$ai_latency", "value": 1.4, "operator": "gt"}
    either = {"type": "OR", "values": [fast, slow]}
    expected = _where(state, lambda p: p["$ai_latency"] < 0.7 or p["$ai_latency"] > 1.4)
    assert expected and len(expected) < len(state.events)
    assert await _ids(http, either) == expected
    assert await _ids(http, {"type": "AND", "values": [either, "junk", 3]}) == expected
    assert await _ids(http, [fast, "junk"]) == _where(state, lambda p: p["$ai_latency"] < 0.7)
    # Any other JSON is ignored, as PostHog does.
    assert len(await _ids(http, {"key": "$ai_latency"})) == len(state.events)


@pytest.mark.parametrize(
    "properties",
    [
        "invalid_json",
        "[{'key': 'a'}]",  # a Python repr
        '[{"key": "a", "value": NaN}]',
        "[" * 500 + "]" * 500,
    ],
)
async def test_properties_that_are_not_json_are_posthogs_400(
    http: httpx.AsyncClient, state: ServerState, properties: str
) -> None:
    response = await http.get(EVENTS, params={"properties": properties})
    assert response.status_code == 400
    assert response.json() == {
        "type": "validation_error",
        "code": "invalid_input",
        "detail": "Properties are unparsable!",
        "attr": None,
    }


@pytest.mark.parametrize(
    "leaf",
    [
        {"key": "x", "type": "cohort", "value": 3},
        {"key": "x", "operator": "regex", "value": "a.*"},
        {"key": ["x"], "value": 1},
        {"key": "x", "operator": {"a": 1}},
    ],
)
async def test_filters_the_server_cannot_evaluate_are_refused(
    http: httpx.AsyncClient, state: ServerState, leaf: dict[str, Any]
) -> None:
    response = await http.get(EVENTS, params={"properties": json.dumps([leaf])})
    assert response.status_code == 400
    assert response.json()["attr"] == "properties"


@pytest.mark.parametrize("name", ["select", "where"])
@pytest.mark.parametrize(
    ("value", "status"),
    [
        ('["event", "timestamp"]', 200),
        ("[]", 200),
        ("event", 400),  # not JSON
        ('"event"', 400),  # JSON, but not an array
        ('["event", 1]', 400),  # an array, but not of expressions
        ('["a", NaN]', 400),
    ],
)
async def test_select_and_where_are_json_arrays_of_strings(
    http: httpx.AsyncClient, state: ServerState, name: str, value: str, status: int
) -> None:
    response = await http.get(EVENTS, params={name: value})
    assert response.status_code == status
    if status == 400:
        assert response.json()["attr"] == name
