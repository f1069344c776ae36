"""What goes on the wire: URL, method, query, JSON body and headers, per resource area."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import httpx
import pytest

from posthog_api import __version__

from .conftest import API_KEY, HOST, PROJECT_ID, MakeClient, body_of, match_operation
from .conftest import success_response as answer

A = uuid.UUID(int=0xA)
B = uuid.UUID(int=0xB)
P = PROJECT_ID
TS = "2026-01-01T00:00:00+00:00"
ENV = f"/api/projects/{P}"

# id, (namespace, method, args, kwargs), (method, path, query items, json body or None)
CASES: list[tuple[str, tuple[Any, ...], tuple[Any, ...]]] = [
    (
        "prompts.create",
        ("prompts", "create", ("greeting", "Hello {{name}}"), {}),
        ("POST", f"{ENV}/llm_prompts/", [], {"name": "greeting", "prompt": "Hello {{name}}"}),
    ),
    (
        "prompts.resolve",
        ("prompts", "resolve", ("greeting",), {"limit": 20, "offset": 40}),
        (
            "GET",
            f"{ENV}/llm_prompts/resolve/name/greeting/",
            [("limit", "20"), ("offset", "40")],
            None,
        ),
    ),
    (
        "datasets.list",
        (
            "datasets",
            "list",
            (),
            {"id_in": [A, str(B)], "order_by": ["name", "-created_at"], "page_size": 25},
        ),
        (
            "GET",
            f"/api/projects/{P}/datasets/",
            [("id__in", f"{A},{B}"), ("limit", "25"), ("order_by", "name,-created_at")],
            None,
        ),
    ),
    (
        "datasets.update",
        ("datasets", "update", (A,), {"description": None, "metadata": {"k": [1, 2]}}),
        (
            "PATCH",
            f"/api/projects/{P}/datasets/{A}/",
            [],
            {"description": None, "metadata": {"k": [1, 2]}},
        ),
    ),
    (
        "dataset_items.create",
        ("dataset_items", "create", (), {"dataset": A, "input": {"q": "hi"}, "output": None}),
        (
            "POST",
            f"/api/projects/{P}/dataset_items/",
            [],
            {"dataset": str(A), "input": {"q": "hi"}, "output": None},
        ),
    ),
    (
        "dataset_items.list",
        ("dataset_items", "list", (), {"dataset": str(A)}),
        ("GET", f"/api/projects/{P}/dataset_items/", [("dataset", str(A))], None),
    ),
    (
        "evaluations.list",
        ("evaluations", "list", (), {"enabled": True, "search": "tone", "page_size": 5}),
        (
            "GET",
            f"{ENV}/evaluations/",
            [("enabled", "true"), ("limit", "5"), ("search", "tone")],
            None,
        ),
    ),
    (
        "evaluations.soft_delete",
        ("evaluations", "soft_delete", (str(A),), {}),
        ("PATCH", f"{ENV}/evaluations/{A}/", [], {"deleted": True}),
    ),
    (
        "evaluation_runs.create",
        (
            "evaluation_runs",
            "create",
            (),
            {"evaluation_id": str(A), "target_event_id": str(B), "timestamp": TS},
        ),
        (
            "POST",
            f"{ENV}/evaluation_runs/",
            [],
            {"evaluation_id": str(A), "target_event_id": str(B), "timestamp": TS},
        ),
    ),
    (
        "llm_analytics.text_repr",
        ("llm_analytics", "text_repr", (), {"event_type": "$ai_trace", "data": {"x": 1}}),
        (
            "POST",
            f"{ENV}/llm_analytics/text_repr/",
            [],
            {"event_type": "$ai_trace", "data": {"x": 1}},
        ),
    ),
    (
        "llm_analytics.provider_keys",
        ("llm_analytics", "provider_keys", (), {"page_size": 100}),
        ("GET", f"{ENV}/llm_analytics/provider_keys/", [("limit", "100")], None),
    ),
    (
        "logs.query",
        ("logs", "query", (), {"query": {"severityLevels": ["error"]}}),
        ("POST", f"{ENV}/logs/query/", [], {"query": {"severityLevels": ["error"]}}),
    ),
    (
        "integrations.github_repos",
        ("integrations", "github_repos", (17,), {}),
        ("GET", f"{ENV}/integrations/17/github_repos/", [], None),
    ),
    (
        "persisted_folders.create",
        (
            "persisted_folders",
            "create",
            (),
            {"type": "home", "protocol": "products://", "path": "x/y"},
        ),
        (
            "POST",
            f"{ENV}/persisted_folder/",
            [],
            {"type": "home", "protocol": "products://", "path": "x/y"},
        ),
    ),
    (
        "error_tracking.start_upload",
        ("error_tracking", "start_upload", (), {"chunk_id": "abc", "release_id": None}),
        (
            "POST",
            f"{ENV}/error_tracking/symbol_sets/start_upload/",
            [],
            {"chunk_id": "abc", "release_id": None},
        ),
    ),
    (
        "events.list",
        (
            "events",
            "list",
            (),
            {"event": "$ai_generation", "after": datetime.datetime(2024, 5, 1, 12, 0)},
        ),
        (
            "GET",
            f"{ENV}/events/",
            [("after", "2024-05-01T12:00:00"), ("event", "$ai_generation")],
            None,
        ),
    ),
    (
        "max_tools.create_and_query_insight",
        ("max_tools", "create_and_query_insight", (), {"query_description": "weekly users"}),
        (
            "POST",
            f"{ENV}/max_tools/create_and_query_insight/",
            [],
            {"query_description": "weekly users"},
        ),
    ),
]


@pytest.mark.parametrize(("call", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
async def test_request_shape(
    make_client: MakeClient, call: tuple[Any, ...], expected: tuple[Any, ...]
) -> None:
    h = make_client(lambda request: answer(match_operation(request), request))
    namespace, method_name, args, kwargs = call
    method, path, query, body = expected

    result = getattr(getattr(h.client, namespace), method_name)(*args, **kwargs)
    await result  # a coroutine, or a paginator (awaiting it fetches the first page)

    assert len(h.requests) == 1
    request = h.requests[0]
    assert request.method == method
    assert f"{request.url.scheme}://{request.url.host}" == HOST
    assert request.url.path == path
    assert path.endswith("/")
    assert sorted(request.url.params.multi_items()) == sorted(query)
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    user_agent = request.headers["user-agent"]
    assert user_agent.startswith(f"posthog-api-async/{__version__} ")
    if body is None:
        assert request.content == b""
        assert "content-type" not in request.headers
    else:
        assert request.headers["content-type"] == "application/json"
        assert body_of(request) == body


async def test_every_resource_area_has_a_shape_case() -> None:
    from .test_coverage import NAMESPACES

    assert {case[1][0] for case in CASES} == set(NAMESPACES)


async def test_list_params_go_out_unchanged_on_later_offset_pages(make_client: MakeClient) -> None:
    """With concurrency, later pages repeat the filters and move only limit/offset."""
    rows = [{"id": str(uuid.UUID(int=i)), "name": f"d{i}"} for i in range(5)]

    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", "0"))
        limit = int(request.url.params["limit"])
        page = [_dataset(r) for r in rows[offset : offset + limit]]
        more = offset + limit < len(rows)
        # A limit/offset next link, as PostHog sends: concurrent paging reads its offsets there.
        nxt = f"{HOST}/api/projects/{P}/datasets/?limit={limit}&offset={offset + limit}"
        return httpx.Response(
            200,
            json={"count": len(rows), "next": nxt if more else None, "results": page},
        )

    h = make_client(handler)
    got = await h.client.datasets.list(
        order_by="name", id_in=[A], page_size=2, concurrency=3
    ).collect()
    assert [d.name for d in got] == [r["name"] for r in rows]
    for request in h.requests:
        assert request.url.params.get_list("order_by") == ["name"]
        assert request.url.params.get_list("id__in") == [str(A)]
    assert sorted(int(r.url.params.get("offset", "0")) for r in h.requests) == [0, 2, 4]


def _dataset(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": None,
        "created_by": None,
        "team": 1,
    }
