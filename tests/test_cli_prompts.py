"""`posthog-api prompts ...` against the local server over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import cli_server, writer_state

from posthog_api.cli import main
from posthog_api.testing import ServerState

KEY = "phx_cli_test_key_0123456789"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerState]:
    with cli_server(monkeypatch, writer_state(KEY), KEY) as (state, _):
        yield state


def versions(state: ServerState, name: str) -> list[int]:
    return sorted(
        row["version"] for row in state.prompts if row["name"] == name and not row["deleted"]
    )


def test_push_creates_publishes_skips_and_dry_run_sends_nothing(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "greet.txt").write_text("Hello {{name}}")
    (tmp_path / "system.json").write_text(json.dumps({"role": "system", "content": "x"}))
    (tmp_path / "notes.md").write_text("ignored: not a prompt file")

    assert main(["prompts", "push", str(tmp_path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would create version 1" in out and "+Hello {{name}}" in out
    assert server.request_count("POST") == 0

    assert main(["prompts", "push", str(tmp_path)]) == 0
    assert versions(server, "greet") == [1] and versions(server, "system") == [1]
    assert "summary: 2 create" in capsys.readouterr().out

    (tmp_path / "greet.txt").write_text("Hello {{name}}, welcome")
    assert main(["prompts", "push", str(tmp_path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would publish version 2" in out and "+Hello {{name}}, welcome" in out
    assert versions(server, "greet") == [1]

    assert main(["prompts", "push", str(tmp_path)]) == 0
    assert versions(server, "greet") == [1, 2] and versions(server, "system") == [1]
    assert "summary: 1 publish, 1 unchanged" in capsys.readouterr().out


def test_push_refuses_bad_files_before_sending(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "good.txt").write_text("fine")
    (tmp_path / "bad name.txt").write_text("spaces are not allowed")
    (tmp_path / "broken.json").write_text("{not json")
    (tmp_path / "good.json").write_text('"a second definition of good"')
    assert main(["prompts", "push", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "nothing was sent" in err
    assert "bad name.txt" in err and "broken.json" in err and "good.json" in err
    assert server.request_count() == 0


def test_push_reports_a_conflict_and_exits_1_after_the_summary(
    server: ServerState,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "a.txt").write_text("v1")
    (tmp_path / "b.txt").write_text("v1")
    assert main(["prompts", "push", str(tmp_path)]) == 0
    capsys.readouterr()
    (tmp_path / "a.txt").write_text("local edit")
    (tmp_path / "b.txt").write_text("local edit")

    from posthog_api.resources.prompts import Prompts

    real_publish = Prompts.publish

    async def someone_publishes_first(self, name, prompt=None, **fields):  # type: ignore[no-untyped-def]
        if name == "a":  # another process publishes between our read and our write
            await real_publish(self, "a", "their edit", base_version=fields["base_version"])
        return await real_publish(self, name, prompt, **fields)

    monkeypatch.setattr(Prompts, "publish", someone_publishes_first)
    assert main(["prompts", "push", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "conflict  a: changed in PostHog meanwhile (latest is now 2)" in out
    assert "publish  b: published version 2" in out
    assert "summary: 1 conflict, 1 publish" in out
    assert versions(server, "a") == [1, 2]


def test_pull_get_history_and_diff(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "greet.txt").write_text("Hello {{name}}")
    (source / "system.json").write_text(json.dumps({"role": "system"}))
    assert main(["prompts", "push", str(source)]) == 0
    (source / "greet.txt").write_text("Hi {{name}} from {{company}}")
    assert main(["prompts", "push", str(source)]) == 0
    capsys.readouterr()

    pulled = tmp_path / "pulled"
    assert main(["prompts", "pull", str(pulled)]) == 0
    assert (pulled / "greet.txt").read_text() == "Hi {{name}} from {{company}}"
    assert json.loads((pulled / "system.json").read_text()) == {"role": "system"}
    capsys.readouterr()
    # What pull wrote pushes back as unchanged.
    assert main(["prompts", "push", str(pulled)]) == 0
    assert "summary: 2 unchanged" in capsys.readouterr().out

    assert main(["prompts", "get", "greet", "--version", "1"]) == 0
    assert capsys.readouterr().out == "Hello {{name}}\n"

    assert main(["prompts", "history", "greet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[:-1]] == ["2", "1"]
    assert lines[0].endswith("(latest)") and lines[-1] == "labels: none"

    assert main(["prompts", "diff", "greet", "1", "2"]) == 0
    out = capsys.readouterr().out
    assert "-Hello {{name}}" in out and "+Hi {{name}} from {{company}}" in out
    assert "added company" in out


def test_missing_key_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("POSTHOG_PERSONAL_API_KEY", raising=False)
    assert main(["prompts", "get", "x"]) == 2
    assert "POSTHOG_PERSONAL_API_KEY" in capsys.readouterr().err


def test_errors_never_print_the_key(
    server: ServerState, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["prompts", "get", "does-not-exist"]) == 1
    captured = capsys.readouterr()
    assert "no prompt named does-not-exist in project 7" in captured.err
    assert KEY not in captured.out + captured.err
