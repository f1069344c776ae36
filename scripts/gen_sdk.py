"""Write the SDK's operation table and resource namespaces from the spec.

openapi-python-client writes the models (and per-operation modules the SDK does not call);
this script writes what it leaves out, into the same generated package:

* ``operations.py``: every operation's method, path, tag, required API key scopes, 2xx
  statuses, the SDK name it is called by, and its parameters (where they go, their type and
  limits), which the facade's one request path reads to check and encode arguments;
* ``resources/``: one class per tag, one method per operation, whose keyword arguments,
  types and docstrings come from the spec.

Names come from the spec: the tag gives the namespace (``x-sdk-namespace`` on the tag
overrides it), the operationId minus the tag gives the method (``list``, ``create``,
``retrieve``, ``update`` for a PATCH, ``delete``; ``x-sdk-name`` on the operation overrides
it). The templates are in templates/sdk/.

    python scripts/gen_sdk.py openapi/posthog.yaml generated/posthog_api_client
"""

from __future__ import annotations

import keyword
import re
import shutil
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import yaml

METHODS = ("get", "post", "put", "patch", "delete")
TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "sdk"
# The request options every method takes; no parameter or body field may use these names.
OPTIONS = ("timeout", "max_retries", "extra_headers", "extra_query")
RESERVED = {*OPTIONS, "self", "body", "fields", "page_size", "concurrency"}
VERBS = {
    "list": "list",
    "create": "create",
    "retrieve": "retrieve",
    "partial_update": "update",
    "update": "replace",
    "destroy": "delete",
}
ACRONYMS = {"llm": "LLM"}
# AsyncPostHog's own attributes: a namespace of the same name would hide them.
CLIENT_ATTRIBUTES = {
    "aclose", "with_options", "host", "project_id", "scopes", "timeout", "max_retries",
}  # fmt: skip


class SpecError(Exception):
    """The spec cannot be turned into an SDK as it stands; the message says why."""


@dataclass
class Param:
    name: str
    wire: str
    location: str
    kind: str
    annotation: str
    required: bool
    description: str
    array: bool = False
    explode: bool = True
    minimum: int | None = None
    maximum: int | None = None
    values: tuple[str, ...] = ()
    pattern: str | None = None
    max_length: int | None = None
    item: str | None = None

    def row(self) -> str:
        """The ``Param(...)`` expression in operations.py (defaults left out)."""
        args = [repr(self.name), repr(self.wire), repr(self.location), repr(self.kind)]
        extra = {
            "required": (self.required, False),
            "array": (self.array, False),
            "explode": (self.explode, True),
            "minimum": (self.minimum, None),
            "maximum": (self.maximum, None),
            "values": (self.values, ()),
            "pattern": (self.pattern, None),
            "max_length": (self.max_length, None),
            "item": (self.item, None),
        }
        args += [f"{key}={value!r}" for key, (value, default) in extra.items() if value != default]
        return f"Param({', '.join(args)})"


@dataclass
class Field:
    name: str
    annotation: str
    description: str


@dataclass
class Operation:
    operation_id: str
    method: str
    path: str
    tag: str
    scopes: tuple[str, ...]
    success: tuple[int, ...]
    namespace: str
    name: str
    summary: str
    description: str
    deprecated: bool = False
    params: list[Param] = field(default_factory=list)
    body_model: str | None = None
    body_fields: list[Field] = field(default_factory=list)
    open_ended: bool = False
    response_model: str | None = None
    may_be_empty: bool = False  # a 2xx without a body (204) next to one with a model
    page_model: str | None = None
    item_model: str | None = None

    @property
    def returns(self) -> str:
        """The method's return annotation."""
        if self.response_model is None:
            return "None"
        return self.response_model + (" | None" if self.may_be_empty else "")

    @property
    def call(self) -> str:
        return f"{self.namespace}.{self.name}"

    @property
    def path_params(self) -> list[Param]:
        return [p for p in self.params if p.location == "path"]

    @property
    def query_params(self) -> list[Param]:
        return [p for p in self.params if p.location == "query"]

    @property
    def docstring(self) -> str:
        text = self.summary.rstrip(".") + "."
        if self.deprecated:
            text += "\n\nDeprecated by the API description: see below for what to use instead."
        if self.description and self.description.strip() != self.summary.strip():
            text += "\n\n" + self.description.strip()
        described = [(p.name, p.description) for p in self.params if p.description]
        described += [(f.name, f.description) for f in self.body_fields if f.description]
        if described:
            text += "\n\nArguments:\n" + "\n".join(
                f"    {name}: {description.strip()}" for name, description in described
            )
        text += f"\n\n``{self.method} {self.path}`` ({self.operation_id})."
        return _docstring(text)


