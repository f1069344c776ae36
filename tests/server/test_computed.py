"""The computing endpoints: their input validation and the shape of their answers."""

from __future__ import annotations

from typing import Any

import httpx

from posthog_api.testing import ServerState, seed_demo

from .conftest import PROJECT

ENV = f"/api/projects/{PROJECT}"
NIL = "00000000-0000-4000-8000-000000000000"


def error_of(response: httpx.Response) -> tuple[int, Any, Any]:
    payload = response.json()
    return response.status_code, payload.get("attr"), payload.get("code")


async def test_summarization(http: httpx.AsyncClient) -> None:
    url = f"{ENV}/llm_analytics/summarization/"
    assert error_of(await http.post(url, json={"data": {}})) == (400, "summarize_type", "required")
    assert error_of(await http.post(url, json={"summarize_type": "span", "data": {}})) == (
        400,
        "summarize_type",
        "invalid_choice",
    )
    assert error_of(await http.post(url, json={"summarize_type": "trace"})) == (
        400,
        "data",
        "required",
    )
    assert error_of(
        await http.post(url, json={"summarize_type": "trace", "data": {}, "mode": "long"})
    ) == (400, "mode", "invalid_choice")
    data = {"trace": {"id": "t1"}, "hierarchy": [{"id": "g1"}, {"id": "g2"}]}
    minimal = (await http.post(url, json={"summarize_type": "trace", "data": data})).json()
    detailed = (
        await http.post(url, json={"summarize_type": "trace", "data": data, "mode": "detailed"})
    ).json()
    # Today's server: the summary is an object whose points cite lines of text_repr.
    assert len(minimal["summary"]["points"]) == 3
    assert len(detailed["summary"]["points"]) == 6
    assert isinstance(minimal["summary"]["title"], str)
    first = minimal["summary"]["points"][0]
    assert "[L1-" in first and minimal["metadata"]["mode"] == "minimal"
    cited = minimal["text_repr"].splitlines()
    assert cited[0].startswith("L1: ") and len(cited) == minimal["metadata"]["line_count"]
    again = (await http.post(url, json={"summarize_type": "trace", "data": data})).json()
    assert again == minimal  # deterministic
    assert minimal["metadata"]["model"] == "local-summarizer"  # the server's pick
    chosen = await http.post(
        url, json={"summarize_type": "trace", "data": data, "model": "gpt-4.1"}
    )
    assert chosen.status_code == 200 and chosen.json()["metadata"]["model"] == "gpt-4.1"
    blank = await http.post(url, json={"summarize_type": "trace", "data": data, "model": ""})
    assert error_of(blank) == (400, "model", "blank")


async def test_text_repr(http: httpx.AsyncClient) -> None:
    url = f"{ENV}/llm_analytics/text_repr/"
    assert error_of(await http.post(url, json={"event_type": "$pageview", "data": {}})) == (
        400,
        "event_type",
        "invalid_choice",
    )
    assert error_of(await http.post(url, json={"event_type": "$ai_span", "data": "text"}))[:2] == (
        400,
        "data",
    )
    bad_option = await http.post(
        url, json={"event_type": "$ai_span", "data": {}, "options": {"max_length": 0}}
    )
    assert error_of(bad_option)[:2] == (400, "options__max_length")
    event = {"id": "ev1", "properties": {"$ai_trace_id": "tr1", "$ai_input": "hello"}}
    plain = (await http.post(url, json={"event_type": "$ai_generation", "data": event})).json()
    assert plain["metadata"]["event_id"] == "ev1" and plain["metadata"]["trace_id"] == "tr1"
    assert plain["metadata"]["char_count"] == len(plain["text"]) and "hello" in plain["text"]
    numbered = (
        await http.post(
            url,
            json={
                "event_type": "$ai_generation",
                "data": event,
                "options": {"include_line_numbers": True, "max_length": 20},
            },
        )
    ).json()
    assert numbered["text"].startswith("L001: ") and len(numbered["text"]) == 20
    assert numbered["metadata"]["truncated"] is True


