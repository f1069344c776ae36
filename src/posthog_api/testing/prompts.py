"""LLM prompts with name-based versioning and labels, as PostHog serves them today.

Every version is its own row. A name's *live* rows are those not soft-deleted; the
derived fields (``is_latest``, ``latest_version``, ``version_count``,
``first_version_created_at``) are computed from the live rows on every read, so
they can never disagree between rows of one name. A label is a movable name
(``production``) pointing at one version number of one prompt; it lives in
``state.prompt_labels`` and is removed with the prompt's archive.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from ._errors import ApiError, bare_not_found, invalid, not_found, required
from ._fields import Field, check, check_int, check_uuid, clean, expect_object
from ._http import Ctx, Handler, Reply, paginate
from .state import Row, ServerState

NAME_PATTERN = re.compile(r"^[a-zA-Z0-9_-]+$")
LABEL_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$")
MAX_LABEL_LENGTH = 128
MAX_LABELS = 50
MAX_PROMPT_BYTES = 1_000_000
MAX_VERSIONS = 2000
MAX_DESCRIPTION = 400
# PostHog does not document the preview's length; a short start is what it promises.
PREVIEW_CHARS = 200
CONTENT_MODES = ("full", "preview", "none")
ORDER_KEYS = (
    "name",
    "created_at",
    "updated_at",
    "version",
    "latest_version",
    "version_count",
    "first_version_created_at",
    "prompt_size_bytes",
)
CONFLICT_DETAIL = "The prompt changed since you opened it. Reload the latest version and try again."
BOTH_DETAIL = "Use either version or label, not both."

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
    "config",
    "version_description",
    "labels",
    "outline",
)
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


# ------------------------------------------------------------------ store logic
def live_versions(state: ServerState, name: str) -> list[Row]:
    """The live rows of ``name``, newest version first."""
    rows = [r for r in state.prompts if r["name"] == name and not r["deleted"]]
    rows.sort(key=lambda r: r["version"], reverse=True)
    return rows


def prompt_text(content: Any) -> str:
    """The content as the text PostHog holds for it: a string as is, JSON as JSON text."""
    return content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)


def content_size(content: Any) -> int:
    """The size the 1,000,000-byte limit applies to: the content as compact JSON."""
    return len(json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode())


def outline(content: Any) -> list[Row]:
    """The markdown headings of the content, in order (``[]`` when it has none)."""
    headings = []
    for line in prompt_text(content).splitlines():
        match = _HEADING.match(line.strip())
        if match:
            headings.append({"level": len(match.group(1)), "text": match.group(2)})
    return headings


def labels_of(state: ServerState, name: str) -> list[Row]:
    """The label rows of prompt ``name``, sorted by label name."""
    found = [row for (prompt, _), row in state.prompt_labels.items() if prompt == name]
    return sorted(found, key=lambda row: row["name"])


def label_refs(state: ServerState, name: str) -> list[Row]:
    """``[{name, version}]`` for every label of the prompt."""
    return [{"name": row["name"], "version": row["version"]} for row in labels_of(state, name)]


def render(state: ServerState, row: Row, siblings: list[Row] | None = None) -> Row:
    """A row as ``LLMPrompt``, with the per-name fields filled in."""
    live = siblings if siblings is not None else live_versions(state, row["name"])
    latest = live[0]["version"] if live else row["version"]
    first = min(live, key=lambda r: r["version"]) if live else row
    content = row["prompt"]
    labels = (
        []
        if row["deleted"]
        else [
            label["name"]
            for label in labels_of(state, row["name"])
            if label["version"] == row["version"]
        ]
    )
    return {
        "id": row["id"],
        "name": row["name"],
        "prompt": prompt_text(content) if state.prompt_as_text else content,
        "version": row["version"],
        "created_by": row["created_by"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "deleted": row["deleted"],
        "is_latest": bool(live) and not row["deleted"] and row["version"] == latest,
        "latest_version": latest,
        "version_count": len(live),
        "first_version_created_at": first["created_at"],
        "config": row.get("config"),
        "version_description": row.get("version_description"),
        "labels": labels,
        "outline": outline(content),
    }


def render_public(
    state: ServerState, row: Row, *, content: str = "full", label: str | None = None
) -> Row:
    """A row as ``LLMPromptPublic`` (get by name), cut down to ``content``."""
    full = render(state, row)
    out = {key: full[key] for key in _PUBLIC_FIELDS}
    if label is not None:
        out["label"] = label
    return _with_content(out, row, content)


def _with_content(out: Row, row: Row, mode: str) -> Row:
    if mode == "preview":
        del out["prompt"]
        out["prompt_preview"] = prompt_text(row["prompt"])[:PREVIEW_CHARS]
    elif mode == "none":
        del out["prompt"]
    return out


def check_name(value: Any, attr: str = "name") -> str:
    name = check(Field(attr, max_length=255, allow_blank=False), value)
    if not NAME_PATTERN.fullmatch(name):
        raise invalid(attr, "Only letters, numbers, hyphens (-) and underscores (_) are allowed.")
    if name.lower() == "new":
        raise invalid(attr, "'new' is a reserved name and cannot be used.")
    return str(name)


def label_problem(label: str) -> str | None:
    """Why ``label`` is not a valid label name, or None when it is."""
    if len(label) > MAX_LABEL_LENGTH:
        return f"A label name has at most {MAX_LABEL_LENGTH} characters."
    if not LABEL_PATTERN.fullmatch(label):
        return (
            "A label name uses lowercase letters, digits, '.', '_' and '-', and starts and "
            "ends with a letter or digit."
        )
    if label == "latest":
        return "'latest' is reserved and cannot be used as a label name."
    if label.isdigit():
        return "A label name cannot be only digits (that would read as a version number)."
    return None


def check_label(attr: str, label: str) -> str:
    problem = label_problem(label)
    if problem is not None:
        raise invalid(attr, problem)
    return label


def check_content(body: dict[str, Any], attr: str = "prompt") -> Any:
    if attr not in body:
        raise required(attr)
    content = body[attr]
    if content is None:
        raise invalid(attr, "This field may not be null.", "null")
    check_size(attr, content)
    return content


def check_size(attr: str, content: Any) -> None:
    size = content_size(content)
    if size > MAX_PROMPT_BYTES:
        raise invalid(
            attr,
            f"Prompt content is too large ({size} bytes); the limit is {MAX_PROMPT_BYTES} bytes.",
            "max_length",
        )


_CONFIG = Field("config", "object", nullable=True)
# PostHog's model column is CharField(max_length=400, null=True, blank=True).
_DESCRIPTION = Field("version_description", nullable=True, max_length=MAX_DESCRIPTION)


def check_extras(body: dict[str, Any]) -> dict[str, Any]:
    """``config`` and ``version_description`` when sent (checked), else absent."""
    return clean(body, (_CONFIG, _DESCRIPTION), partial=True)


def create_prompt(
    state: ServerState,
    name: str,
    content: Any,
    *,
    config: Any = None,
    version_description: str | None = None,
) -> Row:
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
        "config": config,
        "version_description": version_description,
    }
    state.prompts.append(row)
    return row


def set_label(state: ServerState, name: str, label: str, version: int) -> tuple[Row, bool]:
    """Point ``label`` at ``version``; returns the label and whether it was created.

    The caller has checked that the version is live and the label name is valid.
    """
    now = state.now()
    existing = state.prompt_labels.get((name, label))
    if existing is not None:
        existing["version"] = version
        existing["updated_at"] = now
        return existing, False
    if len(labels_of(state, name)) >= MAX_LABELS:
        raise invalid(
            "label_name",
            f"A prompt can have at most {MAX_LABELS} labels; remove one before adding another.",
            "max_labels",
        )
    row: Row = {
        "id": state.new_id(),
        "name": label,
        "prompt_name": name,
        "version": version,
        "created_by": state.user,
        "created_at": now,
        "updated_at": now,
    }
    state.prompt_labels[(name, label)] = row
    return row, True


def _drop_labels(state: ServerState, name: str, version: int | None = None) -> None:
    """Remove the prompt's labels (only those on ``version`` when given)."""
    for key, row in list(state.prompt_labels.items()):
        if key[0] == name and (version is None or row["version"] == version):
            del state.prompt_labels[key]


