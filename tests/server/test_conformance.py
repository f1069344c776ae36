"""Every one of the spec's operations against the local server, on its success path.

The requests are derived from the generated operation table and the spec (path
arguments from each operation's Params, the body from the required fields of its
schema), so an operation added to the spec is exercised here without a test edit. Only
what the spec cannot say is written down: which seeded row a path or body refers to.
The ``checker`` fixture validates each response body against the spec's schema for its
operation and status; the last test makes sure the checker itself rejects off-spec bodies.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import httpx
from posthog_api_client import models
from posthog_api_client.operations import OPERATIONS, Operation
from spec.examples import argument, body
from spec.spec_util import load_spec, response_schema_name

from posthog_api.testing import ServerState, seed_demo

from .conftest import BASE, PROJECT, SpecChecker

# The prompt every by-name operation reads; archiving it runs last.
PROMPT = "support-bot"
LAST = ("llm_prompts_name_archive_create",)
# Bodies the spec leaves open (a free-form JSON object) but the server reads a field of.
# And one the spec cannot state: publishing needs one of prompt, edits or config.
OPEN_BODIES = {
    "error_tracking_symbol_sets_start_upload_create": {"chunk_id": "chunk-1"},
    "llm_prompts_name_partial_update": {"prompt": "You are a support assistant. v4"},
}


def _references(state: ServerState) -> tuple[dict[str, Any], dict[str, Any]]:
    """(a seeded row id per tag, a value per body field naming a seeded row)."""
    seeded = seed_demo(state)
    latest = max((r for r in state.prompts if r["name"] == PROMPT), key=lambda r: r["version"])
    # The label the label paths name, so that removing it (which runs first) finds it.
    label_param = OPERATIONS["llm_prompts_name_labels_destroy"].params
    state.seed_label(PROMPT, argument(next(p for p in label_param if p.wire == "label_name")))
    rows = {
        "datasets": seeded["dataset"],
        "dataset_items": seeded["dataset_items"][0],
        "evaluations": seeded["evaluation"],
        "llm_prompts": latest["id"],
    }
    fields = {
        "dataset": seeded["dataset"],
        "evaluation_id": seeded["evaluation"],
        "key_id": seeded["provider_key"],
        "base_version": latest["version"],
        "new_name": f"{PROMPT}-copy",  # a free name for the duplicate
        "version": latest["version"],  # the version a label is set to
    }
    return rows, fields


def _integration(state: ServerState, operation: Operation) -> int:
    """The seeded integration of the kind the path is for: ``/integrations/{id}/jira_projects/``
    is for ``jira``, ``google_conversion_actions`` for ``google-ads``."""
    action = operation.path.rstrip("/").rsplit("/", 1)[1]
    found = [i for i, r in state.integrations.items() if action.startswith(r["kind"].split("-")[0])]
    assert len(found) == 1, (operation.operation_id, found)
    return found[0]


def _request(
    state: ServerState, operation: Operation, rows: dict[str, Any], fields: dict[str, Any]
) -> tuple[str, dict[str, Any], Any]:
    path = operation.path.replace("{project_id}", PROJECT)
    for param in operation.params:
        if param.location != "path":
            continue
        if param.wire == "prompt_name":
            value: Any = PROMPT
        elif param.kind == "uuid":
            value = rows[operation.tag]
        elif operation.tag == "integrations":
            value = _integration(state, operation)
        else:
            value = argument(param)
        path = path.replace(f"{{{param.wire}}}", str(value))
    query = {p.wire: argument(p) for p in operation.params if p.location == "query" and p.required}
    payload = body(operation)
    if payload is not None:
        payload = {k: fields.get(k, v) for k, v in payload.items()}
        payload.update(OPEN_BODIES.get(operation.operation_id, {}))
    return path, query, payload


def _parse(operation: Operation, response: httpx.Response) -> Any:
    """The body parsed into the generated model the SDK parses it into."""
    spec_op = load_spec()["paths"][operation.path][operation.method.lower()]
    name = response_schema_name(spec_op, str(response.status_code))
    if name is None:
        assert not response.content, operation.operation_id
        return None
    return getattr(models, name).from_dict(response.json())


async def test_all_operations_conform(
    http: httpx.AsyncClient, state: ServerState, checker: SpecChecker
) -> None:
    rows, fields = _references(state)
    order = sorted(OPERATIONS, key=lambda op_id: (op_id in LAST, op_id))
    for operation_id in order:
        operation = OPERATIONS[operation_id]
        path, query, payload = _request(state, operation, rows, fields)
        response = await http.request(operation.method, path, params=query, json=payload)
        # PostHog refuses the hard deletes the spec documents no success for.
        expected = operation.success or (405,)
        assert response.status_code in expected, (operation_id, response.text)
        if response.status_code < 300:
            _parse(operation, response)
    assert {op for op, _ in checker.checked} == set(OPERATIONS)
    assert len(checker.checked) == len(OPERATIONS)
    # The request log names each operation once.
    assert sorted(r.operation_id or "" for r in state.requests) == sorted(OPERATIONS)


def test_checker_rejects_off_spec_bodies() -> None:
    """The conformance check would notice a wrong shape, a wrong type or a stray body."""
    spec_checker = SpecChecker()
    request = httpx.Request("GET", f"{BASE}/api/projects/1/llm_prompts/name/x/")
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
