"""Every `posthog-api prompts ...` command first checks, with one request, that the key can
read the project's prompts: a wrong key, project or scope is one line and exit status 2,
never a plan to create every prompt that exits 0 (a CI plan step passing, the apply failing).

Over loopback with the local server (project 7).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import cli_server

from posthog_api.cli import main
from posthog_api.cli._prompts import CONCURRENCY
from posthog_api.testing import ServerState
from posthog_api.testing.prompts import create_prompt

KEY = "phx_cli_preflight_key_0123456789"
READ_ONLY = "phx_cli_preflight_other_scope_key"
WRONG = "phx_cli_preflight_not_a_real_key"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerState]:
    state = ServerState(
        project_id="7", keys={KEY: ["llm_prompt:write"], READ_ONLY: ["dataset:read"]}
    )
    create_prompt(state, "greet", "Hello {{name}}")
    with cli_server(monkeypatch, state, KEY):
        yield state


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name in ("greet", "system", "welcome"):
        (tmp_path / f"{name}.txt").write_text(f"{name} text")
    return tmp_path


def commands(folder: Path) -> list[list[str]]:
    return [
        ["push", "--dry-run", str(folder)],
        ["push", str(folder)],
        ["pull", str(folder / "pulled")],
        ["get", "greet"],
        ["history", "greet"],
        ["diff", "greet", "1", "1"],
    ]


def one_error_line(captured: pytest.CaptureResult[str]) -> str:
    """Nothing on stdout (no plan), one ``error:`` line on stderr, never the key."""
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("error: ") and "Traceback" not in captured.err
    for key in (KEY, READ_ONLY, WRONG):
        assert key not in captured.err
    return lines[0]


def test_a_wrong_key_is_one_line_and_exit_2_for_every_command(
    server: ServerState,
    folder: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", WRONG)
    for args in commands(folder):
        server.clear_requests()
        assert main(["prompts", *args]) == 2, args
        line = one_error_line(capsys.readouterr())
        assert "refused the API key in POSTHOG_PERSONAL_API_KEY (401" in line
        assert "personal API key (phx_...)" in line and "POSTHOG_HOST" in line
        assert server.request_count() == 1  # the check only: not one request per file
    assert not (folder / "pulled").exists()


def test_a_wrong_project_is_one_line_and_exit_2_for_every_command(
    server: ServerState,
    folder: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POSTHOG_PROJECT_ID", "999")
    for args in commands(folder):
        assert main(["prompts", *args]) == 2, args
        line = one_error_line(capsys.readouterr())
        assert "project 999 at http://127.0.0.1:" in line and "was not found (404" in line
        assert "--project-id or POSTHOG_PROJECT_ID" in line
    assert server.request_count("POST") == server.request_count("PATCH") == 0

    # --project-id names the project as the variable does.
    monkeypatch.setenv("POSTHOG_PROJECT_ID", "7")
    assert main(["prompts", "--project-id", "12", "get", "greet"]) == 2
    assert "project 12 at" in one_error_line(capsys.readouterr())


def test_a_key_without_the_prompt_scope_is_one_line_and_exit_2(
    server: ServerState,
    folder: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", READ_ONLY)
    for args in commands(folder):
        assert main(["prompts", *args]) == 2, args
        line = one_error_line(capsys.readouterr())
        assert "POSTHOG_PERSONAL_API_KEY lacks the scope llm_prompt:read (403" in line
        assert "Personal API keys" in line


def test_a_403_that_is_not_a_scope_says_to_check_the_project_access(
    server: ServerState, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.faults.fail_next(1, status=403)  # e.g. a key of another organisation
    assert main(["prompts", "push", "--dry-run", str(folder)]) == 2
    line = one_error_line(capsys.readouterr())
    assert "may not read prompts of project 7" in line and "(403" in line
    assert "POSTHOG_PROJECT_ID" in line and "llm_prompt:read" in line


def test_the_right_project_costs_one_list_request_then_runs_the_command(
    server: ServerState, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.clear_requests()
    assert main(["prompts", "push", "--dry-run", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "would create version 1" in out and "summary: 2 create, 1 publish" in out
    first = server.requests[0]
    assert (first.method, first.status) == ("GET", 200)
    assert first.path == "/api/projects/7/llm_prompts/" and "limit=1" in first.query
    assert server.request_count() == 1 + 1  # then one list pass for every file


def test_bad_files_are_still_reported_before_any_request(
    server: ServerState, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "bad name.txt").write_text("x")
    server.clear_requests()
    assert main(["prompts", "push", "--dry-run", str(folder)]) == 2
    assert "bad name.txt" in one_error_line(capsys.readouterr())
    assert server.request_count() == 0


def test_a_key_that_may_read_but_not_write_stops_push_at_the_first_refusal(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in range(20):
        (folder / f"extra-{name}.txt").write_text("more")
    state = ServerState(project_id="7", keys={READ_ONLY: ["llm_prompt:read"]})
    with cli_server(monkeypatch, state, READ_ONLY):
        assert main(["prompts", "push", str(folder)]) == 2

    captured = capsys.readouterr()
    err = captured.err.splitlines()
    assert err == [
        "error: 23 prompt(s) not pushed: the API key in POSTHOG_PERSONAL_API_KEY may read but "
        "not write prompts: it lacks the scope llm_prompt:write (403: API key missing required "
        "scope 'llm_prompt:write'); add it to the key in PostHog (Settings > Personal API "
        "keys), or use another key, and push again"
    ]
    # stdout still says, per prompt, what happened: the writes in flight were refused, the
    # rest were not sent.
    lines = captured.out.splitlines()
    refused = [line for line in lines if line.lstrip().startswith("refused")]
    skipped = [line for line in lines if line.lstrip().startswith("skipped")]
    assert 1 <= len(refused) <= CONCURRENCY and len(refused) + len(skipped) == 23
    assert state.request_count("POST") == len(refused) and state.prompts == []
    assert READ_ONLY not in captured.out + captured.err
