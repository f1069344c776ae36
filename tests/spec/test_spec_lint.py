"""openapi/posthog.yaml is a valid OpenAPI 3.1 document and follows the project's rules."""

from __future__ import annotations

import re
from typing import Any

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from .spec_util import SPEC_PATH, load_spec, lookup, operations, resolve

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
# Error responses that deliberately use another schema than ErrorResponse.
SPECIAL_ERROR_SCHEMAS = {
    ("llm_prompts_name_partial_update", "409"): "PromptVersionConflict",
}

OPS = list(operations())
OP_IDS = [o.operation_id for o in OPS]
LIST_OPS = [o for o in OPS if o.operation_id.endswith("_list")]
# Hard deletes (DELETE on a row's id) are refused with 405; removing a label is a real delete.
DELETE_OPS = [o for o in OPS if o.method == "DELETE" and o.path.endswith("{id}/")]


def _op_id(o: Any) -> str:
    return str(o.operation_id)


def _walk(node: Any, where: str = "#") -> Any:
    """Every (json-pointer, dict) in the document."""
    if isinstance(node, dict):
        yield where, node
        for k, v in node.items():
            yield from _walk(v, f"{where}/{str(k).replace('~', '~0').replace('/', '~1')}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, f"{where}/{i}")


def test_spec_is_valid_openapi_3_1() -> None:
    spec_dict, base_uri = read_from_filename(str(SPEC_PATH))
    assert spec_dict["openapi"].startswith("3.1")
    validate(spec_dict, base_uri=base_uri)


def test_validator_rejects_a_broken_copy() -> None:
    """The validity check above can fail: a response without a description is refused."""
    import copy

    broken = copy.deepcopy(load_spec())
    del broken["paths"]["/api/projects/{project_id}/llm_prompts/"]["get"]["responses"]["200"][
        "description"
    ]
    with pytest.raises(Exception, match="description"):
        validate(broken)


def test_operation_ids_are_unique_and_snake_case() -> None:
    assert len(OP_IDS) == len(set(OP_IDS))
    bad = [o for o in OP_IDS if not SNAKE_CASE.match(o)]
    assert bad == []


@pytest.mark.parametrize("o", OPS, ids=OP_IDS)
def test_operation_has_one_declared_tag(o: Any) -> None:
    declared = {t["name"] for t in load_spec()["tags"]}
    tags = o.op.get("tags", [])
    assert len(tags) == 1
    assert tags[0] in declared


@pytest.mark.parametrize("o", OPS, ids=OP_IDS)
def test_operation_requires_the_personal_api_key(o: Any) -> None:
    security = o.op.get("security")
    assert security, "each operation states its own security requirement"
    assert any("PersonalAPIKeyAuth" in requirement for requirement in security)
    for requirement in security:
        for scopes in requirement.values():
            assert all(re.fullmatch(r"[a-z_]+:(read|write)", s) for s in scopes), scopes
    assert "PersonalAPIKeyAuth" in load_spec()["components"]["securitySchemes"]


def test_every_declared_tag_is_used() -> None:
    used = {o.op["tags"][0] for o in OPS}
    assert {t["name"] for t in load_spec()["tags"]} == used


@pytest.mark.parametrize("o", OPS, ids=OP_IDS)
def test_path_ends_with_slash_and_declares_its_parameters(o: Any) -> None:
    assert o.path.endswith("/")
    in_template = set(re.findall(r"{([^}]+)}", o.path))
    params = [resolve(p) for p in o.path_item.get("parameters", []) + o.op.get("parameters", [])]
    declared = {p["name"] for p in params if p["in"] == "path"}
    assert declared == in_template
    assert all(p["required"] is True for p in params if p["in"] == "path")


def test_every_ref_resolves() -> None:
    refs = [(where, node["$ref"]) for where, node in _walk(load_spec()) if "$ref" in node]
    assert len(refs) > 100
    unresolved = []
    for where, ref in refs:
        try:
            lookup(ref)
        except (KeyError, IndexError, ValueError):
            unresolved.append((where, ref))
    assert unresolved == []


@pytest.mark.parametrize("o", LIST_OPS, ids=_op_id)
def test_list_operations_return_a_paginated_schema(o: Any) -> None:
    schema_ref = o.op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    name = schema_ref.rsplit("/", 1)[-1]
    assert name.startswith("Paginated")
    props = resolve({"$ref": schema_ref})["properties"]
    assert {"count", "next", "previous", "results"} <= set(props)
    assert props["results"]["type"] == "array"
    assert "$ref" in props["results"]["items"]


@pytest.mark.parametrize("o", DELETE_OPS, ids=_op_id)
def test_delete_operations_declare_405(o: Any) -> None:
    assert "405" in o.op["responses"]


def _error_responses() -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for o in OPS:
        for status, response in o.op["responses"].items():
            if int(status) >= 400:
                out.append((o.operation_id, status, resolve(response)))
    return out


def test_error_responses_use_error_response_schema() -> None:
    wrong = []
    bodyless = []
    for op_id, status, response in _error_responses():
        content = response.get("content")
        if content is None:
            bodyless.append((op_id, status))
            continue
        name = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        expected = SPECIAL_ERROR_SCHEMAS.get((op_id, status), "ErrorResponse")
        if name != expected:
            wrong.append((op_id, status, name))
    assert wrong == []
    # Only the refused hard deletes answer an error without a body.
    assert {status for _, status in bodyless} == {"405"}


def test_no_nullable_keyword_anywhere() -> None:
    """3.1 spells nullable as a type list or anyOf with {type: 'null'}."""
    offenders = [where for where, node in _walk(load_spec()) if "nullable" in node]
    assert offenders == []


def test_every_component_schema_is_used() -> None:
    """Every schema is reachable from some operation (directly or through other schemas)."""
    spec = load_spec()
    schemas = spec["components"]["schemas"]
    seen: set[str] = set()
    stack = [node["$ref"] for _, node in _walk(spec["paths"]) if "$ref" in node]
    while stack:
        ref = stack.pop()
        if ref in seen:
            continue
        seen.add(ref)
        stack.extend(node["$ref"] for _, node in _walk(lookup(ref)) if "$ref" in node)
    used = {r.rsplit("/", 1)[-1] for r in seen if r.startswith("#/components/schemas/")}
    assert sorted(set(schemas) - used) == []
