"""LLM prompts with name-based versioning, as described in posthog-behaviour.md.

Every version is its own row. A name's *live* rows are those not soft-deleted; the
derived fields (``is_latest``, ``latest_version``, ``version_count``,
``first_version_created_at``) are computed from the live rows on every read, so
they can never disagree between rows of one name.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ._errors import ApiError, bare_not_found, invalid, not_found, required
from ._fields import Field, check, check_int, check_uuid, clean, expect_object
from ._http import Ctx, Handler, Reply, paginate
from .state import Row, ServerState

NAME_PATTERN = re.compile(r"^[a-zA-Z0-9_-]+$")
MAX_PROMPT_BYTES = 1_000_000
MAX_VERSIONS = 2000
CONFLICT_DETAIL = "The prompt changed since you opened it. Reload the latest version and try again."

_PUBLIC_FIELDS = (
    "id",
    "name",
    "prompt",
    "version",
    "created_at",
    "updated_at",
    "deleted",
    "is_latest",
    "latest_version",
    "version_count",
    "first_version_created_at",
)


# ------------------------------------------------------------------ store logic
def live_versions(state: ServerState, name: str) -> list[Row]:
    """The live rows of ``name``, newest version first."""
    rows = [r for r in state.prompts if r["name"] == name and not r["deleted"]]
    rows.sort(key=lambda r: r["version"], reverse=True)
    return rows


def render(state: ServerState, row: Row, siblings: list[Row] | None = None) -> Row:
    """A row as ``LLMPrompt``, with the per-name fields filled in."""
    live = siblings if siblings is not None else live_versions(state, row["name"])
    latest = live[0]["version"] if live else row["version"]
    first = min(live, key=lambda r: r["version"]) if live else row
    return {
        "id": row["id"],
        "name": row["name"],
        "prompt": row["prompt"],
        "version": row["version"],
        "created_by": row["created_by"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "deleted": row["deleted"],
        "is_latest": bool(live) and not row["deleted"] and row["version"] == latest,
        "latest_version": latest,
        "version_count": len(live),
        "first_version_created_at": first["created_at"],
    }


def render_public(state: ServerState, row: Row) -> Row:
    full = render(state, row)
    return {key: full[key] for key in _PUBLIC_FIELDS}


def check_name(value: Any) -> str:
    name = check(Field("name", max_length=255, allow_blank=False), value)
    if not NAME_PATTERN.fullmatch(name):
        raise invalid("name", "Only letters, numbers, hyphens (-) and underscores (_) are allowed.")
    if name.lower() == "new":
        raise invalid("name", "'new' is a reserved name and cannot be used.")
    return str(name)


def check_content(body: dict[str, Any]) -> Any:
    if "prompt" not in body:
        raise required("prompt")
    content = body["prompt"]
    if content is None:
        raise invalid("prompt", "This field may not be null.", "null")
    size = len(json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode())
    if size > MAX_PROMPT_BYTES:
        raise invalid(
            "prompt",
            f"Prompt content is too large ({size} bytes); the limit is {MAX_PROMPT_BYTES} bytes.",
            "max_length",
        )
    return content


def create_prompt(state: ServerState, name: str, content: Any) -> Row:
    """Add a new row; the caller has checked the name and the version number."""
    live = live_versions(state, name)
    now = state.now()
    row: Row = {
        "id": state.new_id(),
        "name": name,
        "prompt": content,
        "version": live[0]["version"] + 1 if live else 1,
        "created_by": state.user,
        "created_at": now,
        "updated_at": now,
        "deleted": False,
    }
    state.prompts.append(row)
    return row


def _not_found(name: str) -> ApiError:
    return bare_not_found(f"Prompt with name '{name}' not found.")


def _row_by_id(state: ServerState, ident: str) -> Row:
    try:
        ident = check_uuid("id", ident)
    except ApiError:
        raise not_found() from None
    for row in state.prompts:
        if row["id"] == ident and not row["deleted"]:
            return row
    raise not_found()


# --------------------------------------------------------------------- handlers
def list_prompts(ctx: Ctx) -> Reply:
    search = (ctx.arg("search") or "").lower()
    latest: dict[str, Row] = {}
    for row in ctx.state.prompts:
        if row["deleted"] or (search and search not in row["name"].lower()):
            continue
        current = latest.get(row["name"])
        if current is None or row["version"] > current["version"]:
            latest[row["name"]] = row
    rows = sorted(latest.values(), key=lambda r: r["created_at"], reverse=True)
    return paginate(ctx, [render(ctx.state, r) for r in rows])


def create(ctx: Ctx) -> Reply:
    body = expect_object(ctx.body)
    if "name" not in body:
        raise required("name")
    name = check_name(body["name"])
    content = check_content(body)
    if "deleted" in body:
        check(Field("deleted", "bool"), body["deleted"])
    if live_versions(ctx.state, name):
        raise invalid("name", "A prompt with this name already exists.", "unique")
    row = create_prompt(ctx.state, name, content)
    return Reply(201, render(ctx.state, row))


def retrieve(ctx: Ctx) -> Reply:
    return Reply(200, render(ctx.state, _row_by_id(ctx.state, ctx.params["id"])))


def partial_update(ctx: Ctx) -> Reply:
    row = _row_by_id(ctx.state, ctx.params["id"])
    body = expect_object(ctx.body if ctx.body is not None else {})
    for attr in ("name", "prompt"):
        if attr in body and body[attr] != row[attr]:
            raise invalid(
                attr,
                f"The {attr} of a prompt version cannot be changed in place; "
                "publish a new version by name instead.",
            )
    changes = clean(body, [Field("deleted", "bool")], partial=True)
    if "deleted" in changes:
        row["deleted"] = changes["deleted"]
        row["updated_at"] = ctx.state.now()
    return Reply(200, render(ctx.state, row))


def destroy(ctx: Ctx) -> Reply:
    return Reply(405)


def get_by_name(ctx: Ctx) -> Reply:
    name = ctx.params["prompt_name"]
    version = ctx.int_arg("version", minimum=1)
    live = live_versions(ctx.state, name)
    if not live:
        raise _not_found(name)
    if version is None:
        return Reply(200, render_public(ctx.state, live[0]))
    for row in live:
        if row["version"] == version:
            return Reply(200, render_public(ctx.state, row))
    raise _not_found(name)


def publish(ctx: Ctx) -> Reply:
    """Compare-and-swap: only a caller who saw the latest version may add the next one."""
    name = ctx.params["prompt_name"]
    body = expect_object(ctx.body)
    content = check_content(body)
    if "base_version" not in body:
        raise required("base_version")
    base_version = check_int("base_version", body["base_version"], 1, None)
    live = live_versions(ctx.state, name)
    if not live:
        raise _not_found(name)
    current = live[0]["version"]
    if base_version != current:
        raise ApiError(409, {"detail": CONFLICT_DETAIL, "current_version": current})
    if len(live) >= MAX_VERSIONS:
        raise invalid(
            None,
            f"A prompt can have at most {MAX_VERSIONS} versions; archive it or use a new name.",
            "max_versions",
        )
    row = create_prompt(ctx.state, name, content)
    return Reply(200, render(ctx.state, row))


def archive(ctx: Ctx) -> Reply:
    name = ctx.params["prompt_name"]
    live = live_versions(ctx.state, name)
    if not live:
        raise _not_found(name)
    now = ctx.state.now()
    for row in live:
        row["deleted"] = True
        row["updated_at"] = now
    return Reply(204)


def resolve(ctx: Ctx) -> Reply:
    """One version plus a page of history (offset or keyset paging, never both)."""
    name = ctx.params["prompt_name"]
    limit = ctx.int_arg("limit", 1, 100) or 50
    offset = ctx.int_arg("offset", minimum=0)
    before = ctx.int_arg("before_version", minimum=1)
    version = ctx.int_arg("version", minimum=1)
    raw_version_id = ctx.arg("version_id")
    version_id = check_uuid("version_id", raw_version_id) if raw_version_id else None
    if offset is not None and before is not None:
        raise invalid(None, "Use either offset or before_version to page, not both.")
    if version is not None and version_id is not None:
        raise invalid(None, "Use either version or version_id, not both.")
    live = live_versions(ctx.state, name)
    if not live:
        raise _not_found(name)
    chosen = live[0]
    if version is not None or version_id is not None:
        matches = [
            r
            for r in live
            if (version is not None and r["version"] == version)
            or (version_id is not None and r["id"] == version_id)
        ]
        if not matches:
            raise _not_found(name)
        chosen = matches[0]
    history = [r for r in live if r["version"] < before] if before is not None else live
    start = offset or 0
    page = history[start : start + limit]
    latest = live[0]["version"]
    versions = [
        {
            "id": r["id"],
            "version": r["version"],
            "created_by": r["created_by"],
            "created_at": r["created_at"],
            "is_latest": r["version"] == latest,
        }
        for r in page
    ]
    body = {
        "prompt": render(ctx.state, chosen, live),
        "versions": versions,
        "has_more": len(history) > start + limit,
    }
    return Reply(200, body)


HANDLERS: dict[str, Handler] = {
    "llm_prompts_list": list_prompts,
    "llm_prompts_create": create,
    "llm_prompts_retrieve": retrieve,
    "llm_prompts_partial_update": partial_update,
    "llm_prompts_destroy": destroy,
    "llm_prompts_name_retrieve": get_by_name,
    "llm_prompts_name_partial_update": publish,
    "llm_prompts_name_archive_create": archive,
    "llm_prompts_resolve_name_retrieve": resolve,
}
