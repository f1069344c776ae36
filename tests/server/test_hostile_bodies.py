"""Hostile request bodies: never a 5xx, never stored, never poisoning later reads.

JSON that Python reads but cannot write back (``NaN``, ``Infinity``, ``1e999``, lone
surrogates), bodies nested past the server's depth limit, and out-of-range dates are
refused with a 400 in PostHog's error envelope. A hypothesis fuzz test sends generated
bodies to every operation of the generated operation table and asserts no 5xx.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from posthog_api_client.operations import OPERATIONS, Operation

from posthog_api.testing import ServerState, create_app, run_in_thread, seed_demo

from .conftest import KEY, KEYS, PROJECT, READ_KEY, SPEC

ENV = f"/api/projects/{PROJECT}"
PROJ = f"/api/projects/{PROJECT}"
ENVELOPE_KEYS = {"type", "code", "detail", "attr"}
MAX_DEPTH = 100  # the server's documented nesting limit (posthog_api.testing._json)


def _nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


def _assert_parse_error(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text[:200]
    body = response.json()
    assert set(body) == ENVELOPE_KEYS
    assert body["type"] == "invalid_request" and body["code"] == "parse_error"
    assert body["detail"].startswith("JSON parse error - ")


BAD_PROMPTS = [
    pytest.param("NaN", id="nan"),
    pytest.param("Infinity", id="infinity"),
    pytest.param("-Infinity", id="minus-infinity"),
    pytest.param("1e999", id="overflow"),
    pytest.param("-1e999", id="negative-overflow"),
    pytest.param('{"a": [1, 2, NaN]}', id="nested-nan"),
    pytest.param('"\\ud800"', id="lone-surrogate"),
    pytest.param('{"\\udfff": 1}', id="surrogate-key"),
    pytest.param("1" * 5000, id="int-past-digit-limit"),
    pytest.param(_nested(MAX_DEPTH), id="past-depth-limit"),
    pytest.param(_nested(100_000), id="recursion-error-deep"),
]


@pytest.mark.parametrize("raw_prompt", BAD_PROMPTS)
async def test_unwritable_prompt_is_refused_and_not_stored(
    http: httpx.AsyncClient, state: ServerState, raw_prompt: str
) -> None:
    body = '{"name": "poison", "prompt": ' + raw_prompt + "}"
    created = await http.post(f"{ENV}/llm_prompts/", content=body)
    _assert_parse_error(created)
    assert state.prompts == []
    # The list still answers, for every key that may read it, and the name is still free.
    assert (await http.get(f"{ENV}/llm_prompts/")).status_code == 200
    as_reader = await http.get(
        f"{ENV}/llm_prompts/", headers={"Authorization": f"Bearer {READ_KEY}"}
    )
    assert as_reader.status_code == 200 and as_reader.json()["count"] == 0
    fine = await http.post(f"{ENV}/llm_prompts/", json={"name": "poison", "prompt": "ok"})
    assert fine.status_code == 201 and fine.json()["version"] == 1


async def test_publish_with_nan_is_refused_and_history_unchanged(
    http: httpx.AsyncClient, state: ServerState
) -> None:
    await http.post(f"{ENV}/llm_prompts/", json={"name": "p", "prompt": "v1"})
    published = await http.patch(
        f"{ENV}/llm_prompts/name/p/", content='{"prompt": [NaN], "base_version": 1}'
    )
    _assert_parse_error(published)
    assert [r["prompt"] for r in state.prompts] == ["v1"]
    latest = await http.get(f"{ENV}/llm_prompts/name/p/")
    assert latest.status_code == 200 and latest.json()["version"] == 1


async def test_depth_limit_is_inclusive(http: httpx.AsyncClient, state: ServerState) -> None:
    # The body object is level 1, so the prompt may nest MAX_DEPTH - 1 levels.
    deepest = '{"name": "deep", "prompt": ' + _nested(MAX_DEPTH - 1) + "}"
    created = await http.post(f"{ENV}/llm_prompts/", content=deepest)
    assert created.status_code == 201
    fetched = await http.get(f"{ENV}/llm_prompts/name/deep/")
    assert fetched.status_code == 200
    assert json.dumps(fetched.json()["prompt"]) == _nested(MAX_DEPTH - 1)


@pytest.mark.parametrize(
    ("path", "raw"),
    [
        (f"{PROJ}/datasets/", '{"name": "d", "metadata": {"x": Infinity}}'),
        (
            f"{PROJ}/dataset_items/",
            '{"dataset": "<dataset>", "input": {"text": "\\udc00"}}',
        ),
        (f"{ENV}/evaluations/", '{"name": "e", "evaluation_config": ' + _nested(5000) + "}"),
        (f"{ENV}/llm_analytics/summarization/", '{"summarize_type": "trace", "data": NaN}'),
        (f"{ENV}/logs/query/", '{"query": {"limit": 1e999}}'),
    ],
)
async def test_every_body_operation_refuses_unwritable_json(
    http: httpx.AsyncClient, state: ServerState, path: str, raw: str
) -> None:
    ids = seed_demo(state)
    stored = (len(state.datasets), len(state.dataset_items), len(state.evaluations))
    _assert_parse_error(await http.post(path, content=raw.replace("<dataset>", ids["dataset"])))
    assert (len(state.datasets), len(state.dataset_items), len(state.evaluations)) == stored
    for listing in ("datasets", "dataset_items"):
        assert (await http.get(f"{PROJ}/{listing}/")).status_code == 200
    assert (await http.get(f"{ENV}/evaluations/")).status_code == 200


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
async def test_dates_that_overflow_in_utc_are_a_400(
    http: httpx.AsyncClient, state: ServerState, stamp: str
) -> None:
    ids = seed_demo(state)
    run = await http.post(
        f"{ENV}/evaluation_runs/",
        json={"evaluation_id": ids["evaluation"], "target_event_id": "e1", "timestamp": stamp},
    )
    assert run.status_code == 400 and run.json()["attr"] == "timestamp"
    item = await http.post(
        f"{PROJ}/dataset_items/", json={"dataset": ids["dataset"], "ref_timestamp": stamp}
    )
    assert item.status_code == 400 and item.json()["attr"] == "ref_timestamp"
    events = await http.get(f"{ENV}/events/", params={"after": stamp})
    assert events.status_code == 400 and events.json()["attr"] == "after"


async def test_over_loopback_a_nan_prompt_is_a_400_and_lists_keep_working() -> None:
    state = ServerState(project_id=PROJECT, keys=KEYS)
    with run_in_thread(state) as base_url:
        async with httpx.AsyncClient(
            base_url=base_url, headers={"Authorization": f"Bearer {KEY}"}
        ) as raw:
            for prompt in ("NaN", "1e999", _nested(2000)):
                created = await raw.post(
                    f"{ENV}/llm_prompts/", content='{"name": "x", "prompt": ' + prompt + "}"
                )
                _assert_parse_error(created)
            assert state.prompts == []
            listed = await raw.get(f"{ENV}/llm_prompts/")
            assert listed.status_code == 200 and listed.json()["count"] == 0


# ----------------------------------------------------------------------------- fuzz


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = SPEC
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    if "allOf" in node and len(node["allOf"]) == 1:
        return _resolve({**node["allOf"][0], **{k: v for k, v in node.items() if k != "allOf"}})
    return node


def _body_schema(operation: Operation) -> dict[str, Any] | None:
    spec_op = SPEC["paths"][operation.path][operation.method.lower()]
    content = spec_op.get("requestBody", {}).get("content", {}).get("application/json")
    return _resolve(content["schema"]) if content else None


_DATES = [
    "2025-01-01T10:00:00Z",
    "2025-01-01",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-23:59",
    "2025-02-30T00:00:00Z",
    "not a date",
]
_HOSTILE_TEXT = [
    "",
    " ",
    "new",
    "NEW",
    "../x",
    "\x00",
    "\u202e",
    "\ufeff",
    "\U0001d518\U0001d52b",
    "e\u0301",
    "a" * 300,
]
# Values Python's json writes as NaN/Infinity tokens: the server must refuse them.
_floats = st.floats(allow_nan=True, allow_infinity=True)
_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([10**300, -(10**300), 2**63, 0, -1])
    | _floats
    | st.text(max_size=20)
    | st.sampled_from(_HOSTILE_TEXT + _DATES)
)
_json_values = st.recursive(
    _leaves,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def _for_schema(schema: dict[str, Any], ids: list[str], depth: int = 0) -> st.SearchStrategy[Any]:
    """Mostly values of the documented type, so the handlers' own checks are reached."""
    schema = _resolve(schema)
    plausible: list[st.SearchStrategy[Any]] = []
    if "enum" in schema:
        plausible.append(st.sampled_from([v for v in schema["enum"] if v is not None]))
    kinds = schema.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if schema.get("format") == "uuid":
        plausible.append(st.sampled_from([*ids, str(uuid.UUID(int=0)), "nope"]))
    if schema.get("format") == "date-time":
        plausible.append(st.sampled_from(_DATES))
    if "integer" in kinds:
        plausible.append(st.integers(-5, 2000) | st.sampled_from([10**400, 2**31]))
    if "boolean" in kinds:
        plausible.append(st.booleans())
    if "array" in kinds:
        items = schema.get("items", {})
        plausible.append(st.lists(_for_schema(items, ids, depth + 1), max_size=3))
    if "object" in kinds and schema.get("properties") and depth < 2:
        plausible.append(_object_for(schema, ids, depth + 1))
    if "string" in kinds:
        plausible.append(st.text(max_size=30) | st.sampled_from(["support-bot", *_HOSTILE_TEXT]))
    return st.one_of(*plausible, _json_values) if plausible else _json_values


