"""A small demo project: prompts with history, a dataset with items, an evaluation.

Used by ``posthog-api serve`` and by tests that want realistic data to read.
"""

from __future__ import annotations

from typing import Any

from . import prompts
from .resources import insert
from .state import Row, ServerState

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


def seed_demo(state: ServerState) -> dict[str, Any]:
    """Fill ``state`` with demo data; returns the ids of what it made."""
    with state.lock:
        for name, versions in DEMO_PROMPTS.items():
            for content in versions:
                prompts.create_prompt(state, name, content)
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