def _docstring(text: str, indent: str = "        ") -> str:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lead = len(paragraph) - len(paragraph.lstrip())
        wrapped = textwrap.wrap(
            paragraph.strip(),
            width=92 - len(indent) - lead,
            break_long_words=False,
            break_on_hyphens=False,
        )
        lines += [" " * lead + line for line in wrapped] or [""]
    body = ("\n" + indent).join(lines).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return f'"""{body}\n{indent}"""' if len(lines) > 1 else f'"""{body}"""'


class Spec:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            *_, section, name = node["$ref"].split("/")
            node = self.document["components"][section][name]
        return node

    def ref_name(self, node: dict[str, Any]) -> str | None:
        if "$ref" in node:
            return str(node["$ref"].rsplit("/", 1)[1])
        if len(node.get("allOf", [])) == 1 and "$ref" in node["allOf"][0]:
            return str(node["allOf"][0]["$ref"].rsplit("/", 1)[1])
        return None

    def schema(self, node: dict[str, Any]) -> dict[str, Any]:
        name = self.ref_name(node)
        return self.document["components"]["schemas"][name] if name else node


def _types(schema: dict[str, Any]) -> tuple[set[str], bool]:
    kind = schema.get("type")
    types = set(kind) if isinstance(kind, list) else ({kind} if kind else set())
    nullable = "null" in types or bool(schema.get("nullable"))
    return types - {"null"}, nullable


def _scalar(spec: Spec, node: dict[str, Any], where: str) -> tuple[str, str, dict[str, Any]]:
    """(kind, annotation, limits) of a parameter's (or an array item's) schema."""
    schema = spec.schema(node)
    types, _ = _types(schema)
    limits: dict[str, Any] = {}
    if "enum" in schema:
        limits["values"] = tuple(str(v) for v in schema["enum"])
        return "enum", _enum_annotation(spec, node, schema), limits
    if types == {"string"} and schema.get("format") == "uuid":
        return "uuid", "UUID | str", limits
    if types == {"string"} and schema.get("format") == "date-time":
        return "datetime", "datetime.datetime | str", limits
    if types == {"string"}:
        limits["pattern"] = schema.get("pattern")
        limits["max_length"] = schema.get("maxLength")
        return "str", "str", limits
    if types == {"integer"}:
        limits["minimum"] = schema.get("minimum")
        limits["maximum"] = schema.get("maximum")
        return "int", "int", limits
    if types == {"number"}:
        return "number", "float", limits
    if types == {"boolean"}:
        return "bool", "bool", limits
    if types == {"object"} or "properties" in schema:
        return "object", "Mapping[str, Any]", limits
    raise SpecError(f"{where}: parameters of type {schema.get('type')!r} are not supported")


def _python_name(wire: str) -> str:
    name = re.sub(r"_+", "_", re.sub(r"[^0-9A-Za-z_]", "_", wire))
    return f"{name}_" if keyword.iskeyword(name) else name


def _param(spec: Spec, node: dict[str, Any], where: str) -> Param:
    node = spec.resolve(node)
    wire = node["name"]
    where = f"{where} parameter {wire!r}"
    schema = spec.schema(node["schema"])
    types, _ = _types(schema)
    array = types == {"array"}
    item = schema["items"] if array else node["schema"]
    kind, annotation, limits = _scalar(spec, item, where)
    encoding = node.get("x-sdk-encoding")
    json_item = None
    if encoding == "json":
        if kind not in ("object", "str"):
            raise SpecError(f"{where}: x-sdk-encoding json needs object or string items")
        # What each item must be: a str, or a dict checked against the named model.
        json_item = "str" if kind == "str" else spec.ref_name(item)
        if json_item is None:
            raise SpecError(f"{where}: JSON object items must be a $ref'd model")
        kind = "json"
    elif encoding is not None:
        raise SpecError(f"{where}: x-sdk-encoding {encoding!r} is not known (only 'json' is)")
    elif kind == "object":
        raise SpecError(f"{where}: an object parameter needs x-sdk-encoding: json")
    if array:
        annotation = f"Sequence[{annotation}]"
    return Param(
        name=_python_name(wire),
        wire=wire,
        location=node["in"],
        kind=kind,
        annotation=annotation,
        required=bool(node.get("required")) or node["in"] == "path",
        description=node.get("description", ""),
        array=array,
        explode=node.get("explode", node.get("style", "form") == "form"),
        minimum=limits.get("minimum"),
        maximum=limits.get("maximum"),
        values=limits.get("values", ()),
        pattern=limits.get("pattern"),
        max_length=limits.get("max_length"),
        item=json_item,
    )