def _object_for(schema: dict[str, Any], ids: list[str], depth: int = 0) -> st.SearchStrategy[Any]:
    fields = {
        name: _for_schema(sub, ids, depth) for name, sub in schema.get("properties", {}).items()
    }
    return st.fixed_dictionaries({}, optional=fields)


def _encode(value: Any) -> str:
    # allow_nan: the point is to send NaN/Infinity tokens; the server must refuse them.
    return json.dumps(value, allow_nan=True)


def _raw_bodies(schema: dict[str, Any] | None, ids: list[str]) -> st.SearchStrategy[bytes]:
    shaped = _object_for(schema, ids) if schema else _json_values
    as_text = st.one_of(
        shaped.map(_encode),
        _json_values.map(_encode),
        st.tuples(shaped.map(_encode), st.integers(1, 3000)).map(
            lambda pair: _nested(pair[1], pair[0])
        ),
        st.tuples(st.sampled_from(['{"a":', "["]), st.integers(1, 3000)).map(
            lambda pair: pair[0] * pair[1] + "0" + ("}" if pair[0][0] == "{" else "]") * pair[1]
        ),
        st.sampled_from(["NaN", "1e999", '"\\ud800"', "1" * 4400, "{", "[1,]", "\ufeff{}"]),
    )
    return st.one_of(
        as_text.map(lambda text: text.encode("utf-8", "surrogatepass")),
        st.binary(max_size=40),
    )


