"""The installed ``posthog-api`` console script, each run in its own process as a CI job
runs it, against the local server over real HTTP on 127.0.0.1 (issue 13): the gate's exit
statuses and its --json document, the deploy step, the byte-exact round trip, a 429 storm
during push, and datasets. The rest is tested in process (tests/test_cli_gate.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import cli_server, run_console_script, writes

from posthog_api.testing import ServerState

KEY = "phx_cli_console_key_0123456789"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerState]:
    state = ServerState(project_id="7", keys={KEY: ["llm_prompt:write", "dataset:write"]})
    with cli_server(monkeypatch, state, KEY) as (served, _):
        yield served


def live(state: ServerState) -> dict[str, Any]:
    with state.lock:
        latest: dict[str, Any] = {}
        for row in sorted(state.prompts, key=lambda r: r["version"]):
            if not row["deleted"]:
                latest[row["name"]] = (row["version"], row["prompt"])
        return latest


def test_the_gate_then_the_deploy_step_then_the_gate_again(
    server: ServerState, tmp_path: Path
) -> None:
    server.seed_prompt("greet", "Hello {{name}}", labels=["staging"])
    folder = tmp_path / "prompts"
    folder.mkdir()
    (folder / "greet.txt").write_text("Hi {{name}}")
    (folder / "system.json").write_text('{"role": "system", "content": "Be brief."}')

    gate = run_console_script("prompts", "push", str(folder), "--check", "--json")
    assert gate.returncode == 1, gate.stderr
    plan = json.loads(gate.stdout)  # stdout is the one JSON document, nothing else
    assert (plan["status"], plan["mode"], plan["changes"]) == (1, "check", 2)
    actions = {
        p["name"]: (p["action"], p["old_version"], p["new_version"]) for p in plan["prompts"]
    }
    assert actions == {"greet": ("publish", 1, 2), "system": ("create", None, 1)}
    assert "publish  greet: would publish version 2" in gate.stderr  # people read stderr
    assert writes(server) == 0

    deploy = run_console_script("prompts", "push", str(folder), "--label", "staging")
    assert deploy.returncode == 0, deploy.stderr
    assert deploy.stdout.splitlines()[-1] == "summary: 1 create, 1 publish; staging: 1 move, 1 set"
    assert live(server)["greet"] == (2, "Hi {{name}}")

    again = run_console_script(
        "--json", "prompts", "push", "--check", str(folder), "--label", "staging"
    )
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["changes"] == 0


def test_pull_then_push_is_a_no_op_byte_for_byte(server: ServerState, tmp_path: Path) -> None:
    server.seed_prompt("crlf", "first line\r\nsecond line\r\n")
    server.seed_prompt("bare", "no final newline")
    server.seed_prompt("unicode", "Grüß dich 🌍 — ¿qué tal?\n")
    server.seed_prompt("chat", {"messages": [{"role": "user", "content": "{{q}}"}]})
    folder = tmp_path / "pulled"

    pulled = run_console_script("prompts", "pull", str(folder))
    assert pulled.returncode == 0, pulled.stderr
    assert (folder / "crlf.txt").read_bytes() == b"first line\r\nsecond line\r\n"
    assert (folder / "bare.txt").read_bytes() == b"no final newline"
    assert (folder / "unicode.txt").read_bytes() == "Grüß dich 🌍 — ¿qué tal?\n".encode()
    assert json.loads((folder / "chat.json").read_bytes()) == {
        "messages": [{"role": "user", "content": "{{q}}"}]
    }

    server.clear_requests()
    check = run_console_script("prompts", "push", str(folder), "--check", "--json")
    assert check.returncode == 0, check.stderr
    doc = json.loads(check.stdout)
    assert doc["changes"] == 0 and {p["action"] for p in doc["prompts"]} == {"unchanged"}
    assert writes(server) == 0


def test_a_push_through_a_429_storm_publishes_every_prompt(
    server: ServerState, tmp_path: Path
) -> None:
    names = [f"bot-{index:02d}" for index in range(25)]
    for name in names:
        server.seed_prompt(name, f"{name} v1")
        (tmp_path / f"{name}.txt").write_text(f"{name} v2")
    server.faults.throttle_next(3, retry_after=0)  # the first request: the retries give up
    server.faults.throttle_rate(0.5, retry_after=0, seed=7)  # then half of all requests: 429

    # No pacing: paced, a 429 fills PostHog's window (30 publishes a minute after each), which
    # takes minutes in real time; that storm is tests/test_cli_pacing.py's, in simulated time.
    push = run_console_script("prompts", "push", str(tmp_path), "--json", "--max-rate", "0")
    assert push.returncode == 0, push.stderr
    assert json.loads(push.stdout)["summary"] == {"publish": 25}
    assert live(server) == {name: (2, f"{name} v2") for name in names}  # each published once
    with server.lock:
        throttled = sum(r.status == 429 for r in server.requests)
    assert throttled >= 10
    assert "PostHog answered 429, too many requests (Retry-After: 0 s)" in push.stderr


def test_datasets_push_then_pull_through_the_console_script(
    server: ServerState, tmp_path: Path
) -> None:
    source = tmp_path / "datasets"
    source.mkdir()
    rows = [{"id": "q1", "input": "2+2?", "output": "4"}, {"input": "Hi", "output": "Hello"}]
    (source / "golden.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))

    push = run_console_script("datasets", "push", str(source), "--json")
    assert push.returncode == 0, push.stderr
    (dataset,) = json.loads(push.stdout)["datasets"]
    assert (dataset["action"], dataset["items"]) == ("create", {"create": 2})

    pull = run_console_script("datasets", "pull", str(tmp_path / "pulled"))
    assert pull.returncode == 0, pull.stderr
    lines = (tmp_path / "pulled" / "golden.jsonl").read_text().splitlines()
    assert json.loads(lines[0]) == {"id": "q1", "input": "2+2?", "output": "4"}
    assert json.loads(lines[1])["id"].startswith("sha256:")
