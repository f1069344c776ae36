"""Datasets, dataset items, evaluations, persisted folders and provider keys.

These are ordinary DRF model viewsets: validated create, retrieve, partial update,
soft delete through ``deleted`` (soft-deleted rows vanish from lists and retrieve),
and a hard DELETE that is always refused with an empty 405.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ._errors import ApiError, invalid, not_found
from ._fields import Field, check_uuid, clean
from ._http import Ctx, Handler, Reply, paginate
from .state import Row, ServerState, public

ORDER_KEYS = ("created_at", "updated_at", "name")

DATASET_FIELDS = (
    Field("name", required=True, max_length=400, allow_blank=False),
    Field("description", nullable=True),
    Field("metadata", "json", nullable=True),
    Field("deleted", "bool", nullable=True),
)
ITEM_FIELDS = (
    Field("dataset", "uuid", required=True),
    Field("input", "json", nullable=True),
    Field("output", "json", nullable=True),
    Field("metadata", "json", nullable=True),
    Field("ref_trace_id", nullable=True, max_length=255),
    Field("ref_timestamp", "datetime", nullable=True),
    Field("ref_source_id", nullable=True, max_length=255),
    Field("deleted", "bool", nullable=True),
)
EVALUATION_FIELDS = (
    Field("name", required=True, max_length=400, allow_blank=False),
    Field("description"),
    Field("enabled", "bool"),
    Field("evaluation_type", required=True, choices=("llm_judge", "hog")),
    Field("evaluation_config", "json"),
    Field("output_type", required=True, choices=("boolean",)),
    Field("output_config", "json"),
    Field("conditions", "json"),
    Field("model_configuration", "object", nullable=True),
    Field("deleted", "bool"),
)
FOLDER_FIELDS = (
    Field("type", required=True, choices=("home", "pinned", "custom_products")),
    Field("protocol"),
    Field("path"),
)


# ----------------------------------------------------------------- shared parts
def live(rows: Iterable[Row]) -> list[Row]:
    return [r for r in rows if not r.get("deleted")]


def find(table: dict[str, Row], ident: str) -> Row:
    """A live row by UUID; anything else (bad UUID, unknown, soft-deleted) is 404."""
    try:
        ident = check_uuid("id", ident)
    except ApiError:
        raise not_found() from None
    row = table.get(ident)
    if row is None or row.get("deleted"):
        raise not_found()
    return row


def ordered(ctx: Ctx, rows: list[Row], default: Sequence[str]) -> list[Row]:
    """Apply ``order_by`` (comma-separated or repeated); unknown keys are ignored."""
    keys = [k for k in ctx.args("order_by") if k.lstrip("-") in ORDER_KEYS] or list(default)
    rows = sorted(rows, key=lambda r: r["_seq"])
    for key in reversed(keys):
        rows.sort(key=_sort_key(key.lstrip("-")), reverse=key.startswith("-"))
    return rows


def _sort_key(field: str) -> Callable[[Row], tuple[int, str]]:
    def key(row: Row) -> tuple[int, str]:
        value = row.get(field)
        return (0, "") if value is None else (1, str(value).lower())

    return key


def filter_ids(ctx: Ctx, rows: list[Row]) -> list[Row]:
    wanted = ctx.uuid_args("id__in")
    if not wanted:
        return rows
    allowed = set(wanted)
    return [r for r in rows if r["id"] in allowed]


def filter_search(ctx: Ctx, rows: list[Row], fields: Sequence[str]) -> list[Row]:
    text = (ctx.arg("search") or "").lower()
    if not text:
        return rows
    return [r for r in rows if any(text in str(r.get(f) or "").lower() for f in fields)]


def insert(state: ServerState, table: dict[str, Row], row: Row) -> Row:
    now = state.now()
    row = {"id": state.new_id(), **row, "created_at": now, "updated_at": now}
    row["_seq"] = state.next_seq()
    table[row["id"]] = row
    return row


def patch(state: ServerState, row: Row, changes: dict[str, Any]) -> Row:
    row.update(changes)
    row["updated_at"] = state.now()
    return row


def refused(ctx: Ctx) -> Reply:
    """Hard delete is forbidden; PostHog answers 405 with an empty body."""
    return Reply(405)


def _crud(
    table_of: Callable[[ServerState], dict[str, Row]],
    fields: Sequence[Field],
    prepare: Callable[[Ctx, dict[str, Any], bool], dict[str, Any]],
) -> tuple[Handler, Handler, Handler]:
    """The create / retrieve / partial-update trio shared by the model viewsets."""

    def create(ctx: Ctx) -> Reply:
        data = prepare(ctx, clean(ctx.body, fields), False)
        row = insert(ctx.state, table_of(ctx.state), data)
        return Reply(201, public(row))

    def retrieve(ctx: Ctx) -> Reply:
        return Reply(200, public(find(table_of(ctx.state), ctx.params["id"])))

    def partial_update(ctx: Ctx) -> Reply:
        row = find(table_of(ctx.state), ctx.params["id"])
        body = ctx.body if ctx.body is not None else {}
        changes = prepare(ctx, clean(body, fields, partial=True), True)
        return Reply(200, public(patch(ctx.state, row, changes)))

    return create, retrieve, partial_update


# --------------------------------------------------------------------- datasets
def _prepare_dataset(ctx: Ctx, data: dict[str, Any], partial: bool) -> dict[str, Any]:
    if partial:
        return data
    return {
        "name": data["name"],
        "description": data.get("description"),
        "metadata": data.get("metadata"),
        "deleted": bool(data.get("deleted") or False),
        "created_by": ctx.state.user,
        "team": ctx.state.team_id,
    }


def list_datasets(ctx: Ctx) -> Reply:
    rows = live(ctx.state.datasets.values())
    rows = filter_search(ctx, filter_ids(ctx, rows), ("name", "description"))
    return paginate(ctx, [public(r) for r in ordered(ctx, rows, ["-created_at"])])


# ---------------------------------------------------------------- dataset items
def _prepare_item(ctx: Ctx, data: dict[str, Any], partial: bool) -> dict[str, Any]:
    if "dataset" in data:
        dataset = ctx.state.datasets.get(data["dataset"])
        if dataset is None or dataset.get("deleted"):
            raise invalid(
                "dataset",
                f'Invalid pk "{data["dataset"]}" - object does not exist.',
                "does_not_exist",
            )
    if partial:
        return data
    row: dict[str, Any] = {"dataset": data["dataset"]}
    for name in ("input", "output", "metadata", "ref_trace_id", "ref_timestamp", "ref_source_id"):
        row[name] = data.get(name)
    row.update(
        deleted=bool(data.get("deleted") or False),
        created_by=ctx.state.user,
        team=ctx.state.team_id,
    )
    return row


def list_items(ctx: Ctx) -> Reply:
    rows = live(ctx.state.dataset_items.values())
    raw = ctx.arg("dataset")
    if raw:
        dataset = check_uuid("dataset", raw)
        rows = [r for r in rows if r["dataset"] == dataset]
    return paginate(ctx, [public(r) for r in ordered(ctx, rows, ["created_at"])])


# ------------------------------------------------------------------ evaluations
def _prepare_evaluation(ctx: Ctx, data: dict[str, Any], partial: bool) -> dict[str, Any]:
    if partial:
        return data
    return {
        "name": data["name"],
        "description": data.get("description", ""),
        "enabled": data.get("enabled", False),
        "evaluation_type": data["evaluation_type"],
        "evaluation_config": data.get("evaluation_config", {}),
        "output_type": data["output_type"],
        "output_config": data.get("output_config", {}),
        "conditions": data.get("conditions", []),
        "model_configuration": data.get("model_configuration"),
        "created_by": ctx.state.user,
        "deleted": data.get("deleted", False),
    }


def list_evaluations(ctx: Ctx) -> Reply:
    rows = live(ctx.state.evaluations.values())
    enabled = ctx.bool_arg("enabled")
    if enabled is not None:
        rows = [r for r in rows if r["enabled"] is enabled]
    rows = filter_search(ctx, filter_ids(ctx, rows), ("name", "description"))
    return paginate(ctx, [public(r) for r in ordered(ctx, rows, ["-created_at"])])


# ------------------------------------------------------------ persisted folders
def create_folder(ctx: Ctx) -> Reply:
    """One folder per type: creating a type that exists updates it (an upsert)."""
    data = clean(ctx.body, FOLDER_FIELDS)
    values = {"protocol": data.get("protocol", "products://"), "path": data.get("path", "")}
    for row in ctx.state.folders.values():
        if row["type"] == data["type"]:
            return Reply(201, public(patch(ctx.state, row, values)))
    row = insert(ctx.state, ctx.state.folders, {"type": data["type"], **values})
    return Reply(201, public(row))


def list_folders(ctx: Ctx) -> Reply:
    rows = sorted(ctx.state.folders.values(), key=lambda r: r["_seq"])
    return paginate(ctx, [public(r) for r in rows])


# ---------------------------------------------------------------- provider keys
def list_provider_keys(ctx: Ctx) -> Reply:
    rows = sorted(ctx.state.provider_keys.values(), key=lambda r: r["created_at"], reverse=True)
    return paginate(ctx, [public(r) for r in rows])


_dataset_ops = _crud(lambda s: s.datasets, DATASET_FIELDS, _prepare_dataset)
_item_ops = _crud(lambda s: s.dataset_items, ITEM_FIELDS, _prepare_item)
_evaluation_ops = _crud(lambda s: s.evaluations, EVALUATION_FIELDS, _prepare_evaluation)

HANDLERS: dict[str, Handler] = {
    "datasets_list": list_datasets,
    "datasets_create": _dataset_ops[0],
    "datasets_retrieve": _dataset_ops[1],
    "datasets_partial_update": _dataset_ops[2],
    "datasets_destroy": refused,
    "dataset_items_list": list_items,
    "dataset_items_create": _item_ops[0],
    "dataset_items_retrieve": _item_ops[1],
    "dataset_items_partial_update": _item_ops[2],
    "dataset_items_destroy": refused,
    "evaluations_list": list_evaluations,
    "evaluations_create": _evaluation_ops[0],
    "evaluations_retrieve": _evaluation_ops[1],
    "evaluations_partial_update": _evaluation_ops[2],
    "evaluations_destroy": refused,
    "persisted_folder_create": create_folder,
    "persisted_folder_list": list_folders,
    "llm_analytics_provider_keys_list": list_provider_keys,
}