def _path_values(state: ServerState, ids: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """Existing and missing path parameter values, per tag."""
    integration = [str(i) for i in state.integrations]
    prompt_ids = [row["id"] for row in state.prompts]
    by_tag = {
        "llm_prompts": {"id": prompt_ids, "prompt_name": [*ids["prompts"], "missing", "new"]},
        "datasets": {"id": [ids["dataset"]]},
        "dataset_items": {"id": ids["dataset_items"]},
        "evaluations": {"id": [ids["evaluation"]]},
        "integrations": {"id": integration},
    }
    return by_tag


_BODY_METHODS = ("POST", "PATCH", "PUT")
_OPERATIONS = sorted(OPERATIONS.values(), key=lambda op: op.operation_id)
_LISTS = [op for op in _OPERATIONS if op.method == "GET" and op.path.count("{") == 1]


@pytest.fixture
def fuzz_target() -> Iterator[tuple[ServerState, httpx.AsyncClient, asyncio.AbstractEventLoop]]:
    """A seeded app in process, driven from a plain loop (hypothesis runs synchronously)."""
    state = ServerState(project_id=PROJECT, keys=KEYS)
    loop = asyncio.new_event_loop()
    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(state), raise_app_exceptions=False),
        base_url="http://testserver",
        headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"},
    )
    yield state, http, loop
    loop.run_until_complete(http.aclose())
    loop.close()


@pytest.mark.parametrize("operation", _OPERATIONS, ids=lambda op: op.operation_id)
def test_fuzz_no_operation_answers_5xx_for_any_body(
    fuzz_target: tuple[ServerState, httpx.AsyncClient, asyncio.AbstractEventLoop],
    operation: Operation,
) -> None:
    state, http, loop = fuzz_target
    ids = seed_demo(state)
    every_id = [ids["dataset"], ids["evaluation"], *ids["dataset_items"]]
    choices = _path_values(state, ids).get(operation.tag, {})
    bodies = _raw_bodies(_body_schema(operation), every_id)

    @st.composite
    def requests(draw: st.DrawFn) -> tuple[str, bytes]:
        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if name == "project_id":
                return PROJECT
            return draw(st.sampled_from([*choices.get(name, []), "0", "x" * 3]))

        return re.sub(r"\{(\w+)\}", fill, operation.path), draw(bodies)

    # Bounded so that all 53 operations together take a few seconds; derandomized so
    # that CI runs the same examples every time.
    @settings(
        max_examples=25 if operation.method in _BODY_METHODS else 4,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(requests())
    def one(request: tuple[str, bytes]) -> None:
        url, body = request
        response = loop.run_until_complete(http.request(operation.method, url, content=body))
        assert response.status_code < 500, (body[:200], response.text[:300])
        if response.content:
            payload = response.json()  # every answer, even a refusal, is JSON
            if response.status_code == 400:
                assert "detail" in payload, payload

    one()
    # Nothing the fuzzer sent was stored in a form that makes a later read fail.
    for listing in _LISTS:
        answer = loop.run_until_complete(http.get(listing.path.replace("{project_id}", PROJECT)))
        assert answer.status_code == 200, (listing.operation_id, answer.text[:300])
