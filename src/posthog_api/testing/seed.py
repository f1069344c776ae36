"""Seeding: a small demo project, and helpers that put a test's own data in a state.

``seed_demo`` (prompts with history, a dataset with items, an evaluation) is used by
``posthog-api serve`` and by tests that want realistic data to read. The ``seed_*``
helpers (also methods of :class:`ServerState`) are plain synchronous calls, so a test
can arrange its data without an event loop. They check what they are given with the
server's own rules, so the data is what the API could have stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from posthog_api._errors import InvalidRequestError

from . import prompts, resources
from ._errors import ApiError
from ._fields import clean
from ._http import Ctx, Reply
from .resources import insert
from .state import Row, ServerState, public

_ANY_ID = "00000000-0000-4000-8000-000000000000"  # stands in for the dataset's id in a check
ITEM_KEYS = ("input", "output", "metadata", "ref_trace_id", "ref_timestamp", "ref_source_id")

DEMO_PROMPTS: dict[str, list[Any]] = {
    "support-bot": [
        "You are a helpful support assistant.",
        "You are a helpful support assistant for {{company}}.",
        "You are a friendly support assistant for {{company}}. Answer in {{language}}.",
    ],
    "summarizer": [
        "Summarize the following text.",
        "Summarize the following text in {{sentences}} sentences.",
    ],
    "chat-template": [
        [
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "{{question}}"},
        ]
    ],
}

# What a team running the support bot would have: production behind staging.
DEMO_LABELS: dict[str, dict[str, int]] = {"support-bot": {"production": 2, "staging": 3}}


def seed_demo(state: ServerState) -> dict[str, Any]:
    """Fill ``state`` with demo data; returns the ids of what it made."""
    with state.lock:
        for name, versions in DEMO_PROMPTS.items():
            for content in versions:
                prompts.create_prompt(state, name, content)
        for name, labels in DEMO_LABELS.items():
            for label, version in labels.items():
                prompts.set_label(state, name, label, version)
        dataset = insert(
            state,
            state.datasets,
            {
                "name": "support-questions",
                "description": "Typical questions sent to the support bot.",
                "metadata": {"owner": "demo"},
                "deleted": False,
                "created_by": state.user,
                "team": state.team_id,
            },
        )
        items: list[Row] = []
        for index, (question, answer) in enumerate(
            [
                ("How do I reset my password?", "Use the 'Forgot password' link."),
                ("Can I export my data?", "Yes, from Settings > Export."),
                ("Do you offer refunds?", "Within 30 days of purchase."),
            ],
            start=1,
        ):
            items.append(
                insert(
                    state,
                    state.dataset_items,
                    {
                        "dataset": dataset["id"],
                        "input": {"question": question},
                        "output": {"answer": answer},
                        "metadata": {"index": index},
                        "ref_trace_id": None,
                        "ref_timestamp": None,
                        "ref_source_id": None,
                        "deleted": False,
                        "created_by": state.user,
                        "team": state.team_id,
                    },
                )
            )
        evaluation = insert(
            state,
            state.evaluations,
            {
                "name": "Helpfulness",
                "description": "Is the answer helpful and on topic?",
                "enabled": True,
                "evaluation_type": "llm_judge",
                "evaluation_config": {"prompt": "Is this answer helpful? Reply true or false."},
                "output_type": "boolean",
                "output_config": {},
                "conditions": [{"id": "all", "rollout_percentage": 100}],
                "created_by": state.user,
                "deleted": False,
            },
        )
        key = state.add_provider_key("openai", "Demo OpenAI key", "sk-demo-0000000000000000")
        state.active_provider_key = key["id"]
        for kind in ("github", "google-ads", "jira", "linear", "linkedin-ads", "twilio"):
            state.add_integration(kind)
        _seed_events_and_logs(state)
    return {
        "prompts": sorted(DEMO_PROMPTS),
        "dataset": dataset["id"],
        "dataset_items": [item["id"] for item in items],
        "evaluation": evaluation["id"],
        "provider_key": key["id"],
    }


def _seed_events_and_logs(state: ServerState) -> None:
    levels = ("info", "info", "warn", "error")
    for index in range(12):
        minute = f"2025-01-01T{10 + index // 6:02d}:{index * 7 % 60:02d}:00Z"
        state.events.append(
            {
                "id": state.new_id(),
                "distinct_id": str(1000 + index % 3),
                "properties": {"$ai_model": "gpt-4o-mini", "$ai_latency": 0.5 + index / 10},
                "event": "$ai_generation" if index % 2 == 0 else "$pageview",
                "timestamp": minute,
                "person": None,
            }
        )
        state.logs.append(
            {
                "uuid": state.new_id(),
                "timestamp": minute,
                "severity_text": levels[index % 4],
                "body": f"request {index} handled",
                "attributes": {"service.name": "support-bot", "http.status": 200 + index % 3},
            }
        )


# ----------------------------------------------------------- a test's own data
def seed_prompt(
    state: ServerState,
    name: str,
    prompt: Any,
    *,
    versions: Sequence[Any] = (),
    labels: Iterable[str] | Mapping[str, int] = (),
    config: Mapping[str, Any] | None = None,
    version_description: str | None = None,
) -> Row:
    """Store a prompt: ``versions`` (oldest first), then ``prompt`` as the latest.

    A name that exists already gets them as its next versions, as publishing would.
    ``config`` and ``version_description`` belong to the latest version; ``labels`` is a
    list of label names set on the latest version, or ``{label: version}``. Returns the
    latest version as ``GET .../llm_prompts/name/<name>/`` shows it.
    """
    if isinstance(versions, str | bytes) or not isinstance(versions, Sequence):
        raise InvalidRequestError(
            f"seed_prompt: versions must be a list of the earlier versions' contents, oldest "
            f"first, got {type(versions).__name__}; pass versions=[...]"
        )
    if isinstance(labels, str | bytes):
        raise InvalidRequestError(
            f"seed_prompt: labels must be a list of label names or a dict of label to "
            f"version, got a string; pass labels=[{labels!r}]"
        )
    contents = [_as_json("seed_prompt", "prompt", content) for content in [*versions, prompt]]
    extras = {"config": _as_json("seed_prompt", "config", config)}
    if version_description is not None:
        extras["version_description"] = version_description
    with state.lock:
        try:
            name = prompts.check_name(name)
            for content in contents:
                prompts.check_content({"prompt": content})
            extras = prompts.check_extras(extras)
        except ApiError as error:
            raise _refused("seed_prompt", error) from None
        existing = len(prompts.live_versions(state, name))
        if existing + len(contents) > prompts.MAX_VERSIONS:
            raise InvalidRequestError(
                f"seed_prompt: {name!r} would have {existing + len(contents)} versions; "
                f"a prompt can have at most {prompts.MAX_VERSIONS}"
            )
        latest = existing + len(contents)
        held = {row["name"] for row in prompts.labels_of(state, name)}
        wanted = _wanted_labels(labels, latest, held)
        for index, content in enumerate(contents):
            last = index == len(contents) - 1
            row = prompts.create_prompt(state, name, content, **(extras if last else {}))
        for label, version in wanted.items():
            prompts.set_label(state, name, label, version)
        return prompts.render_public(state, row)


def _wanted_labels(
    labels: Iterable[str] | Mapping[str, int], latest: int, held: set[str]
) -> dict[str, int]:
    """``labels`` as {label: version}, checked before anything is stored (``held``: the
    labels the prompt has already, which count towards the limit)."""
    wanted = dict(labels) if isinstance(labels, Mapping) else dict.fromkeys(labels, latest)
    for label, version in wanted.items():
        problem = prompts.label_problem(label) if isinstance(label, str) else "not a string"
        if problem is not None:
            raise InvalidRequestError(f"seed_prompt: label {label!r}: {problem}")
        if type(version) is not int or not 1 <= version <= latest:
            raise InvalidRequestError(
                f"seed_prompt: label {label!r} points at version {version!r}; "
                f"the prompt will have versions 1 to {latest}"
            )
    total = len(held | set(wanted))
    if total > prompts.MAX_LABELS:
        raise InvalidRequestError(
            f"seed_prompt: {total} labels; a prompt can have at most {prompts.MAX_LABELS}"
        )
    return wanted


def seed_label(state: ServerState, prompt_name: str, label: str, version: int | None = None) -> Row:
    """Point ``label`` at ``version`` (the latest when None) of a stored prompt; returns
    the label as ``PUT .../labels/<label>/`` answers it."""
    with state.lock:
        live = prompts.live_versions(state, prompt_name)
        if not live:
            raise InvalidRequestError(
                f"seed_label: there is no prompt {prompt_name!r}; seed it first with seed_prompt"
            )
        problem = prompts.label_problem(label) if isinstance(label, str) else "not a string"
        if problem is not None:
            raise InvalidRequestError(f"seed_label: label {label!r}: {problem}")
        chosen = live[0]["version"] if version is None else version
        if not any(row["version"] == chosen for row in live):
            raise InvalidRequestError(
                f"seed_label: {prompt_name!r} has no version {chosen!r}; its versions are "
                f"{', '.join(str(row['version']) for row in reversed(live))}"
            )
        try:
            row, _ = prompts.set_label(state, prompt_name, label, chosen)
        except ApiError as error:
            raise _refused("seed_label", error) from None
        return dict(row)


def seed_dataset(
    state: ServerState,
    name: str,
    items: Sequence[Mapping[str, Any]] = (),
    *,
    description: str | None = None,
    metadata: Any = None,
) -> Row:
    """Store a dataset and its ``items`` (each a dict of ``input``, ``output``, ...).

    Returns the dataset as the API shows it; read its items back with
    ``state.dataset_items`` or through the client.
    """
    if isinstance(items, str | bytes | Mapping) or not isinstance(items, Sequence):
        raise InvalidRequestError(
            f"seed_dataset: items must be a list of dicts, got {type(items).__name__}"
        )
    body = {
        "name": name,
        "description": description,
        "metadata": _as_json("seed_dataset", "metadata", metadata),
    }
    bodies = [_item_body("seed_dataset", item) for item in items]
    create_dataset, _, _ = resources._dataset_ops
    create_item, _, _ = resources._item_ops
    with state.lock:
        # Every item is checked before anything is stored, so a refused item stores nothing.
        _check("seed_dataset", resources.DATASET_FIELDS, body)
        for item in bodies:
            _check("seed_dataset", resources.ITEM_FIELDS, {**item, "dataset": _ANY_ID})
        dataset = _create(state, create_dataset, body, "seed_dataset")
        for item in bodies:
            _create(state, create_item, {**item, "dataset": dataset["id"]}, "seed_dataset")
    return dataset


def seed_dataset_item(state: ServerState, dataset_id: str, **item: Any) -> Row:
    """Add one item (``input=``, ``output=``, ``metadata=``, ``ref_*=``) to a dataset."""
    create_item, _, _ = resources._item_ops
    body = {**_item_body("seed_dataset_item", item), "dataset": dataset_id}
    with state.lock:
        return _create(state, create_item, body, "seed_dataset_item")


def seed_evaluation(
    state: ServerState,
    name: str,
    *,
    evaluation_type: str = "llm_judge",
    evaluation_config: Any = None,
    enabled: bool = True,
    output_type: str = "boolean",
    output_config: Any = None,
    conditions: Any = None,
    description: str = "",
    model_configuration: Mapping[str, Any] | None = None,
) -> Row:
    """Store an evaluation (an enabled LLM judge unless told otherwise); returns it."""
    body = {
        "name": name,
        "description": description,
        "enabled": enabled,
        "evaluation_type": evaluation_type,
        "evaluation_config": _as_json("seed_evaluation", "evaluation_config", evaluation_config)
        if evaluation_config is not None
        else {},
        "output_type": output_type,
        "output_config": _as_json("seed_evaluation", "output_config", output_config)
        if output_config is not None
        else {},
        "conditions": _as_json("seed_evaluation", "conditions", conditions)
        if conditions is not None
        else [],
        "model_configuration": _as_json(
            "seed_evaluation", "model_configuration", model_configuration
        ),
    }
    create_evaluation, _, _ = resources._evaluation_ops
    with state.lock:
        return _create(state, create_evaluation, body, "seed_evaluation")


def _item_body(where: str, item: Any) -> dict[str, Any]:
    if not isinstance(item, Mapping):
        raise InvalidRequestError(
            f"{where}: an item must be a dict with keys among {', '.join(ITEM_KEYS)}, "
            f"got {type(item).__name__}"
        )
    unknown = sorted(str(key) for key in item if key not in ITEM_KEYS)
    if unknown:
        raise InvalidRequestError(
            f"{where}: unknown item key(s) {', '.join(unknown)}; "
            f"the keys are {', '.join(ITEM_KEYS)}"
        )
    return {key: _as_json(where, key, value) for key, value in item.items()}


def _as_json(where: str, what: str, value: Any) -> Any:
    """A copy of ``value`` as the API would store it, so later edits of it change nothing."""
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise InvalidRequestError(
            f"{where}: {what} must be JSON (str, int, float, bool, None, lists and dicts of "
            f"them; no NaN or infinity): {exc}"
        ) from None


def _check(where: str, fields: Sequence[Any], body: dict[str, Any]) -> None:
    try:
        clean(body, fields)
    except ApiError as error:
        raise _refused(where, error) from None


def _create(
    state: ServerState, handler: Callable[[Ctx], Reply], body: dict[str, Any], where: str
) -> Row:
    """Run the API's own create handler on ``body``, as a POST would."""
    ctx = Ctx(state=state, method="POST", url="http://seed.invalid/", body=body)
    try:
        reply = handler(ctx)
    except ApiError as error:
        raise _refused(where, error) from None
    row: Row = public(reply.body)
    return row


def _refused(where: str, error: ApiError) -> InvalidRequestError:
    """The server's 400 as the seeding helper's own error, naming the field."""
    body = error.body or {}
    attr = body.get("attr")
    detail = body.get("detail", f"refused with status {error.status}")
    field = f"{attr}: " if attr else ""
    return InvalidRequestError(f"{where}: {field}{detail}")
