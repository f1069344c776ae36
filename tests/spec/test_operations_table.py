"""generated/posthog_api_client/operations.py agrees with an independent walk of the spec."""

from __future__ import annotations

from posthog_api_client.operations import OPERATIONS, Operation

from .spec_util import load_spec, operations, resolve, response_schema_name, security_scopes


def _from_spec() -> dict[str, Operation]:
    spec = load_spec()
    return {
        o.operation_id: Operation(
            o.operation_id,
            o.method,
            o.path,
            o.op["tags"][0],
            security_scopes(o.op, spec),
            tuple(sorted(int(code) for code in o.op["responses"] if 200 <= int(code) < 300)),
        )
        for o in operations(spec)
    }


def test_one_entry_per_spec_operation() -> None:
    assert OPERATIONS
    assert set(OPERATIONS) == set(_from_spec())


def test_method_path_tag_scopes_and_success_statuses_match_the_spec() -> None:
    expected = _from_spec()
    mismatches = {
        op_id: (OPERATIONS[op_id][:6], want[:6])
        for op_id, want in expected.items()
        if OPERATIONS[op_id][:6] != want[:6]
    }
    assert mismatches == {}


def test_params_are_the_spec_parameters_the_caller_gives() -> None:
    """Every path and query parameter but project_id (the client's) and, on a paged
    list, limit/offset (the paginator's) has a Param, with the spec's location."""
    spec = load_spec()
    for o in operations(spec):
        listed = [
            resolve(p, spec)
            for p in [*o.path_item.get("parameters", []), *o.op.get("parameters", [])]
        ]
        paged = (response_schema_name(o.op, "200") or "").startswith("Paginated")
        expected = {
            (p["name"], p["in"], bool(p.get("required")) or p["in"] == "path")
            for p in listed
            if p["name"] != "project_id" and not (paged and p["name"] in ("limit", "offset"))
        }
        got = {(p.wire, p.location, p.required) for p in OPERATIONS[o.operation_id].params}
        assert got == expected, o.operation_id


def test_calls_are_unique_namespace_dot_method_names() -> None:
    calls = [op.call for op in OPERATIONS.values()]
    assert len(set(calls)) == len(calls)
    for call in calls:
        namespace, method = call.split(".")
        assert namespace.isidentifier() and method.isidentifier(), call


def test_entries_are_keyed_by_their_own_operation_id() -> None:
    assert all(key == op.operation_id for key, op in OPERATIONS.items())


def test_max_tools_needs_insight_and_query_read() -> None:
    scopes = OPERATIONS["max_tools_create_and_query_insight_create"].scopes
    assert set(scopes) == {"insight:read", "query:read"}


def test_scope_free_operations_are_exactly_the_ones_the_spec_leaves_open() -> None:
    open_ops = {op_id for op_id, op in OPERATIONS.items() if op.scopes == ()}
    assert open_ops == {op_id for op_id, op in _from_spec().items() if not op.scopes}
    assert "integrations_authorize_retrieve" in open_ops
    assert "llm_prompts_retrieve" not in open_ops


def test_success_statuses_are_2xx_and_only_refused_deletes_have_none() -> None:
    """The call path names these when a server answers another 2xx (200 for a 201)."""
    assert all(200 <= code < 300 for op in OPERATIONS.values() for code in op.success)
    without = {op_id for op_id, op in OPERATIONS.items() if not op.success}
    # PostHog answers 405 to a hard delete of these: they have no success status.
    assert without == {
        "dataset_items_destroy",
        "datasets_destroy",
        "evaluations_destroy",
        "llm_prompts_destroy",
    }
    assert OPERATIONS["llm_prompts_create"].success == (201,)
    assert OPERATIONS["llm_prompts_name_archive_create"].success == (200, 204)