def _not_found(name: str) -> ApiError:
    return bare_not_found(f"Prompt with name '{name}' not found.")


def _no_label(name: str, label: str) -> ApiError:
    return bare_not_found(f"Prompt '{name}' has no label '{label}'.")


def _live_or_404(state: ServerState, name: str) -> list[Row]:
    live = live_versions(state, name)
    if not live:
        raise _not_found(name)
    return live


def _row_by_id(state: ServerState, ident: str) -> Row:
    try:
        ident = check_uuid("id", ident)
    except ApiError:
        raise not_found() from None
    for row in state.prompts:
        if row["id"] == ident and not row["deleted"]:
            return row
    raise not_found()


def _content_arg(ctx: Ctx) -> str:
    mode = ctx.arg("content") or "full"
    if mode not in CONTENT_MODES:
        raise invalid("content", f'"{mode}" is not a valid choice.', "invalid_choice")
    return mode


def _label_arg(ctx: Ctx) -> str | None:
    raw = ctx.arg("label")
    return check_label("label", raw) if raw else None


# --------------------------------------------------------------------- handlers
def list_prompts(ctx: Ctx) -> Reply:
    """One row per name: the latest version, or the labelled one with ``label``."""
    search = (ctx.arg("search") or "").lower()
    label = _label_arg(ctx)
    creator = ctx.int_arg("created_by_id")
    mode = _content_arg(ctx)
    order = ctx.arg("order_by") or "-created_at"
    if order.removeprefix("-") not in ORDER_KEYS:
        raise invalid("order_by", f'"{order}" is not a valid choice.', "invalid_choice")
    state = ctx.state
    by_name: dict[str, list[Row]] = {}
    for row in state.prompts:
        if not row["deleted"] and (not search or search in row["name"].lower()):
            by_name.setdefault(row["name"], []).append(row)
    rows: list[Row] = []
    for name, live in by_name.items():
        live.sort(key=lambda r: r["version"], reverse=True)
        chosen = live[0]
        if label is not None:
            pointer = state.prompt_labels.get((name, label))
            matches = [
                r for r in live if pointer is not None and r["version"] == pointer["version"]
            ]
            if not matches:
                continue
            chosen = matches[0]
        if creator is not None and (chosen["created_by"] or {}).get("id") != creator:
            continue
        out = render(state, chosen, live)
        out["all_labels"] = label_refs(state, name)
        out["prompt_size_bytes"] = len(prompt_text(chosen["prompt"]).encode())
        rows.append(_with_content(out, chosen, mode))
    rows.sort(key=lambda r: r["created_at"], reverse=True)
    key = order.removeprefix("-")
    sort_key: Callable[[Row], Any] = (
        (lambda r: r["name"].lower()) if key == "name" else (lambda r: r[key])
    )
    rows.sort(key=sort_key, reverse=order.startswith("-"))
    return paginate(ctx, rows)


