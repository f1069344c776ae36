"""Endpoints that compute an answer rather than store rows.

The real server calls LLMs, ClickHouse and third-party APIs here. This server
validates the input as PostHog does and answers deterministic JSON of the
documented shape, derived from the request and the project's state, so tests can
assert on it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from . import _properties
from ._errors import ApiError, invalid, not_found, required
from ._fields import Field, check, check_uuid, clean, expect_object, format_time
from ._http import Ctx, Handler, Reply, set_params
from ._json import BadJSON, loads
from .state import Row, public

PROVIDERS = ("openai", "anthropic", "gemini", "openrouter", "fireworks")
MODELS: dict[str, tuple[str, ...]] = {
    "openai": ("gpt-4.1", "gpt-4.1-mini", "gpt-4o-mini", "o4-mini"),
    "anthropic": ("claude-sonnet-4-5", "claude-haiku-4-5"),
    "gemini": ("gemini-2.5-pro", "gemini-2.5-flash"),
    "openrouter": ("openrouter/auto",),
    "fireworks": ("accounts/fireworks/models/llama-v3p1-70b-instruct",),
}
TEXT_REPR_TYPES = ("$ai_generation", "$ai_span", "$ai_embedding", "$ai_trace")
TRIAL_EVAL_LIMIT = 100


def _digest(*parts: Any) -> int:
    """A stable number from the inputs, so answers repeat for the same request."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


def _lines(data: Any) -> list[str]:
    return json.dumps(data, indent=2, sort_keys=True, default=str).splitlines()


# ------------------------------------------------------------------ summaries
SUMMARIZE_FIELDS = (
    Field("summarize_type", required=True, choices=("trace", "event")),
    Field("mode", choices=("minimal", "detailed")),
    Field("data", "json", required=True),
    Field("force_refresh", "bool"),
    Field("model", max_length=200, allow_blank=False),
)


