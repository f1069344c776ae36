"""``events.list``: ``properties``, ``select`` and ``where`` travel as PostHog reads them.

PostHog reads each of the three with ``json.loads``: one query parameter holding JSON
text. Over loopback the server's request log shows exactly what was sent, and the
server parses it (filtering the events by ``properties``) or answers 400.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from posthog_api_client.models import PropertyFilter

from posthog_api import AsyncPostHog, InvalidRequestError
from posthog_api.testing import seed_demo

from .conftest import KEY, PROJECT, Server

EVENTS = f"/api/projects/{PROJECT}/events/"


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _sent(server: Server) -> list[dict[str, list[str]]]:
    return [parse_qs(r.query, keep_blank_values=True) for r in server.log("GET", EVENTS)]


async def test_properties_select_where_are_one_json_parameter_each(
    client: AsyncPostHog, server: Server
) -> None:
    seed_demo(server.state)
    filters = [
        {"key": "$ai_latency", "value": 1.0, "operator": "gt"},
        {"key": "$ai_model", "value": ["gpt-4o-mini", "o4-mini"], "type": "event"},
    ]
    select = ["event", "properties.$ai_model", 'ü "quoted"']
    where = ["event = '$ai_generation'"]

    events = await client.events.list(
        properties=filters, select=select, where=where, page_size=4
    ).collect()

    # The server parsed the filters: only the six events slower than 1.0 s came back.
    slow = [e for e in server.state.events if e["properties"]["$ai_latency"] > 1.0]
    assert len(slow) == 6
    assert sorted(e.id for e in events) == sorted(e["id"] for e in slow)
    sent = _sent(server)
    assert len(sent) == 2  # 4 + 2 events, paged by the server's next links
    for query in sent:  # the first request and the next link carry the same JSON
        assert query["properties"] == [_compact(filters)]
        assert query["select"] == [_compact(select)]
        assert query["where"] == [_compact(where)]
        assert json.loads(query["properties"][0]) == filters


async def test_generated_property_filter_models_and_tuples_are_accepted(
    client: AsyncPostHog, server: Server
) -> None:
    seed_demo(server.state)
    model = PropertyFilter.from_dict({"key": "$ai_latency", "value": 1.5, "operator": "lte"})

    events = await client.events.list(properties=(model,), select=("event",)).collect()

    assert len(events) == 11  # 0.5 .. 1.5 in steps of 0.1
    (query,) = _sent(server)
    assert query["properties"] == ['[{"key":"$ai_latency","value":1.5,"operator":"lte"}]']
    assert query["select"] == ['["event"]']


REFUSED: list[tuple[str, Callable[[AsyncPostHog], Any], str]] = [
    ("select-str", lambda c: c.events.list(select="event"), "select"),
    ("where-str", lambda c: c.events.list(where="event = 'x'"), "where"),
    ("select-bytes", lambda c: c.events.list(select=b"event"), "select"),
    ("select-set", lambda c: c.events.list(select={"event", "timestamp"}), "select"),
    ("select-int-item", lambda c: c.events.list(select=["event", 3]), "select[1]"),
    ("where-none-item", lambda c: c.events.list(where=[None]), "where[0]"),
    ("select-not-iterable", lambda c: c.events.list(select=5), "select"),
    ("properties-dict", lambda c: c.events.list(properties={"key": "a", "value": 1}), "dict"),
    ("properties-str", lambda c: c.events.list(properties='[{"key": "a"}]'), "properties"),
    ("properties-str-item", lambda c: c.events.list(properties=["key"]), "properties[0]"),
    (
        "properties-key-int",
        lambda c: c.events.list(properties=[{"key": 5}]),
        "properties[0]: key must be str",
    ),
    (
        "properties-nan",
        lambda c: c.events.list(properties=[{"key": "a", "value": math.nan}]),
        "properties",
    ),
    (
        "properties-inf",
        lambda c: c.events.list(properties=[{"key": "a", "value": [math.inf]}]),
        "properties",
    ),
    (
        "properties-set-value",
        lambda c: c.events.list(properties=[{"key": "a", "value": {1, 2}}]),
        "set",
    ),
    (
        "properties-object-value",
        lambda c: c.events.list(properties=[{"key": "a", "value": object()}]),
        "object",
    ),
]


async def test_wrong_types_are_refused_before_sending(client: AsyncPostHog, server: Server) -> None:
    # One server for every case: nothing may reach it, so its log stays empty throughout.
    for case, call, named in REFUSED:
        with pytest.raises(InvalidRequestError) as caught:
            await call(client)
        assert named in str(caught.value), case
        assert KEY not in str(caught.value), case
        assert server.log() == [], case  # nothing was sent


async def test_server_answers_400_for_parameters_that_are_not_json(server: Server) -> None:
    seed_demo(server.state)
    async with httpx.AsyncClient(
        base_url=server.url, headers={"Authorization": f"Bearer {KEY}"}
    ) as raw:
        bad_properties = await raw.get(EVENTS, params={"properties": "invalid_json"})
        # What the SDK used to send: a Python repr is not JSON either.
        repr_properties = await raw.get(EVENTS, params={"properties": str([{"key": "a"}])})
        nan_properties = await raw.get(EVENTS, params={"properties": '[{"key":"a","value":NaN}]'})
        repeated_select = await raw.get(EVENTS, params=[("select", "event"), ("select", "x")])
        object_where = await raw.get(EVENTS, params={"where": '{"a": 1}'})
        fine = await raw.get(EVENTS, params={"select": '["event"]', "where": "[]"})

    for response in (bad_properties, repr_properties, nan_properties):
        assert response.status_code == 400
        assert response.json() == {
            "type": "validation_error",
            "code": "invalid_input",
            "detail": "Properties are unparsable!",
            "attr": None,
        }
    assert repeated_select.status_code == 400 and repeated_select.json()["attr"] == "select"
    assert object_where.status_code == 400 and object_where.json()["attr"] == "where"
    assert fine.status_code == 200 and len(fine.json()["results"]) == 12


# A dict is iterable, but iterating it sends its keys and drops its values; json.dumps
# turns int, bool and None keys into text (and 1 and True are one key in Python), so the
# server would see other keys than the caller wrote (issue 9 review, item 17).
MAPPINGS_AND_KEYS: list[tuple[str, Callable[[AsyncPostHog], Any], str]] = [
    ("select-dict", lambda c: c.events.list(select={"event": 1}), "select must be"),
    ("where-dict", lambda c: c.events.list(where={"event = 'x'": True}), "where must be"),
    (
        "select-mappingproxy",
        lambda c: c.events.list(select=MappingProxyType({"event": "x"})),
        "got mappingproxy",
    ),
    (
        "nested-int-none-keys",
        lambda c: c.events.list(properties=[{"key": "a", "value": {1: "x", None: 2}}]),
        "a dict key is int 1, not str",
    ),
    (
        "nested-bool-key",
        lambda c: c.events.list(properties=[{"key": "a", "value": {"b": {True: 3}}}]),
        "a dict key is bool True, not str",
    ),
    (
        "deep-none-key",
        lambda c: c.events.list(properties=[{"key": "a", "value": [[{"ok": {None: 2}}]]}]),
        "a dict key is NoneType None, not str",
    ),
    ("top-level-float-key", lambda c: c.events.list(properties=[{"key": "a", 1.5: 2}]), "float"),
]


async def test_mappings_and_non_str_keys_are_refused_before_sending(
    client: AsyncPostHog, server: Server
) -> None:
    for case, call, named in MAPPINGS_AND_KEYS:
        with pytest.raises(InvalidRequestError) as caught:
            await call(client)
        assert named in str(caught.value), (case, str(caught.value))
        assert server.log() == [], case  # nothing was sent

    # str keys, however they look, still go out as written.
    seed_demo(server.state)
    value = {"1": "x", "true": 3, "null": 2}
    await client.events.list(properties=[{"key": "a", "value": value}]).collect()
    (query,) = _sent(server)
    assert json.loads(query["properties"][0]) == [{"key": "a", "value": value}]
