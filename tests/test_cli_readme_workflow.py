"""The README's GitHub Actions workflow runs as written: every ``posthog-api`` command of its
jobs, in the order a pull request, a merge to main and the daily run would, against the
local server over real HTTP on 127.0.0.1 (in process through the CLI's ``main``), with the
exit statuses each job relies on."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from cli_support import cli_server, inject, writer_state

from posthog_api.cli import main
from posthog_api.testing import ServerState

README = Path(__file__).resolve().parents[1] / "README.md"
KEY = "phx_cli_readme_workflow_key_0123"
_YAML = re.compile(r"^```yaml[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_COMMAND = re.compile(r"posthog-api [^|>\n#]*")


def workflow() -> dict[str, Any]:
    (block,) = [b for b in _YAML.findall(README.read_text()) if "posthog-api prompts" in b]
    loaded: dict[str, Any] = yaml.safe_load(block)
    return loaded


def commands(job: dict[str, Any]) -> list[list[str]]:
    """The posthog-api command lines of a job's run steps, as argv (without the program)."""
    found = []
    for step in job["steps"]:
        for match in _COMMAND.findall(step.get("run", "")):
            found.append(shlex.split(match)[1:])
    return found


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[ServerState]:
    monkeypatch.chdir(tmp_path)  # the workflow's paths are relative to the checkout
    with cli_server(monkeypatch, writer_state(KEY), KEY) as (state, _):
        yield state


def test_the_workflow_gates_a_pull_request_deploys_main_and_catches_drift(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flow = workflow()
    assert set(flow["env"]) >= {"POSTHOG_HOST", "POSTHOG_PROJECT_ID", "POSTHOG_PERSONAL_API_KEY"}
    jobs = flow["jobs"]
    plan, deploy, drift = (commands(jobs[name]) for name in ("plan", "deploy", "drift"))
    assert ["prompts", "push", "prompts/", "--check", "--json"] in plan
    assert ["prompts", "push", "prompts/", "--label", "staging"] in deploy

    server.seed_prompt("support-bot", "You are a support bot.", labels=["staging"])
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "support-bot.txt").write_text("You are a kind support bot.")
    (tmp_path / "prompts" / "faq.txt").write_text("Answer from the FAQ.")

    for argv in plan:  # a pull request: a plan, exit 1 (something would change), not 2
        assert main(argv) == 1, argv
    assert '"changes": 2' in capsys.readouterr().out
    assert server.request_count("POST") == server.request_count("PATCH") == 0

    for argv in deploy:  # the merge: push with the label, then the gate passes
        assert main(argv) == 0, argv
    with server.lock:
        staging = {name: row["version"] for (name, label), row in server.prompt_labels.items()}
    assert staging == {"support-bot": 2, "faq": 1}

    for argv in drift:  # the daily run: nothing changed outside git
        assert main(argv) == 0, argv
    capsys.readouterr()
    server.seed_prompt("made-in-app", "Created in the PostHog app, not in git.")
    for argv in drift:  # a prompt created outside git fails the gate too (--prune)
        assert main(argv) == 1, argv
    assert '"name": "made-in-app"' in capsys.readouterr().out
    with server.lock:  # --check archives nothing
        assert any(r["name"] == "made-in-app" and not r["deleted"] for r in server.prompts)
    inject(server, "faq", "Edited in the PostHog app.")
    for argv in drift:  # now it did: the gate fails
        assert main(argv) == 1, argv
