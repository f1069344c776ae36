"""Reading openapi/posthog.yaml for the spec tests, without the generator's help.

Everything here walks the spec itself, so the tests compare the generated code with an
independent reading of the source of truth rather than with the generator's own view.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import yaml

ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = ROOT / "openapi" / "posthog.yaml"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@functools.cache
def load_spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_PATH.read_text())


class SpecOperation(NamedTuple):
    operation_id: str
    method: str
    path: str
    path_item: dict[str, Any]
    op: dict[str, Any]


def operations(spec: dict[str, Any] | None = None) -> Iterator[SpecOperation]:
    spec = spec if spec is not None else load_spec()
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                op = item[method]
                yield SpecOperation(op.get("operationId", ""), method.upper(), path, item, op)


def lookup(pointer: str, spec: dict[str, Any] | None = None) -> Any:
    """The node a local ``$ref`` (``#/a/b``) points at; KeyError when it does not resolve."""
    spec = spec if spec is not None else load_spec()
    if not pointer.startswith("#/"):
        raise KeyError(f"not a local reference: {pointer}")
    node: Any = spec
    for raw in pointer[2:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def resolve(node: Any, spec: dict[str, Any] | None = None) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = lookup(node["$ref"], spec)
    return node


def ref_name(node: dict[str, Any]) -> str | None:
    ref = node.get("$ref")
    return ref.rsplit("/", 1)[-1] if ref else None


def response_schema_name(op: dict[str, Any], status: str) -> str | None:
    """The component schema name of an operation's JSON response for ``status``."""
    response = op["responses"].get(status)
    if response is None:
        return None
    response = resolve(response)
    schema = response.get("content", {}).get("application/json", {}).get("schema")
    return ref_name(schema) if schema else None


def security_scopes(op: dict[str, Any], spec: dict[str, Any] | None = None) -> tuple[str, ...]:
    spec = spec if spec is not None else load_spec()
    scopes: list[str] = []
    for requirement in op.get("security", spec.get("security", [])):
        for values in requirement.values():
            scopes.extend(s for s in values if s not in scopes)
    return tuple(scopes)


def _branches(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The non-null alternatives of a schema (allOf/anyOf/oneOf unwrapped)."""
    schema = resolve(schema)
    for key in ("allOf", "anyOf", "oneOf"):
        if key in schema:
            out: list[dict[str, Any]] = []
            for sub in schema[key]:
                sub = resolve(sub)
                if sub.get("type") != "null":
                    out.extend(_branches(sub))
            return out
    return [schema]


def _single(schema: dict[str, Any]) -> dict[str, Any]:
    branches = _branches(schema)
    return branches[0] if len(branches) == 1 else {}


def normalise(value: Any, schema: dict[str, Any]) -> Any:
    """A JSON value with spec-formatted strings made comparable.

    ``date-time`` strings become aware datetimes (``Z`` and ``+00:00`` compare equal) and
    ``uuid`` strings become UUIDs (case-insensitive); everything else is left alone.
    Fields the schema does not declare are compared as they are.
    """
    schema = _single(schema)
    if isinstance(value, str):
        fmt = schema.get("format")
        if fmt == "date-time":
            return datetime.datetime.fromisoformat(value)
        if fmt == "uuid":
            return uuid.UUID(value)
        return value
    if isinstance(value, dict):
        props = schema.get("properties", {})
        return {k: normalise(v, props.get(k, {})) for k, v in value.items()}
    if isinstance(value, list):
        items = schema.get("items", {})
        return [normalise(v, items) for v in value]
    return value


def strictly_equal(a: Any, b: Any) -> bool:
    """``==`` that also tells ``True`` from ``1`` and ``1.0`` from ``1``, at every depth."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(strictly_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(strictly_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def missing_required(value: Any, schema: dict[str, Any], where: str = "") -> set[str]:
    """Dotted paths of fields the schema requires that ``value`` lacks, at every depth."""
    schema = _single(schema)
    found: set[str] = set()
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                found.add(f"{where}{name}")
        for k, v in value.items():
            if k in props:
                found |= missing_required(v, props[k], f"{where}{k}.")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found |= missing_required(v, schema.get("items", {}), f"{where}{i}.")
    return found


def undeclared_fields(value: Any, schema: dict[str, Any], where: str = "") -> set[str]:
    """Dotted paths of object fields in ``value`` that the schema does not declare."""
    schema = _single(schema)
    found: set[str] = set()
    if isinstance(value, dict) and "properties" in schema:
        props = schema["properties"]
        for k, v in value.items():
            if k not in props:
                found.add(f"{where}{k}")
            else:
                found |= undeclared_fields(v, props[k], f"{where}{k}.")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found |= undeclared_fields(v, schema.get("items", {}), f"{where}{i}.")
    return found


def unparseable_formats(value: Any, schema: dict[str, Any], where: str = "") -> set[str]:
    """Dotted paths of ``date-time``/``uuid`` fields whose value is not in that format."""
    schema = _single(schema)
    found: set[str] = set()
    if isinstance(value, str) and schema.get("format") in ("date-time", "uuid"):
        try:
            normalise(value, schema)
        except ValueError:
            found.add(where.rstrip("."))
    elif isinstance(value, dict):
        props = schema.get("properties", {})
        for k, v in value.items():
            if k in props:
                found |= unparseable_formats(v, props[k], f"{where}{k}.")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found |= unparseable_formats(v, schema.get("items", {}), f"{where}{i}.")
    return found