async def test_evaluation_summary_and_runs(http: httpx.AsyncClient, state: ServerState) -> None:
    seeded = seed_demo(state)
    evaluation = seeded["evaluation"]
    summary_url = f"{ENV}/llm_analytics/evaluation_summary/"
    runs_url = f"{ENV}/evaluation_runs/"
    assert error_of(await http.post(summary_url, json={})) == (400, "evaluation_id", "required")
    assert (await http.post(summary_url, json={"evaluation_id": NIL})).status_code == 404
    assert error_of(
        await http.post(
            summary_url, json={"evaluation_id": evaluation, "generation_ids": ["g"] * 251}
        )
    )[:2] == (400, "generation_ids")
    empty = (await http.post(summary_url, json={"evaluation_id": evaluation})).json()
    assert empty["statistics"]["total_analyzed"] == 0

    assert error_of(await http.post(runs_url, json={"evaluation_id": evaluation}))[:2] == (
        400,
        "target_event_id",
    )
    body = {"evaluation_id": NIL, "target_event_id": "g1", "timestamp": "2025-01-01T00:00:00Z"}
    assert (await http.post(runs_url, json=body)).status_code == 404
    for generation in ("g1", "g2", "g3", "g4", "g5"):
        queued = await http.post(
            runs_url, json={**body, "evaluation_id": evaluation, "target_event_id": generation}
        )
        assert queued.status_code == 201 and queued.json()["status"] == "started"
    summary = (await http.post(summary_url, json={"evaluation_id": evaluation})).json()
    stats = summary["statistics"]
    assert stats["total_analyzed"] == 5
    assert stats["pass_count"] + stats["fail_count"] + stats["na_count"] == 5
    only_fail = (
        await http.post(summary_url, json={"evaluation_id": evaluation, "filter": "fail"})
    ).json()
    assert only_fail["pass_patterns"] == [] and only_fail["na_patterns"] == []
    config = (await http.get(f"{ENV}/llm_analytics/evaluation_config/")).json()
    assert config["trial_evals_used"] == 5


async def test_provider_key_config_and_validation(
    http: httpx.AsyncClient, state: ServerState
) -> None:
    good = state.add_provider_key("openai", "good", "sk-good-key-123456")
    broken = state.add_provider_key("openai", "bad", "sk-bad-key-123456", state="invalid")
    url = f"{ENV}/llm_analytics/evaluation_config/set_active_key/"
    assert error_of(await http.post(url, json={})) == (400, "key_id", "required")
    assert (await http.post(url, json={"key_id": NIL})).status_code == 404
    assert (await http.post(url, json={"key_id": broken["id"]})).status_code == 400
    chosen = (await http.post(url, json={"key_id": good["id"]})).json()
    assert chosen["active_provider_key"]["id"] == good["id"]
    config = (await http.get(f"{ENV}/llm_analytics/evaluation_config/")).json()
    assert config["active_provider_key"]["name"] == "good"

    check = f"{ENV}/llm_analytics/provider_key_validations/"
    assert error_of(await http.post(check, json={"api_key": "sk-123456789"})) == (
        400,
        "provider",
        "required",
    )
    assert error_of(await http.post(check, json={"provider": "mistral", "api_key": "x"}))[1] == (
        "provider"
    )
    ok = await http.post(check, json={"provider": "anthropic", "api_key": "sk-ant-123456789"})
    assert ok.status_code == 201 and ok.json()["state"] == "ok"
    secret = "invalid-key-value"
    rejected = await http.post(check, json={"provider": "openai", "api_key": secret})
    assert rejected.json()["state"] == "invalid" and secret not in rejected.text

    models = (await http.get(f"{ENV}/llm_analytics/models/?provider=anthropic")).json()
    assert models["models"] and {m["provider"] for m in models["models"]} == {"anthropic"}
    assert (await http.get(f"{ENV}/llm_analytics/models/?provider=nope")).status_code == 400


