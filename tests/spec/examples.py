"""Example arguments for any operation, from the operation table and the spec alone.

The tests that call every operation build their calls here, so an operation added to
the spec is called, and checked, without a test edit: path arguments and required query
arguments from the operation's ``Param`` rows, the body from the required fields of its
request body schema.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from posthog_api_client.operations import Operation, Param

from .spec_util import load_spec, resolve

UUID_EXAMPLE = str(uuid.UUID(int=7))
INT_EXAMPLE = 3
# Tried in order for a string argument; the first its pattern and length allow is used.
NAMES = ("greeting", "g", "x-1", "0")


def argument(param: Param) -> Any:
    """A value the SDK accepts for ``param`` (a list of one for an array parameter)."""
    value: Any
    if param.kind == "uuid":
        value = UUID_EXAMPLE
    elif param.kind == "int":
        value = max(INT_EXAMPLE, param.minimum or INT_EXAMPLE)
        value = value if param.maximum is None else min(value, param.maximum)
    elif param.kind == "number":
        value = 1.5
    elif param.kind == "bool":
        value = True
    elif param.kind == "enum":
        value = param.values[0]
    elif param.kind == "datetime":
        value = "2026-01-01T00:00:00Z"
    elif param.kind == "json":
        value = {"example": 1}
    else:
        value = next((name for name in NAMES if _allowed(name, param)), None)
        assert value is not None, f"add to NAMES a string that {param} allows"
    return [value] if param.array else value


def _allowed(text: str, param: Param) -> bool:
    if param.max_length is not None and len(text) > param.max_length:
        return False
    return param.pattern is None or re.search(param.pattern, text) is not None


def arguments(operation: Operation) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """(positional path arguments, required query arguments and ``body``) for a call."""
    args = tuple(argument(p) for p in operation.params if p.location == "path")
    kwargs = {p.name: argument(p) for p in operation.params if p.location == "query" and p.required}
    payload = body(operation)
    if payload is not None:
        kwargs["body"] = payload
    return args, kwargs


def body(operation: Operation) -> dict[str, Any] | None:
    """The smallest body the spec allows for ``operation``; None when it takes none."""
    spec_op = load_spec()["paths"][operation.path][operation.method.lower()]
    request_body = spec_op.get("requestBody")
    if request_body is None:
        return None
    value = instance(resolve(request_body)["content"]["application/json"]["schema"])
    assert isinstance(value, dict), f"{operation.operation_id}: the body is not an object"
    return value


def instance(schema: dict[str, Any]) -> Any:
    """The smallest JSON value ``schema`` allows (required properties only)."""
    schema = resolve(schema)
    if "allOf" in schema:
        parts = [instance(part) for part in schema["allOf"]]
        if len(parts) == 1:  # allOf: [$ref] is how the spec annotates a referenced enum
            return parts[0]
        return {key: value for part in parts for key, value in part.items()}
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return instance(schema[key][0])
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or (kind is None and "properties" in schema):
        props = schema.get("properties", {})
        return {name: instance(props[name]) for name in schema.get("required", [])}
    formats = {"uuid": UUID_EXAMPLE, "date-time": "2026-01-01T00:00:00Z"}
    scalars = {"array": [], "integer": schema.get("minimum", 1), "number": 1.0, "boolean": False}
    if kind == "string":
        return formats.get(schema.get("format", ""), "x" * max(1, schema.get("minLength", 1)))
    return scalars.get(kind, None if kind == "null" else {})