def _enum_annotation(spec: Spec, node: dict[str, Any], schema: dict[str, Any]) -> str:
    """``XEnum | Literal["a", "b"]``: the generated enum, or its values as plain strings."""
    literal = f"Literal[{', '.join(repr(str(v)) for v in schema['enum'])}]"
    name = spec.ref_name(node)
    return f"{name} | {literal}" if name else literal


def _field_annotation(spec: Spec, node: dict[str, Any]) -> str:
    schema = spec.schema(node)
    types, nullable = _types(schema)
    if "enum" in schema:
        text = _enum_annotation(spec, node, schema)
    elif types == {"string"} and schema.get("format") == "uuid":
        text = "UUID | str"
    elif types == {"string"} and schema.get("format") == "date-time":
        text = "datetime.datetime | str"
    elif types == {"string"}:
        text = "str"
    elif types == {"integer"}:
        text = "int"
    elif types == {"number"}:
        text = "float"
    elif types == {"boolean"}:
        text = "bool"
    elif types == {"array"}:
        text = "Sequence[Any]"
    elif types == {"object"}:
        text = "Mapping[str, Any]"
    else:
        return "Any"
    return f"{text} | None" if nullable else text


def _method_name(operation_id: str, tag: str) -> str:
    rest = operation_id.removeprefix(f"{tag}_")
    if rest in VERBS:
        return VERBS[rest]
    return re.sub(r"_(create|retrieve|list)$", "", rest)


def _class_name(namespace: str) -> str:
    return "".join(ACRONYMS.get(part, part.capitalize()) for part in namespace.split("_"))