def summarization(ctx: Ctx) -> Reply:
    """A summary object whose points cite lines (``[L1-4]``) of ``text_repr``."""
    body = clean(ctx.body, SUMMARIZE_FIELDS)
    mode = body.get("mode", "minimal")
    lines = _lines(body["data"])
    points = 3 if mode == "minimal" else 6
    step = max(1, len(lines) // points)
    bullets = []
    for index in range(points):
        start = min(index * step + 1, len(lines))
        end = min(start + step - 1, len(lines))
        bullets.append(f"Part {index + 1} of the {body['summarize_type']} [L{start}-{end}]")
    text = "\n".join(f"L{number}: {line}" for number, line in enumerate(lines, 1))
    return Reply(
        200,
        {
            "summary": {
                "title": f"Summary of the {body['summarize_type']} ({len(lines)} lines)",
                "points": bullets,
            },
            "text_repr": text,
            "metadata": {
                "summarize_type": body["summarize_type"],
                "mode": mode,
                "model": body.get("model", "local-summarizer"),
                "text_repr_length": sum(len(line) for line in lines),
                "line_count": len(lines),
                "cached": False,
            },
        },
    )


OPTION_FIELDS = (
    Field("max_length", "int", minimum=1),
    Field("truncated", "bool"),
    Field("truncate_buffer", "int", minimum=0),
    Field("include_markers", "bool"),
    Field("collapsed", "bool"),
    Field("include_hierarchy", "bool"),
    Field("max_depth", "int", minimum=1, nullable=True),
    Field("tools_collapse_threshold", "int", minimum=0),
    Field("include_line_numbers", "bool"),
)


def text_repr(ctx: Ctx) -> Reply:
    body = clean(
        ctx.body,
        (
            Field("event_type", required=True, choices=TEXT_REPR_TYPES),
            Field("data", "object", required=True),
            Field("options", "object"),
        ),
    )
    raw_options = body.get("options", {})
    try:
        options = clean(raw_options, OPTION_FIELDS, partial=True)
    except ApiError as error:
        if error.body is not None and error.body.get("attr"):
            error.body["attr"] = f"options__{error.body['attr']}"
        raise
    data: dict[str, Any] = body["data"]
    lines = [f"{body['event_type']} event"]
    if not options.get("collapsed", False):
        lines.extend(_lines(data))
    else:
        lines.append(f"({len(data)} top-level fields collapsed)")
    if options.get("include_line_numbers", False):
        lines = [f"L{number:03d}: {line}" for number, line in enumerate(lines, 1)]
    text = "\n".join(lines)
    max_length = options.get("max_length", 4_000_000)
    was_cut = options.get("truncated", True) and len(text) > max_length
    if was_cut:
        text = text[:max_length]
    properties = data.get("properties") if isinstance(data.get("properties"), dict) else {}
    trace = data.get("trace") if isinstance(data.get("trace"), dict) else {}
    trace_id = (properties or {}).get("$ai_trace_id") or (trace or {}).get("id")
    metadata = {
        "event_type": body["event_type"],
        "event_id": str(data["id"]) if "id" in data else None,
        "trace_id": str(trace_id) if trace_id is not None else None,
        "rendering": "collapsed" if options.get("collapsed") else "detailed",
        "char_count": len(text),
        "truncated": bool(was_cut),
        "error": None,
    }
    return Reply(200, {"text": text, "metadata": metadata})


def _evaluation(ctx: Ctx, ident: str) -> Row:
    row = ctx.state.evaluations.get(ident)
    if row is None or row.get("deleted"):
        raise not_found("Evaluation not found.")
    return row


def evaluation_summary(ctx: Ctx) -> Reply:
    body = clean(
        ctx.body,
        (
            Field("evaluation_id", "uuid", required=True),
            Field("filter", choices=("all", "pass", "fail", "na")),
            Field("generation_ids", "list", max_items=250),
            Field("force_refresh", "bool"),
        ),
    )
    evaluation = _evaluation(ctx, body["evaluation_id"])
    wanted = body.get("generation_ids") or [
        run["target_event_id"]
        for run in ctx.state.evaluation_runs
        if run["evaluation_id"] == evaluation["id"]
    ]
    outcomes = {"pass": [], "fail": [], "na": []}  # type: dict[str, list[str]]
    for generation in wanted:
        outcome = ("pass", "pass", "fail", "na")[_digest(evaluation["id"], generation) % 4]
        outcomes[outcome].append(str(generation))
    chosen = body.get("filter", "all")

    def patterns(kind: str) -> list[Row]:
        ids = outcomes[kind]
        if not ids or chosen not in ("all", kind):
            return []
        return [
            {
                "title": f"{kind} pattern",
                "description": f"{len(ids)} generation(s) judged {kind}.",
                "frequency": "common" if len(ids) > 2 else "occasional",
                "example_reasoning": f"Typical reasoning of a {kind} result.",
                "example_generation_ids": ids[:3],
            }
        ]

    return Reply(
        200,
        {
            "overall_assessment": f"Analysed {len(wanted)} run(s) of '{evaluation['name']}'.",
            "pass_patterns": patterns("pass"),
            "fail_patterns": patterns("fail"),
            "na_patterns": patterns("na"),
            "recommendations": (["Review the failing generations."] if outcomes["fail"] else []),
            "statistics": {
                "total_analyzed": len(wanted),
                "pass_count": len(outcomes["pass"]),
                "fail_count": len(outcomes["fail"]),
                "na_count": len(outcomes["na"]),
            },
        },
    )


def evaluation_runs(ctx: Ctx) -> Reply:
    body = clean(
        ctx.body if ctx.body is not None else {},
        (
            Field("evaluation_id", "uuid", required=True),
            Field("target_event_id", required=True, allow_blank=False),
            Field("timestamp", "datetime", required=True),
        ),
    )
    evaluation = _evaluation(ctx, body["evaluation_id"])
    run = {
        "workflow_id": f"evaluation-run-{ctx.state.new_id()}",
        "status": "started",
        "evaluation_id": evaluation["id"],
        "target_event_id": body["target_event_id"],
        "timestamp": body["timestamp"],
    }
    ctx.state.evaluation_runs.append(run)
    ctx.state.trial_evals_used += 1
    return Reply(201, {**run, "evaluation": {"id": evaluation["id"], "name": evaluation["name"]}})


# -------------------------------------------------------- evaluation config
def _config(ctx: Ctx) -> Row:
    state = ctx.state
    active = state.provider_keys.get(state.active_provider_key or "")
    return {
        "trial_eval_limit": TRIAL_EVAL_LIMIT,
        "trial_evals_used": state.trial_evals_used,
        "trial_evals_remaining": max(TRIAL_EVAL_LIMIT - state.trial_evals_used, 0),
        "active_provider_key": public(active) if active else None,
    }


def evaluation_config(ctx: Ctx) -> Reply:
    return Reply(200, _config(ctx))


def set_active_key(ctx: Ctx) -> Reply:
    body = expect_object(ctx.body if ctx.body is not None else {})
    if "key_id" not in body:
        raise required("key_id")
    if body["key_id"] is None:
        ctx.state.active_provider_key = None
        return Reply(200, _config(ctx))
    key_id = check_uuid("key_id", body["key_id"])
    key = ctx.state.provider_keys.get(key_id)
    if key is None:
        raise not_found("Provider key not found.")
    if key["state"] != "ok":
        raise invalid("key_id", "Only a key whose state is 'ok' can be made active.")
    ctx.state.active_provider_key = key_id
    return Reply(200, _config(ctx))


def models(ctx: Ctx) -> Reply:
    provider = ctx.arg("provider")
    if provider is not None and provider not in PROVIDERS:
        raise invalid("provider", f'"{provider}" is not a valid choice.', "invalid_choice")
    chosen = (provider,) if provider else PROVIDERS
    return Reply(
        200,
        {"models": [{"id": m, "provider": p} for p in chosen for m in MODELS[p]]},
    )


def provider_key_validations(ctx: Ctx) -> Reply:
    body = clean(
        ctx.body if ctx.body is not None else {},
        (
            Field("provider", required=True, choices=PROVIDERS),
            Field("api_key", required=True, allow_blank=False),
        ),
    )
    # A key is "valid" unless it looks like a placeholder; the secret is never echoed.
    secret: str = body["api_key"]
    looks_bad = len(secret) < 8 or secret.lower().startswith("invalid")
    return Reply(
        201,
        {
            "provider": body["provider"],
            "state": "invalid" if looks_bad else "ok",
            "error_message": "The provider rejected this API key." if looks_bad else None,
        },
    )


# ------------------------------------------------------------------------ logs
def _logs_query(ctx: Ctx) -> dict[str, Any]:
    body = clean(ctx.body if ctx.body is not None else {}, (Field("query", "object"),))
    query: dict[str, Any] = body.get("query", {})
    limit = query.get("limit", 100)
    check(Field("limit", "int", minimum=1, maximum=1000), limit)
    levels = query.get("severityLevels", [])
    if not isinstance(levels, list):
        raise invalid("severityLevels", 'Expected a list of items but got type "str".')
    return {"limit": int(limit), "levels": levels, "search": str(query.get("searchTerm") or "")}


def _matching_logs(ctx: Ctx, query: dict[str, Any]) -> list[Row]:
    rows = ctx.state.logs
    if query["levels"]:
        rows = [r for r in rows if r["severity_text"] in query["levels"]]
    if query["search"]:
        rows = [r for r in rows if query["search"].lower() in r["body"].lower()]
    return sorted(rows, key=lambda r: r["timestamp"], reverse=True)


def logs_query(ctx: Ctx) -> Reply:
    query = _logs_query(ctx)
    rows = _matching_logs(ctx, query)
    return Reply(200, {"results": rows[: query["limit"]], "hasMore": len(rows) > query["limit"]})


def logs_sparkline(ctx: Ctx) -> Reply:
    rows = _matching_logs(ctx, _logs_query(ctx))
    buckets: dict[tuple[str, str], int] = {}
    for row in rows:
        bucket = row["timestamp"][:13] + ":00:00Z"
        key = (bucket, row["severity_text"])
        buckets[key] = buckets.get(key, 0) + 1
    points = [
        {"time": time, "severity": level, "count": count}
        for (time, level), count in sorted(buckets.items())
    ]
    return Reply(200, {"sparkline": points})


def logs_attributes(ctx: Ctx) -> Reply:
    names: set[str] = set()
    for row in ctx.state.logs:
        names.update(row["attributes"])
    search = (ctx.arg("search") or "").lower()
    results = [
        {"name": n, "propertyFilterType": "log_attribute"}
        for n in sorted(names)
        if search in n.lower()
    ]
    return Reply(200, {"results": results, "count": len(results)})


def logs_values(ctx: Ctx) -> Reply:
    key = ctx.arg("key")
    values: set[str] = set()
    for row in ctx.state.logs:
        for name, value in row["attributes"].items():
            if key is None or name == key:
                values.add(str(value))
    return Reply(200, {"results": [{"id": v, "name": v} for v in sorted(values)]})


# ------------------------------------------------------------- integrations
INTEGRATION_KINDS = (
    "slack",
    "github",
    "google-ads",
    "jira",
    "linear",
    "linkedin-ads",
    "twilio",
    "hubspot",
    "salesforce",
)


def integrations_authorize(ctx: Ctx) -> Reply:
    kind = ctx.arg("kind") or "slack"
    if kind not in INTEGRATION_KINDS:
        raise invalid("kind", f'"{kind}" is not a valid choice.', "invalid_choice")
    token = ctx.state.new_id()
    return Reply(
        200,
        {"kind": kind, "authorize_url": f"https://auth.example.com/{kind}/authorize?state={token}"},
    )


def _integration_view(kind: str, build: Any) -> Handler:
    def handler(ctx: Ctx) -> Reply:
        try:
            ident = int(ctx.params["id"])
        except ValueError:
            raise not_found() from None
        row = ctx.state.integrations.get(ident)
        if row is None:
            raise not_found()
        if row["kind"] != kind:
            # PostHog refuses this with a 400, which the spec does not document for
            # these paths; "no <kind> integration with this id" keeps to the spec.
            raise not_found(f"No {kind} integration with this id.")
        seed = _digest(ident, kind)
        return Reply(200, build(row, seed))

    return handler


def _github(row: Row, seed: int) -> Row:
    repos = [
        {"id": seed % 100000 + i, "name": f"repo-{i}", "full_name": f"acme/repo-{i}"}
        for i in range(1, 4)
    ]
    return {"repositories": repos, "has_more": False}


def _google_accounts(row: Row, seed: int) -> Row:
    return {
        "accessible_accounts": [
            {"id": str(1000000000 + seed % 1000), "name": "Acme Ads", "parent_id": None}
        ]
    }


def _google_actions(row: Row, seed: int) -> Row:
    return {"conversionActions": [{"id": str(seed % 10000), "name": "Purchase"}]}


def _jira(row: Row, seed: int) -> Row:
    return {"projects": [{"id": str(10000 + seed % 100), "key": "ACME", "name": "Acme"}]}


def _linear(row: Row, seed: int) -> Row:
    return {"teams": [{"id": f"team-{seed % 1000}", "name": "Engineering"}]}


def _linkedin_accounts(row: Row, seed: int) -> Row:
    return {"adAccounts": [{"id": str(500000 + seed % 1000), "name": "Acme LinkedIn"}]}


def _linkedin_rules(row: Row, seed: int) -> Row:
    return {"conversionRules": [{"id": str(700000 + seed % 1000), "name": "Sign-up"}]}


def _twilio(row: Row, seed: int) -> Row:
    return {"phone_numbers": [{"sid": f"PN{seed:024x}"[:34], "phone_number": "+15005550006"}]}


# ---------------------------------------------------------------- symbol sets
def _start_upload(ctx: Ctx, ref: str) -> Row:
    ident = ctx.state.new_id()
    ctx.state.symbol_sets[ident] = {"id": ident, "ref": ref, "storage_ptr": None}
    return {
        "symbol_set_id": ident,
        "presigned_url": {
            "url": "https://uploads.example.com/symbolsets",
            "fields": {"key": f"symbolsets/{ident}"},
        },
    }


def symbol_set_start_upload(ctx: Ctx) -> Reply:
    body = expect_object(ctx.body if ctx.body is not None else {})
    ref = ctx.arg("chunk_id") or body.get("chunk_id") or body.get("ref")
    if not isinstance(ref, str) or not ref:
        raise required("chunk_id")
    return Reply(200, _start_upload(ctx, ref))


def symbol_set_bulk_start_upload(ctx: Ctx) -> Reply:
    body = expect_object(ctx.body if ctx.body is not None else {})
    refs = body.get("chunk_ids")
    if refs is None:
        refs = [body["ref"]] if isinstance(body.get("ref"), str) else []
    if not isinstance(refs, list) or not all(isinstance(r, str) and r for r in refs):
        raise invalid("chunk_ids", "Expected a list of non-empty strings.")
    return Reply(200, {"id_map": {ref: _start_upload(ctx, ref) for ref in refs}})


# ------------------------------------------------------------------- events
def events(ctx: Ctx) -> Reply:
    """The legacy listing pages by time: ``next`` moves ``before`` back, no count."""
    limit = ctx.int_arg("limit", minimum=1) or 100
    name = ctx.arg("event")
    distinct_id = ctx.arg("distinct_id")
    after = _time_arg(ctx, "after")
    before = _time_arg(ctx, "before")
    fmt = ctx.arg("format")
    if fmt is not None and fmt not in ("csv", "json"):
        raise invalid("format", f'"{fmt}" is not a valid choice.', "invalid_choice")
    filters = _properties.parse(ctx.arg("properties"))
    # Read (and so validated) as PostHog reads them; this server evaluates no HogQL.
    _expressions_arg(ctx, "select")
    _expressions_arg(ctx, "where")
    rows = sorted(ctx.state.events, key=lambda r: r["timestamp"], reverse=True)
    rows = [
        r
        for r in rows
        if (name is None or r["event"] == name)
        and (distinct_id is None or r["distinct_id"] == distinct_id)
        and (after is None or r["timestamp"] > after)
        and (before is None or r["timestamp"] < before)
        and _properties.matches(r, filters)
    ]
    page = rows[:limit]
    next_url = None
    if len(rows) > limit:
        next_url = set_params(ctx.url, limit=limit, before=page[-1]["timestamp"])
    results = [
        {
            "id": r["id"],
            "distinct_id": r["distinct_id"],
            "properties": json.dumps(r["properties"]),
            "event": r["event"],
            "timestamp": r["timestamp"],
            "person": json.dumps(r.get("person")),
            "elements": "[]",
            "elements_chain": "",
        }
        for r in page
    ]
    return Reply(200, {"next": next_url, "results": results})


def _expressions_arg(ctx: Ctx, name: str) -> list[str] | None:
    """``select`` / ``where``: one parameter holding a JSON array of HogQL expressions."""
    raw = ctx.arg(name)
    if not raw:
        return None
    try:
        parsed = loads(raw)
    except BadJSON:
        parsed = None
    if not isinstance(parsed, list) or not all(isinstance(item, str) for item in parsed):
        raise invalid(
            name,
            f"{name} must be a JSON-serialized array of HogQL expressions (strings).",
            "invalid_input",
        )
    return parsed


def _time_arg(ctx: Ctx, name: str) -> str | None:
    raw = ctx.arg(name)
    if raw is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return format_time(moment)
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 moved to UTC
        raise invalid(name, "Enter a valid date/time.") from None


# ---------------------------------------------------------------- max tools
def max_tools_insight(ctx: Ctx) -> Reply:
    body = clean(
        ctx.body if ctx.body is not None else {},
        (
            Field("query_description", required=True, allow_blank=False),
            Field("insight_type", choices=("trends", "funnel", "retention", "sql")),
        ),
    )
    kind = body.get("insight_type", "trends")
    seed = _digest(body["query_description"], kind)
    days = [(dt.date(2025, 1, 1) + dt.timedelta(days=i)).isoformat() for i in range(7)]
    return Reply(
        200,
        {
            "insight_type": kind,
            "query": {
                "kind": f"{kind.capitalize()}Query",
                "description": body["query_description"],
            },
            "results": [
                {
                    "label": body["query_description"][:60],
                    "days": days,
                    "data": [(seed >> i) % 50 for i in range(7)],
                }
            ],
        },
    )


HANDLERS: dict[str, Handler] = {
    "llm_analytics_summarization_create": summarization,
    "llm_analytics_text_repr_create": text_repr,
    "llm_analytics_evaluation_summary_create": evaluation_summary,
    "evaluation_runs_create": evaluation_runs,
    "llm_analytics_evaluation_config_retrieve": evaluation_config,
    "llm_analytics_evaluation_config_set_active_key_create": set_active_key,
    "llm_analytics_models_retrieve": models,
    "llm_analytics_provider_key_validations_create": provider_key_validations,
    "logs_query_create": logs_query,
    "logs_sparkline_create": logs_sparkline,
    "logs_attributes_retrieve": logs_attributes,
    "logs_values_retrieve": logs_values,
    "integrations_authorize_retrieve": integrations_authorize,
    "integrations_github_repos_retrieve": _integration_view("github", _github),
    "integrations_google_accessible_accounts_retrieve": _integration_view(
        "google-ads", _google_accounts
    ),
    "integrations_google_conversion_actions_retrieve": _integration_view(
        "google-ads", _google_actions
    ),
    "integrations_jira_projects_retrieve": _integration_view("jira", _jira),
    "integrations_linear_teams_retrieve": _integration_view("linear", _linear),
    "integrations_linkedin_ads_accounts_retrieve": _integration_view(
        "linkedin-ads", _linkedin_accounts
    ),
    "integrations_linkedin_ads_conversion_rules_retrieve": _integration_view(
        "linkedin-ads", _linkedin_rules
    ),
    "integrations_twilio_phone_numbers_retrieve": _integration_view("twilio", _twilio),
    "error_tracking_symbol_sets_start_upload_create": symbol_set_start_upload,
    "error_tracking_symbol_sets_bulk_start_upload_create": symbol_set_bulk_start_upload,
    "events_list": events,
    "max_tools_create_and_query_insight_create": max_tools_insight,
}
