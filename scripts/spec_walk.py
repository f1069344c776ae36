"""Reading an OpenAPI document as flat, comparable operations (shared by api_drift and api_changes).

Each operation becomes a map from a place (``("query", "limit")``, ``("body", "name")``,
``("response 200", "results[].prompt")``) to a :class:`Shape`: the types, format, enum,
nullability, required flag and description found there once ``$ref``, ``allOf``, ``anyOf``
and ``oneOf`` are resolved. Two such maps compare field by field (:func:`compare_fields`),
whichever documents they came from: our hand-written YAML, an older copy of it, or PostHog's
generated JSON schema (OpenAPI 3.0 ``nullable`` and 3.1 ``type: [x, 'null']`` read alike).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")
# PostHog serves every project route under both prefixes; /api/projects/ is the canonical one.
PREFIXES = {
    "projects": "/api/projects/{project_id}/",
    "environments": "/api/environments/{project_id}/",
}
PARAM_LOCATIONS = ("path", "query", "header", "cookie")
MAX_DEPTH = 12  # nesting below which fields are not walked (guards against huge schemas)
MAX_PLACES = 5000  # places walked in one body or response, at most
_TEMPLATE = re.compile(r"\{[^}/]*\}")
_NO_BODY = "no body"
_SCHEMAS = "#/components/schemas/"
_PARAMETERS = "#/components/parameters/"
_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean"}


class DocumentError(Exception):
    """The document cannot be read as an OpenAPI description; the message says why."""


def parse_document(text: str, source: str) -> dict[str, Any]:
    """A JSON or YAML OpenAPI document from its text (JSON first: PostHog's is 6 MB of it)."""
    stripped = text.lstrip()
    try:
        if stripped.startswith("{"):
            doc = json.loads(text)
        else:
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            doc = yaml.load(text, Loader=loader)  # a safe loader (C when available)
    except (ValueError, yaml.YAMLError) as exc:
        raise DocumentError(f"{source} is not JSON or YAML: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("paths"), dict):
        raise DocumentError(f"{source} is not an OpenAPI document (it has no 'paths' object)")
    return doc


def read_document(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(f"cannot read {path}: {exc}") from None
    return parse_document(text, str(path))


# ------------------------------------------------------------------------------- routes


def split_prefix(path: str) -> tuple[str | None, str]:
    """``("projects", "llm_prompts/")`` for a prefixed path, ``(None, path)`` otherwise."""
    for name, prefix in PREFIXES.items():
        if path.startswith(prefix):
            return name, path[len(prefix) :]
    return None, path


def route_key(method: str, path: str) -> tuple[str, str]:
    """Method and route with the prefix dropped and path parameters unnamed, to match on."""
    _, rest = split_prefix(path)
    return method.upper(), _TEMPLATE.sub("{}", rest)


def prefix_move(before: str, after: str) -> tuple[str, str] | None:
    """``("projects", "environments")`` when a path only moved to the other prefix (the
    route after it is the same), else None."""
    was, now = split_prefix(before)[0], split_prefix(after)[0]
    if was and now and was != now and route_key("GET", before) == route_key("GET", after):
        return was, now
    return None


def area(path: str) -> str | None:
    """The resource area of a prefixed path: its first segment (``llm_prompts``, ``logs``)."""
    prefix, rest = split_prefix(path)
    return rest.split("/", 1)[0] if prefix else None


# ------------------------------------------------------------------------------- shapes


@dataclass(frozen=True)
class Shape:
    """What one place of an operation accepts or sends. No types means any JSON value."""

    types: frozenset[str] = frozenset()
    format: str | None = None
    enum: tuple[Any, ...] | None = None
    nullable: bool = False
    required: bool = False
    description: str = ""
    # Where in our spec this place is written, such as "LLMPrompt.created_at" (not compared).
    origin: str = field(default="", compare=False)


@dataclass
class _View:
    """A schema with $ref, allOf, anyOf and oneOf folded in."""

    types: set[str] = field(default_factory=set)
    format: str | None = None
    enum: list[Any] | None = None
    nullable: bool = False
    read_only: bool = False
    write_only: bool = False
    description: str = ""
    properties: dict[str, Any] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    items: list[Any] = field(default_factory=list)
    ref: str | None = None  # the component schema this is, when it is exactly one
    followed: tuple[str, ...] = ()  # every $ref followed to build this view


def _sorted_enum(values: Iterable[Any]) -> tuple[Any, ...]:
    unique = {json.dumps(v, sort_keys=True, default=str): v for v in values if v is not None}
    return tuple(unique[k] for k in sorted(unique))


class Walker:
    """Folds the schemas of one document; ``$ref`` lookups are cached per document."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self._refs: dict[str, Any] = {}

    def lookup(self, ref: str) -> Any:
        if ref not in self._refs:
            if not ref.startswith("#/"):
                raise DocumentError(f"only local references are supported, not {ref!r}")
            node: Any = self.doc
            try:
                for raw in ref[2:].split("/"):
                    part = raw.replace("~1", "/").replace("~0", "~")
                    node = node[int(part)] if isinstance(node, list) else node[part]
            except (KeyError, IndexError, ValueError, TypeError):
                raise DocumentError(f"the reference {ref!r} points at nothing") from None
            self._refs[ref] = node
        return self._refs[ref]

    def deref(self, node: Any, seen: tuple[str, ...] = ()) -> tuple[Any, tuple[str, ...]]:
        """The node a chain of ``$ref`` ends at, and the references followed (with ``seen``)."""
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if ref in seen:  # a recursive schema: stop here
                return {}, seen
            seen = (*seen, ref)
            node = self.lookup(ref)
        return node, seen

    def view(self, node: Any, seen: tuple[str, ...] = ()) -> _View:
        start = len(seen)
        node, seen = self.deref(node, seen)
        out = _View()
        if not isinstance(node, dict):
            return out
        named = [r[len(_SCHEMAS) :] for r in seen[start:] if r.startswith(_SCHEMAS)]
        single: list[str | None] = []  # the component a lone allOf/anyOf/oneOf branch names
        followed = list(seen[start:])
        for sub in node.get("allOf", ()):
            sub_view = self.view(sub, seen)
            single.append(sub_view.ref)
            followed += sub_view.followed
            _merge_all(out, sub_view)
        for key in ("anyOf", "oneOf"):
            if key in node:
                branches = [self.view(s, seen) for s in node[key]]
                single += [b.ref for b in branches if not _is_null(b)]
                followed += [r for b in branches for r in b.followed]
                _merge_all(out, self._union(branches))
        _merge_all(out, _own(node))
        out.ref = named[-1] if named else single[0] if len(single) == 1 else None
        out.followed = tuple(dict.fromkeys(followed))
        if not out.types:
            if out.properties:
                out.types.add("object")
            elif out.items:
                out.types.add("array")
        return out

    def _union(self, branches: list[_View]) -> _View:
        out = _View()
        real = [b for b in branches if not _is_null(b)]
        out.nullable = len(real) < len(branches) or any(b.nullable for b in real)
        if not real:
            return out
        if all(b.types for b in real):
            out.types = set().union(*(b.types for b in real))
        formats = {b.format for b in real}
        out.format = formats.pop() if len(formats) == 1 else None
        if all(b.enum is not None for b in real):
            out.enum = [v for b in real for v in b.enum or ()]
        for b in real:
            for name, sub in b.properties.items():
                out.properties.setdefault(name, sub)
            out.items.extend(b.items)
        out.required = set.intersection(*(b.required for b in real))
        return out

    # ---------------------------------------------------------------------- flattening

    def flatten(
        self, schema: Any, section: str, path: str, required: bool, direction: str
    ) -> dict[tuple[str, str], Shape]:
        """Every place under ``schema``: ``direction`` is "request" (readOnly fields are
        left out) or "response" (writeOnly fields are left out)."""
        out: dict[tuple[str, str], Shape] = {}
        self._walk(schema, (), section, path, required, "", "", direction, out, 0)
        return out

    def _walk(
        self,
        node: Any,
        seen: tuple[str, ...],
        section: str,
        path: str,
        required: bool,
        description: str,
        origin: str,
        direction: str,
        out: dict[tuple[str, str], Shape],
        depth: int,
    ) -> None:
        view = self.view(node, seen)
        # A component met again below itself is not walked again (recursive schemas).
        seen_here = tuple(dict.fromkeys((*seen, *view.followed)))
        if view.ref:  # inside one of our components: say which, for grouping and fixing
            origin = view.ref
        out[(section, path)] = Shape(
            types=frozenset(view.types - {"null"}),
            format=view.format,
            enum=_sorted_enum(view.enum) if view.enum is not None else None,
            nullable=view.nullable,
            required=required,
            description=_clean(description or view.description),
            origin=origin,
        )
        if depth >= MAX_DEPTH or len(out) >= MAX_PLACES:
            return
        for name, sub in view.properties.items():
            sub_view = self.view(sub, seen_here)
            if (direction == "request" and sub_view.read_only) or (
                direction == "response" and sub_view.write_only
            ):
                continue
            own = sub.get("description", "") if isinstance(sub, dict) else ""
            child = f"{path}.{name}" if path else name
            self._walk(
                sub, seen_here, section, child, name in view.required, own,
                f"{origin}.{name}" if origin else "", direction, out, depth + 1,
            )  # fmt: skip
        for item in view.items[:1]:
            self._walk(
                item, seen_here, section, f"{path}[]", True, "", f"{origin}[]" if origin else "",
                direction, out, depth + 1,
            )  # fmt: skip


def _is_null(view: _View) -> bool:
    """Whether a schema allows only null (``type: 'null'``, ``enum: [null]``)."""
    return (
        view.nullable
        and not view.types
        and not view.properties
        and not view.items
        and all(v is None for v in view.enum or ())
    )


def _clean(text: str) -> str:
    return " ".join(str(text).split())


def _own(node: dict[str, Any]) -> _View:
    """The keywords of one schema node itself (not its allOf/anyOf/oneOf)."""
    out = _View()
    kind = node.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if isinstance(kind, str) else []
    out.types = {k for k in kinds if k != "null"}
    out.nullable = "null" in kinds or node.get("nullable") is True
    out.format = node.get("format")
    if "enum" in node and isinstance(node["enum"], list):
        out.enum = list(node["enum"])
        out.nullable = out.nullable or None in node["enum"]
    elif "const" in node:
        out.enum = [node["const"]]
    if out.enum is not None and not out.types:  # drf-spectacular's BlankEnum: enum [""] alone
        out.types = {_JSON_TYPES[type(v)] for v in out.enum if type(v) in _JSON_TYPES}
    out.read_only = node.get("readOnly") is True
    out.write_only = node.get("writeOnly") is True
    out.description = node.get("description", "") or ""
    props = node.get("properties")
    if isinstance(props, dict):
        out.properties = dict(props)
    req = node.get("required")
    if isinstance(req, list):
        out.required = {r for r in req if isinstance(r, str)}
    if "items" in node and isinstance(node["items"], dict):
        out.items = [node["items"]]
    return out


def _merge_all(into: _View, other: _View) -> None:
    """Fold ``other`` into ``into`` as allOf does: both hold."""
    if other.types:
        both = into.types & other.types
        into.types = both or set(other.types)
    into.format = other.format or into.format
    if other.enum is not None:
        into.enum = other.enum if into.enum is None else [v for v in into.enum if v in other.enum]
    into.nullable = into.nullable or other.nullable
    into.read_only = into.read_only or other.read_only
    into.write_only = into.write_only or other.write_only
    into.description = other.description or into.description
    into.properties.update(other.properties)
    into.required |= other.required
    into.items.extend(other.items)


# ---------------------------------------------------------------------------- operations


@dataclass
class Operation:
    """One operation of a document, ready to compare."""

    operation_id: str
    method: str  # upper case
    path: str
    tags: tuple[str, ...] = ()
    deprecated: bool = False
    summary: str = ""
    description: str = ""
    scopes: tuple[str, ...] = ()
    sdk_name: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    path_item: dict[str, Any] = field(default_factory=dict, repr=False)
    _fields: dict[tuple[str, str], Shape] | None = field(default=None, repr=False)

    @property
    def key(self) -> tuple[str, str]:
        return route_key(self.method, self.path)

    @property
    def label(self) -> str:
        return f"{self.operation_id or '(no operationId)'}  {self.method} {self.path}"


def iter_operations(doc: dict[str, Any]) -> Iterator[Operation]:
    """Every operation of ``doc``, cheaply: fields are read on demand by :func:`fields`."""
    default_security = doc.get("security", [])
    for path, item in doc.get("paths", {}).items():
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            yield Operation(
                operation_id=str(op.get("operationId", "")),
                method=method.upper(),
                path=path,
                tags=tuple(op.get("tags", ())),
                deprecated=op.get("deprecated") is True,
                summary=_clean(op.get("summary", "")),
                description=_clean(op.get("description", "")),
                scopes=_scopes(op.get("security", default_security)),
                sdk_name=str(op.get("x-sdk-name", "")),
                raw=op,
                path_item=item,
            )


def _scopes(security: Any) -> tuple[str, ...]:
    found: list[str] = []
    for requirement in security if isinstance(security, list) else ():
        for values in requirement.values() if isinstance(requirement, dict) else ():
            found.extend(s for s in values if s not in found)
    return tuple(sorted(found))


def fields(op: Operation, walker: Walker) -> dict[tuple[str, str], Shape]:
    """Every parameter, body field and 2xx response field of ``op`` (computed once)."""
    if op._fields is None:
        out: dict[tuple[str, str], Shape] = {}
        for param, named in _parameters(op, walker):
            location = str(param.get("in", ""))
            name = str(param.get("name", ""))
            schema = param.get("schema", {})
            if "content" in param and not schema:  # a parameter serialised as JSON
                schema = next(iter(param["content"].values()), {}).get("schema", {})
            flat = walker.flatten(schema, location, name, param.get("required") is True, "request")
            root = flat[(location, name)]
            own = _clean(param.get("description", ""))
            flat[(location, name)] = replace(
                root, description=own or root.description, origin=named or root.origin
            )
            out.update(flat)
        body, _ = walker.deref(op.raw.get("requestBody"))
        if isinstance(body, dict) and body:
            schema = _json_schema(body.get("content", {}))
            out.update(walker.flatten(schema, "body", "", body.get("required") is True, "request"))
        for status, response in sorted(op.raw.get("responses", {}).items()):
            if not str(status).startswith("2"):
                continue
            response, _ = walker.deref(response)
            section = f"response {status}"
            content = response.get("content") if isinstance(response, dict) else None
            if content:
                out.update(walker.flatten(_json_schema(content), section, "", True, "response"))
            else:
                out[(section, "")] = Shape(types=frozenset({_NO_BODY}), required=True)
        op._fields = out
    return op._fields


def _parameters(op: Operation, walker: Walker) -> list[tuple[dict[str, Any], str]]:
    """The path item's parameters overridden by the operation's (by name and location),
    each with its name under components/parameters when it is one of those."""
    merged: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
    for raw in [*op.path_item.get("parameters", ()), *op.raw.get("parameters", ())]:
        param, refs = walker.deref(raw)
        named = [r[len(_PARAMETERS) :] for r in refs if r.startswith(_PARAMETERS)]
        if isinstance(param, dict) and param.get("in") in PARAM_LOCATIONS:
            origin = f"parameter {named[-1]}" if named else ""
            merged[(param["in"], str(param.get("name", "")))] = (param, origin)
    return list(merged.values())


def _json_schema(content: dict[str, Any]) -> Any:
    """The schema of the JSON media type (else of the first one listed)."""
    if not isinstance(content, dict) or not content:
        return {}
    media = content.get("application/json") or next(iter(content.values()))
    return media.get("schema", {}) if isinstance(media, dict) else {}


# ---------------------------------------------------------------------------- comparing


def accepts(wide: frozenset[str], narrow: frozenset[str]) -> bool:
    """Whether every type ``narrow`` allows is allowed by ``wide`` (no types: anything; a
    number takes an integer)."""
    if not wide:
        return True
    if not narrow:
        return False
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


@dataclass(frozen=True)
class Change:
    """One difference between two operations: ``before`` is the left side's value."""

    where: tuple[str, str]  # (section, field path); ("operation", "") for the operation
    kind: str  # removed added type format enum required nullable description | operation-level
    before: Any = None
    after: Any = None
    origin: str = ""  # the left side's schema and field, such as "LLMPrompt.created_at"

    @property
    def place(self) -> str:
        section, path = self.where
        return f"{section} {path}".strip() if path else section


def thing(change: Change) -> str:
    """What the changed place is, in words: a parameter, a body field, a response field..."""
    section, path = change.where
    if section.startswith("response"):
        return "response field" if path else "response"
    if section == "body":
        return "body field" if path else "request body"
    return "parameter"


def compare_fields(
    left: dict[tuple[str, str], Shape], right: dict[tuple[str, str], Shape]
) -> list[Change]:
    """What changed from ``left`` to ``right``; a removed or added object is reported once,
    not once per field inside it."""
    changes: list[Change] = []
    gone = sorted(k for k in left if k not in right)
    new = sorted(k for k in right if k not in left)
    changes += [Change(k, "removed", left[k], None, left[k].origin) for k in _topmost(gone)]
    changes += [Change(k, "added", None, right[k], _origin(left, k)) for k in _topmost(new)]
    for k in sorted(k for k in left if k in right):
        a, b = left[k], right[k]
        for attr in ("types", "format", "enum", "required", "nullable", "description"):
            va, vb = getattr(a, attr), getattr(b, attr)
            if va != vb:
                changes.append(Change(k, "type" if attr == "types" else attr, va, vb, a.origin))
    return changes


def _origin(left: dict[tuple[str, str], Shape], key: tuple[str, str]) -> str:
    """The schema and field a place added on the right would have on the left."""
    section, path = key
    for parent in reversed(_parents(path)):
        shape = left.get((section, parent))
        if shape is not None and shape.origin:
            rest = path[len(parent) :]
            return shape.origin + ("." if not parent and rest[0] != "[" else "") + rest
        if shape is not None:
            return ""
    return ""


def _topmost(keys: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Keys not inside another key of the list (``body a`` hides ``body a.b`` and ``a[]``)."""
    chosen = set(keys)
    out = []
    for section, path in keys:
        parents = _parents(path)
        if not any((section, p) in chosen for p in parents):
            out.append((section, path))
    return out


def _parents(path: str) -> list[str]:
    """The enclosing places of a field path, outermost first ("" is the whole schema)."""
    if not path:
        return []
    out = [""]
    for i, ch in enumerate(path):
        if ch in ".[":
            out.append(path[:i])
    return out


def compare_operations(left: Operation, right: Operation, lw: Walker, rw: Walker) -> list[Change]:
    """Operation-level differences, then every field's."""
    where = ("operation", "")
    changes = [
        Change(where, kind, getattr(left, attr), getattr(right, attr))
        for kind, attr in (
            ("path", "path"),
            ("operation_id", "operation_id"),
            ("deprecated", "deprecated"),
            ("tags", "tags"),
            ("scopes", "scopes"),
            ("sdk_name", "sdk_name"),
            ("summary", "summary"),
            ("description", "description"),
        )
        if getattr(left, attr) != getattr(right, attr)
    ]
    return changes + compare_fields(fields(left, lw), fields(right, rw))


# ---------------------------------------------------------------------------- rendering


def show(value: Any) -> str:
    """A short, stable rendering of a Shape attribute for reports."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, frozenset):
        return "|".join(sorted(value)) if value else "any"
    if isinstance(value, tuple):
        shown = (v if isinstance(v, str) and v else json.dumps(v, default=str) for v in value)
        return ", ".join(shown) or "-"
    if isinstance(value, Shape):
        return show(value.types)
    return str(value)


def to_json(value: Any) -> Any:
    """A Shape attribute (or Shape) as plain JSON."""
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Shape):
        return {
            "types": sorted(value.types),
            "format": value.format,
            "enum": list(value.enum) if value.enum is not None else None,
            "nullable": value.nullable,
            "required": value.required,
        }
    return value


def group_key(operation_id: str, change: Change) -> tuple[Any, ...]:
    """Changes with one key are one change met by several operations: the same difference
    in one of our component schemas, or the same prefix move."""
    if change.kind == "path":
        moved = prefix_move(change.before, change.after)
        if moved:  # a route that changed as well is this operation's own change
            return ("prefix", *moved)
    if change.origin:
        return (change.origin, change.kind, repr(change.before), repr(change.after))
    return (operation_id, change.where, change.kind, repr(change.before), repr(change.after))


@dataclass
class Group:
    """One change met by one or more operations (``members``: each operation's own copy)."""

    change: Change
    operation_ids: list[str] = field(default_factory=list)
    members: list[tuple[str, Change]] = field(default_factory=list)


def group(items: Iterable[tuple[str, Change]]) -> list[Group]:
    """The changes in first-seen order, one group per :func:`group_key`."""
    groups: dict[tuple[Any, ...], Group] = {}
    for operation_id, change in items:
        entry = groups.setdefault(group_key(operation_id, change), Group(change))
        entry.members.append((operation_id, change))
        if operation_id not in entry.operation_ids:
            entry.operation_ids.append(operation_id)
    return list(groups.values())