def load(document: dict[str, Any]) -> list[Operation]:
    spec = Spec(document)
    namespaces = {
        tag["name"]: tag.get("x-sdk-namespace", tag["name"]) for tag in document.get("tags", [])
    }
    operations: list[Operation] = []
    for path, item in document["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            operation_id = op["operationId"]
            (tag,) = op["tags"]
            if tag not in namespaces:
                raise SpecError(f"{operation_id}: its tag {tag!r} is not listed under tags")
            if namespaces[tag] in CLIENT_ATTRIBUTES or not namespaces[tag].isidentifier():
                raise SpecError(
                    f"tag {tag!r} would be the namespace {namespaces[tag]!r}, which is not a "
                    "free attribute name of AsyncPostHog: give the tag an x-sdk-namespace"
                )
            scopes: list[str] = []
            for requirement in op.get("security", document.get("security", [])):
                for values in requirement.values():
                    scopes += [s for s in values if s not in scopes]
            success = tuple(sorted(int(code) for code in op["responses"] if str(code)[0] == "2"))
            operation = Operation(
                operation_id=operation_id,
                method=method.upper(),
                path=path,
                tag=tag,
                scopes=tuple(scopes),
                success=success,
                namespace=namespaces[tag],
                name=op.get("x-sdk-name") or _method_name(operation_id, tag),
                summary=op.get("summary", operation_id),
                description=op.get("description", ""),
                deprecated=bool(op.get("deprecated", False)),
            )
            declared = [*item.get("parameters", []), *op.get("parameters", [])]
            params = [_param(spec, p, operation_id) for p in declared]
            _responses(spec, operation, op)
            paginated = operation.page_model is not None
            operation.params = [
                p
                for p in params
                if p.wire != "project_id" and not (paginated and p.wire in ("limit", "offset"))
            ]
            _body(spec, operation, op)
            _check_names(operation)
            operations.append(operation)
    operations.sort(key=lambda o: o.operation_id)
    calls = [o.call for o in operations]
    for call in calls:
        if calls.count(call) > 1:
            clash = [o.operation_id for o in operations if o.call == call]
            raise SpecError(f"{' and '.join(clash)} would both be {call}: give one an x-sdk-name")
    return operations


def _responses(spec: Spec, operation: Operation, op: dict[str, Any]) -> None:
    models: list[str] = []
    for code in operation.success:
        response = spec.resolve(op["responses"][str(code)])
        schema = response.get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            operation.may_be_empty = True
        else:
            name = spec.ref_name(schema)
            if name is None:
                raise SpecError(f"{operation.operation_id}: a {code} body must be a $ref'd model")
            models.append(name)
    if len(set(models)) > 1:
        raise SpecError(f"{operation.operation_id}: its 2xx responses have different models")
    if not models:
        return
    name = models[0]
    schema = spec.document["components"]["schemas"][name]
    results = schema.get("properties", {}).get("results")
    if name.startswith("Paginated") and results is not None:
        operation.page_model = name
        operation.item_model = spec.ref_name(results["items"])
    else:
        operation.response_model = name


def _body(spec: Spec, operation: Operation, op: dict[str, Any]) -> None:
    body = op.get("requestBody")
    if body is None:
        return
    schema_ref = body["content"]["application/json"]["schema"]
    name = spec.ref_name(schema_ref)
    if name is None:
        raise SpecError(f"{operation.operation_id}: the request body must be a $ref'd model")
    operation.body_model = name
    schema = spec.document["components"]["schemas"][name]
    operation.open_ended = schema.get("additionalProperties") not in (None, False)
    for key, node in schema.get("properties", {}).items():
        if spec.resolve(node).get("readOnly"):
            continue
        operation.body_fields.append(
            Field(_python_name(key), _field_annotation(spec, node), node.get("description", ""))
        )


def _check_names(operation: Operation) -> None:
    seen: set[str] = set()
    for name in [p.name for p in operation.params] + [f.name for f in operation.body_fields]:
        if name in RESERVED or name in seen:
            raise SpecError(
                f"{operation.operation_id}: the argument name {name!r} is "
                + ("taken by the SDK" if name in RESERVED else "used twice")
                + "; rename the parameter or field in the spec"
            )
        seen.add(name)


def render(operations: list[Operation], package_dir: Path) -> None:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    (package_dir / "operations.py").write_text(
        env.get_template("operations.py.jinja").render(operations=operations)
    )
    target = package_dir / "resources"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir()
    by_namespace: dict[str, list[Operation]] = {}
    for operation in operations:
        by_namespace.setdefault(operation.namespace, []).append(operation)
    namespaces = []
    for namespace, members in sorted(by_namespace.items()):
        members.sort(key=lambda o: o.name)
        schemas = DOCUMENT["components"]["schemas"]
        annotations = " ".join(x.annotation for o in members for x in [*o.params, *o.body_fields])
        models = sorted(
            {
                model
                for o in members
                for model in (o.body_model, o.response_model, o.page_model, o.item_model)
                if model
            }
            | {name for name in re.findall(r"\w+", annotations) if name in schemas}
        )
        tag = members[0].tag
        description = next(
            (t.get("description", "") for t in DOCUMENT.get("tags", []) if t["name"] == tag), ""
        )
        namespaces.append((namespace, _class_name(namespace)))
        (target / f"{namespace}.py").write_text(
            env.get_template("namespace.py.jinja").render(
                namespace=namespace,
                class_name=_class_name(namespace),
                description=description,
                operations=members,
                models=models,
                options=OPTIONS,
            )
        )
    (target / "__init__.py").write_text(
        env.get_template("resources_init.py.jinja").render(namespaces=namespaces)
    )
    (target / "_base.py").write_text(env.get_template("_base.py.jinja").render())


DOCUMENT: dict[str, Any] = {}


def main(spec_path: str, package_dir: str) -> None:
    DOCUMENT.update(yaml.safe_load(Path(spec_path).read_text()))
    try:
        operations = load(DOCUMENT)
    except SpecError as exc:
        sys.exit(f"{spec_path}: {exc}")
    render(operations, Path(package_dir))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