def create(ctx: Ctx) -> Reply:
    body = expect_object(ctx.body)
    if "name" not in body:
        raise required("name")
    name = check_name(body["name"])
    content = check_content(body)
    extras = check_extras(body)
    if "deleted" in body:
        check(Field("deleted", "bool"), body["deleted"])
    if live_versions(ctx.state, name):
        raise invalid("name", "A prompt with this name already exists.", "unique")
    row = create_prompt(ctx.state, name, content, **extras)
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
        if row["deleted"]:
            _drop_labels(ctx.state, row["name"], row["version"])  # they pointed at this row
    return Reply(200, render(ctx.state, row))


def destroy(ctx: Ctx) -> Reply:
    return Reply(405)


def _by_name_or_version_id(state: ServerState, name: str) -> list[Row]:
    """The live rows of ``name``; failing that, of the prompt whose version has the UUID
    ``name`` (a prompt really named like the UUID is found first)."""
    live = live_versions(state, name)
    if live:
        return live
    try:
        ident = str(uuid.UUID(name))
    except ValueError:
        raise _not_found(name) from None
    for row in state.prompts:
        if row["id"] == ident and not row["deleted"]:
            return live_versions(state, row["name"])
    raise _not_found(name)


def get_by_name(ctx: Ctx) -> Reply:
    name = ctx.params["prompt_name"]
    version = ctx.int_arg("version", minimum=1)
    raw_label = ctx.arg("label")
    if version is not None and raw_label:
        raise invalid(None, BOTH_DETAIL)
    label = _label_arg(ctx)
    mode = _content_arg(ctx)
    live = _by_name_or_version_id(ctx.state, name)
    name = live[0]["name"]
    if label is not None:
        pointer = ctx.state.prompt_labels.get((name, label))
        if pointer is None:
            raise _no_label(name, label)
        version = pointer["version"]
    if version is None:
        return Reply(200, render_public(ctx.state, live[0], content=mode))
    for row in live:
        if row["version"] == version:
            return Reply(200, render_public(ctx.state, row, content=mode, label=label))
    raise _no_label(name, label) if label is not None else _not_found(name)


def _edits(value: Any) -> list[tuple[str, str]]:
    """The ``edits`` list, each ``{old, new}`` checked; a fault names its ``edit_index``."""
    if not isinstance(value, list):
        raise invalid("edits", f'Expected a list of items but got type "{type(value).__name__}".')
    if not value:
        raise invalid("edits", "This list may not be empty.", "empty")
    out = []
    for index, edit in enumerate(value):
        if not isinstance(edit, dict):
            raise invalid("edits", f"edit_index {index}: an edit is an object with old and new.")
        for key in ("old", "new"):
            if key not in edit:
                raise invalid("edits", f"edit_index {index}: '{key}' is required.")
            if not isinstance(edit[key], str):
                raise invalid("edits", f"edit_index {index}: '{key}' must be a string.")
        if not edit["old"]:
            raise invalid("edits", f"edit_index {index}: 'old' may not be empty.")
        out.append((edit["old"], edit["new"]))
    return out


