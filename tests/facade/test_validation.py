"""Arguments are checked before anything is sent: every case here sends zero requests."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from posthog_api._errors import InvalidRequestError

from .conftest import API_KEY, Harness, MakeClient, match_operation, success_response

A = uuid.UUID(int=0xA)

Call = Callable[[Any], Awaitable[Any] | Any]


@pytest.fixture
def h(make_client: MakeClient) -> Harness:
    return make_client(lambda request: success_response(match_operation(request), request))


async def refused(h: Harness, call: Call, *fragments: str) -> InvalidRequestError:
    """Run ``call(client)``; it must raise InvalidRequestError before sending anything."""
    with pytest.raises(InvalidRequestError) as info:
        result = call(h.client)
        await result
    assert h.requests == []
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message
    assert API_KEY not in message
    return info.value


BAD_NAMES = ["", ".", "..", "a/b", "%2F", "a%2Fb", "a b", "x" * 256, "né", 5, None]


@pytest.mark.parametrize("name", BAD_NAMES, ids=repr)
@pytest.mark.parametrize(
    "operation",
    [
        lambda c, n: c.prompts.fetch(n),
        lambda c, n: c.prompts.create(n, "text"),
        lambda c, n: c.prompts.publish(n, "text", base_version=1),
        lambda c, n: c.prompts.archive(n),
        lambda c, n: c.prompts.resolve(n),
    ],
    ids=["fetch", "create", "publish", "archive", "resolve"],
)
async def test_bad_prompt_names(h: Harness, operation: Any, name: Any) -> None:
    await refused(h, lambda c: operation(c, name), "prompt name")


@pytest.mark.parametrize("name", ["new", "NEW", "New"])
async def test_reserved_prompt_name(h: Harness, name: str) -> None:
    await refused(h, lambda c: c.prompts.create(name, "text"), "reserved")
    await refused(h, lambda c: c.prompts.fetch(name), "reserved")


BAD_IDS = ["", ".", "..", "a/b", "%2F", "not-a-uuid", f"{A}/../x", 5, None]


@pytest.mark.parametrize("bad", BAD_IDS, ids=repr)
@pytest.mark.parametrize(
    "operation",
    [
        lambda c, i: c.prompts.retrieve(i),
        lambda c, i: c.prompts.delete(i),
        lambda c, i: c.datasets.retrieve(i),
        lambda c, i: c.datasets.update(i, name="n"),
        lambda c, i: c.datasets.delete(i),
        lambda c, i: c.dataset_items.retrieve(i),
        lambda c, i: c.dataset_items.soft_delete(i),
        lambda c, i: c.evaluations.retrieve(i),
        lambda c, i: c.evaluations.update(i, enabled=True),
    ],
    ids=[
        "prompts.retrieve",
        "prompts.delete",
        "datasets.retrieve",
        "datasets.update",
        "datasets.delete",
        "dataset_items.retrieve",
        "dataset_items.soft_delete",
        "evaluations.retrieve",
        "evaluations.update",
    ],
)
async def test_non_uuid_ids(h: Harness, operation: Any, bad: Any) -> None:
    await refused(h, lambda c: operation(c, bad), "must be a UUID")


@pytest.mark.parametrize("bad", [0, -1, "3", "../3", True, 1.0])
async def test_integration_ids_are_positive_ints(h: Harness, bad: Any) -> None:
    await refused(
        h,
        lambda c: c.integrations.github_repos(bad),
        "posthog.integrations.github_repos: id must be",
    )


async def test_uuid_filters_are_checked(h: Harness) -> None:
    await refused(h, lambda c: c.datasets.list(id_in=[A, "nope"]), "id_in[1] must be a UUID")
    # A comma-joined string is not one UUID; a lone UUID string is one item (sent below).
    await refused(h, lambda c: c.datasets.list(id_in=f"{A},{A}"), "id_in[0] must be a UUID")
    await refused(h, lambda c: c.dataset_items.list(dataset="x"), "dataset")


async def test_a_lone_string_for_an_array_parameter_is_one_item(h: Harness) -> None:
    await h.client.datasets.list(id_in=str(A), order_by="name")
    assert len(h.requests) == 1
    assert h.requests[0].url.params["id__in"] == str(A)
    assert h.requests[0].url.params["order_by"] == "name"


async def test_wrong_types_for_body_fields(h: Harness) -> None:
    await refused(h, lambda c: c.datasets.create(name=5), "name", "str", "int")
    await refused(h, lambda c: c.datasets.create({"name": ["a"]}), "name")
    await refused(h, lambda c: c.datasets.create(name="n", deleted="yes"), "deleted")
    await refused(h, lambda c: c.evaluations.update(A, enabled=1), "enabled")
    await refused(h, lambda c: c.dataset_items.create(dataset="not-a-uuid"), "dataset")
    await refused(h, lambda c: c.dataset_items.create(ref_timestamp="yesterday"), "ISO 8601")
    await refused(h, lambda c: c.datasets.create(), "missing required field", "name")
    await refused(h, lambda c: c.evaluations.create(name="judge"), "evaluation_type", "output_type")
    await refused(h, lambda c: c.max_tools.create_and_query_insight(), "query_description")
    await refused(h, lambda c: c.datasets.create(body=[("name", "n")]), "body must be")


async def test_bool_is_not_an_int(h: Harness) -> None:
    await refused(h, lambda c: c.prompts.publish("p", "t", base_version=True), "base_version")


async def test_unknown_body_fields(h: Harness) -> None:
    await refused(h, lambda c: c.datasets.create({"name": "n", "nmae": "typo"}), "nmae")
    await refused(h, lambda c: c.evaluations.update(A, {"nmae": "t"}), "nmae", "expected one of")
    await refused(h, lambda c: c.dataset_items.update(A, {"inptu": 1}), "inptu")


async def test_a_misspelt_keyword_field_is_a_type_error(h: Harness) -> None:
    """The generated signature lists a fixed body's fields: a typo is Python's TypeError
    (which type checkers catch), and nothing is sent."""
    with pytest.raises(TypeError, match="nmae"):
        await h.client.evaluations.update(A, nmae="typo")  # type: ignore[call-arg]
    assert h.requests == []


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.datasets.create(name="n", metadata={"tags": {"a", "b"}}),
        lambda c: c.datasets.create(name="n", metadata={"score": float("nan")}),
        lambda c: c.datasets.create(name="n", metadata=float("inf")),
        lambda c: c.dataset_items.create(dataset=str(A), input=object()),
        lambda c: c.logs.query(query={"filter": {1, 2}}),
        lambda c: c.evaluation_runs.create(evaluation_id=str(A), extra=float("nan")),
        lambda c: c.prompts.create("p", {"messages": {"x"}}),
        lambda c: c.prompts.publish("p", float("nan"), base_version=1),
    ],
    ids=["set", "nan", "inf", "object", "open-set", "open-nan", "prompt-set", "prompt-nan"],
)
async def test_non_json_values(h: Harness, call: Call) -> None:
    await refused(h, call, "JSON")


async def test_prompt_over_one_megabyte(h: Harness) -> None:
    big = "x" * 1_000_001
    await refused(h, lambda c: c.prompts.create("big", big), "1,000,000")
    await refused(h, lambda c: c.prompts.publish("big", {"t": big}, base_version=1), "1,000,000")
    # Multi-byte characters count as bytes, not characters.
    await refused(h, lambda c: c.prompts.create("big", "é" * 500_001), "bytes")


async def test_prompt_of_exactly_one_megabyte_is_sent(h: Harness) -> None:
    await h.client.prompts.create("big", "x" * (1_000_000 - 2))  # two bytes of JSON quotes
    assert len(h.requests) == 1


async def test_offset_and_before_version_together(h: Harness) -> None:
    await refused(
        h, lambda c: c.prompts.resolve("p", offset=10, before_version=3), "offset", "before_version"
    )


@pytest.mark.parametrize("limit", [101, 1000, 0, -5])
async def test_resolve_limit_range(h: Harness, limit: int) -> None:
    await refused(h, lambda c: c.prompts.resolve("p", limit=limit), "limit")


async def test_limit_of_100_is_sent(h: Harness) -> None:
    await h.client.prompts.resolve("p", limit=100)
    assert h.requests[0].url.params["limit"] == "100"


async def test_list_filters_are_checked(h: Harness) -> None:
    await refused(h, lambda c: c.datasets.list(order_by=["name", "size"]), "order_by", "size")
    await refused(h, lambda c: c.evaluations.list(enabled="yes"), "enabled")
    await refused(h, lambda c: c.events.list(after="last tuesday"), "after")
    await refused(h, lambda c: c.events.list(format="xml"), "format")
    await refused(h, lambda c: c.datasets.list(concurrency=0), "concurrency")


async def test_valid_calls_still_send(make_client: MakeClient) -> None:
    """The checks above refuse only what is wrong: the nearest valid calls go out."""

    def handler(request: httpx.Request) -> httpx.Response:
        return success_response(match_operation(request), request)

    h = make_client(handler)
    await h.client.prompts.fetch("a-valid_Name-1")
    await h.client.datasets.retrieve(str(A).upper())
    await h.client.datasets.create(name="n", metadata={"tags": ["a", "b"], "score": 0.5})
    await h.client.integrations.github_repos(1)
    assert len(h.requests) == 4
    assert h.requests[1].url.path.endswith(f"/datasets/{A}/")


async def test_enum_arguments_outside_the_spec_are_refused(h: Harness) -> None:
    await refused(h, lambda c: c.llm_analytics.models(provider="mistral"), "provider", "openai")
    await refused(
        h, lambda c: c.logs.values(key="k", attribute_type="span"), "attribute_type", "log"
    )
    await refused(h, lambda c: c.logs.attributes(attribute_type="x"), "attribute_type")
    await refused(h, lambda c: c.events.list(format="xml"), "format", "csv, json")