async def test_logs(http: httpx.AsyncClient, state: ServerState) -> None:
    seed_demo(state)
    everything = (await http.post(f"{ENV}/logs/query/", json={})).json()
    assert len(everything["results"]) == len(state.logs) and everything["hasMore"] is False
    errors = (
        await http.post(
            f"{ENV}/logs/query/", json={"query": {"severityLevels": ["error"], "limit": 2}}
        )
    ).json()
    assert len(errors["results"]) == 2 and errors["hasMore"] is True
    assert {r["severity_text"] for r in errors["results"]} == {"error"}
    bad = await http.post(f"{ENV}/logs/query/", json={"query": {"limit": 0}})
    assert bad.status_code == 400
    spark = (await http.post(f"{ENV}/logs/sparkline/", json={})).json()
    assert sum(p["count"] for p in spark["sparkline"]) == len(state.logs)
    attributes = (await http.get(f"{ENV}/logs/attributes/")).json()
    assert {a["name"] for a in attributes["results"]} == {"service.name", "http.status"}
    values = (await http.get(f"{ENV}/logs/values/?key=service.name")).json()
    assert values["results"] == [{"id": "support-bot", "name": "support-bot"}]


async def test_integrations(http: httpx.AsyncClient, state: ServerState) -> None:
    github = state.add_integration("github")
    jira = state.add_integration("jira")
    repos = await http.get(f"{ENV}/integrations/{github['id']}/github_repos/")
    assert repos.status_code == 200 and len(repos.json()["repositories"]) == 3
    wrong_kind = await http.get(f"{ENV}/integrations/{jira['id']}/github_repos/")
    assert wrong_kind.status_code == 404
    missing = await http.get(f"{ENV}/integrations/999/jira_projects/")
    assert missing.status_code == 404
    authorize = (await http.get(f"{ENV}/integrations/authorize/?kind=github")).json()
    assert authorize["kind"] == "github" and authorize["authorize_url"].startswith("https://")
    assert (await http.get(f"{ENV}/integrations/authorize/?kind=fax")).status_code == 400


async def test_events_page_by_time(http: httpx.AsyncClient, state: ServerState) -> None:
    seed_demo(state)
    first = (await http.get(f"{ENV}/events/?limit=5")).json()
    assert "count" not in first and len(first["results"]) == 5
    stamps = [e["timestamp"] for e in first["results"]]
    assert stamps == sorted(stamps, reverse=True)
    second = (await http.get(first["next"])).json()
    assert all(e["timestamp"] < stamps[-1] for e in second["results"])
    only = (await http.get(f"{ENV}/events/?event=$pageview")).json()
    assert {e["event"] for e in only["results"]} == {"$pageview"} and only["next"] is None
    assert (await http.get(f"{ENV}/events/?after=yesterday")).status_code == 400


async def test_symbol_sets_and_max_tools(http: httpx.AsyncClient, state: ServerState) -> None:
    one = await http.post(f"{ENV}/error_tracking/symbol_sets/start_upload/?chunk_id=c1", json={})
    assert one.status_code == 200 and one.json()["symbol_set_id"] in state.symbol_sets
    assert (await http.post(f"{ENV}/error_tracking/symbol_sets/start_upload/")).status_code == 400
    bulk = await http.post(
        f"{ENV}/error_tracking/symbol_sets/bulk_start_upload/", json={"chunk_ids": ["a", "b"]}
    )
    assert set(bulk.json()["id_map"]) == {"a", "b"}
    bad = await http.post(
        f"{ENV}/error_tracking/symbol_sets/bulk_start_upload/", json={"chunk_ids": "a"}
    )
    assert bad.status_code == 400
    url = f"{ENV}/max_tools/create_and_query_insight/"
    assert error_of(await http.post(url, json={})) == (400, "query_description", "required")
    insight = (
        await http.post(url, json={"query_description": "Signups", "insight_type": "funnel"})
    ).json()
    assert insight["insight_type"] == "funnel" and insight["results"]