def apply_edits(content: Any, edits: list[tuple[str, str]]) -> Any:
    """Each edit replaces the first occurrence of ``old`` in the result of the ones before.

    JSON content is edited as its JSON text and must still be JSON afterwards.
    """
    text = prompt_text(content)
    for index, (old, new) in enumerate(edits):
        at = text.find(old)
        if at < 0:
            raise invalid(
                "edits",
                f"edit_index {index}: the text in 'old' was not found in the prompt "
                "(after the edits before it).",
                "edit_not_found",
            )
        text = text[:at] + new + text[at + len(old) :]
    if isinstance(content, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        raise invalid("edits", "The edited JSON prompt is no longer valid JSON.") from None


def publish(ctx: Ctx) -> Reply:
    """Compare-and-swap: only a caller who saw the latest version may add the next one."""
    name = ctx.params["prompt_name"]
    body = expect_object(ctx.body)
    content: Any = None
    edits: list[tuple[str, str]] = []
    if "prompt" in body and "edits" in body:
        raise invalid(None, "Send either prompt or edits, not both.")
    if "prompt" in body:
        content = check_content(body)
    elif "edits" in body:
        edits = _edits(body["edits"])
    elif "config" not in body:
        raise required("prompt")
    if "base_version" not in body:
        raise required("base_version")
    base_version = check_int("base_version", body["base_version"], 1, None)
    extras = check_extras(body)
    live = _live_or_404(ctx.state, name)
    current = live[0]
    if base_version != current["version"]:
        raise ApiError(409, {"detail": CONFLICT_DETAIL, "current_version": current["version"]})
    if "edits" in body:
        content = apply_edits(current["prompt"], edits)
        check_size("edits", content)
    elif "prompt" not in body:
        content = current["prompt"]  # config alone: same content, new config
    extras.setdefault("config", current.get("config"))
    if len(live) >= MAX_VERSIONS:
        raise invalid(
            None,
            f"A prompt can have at most {MAX_VERSIONS} versions; archive it or use a new name.",
            "max_versions",
        )
    row = create_prompt(ctx.state, name, content, **extras)
    return Reply(200, render(ctx.state, row))


def archive(ctx: Ctx) -> Reply:
    name = ctx.params["prompt_name"]
    live = _live_or_404(ctx.state, name)
    now = ctx.state.now()
    for row in live:
        row["deleted"] = True
        row["updated_at"] = now
    _drop_labels(ctx.state, name)
    return Reply(204)


def duplicate(ctx: Ctx) -> Reply:
    """A new prompt at version 1 with the source's latest content and config."""
    name = ctx.params["prompt_name"]
    body = expect_object(ctx.body if ctx.body is not None else {})
    if "new_name" not in body:
        raise required("new_name")
    new_name = check_name(body["new_name"], "new_name")
    source = _live_or_404(ctx.state, name)[0]
    if live_versions(ctx.state, new_name):
        raise invalid("new_name", "A prompt with this name already exists.", "unique")
    row = create_prompt(ctx.state, new_name, source["prompt"], config=source.get("config"))
    return Reply(201, render(ctx.state, row))


def _label_path(ctx: Ctx) -> tuple[str, str]:
    return ctx.params["prompt_name"], check_label("label_name", ctx.params["label_name"])


def put_label(ctx: Ctx) -> Reply:
    """Set (201) or move (200) a label to a live version of the prompt."""
    name, label = _label_path(ctx)
    body = expect_object(ctx.body)
    if "version" not in body:
        raise required("version")
    version = check_int("version", body["version"], 1, None)
    live = _live_or_404(ctx.state, name)
    if not any(row["version"] == version for row in live):
        raise bare_not_found(f"Prompt '{name}' has no version {version}.")
    row, created = set_label(ctx.state, name, label, version)
    return Reply(201 if created else 200, dict(row))


def delete_label(ctx: Ctx) -> Reply:
    name, label = _label_path(ctx)
    _live_or_404(ctx.state, name)
    if ctx.state.prompt_labels.pop((name, label), None) is None:
        raise _no_label(name, label)
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
    live = _live_or_404(ctx.state, name)
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
        "labels": label_refs(ctx.state, name),
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
    "llm_prompts_name_duplicate_create": duplicate,
    "llm_prompts_name_labels_update": put_label,
    "llm_prompts_name_labels_destroy": delete_label,
    "llm_prompts_resolve_name_retrieve": resolve,
}
