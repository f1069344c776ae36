"""`posthog-api prompts push --check` as a CI gate, `--json`, `--quiet`, colour, global
options, `--prune`, sidecars, unknown files and exact round trips (issue 13), in process
through the CLI's ``main`` against the local server over real HTTP on 127.0.0.1.

Exit statuses, the same for every command: 0 done (with --check: nothing would change),
1 with --check something would change (else some prompts failed), 2 an error stopped it.
"""

from __future__ import annotations

import io
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import cli_server, writer_state, writes

import posthog_api.cli._common as common
from posthog_api.cli import main
from posthog_api.testing import ServerState

KEY = "phx_cli_gate_key_0123456789"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerState]:
    with cli_server(monkeypatch, writer_state(KEY), KEY) as (state, _):
        yield state


def live(state: ServerState) -> dict[str, list[int]]:
    with state.lock:
        found: dict[str, list[int]] = {}
        for row in state.prompts:
            if not row["deleted"]:
                found.setdefault(row["name"], []).append(row["version"])
        return {name: sorted(versions) for name, versions in sorted(found.items())}


def folder_of(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "prompts"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name.replace("__", ".")).write_text(text, encoding="utf-8")
    return folder


def document(out: str) -> dict[str, Any]:
    """stdout must be exactly one JSON document."""
    parsed: dict[str, Any] = json.loads(out)
    return parsed


def test_check_is_a_gate_0_when_matching_1_on_any_change_and_never_writes(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = folder_of(tmp_path, greet__txt="Hello {{name}}", system__json='{"role": "system"}')

    assert main(["prompts", "push", str(folder), "--check"]) == 1
    out = capsys.readouterr().out
    assert "create  greet: would create version 1" in out and "+Hello {{name}}" in out
    assert out.splitlines()[-1] == "summary: 2 create"
    assert writes(server) == 0

    assert main(["prompts", "push", str(folder)]) == 0
    assert main(["prompts", "push", str(folder), "--check"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "summary: 2 unchanged"

    (folder / "greet.txt").write_text("Hi {{name}}")
    before = writes(server)
    assert main(["prompts", "push", str(folder), "--check"]) == 1
    assert "publish  greet: would publish version 2" in capsys.readouterr().out
    assert main(["prompts", "push", str(folder), "--dry-run"]) == 0  # a plan: exit 0
    assert writes(server) == before and live(server) == {"greet": [1], "system": [1]}


def test_check_json_is_one_document_with_each_prompt_its_versions_and_labels(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.seed_prompt("greet", "Hello", labels={"staging": 1})
    server.seed_prompt("extra", "no file for me")
    folder = folder_of(tmp_path, greet__txt="Hello again", fresh__txt="brand new")

    status = main(["prompts", "push", str(folder), "--check", "--json", "--label", "staging"])
    captured = capsys.readouterr()
    doc = document(captured.out)
    assert status == doc["status"] == 1
    assert (doc["command"], doc["mode"], doc["changes"], doc["error"]) == (
        "prompts push",
        "check",
        2,
        None,
    )
    prompts = {p["name"]: p for p in doc["prompts"]}
    greet, fresh, extra = prompts["greet"], prompts["fresh"], prompts["extra"]
    assert (greet["action"], greet["old_version"], greet["new_version"]) == ("publish", 1, 2)
    assert greet["labels"] == [
        {
            "label": "staging",
            "action": "move",
            "old_version": 1,
            "new_version": 2,
            "detail": "would move staging from version 1 to 2",
        }
    ]
    assert "+Hello again" in greet["diff"] and greet["file"] == "greet.txt"
    assert (fresh["action"], fresh["old_version"], fresh["new_version"]) == ("create", None, 1)
    assert fresh["labels"][0]["action"] == "set"
    assert (extra["action"], extra["old_version"], extra["new_version"]) == ("untracked", 1, None)
    # The human report went to stderr, not into the document.
    assert "publish  greet: would publish version 2" in captured.err
    assert writes(server) == 0


def test_every_prompts_command_prints_one_json_document(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.seed_prompt("greet", "Hello {{name}}", versions=["Hi"], labels={"staging": 2})
    commands: list[list[str]] = [
        ["push", str(folder_of(tmp_path, greet__txt="Hello {{name}}"))],
        ["pull", str(tmp_path / "pulled")],
        ["get", "greet"],
        ["history", "greet"],
        ["diff", "greet", "1", "2"],
        ["label", "greet", "production", "1"],
        ["promote", "--from", "staging", "--to", "production", "--dry-run"],
        ["label", "greet", "production", "--remove"],
    ]
    for command in commands:
        assert main(["prompts", *command, "--json"]) == 0, command
        doc = document(capsys.readouterr().out)
        assert doc["command"] == f"prompts {command[0]}" and doc["status"] == 0, doc
    assert main(["prompts", "get", "greet", "--json"]) == 0
    doc = document(capsys.readouterr().out)
    assert (doc["name"], doc["version"], doc["prompt"]) == ("greet", 2, "Hello {{name}}")
    assert main(["prompts", "history", "greet", "--json"]) == 0
    assert [v["version"] for v in document(capsys.readouterr().out)["versions"]] == [2, 1]


def test_errors_under_json_are_still_one_document_and_exit_2(
    server: ServerState,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = folder_of(tmp_path, greet__txt="Hello")
    with pytest.raises(SystemExit) as exited:  # argparse: a usage error
        main(["prompts", "push", "--json", "--check", "--dry-run", str(folder)])
    assert exited.value.code == 2
    captured = capsys.readouterr()
    doc = document(captured.out)
    assert doc["status"] == 2 and "not allowed with argument" in doc["error"]
    assert "usage:" in captured.err

    monkeypatch.setenv("POSTHOG_PROJECT_ID", "999")  # a project the key cannot see
    assert main(["prompts", "push", str(folder), "--check", "--json"]) == 2
    captured = capsys.readouterr()
    doc = document(captured.out)
    assert doc["status"] == 2 and "project 999" in doc["error"] and KEY not in captured.out
    assert captured.err.startswith("error: ") and "project 999" in captured.err


def test_a_connection_error_is_2_and_with_check_so_is_a_server_error(
    server: ServerState,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("posthog_api._transport.backoff_delay", lambda *args: 0.0)
    folder = folder_of(tmp_path, greet__txt="Hello")
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    assert main(["prompts", "push", str(folder), "--host", f"http://127.0.0.1:{port}"]) == 2
    assert capsys.readouterr().err.startswith("error: ")

    server.faults.fail_rate(1.0, status=500)
    for args in (["--check"], []):
        assert main(["prompts", "push", str(folder), *args]) == 2, args
        assert "500" in capsys.readouterr().err
    server.faults.reset()
    assert main(["prompts", "push", str(folder), "--check"]) == 1  # and 1 is the difference


GLOBAL_OPTIONS = [
    ["--project-id", "999", "--json", "prompts", "push", "DIR", "--check"],
    ["prompts", "--project-id", "999", "--json", "push", "DIR", "--check"],
    ["prompts", "push", "DIR", "--check", "--project-id", "999", "--json"],
    ["--json", "prompts", "--project-id", "999", "push", "--check", "DIR"],
]


def test_global_options_work_before_or_after_the_subcommand(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = folder_of(tmp_path, greet__txt="Hello")
    for argv in GLOBAL_OPTIONS:
        assert main([str(folder) if arg == "DIR" else arg for arg in argv]) == 2, argv
        doc = document(capsys.readouterr().out)
        assert "project 999" in doc["error"], argv  # --project-id was taken, wherever it stood


def test_quiet_prints_errors_only(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = folder_of(tmp_path, greet__txt="Hello", notes__md="not a prompt")
    assert main(["prompts", "push", str(folder), "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    assert main(["-q", "prompts", "push", str(folder), "--check", "--json"]) == 0
    captured = capsys.readouterr()
    assert document(captured.out)["changes"] == 0 and captured.err == ""
    (folder / "bad name.txt").write_text("x")
    assert main(["prompts", "push", str(folder), "--quiet"]) == 2
    assert capsys.readouterr().err.startswith("error: nothing was sent")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color(
    server: ServerState,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = folder_of(tmp_path, greet__txt="Hello")
    assert main(["prompts", "push", str(folder), "--check"]) == 1
    assert "\x1b[" not in capsys.readouterr().out  # captured: not a terminal

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    terminal = Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    assert main(["prompts", "push", str(folder), "--check"]) == 1
    assert "\x1b[32mcreate\x1b[0m  greet: would create version 1" in terminal.getvalue()

    monkeypatch.setenv("NO_COLOR", "1")
    terminal = Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    assert main(["prompts", "push", str(folder), "--check"]) == 1
    assert "create  greet" in terminal.getvalue() and "\x1b" not in terminal.getvalue()

    (folder / "other.txt").write_text("Another")  # two prompts: a progress bar on a terminal
    error_terminal = Terminal()
    monkeypatch.setattr("sys.stderr", error_terminal)
    assert main(["prompts", "push", str(folder)]) == 0
    assert "push:" in error_terminal.getvalue()  # the bar was drawn
    assert "\x1b" not in error_terminal.getvalue() + terminal.getvalue()


def test_no_progress_bar_off_a_terminal(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = folder_of(tmp_path, a__txt="A", b__txt="B", c__txt="C")
    assert main(["prompts", "push", str(folder)]) == 0
    assert capsys.readouterr().err == ""  # captured stderr is not a terminal: no bar


def test_promote_check_gates_on_labels_that_would_move(
    server: ServerState, capsys: pytest.CaptureFixture[str]
) -> None:
    server.seed_prompt("greet", "v2", versions=["v1"], labels={"staging": 2, "production": 1})
    promote = ["prompts", "promote", "--from", "staging", "--to", "production"]
    assert main([*promote, "--check", "--json"]) == 1
    (prompt,) = document(capsys.readouterr().out)["prompts"]
    assert prompt["labels"][0] == {
        "label": "production",
        "action": "move",
        "old_version": 1,
        "new_version": 2,
        "detail": "would move production from version 1 to 2",
    }
    assert writes(server) == 0
    assert main(promote) == 0
    assert main([*promote, "--check"]) == 0


def test_untracked_prompts_are_reported_and_prune_archives_them_only_when_confirmed(
    server: ServerState,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server.seed_prompt("greet", "Hello")
    server.seed_prompt("old", "gone from the folder", labels=["production"])
    folder = folder_of(tmp_path, greet__txt="Hello")

    assert main(["prompts", "push", str(folder), "--check"]) == 0  # reported, not a change
    out = capsys.readouterr().out
    assert "untracked  old: version 1 in PostHog, no file here (push --prune archives it)" in out
    assert main(["prompts", "push", str(folder), "--check", "--prune"]) == 1
    assert "archive  old: would archive (version 1 and every label)" in capsys.readouterr().out

    server.clear_requests()
    assert main(["prompts", "push", str(folder), "--prune"]) == 2  # stdin is not a terminal
    assert "add --yes" in capsys.readouterr().err and server.request_count() == 0

    monkeypatch.setattr(common, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr("posthog_api.cli._prompts.stdin_is_terminal", lambda: True)
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    assert main(["prompts", "push", str(folder), "--prune"]) == 2
    err = capsys.readouterr().err
    assert "archive 1 prompt(s) that have no file" in err and "old?" in err
    assert "not confirmed; nothing was sent" in err and writes(server) == 0

    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    assert main(["prompts", "push", str(folder), "--prune"]) == 0
    assert "archive  old: archived" in capsys.readouterr().out
    assert live(server) == {"greet": [1]}
    assert main(["prompts", "push", str(folder), "--check", "--prune"]) == 0


def test_unknown_files_and_subfolders_are_reported_and_an_empty_folder_is_an_error(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = folder_of(tmp_path, greet__txt="Hello", notes__md="a note")
    (folder / "drafts").mkdir()
    assert main(["prompts", "push", str(folder), "--json"]) == 0
    captured = capsys.readouterr()
    assert document(captured.out)["ignored"] == ["drafts/", "notes.md"]
    assert f"warning: {folder / 'notes.md'} ignored: not a prompt file" in captured.err
    assert f"warning: {folder / 'drafts'} ignored: a subfolder" in captured.err

    empty = tmp_path / "empty"
    empty.mkdir()
    server.clear_requests()
    assert main(["prompts", "push", str(empty)]) == 2
    assert "has no prompt files" in capsys.readouterr().err and server.request_count() == 0
    assert main(["prompts", "push", str(empty), "--allow-empty", "--prune", "--yes"]) == 0
    assert "archive  greet: archived" in capsys.readouterr().out and live(server) == {}


def test_a_sidecar_manages_config_description_and_labels(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    meta = {"config": {"model": "gpt-5", "temperature": 0.2}, "version_description": "first"}
    folder = folder_of(tmp_path, bot__txt="You help.", bot__meta__json=json.dumps(meta))
    (folder / "bot.meta.json").write_text(json.dumps({**meta, "labels": ["staging"]}))
    assert main(["prompts", "push", str(folder)]) == 0
    assert "create  bot: created version 1; staging set at version 1" in capsys.readouterr().out
    with server.lock:
        (row,) = [r for r in server.prompts if r["name"] == "bot"]
        assert (row["config"], row["version_description"]) == (meta["config"], "first")

    assert main(["prompts", "push", str(folder), "--check"]) == 0  # the same config: no change
    capsys.readouterr()
    edited = {"config": {"model": "gpt-5", "temperature": 0.7}, "version_description": "warmer"}
    (folder / "bot.meta.json").write_text(json.dumps({**edited, "labels": ["staging"]}))
    assert main(["prompts", "push", str(folder)]) == 0
    out = capsys.readouterr().out
    assert (
        "publish  bot: published version 2 (config only); staging moved from version 1 to 2" in out
    )
    with server.lock:
        latest = max((r for r in server.prompts if r["name"] == "bot"), key=lambda r: r["version"])
        assert (latest["prompt"], latest["config"]) == ("You help.", edited["config"])
        assert latest["version_description"] == "warmer"

    (folder / "bot.txt").write_text("You help, briefly.")  # the sidecar's description is stale
    assert main(["prompts", "push", str(folder)]) == 0
    with server.lock:
        latest = max((r for r in server.prompts if r["name"] == "bot"), key=lambda r: r["version"])
        assert latest["version"] == 3 and latest["version_description"] in (None, "")


BAD_SIDECARS = [
    ({"lonely__meta__json": "{}"}, "lonely.meta.json: no lonely.txt or lonely.json beside it"),
    ({"a__txt": "x", "a__meta__json": '{"model": 1}'}, "unknown key(s) model"),
    ({"a__txt": "x", "a__meta__json": '{"labels": ["Prod"]}'}, "labels: label name 'Prod'"),
    ({"a__txt": "x", "a__meta__json": '{"config": [1]}'}, 'a.meta.json: "config" must be a JSON'),
    ({"a__txt": "x", "a__meta__json": "[]"}, "expected a JSON object"),
]


def test_a_bad_sidecar_stops_push_before_anything_is_sent(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for index, (files, expected) in enumerate(BAD_SIDECARS):
        folder = folder_of(tmp_path / str(index), **files)
        assert main(["prompts", "push", str(folder), "--check"]) == 2, files
        err = capsys.readouterr().err
        assert err.startswith("error: nothing was sent; fix these files first"), err
        assert expected in err, (expected, err)
    assert server.request_count() == 0


def test_pull_then_push_of_an_unedited_folder_is_a_no_op_byte_for_byte(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.seed_prompt("crlf", "line one\r\nline two\r\n")
    server.seed_prompt("no-final-newline", "Hello {{name}}")
    server.seed_prompt("unicode", "Grüß dich, 世界 🌍\n\n")
    server.seed_prompt(
        "chat",
        [{"role": "system", "content": "Ü"}, {"role": "user", "content": "{{q}}"}],
        config={"model": "gpt-5"},
        version_description="two messages",
    )
    folder = tmp_path / "pulled"
    assert main(["prompts", "pull", str(folder)]) == 0
    files = {path.name: path.read_bytes() for path in sorted(folder.iterdir())}
    assert files["crlf.txt"] == b"line one\r\nline two\r\n"
    assert files["no-final-newline.txt"] == b"Hello {{name}}"
    assert files["unicode.txt"] == "Grüß dich, 世界 🌍\n\n".encode()
    assert files["chat.json"].decode() == (
        '[\n  {\n    "content": "Ü",\n    "role": "system"\n  },\n'
        '  {\n    "content": "{{q}}",\n    "role": "user"\n  }\n]\n'
    )
    assert json.loads(files["chat.meta.json"]) == {
        "config": {"model": "gpt-5"},
        "version_description": "two messages",
    }
    stamps = {path.name: path.stat().st_mtime_ns for path in folder.iterdir()}
    capsys.readouterr()

    server.clear_requests()
    assert main(["prompts", "push", str(folder), "--check"]) == 0
    assert main(["prompts", "push", str(folder)]) == 0
    assert writes(server) == 0
    assert main(["prompts", "pull", str(folder)]) == 0  # nothing rewritten: git sees nothing
    assert "0 prompt(s) written" in capsys.readouterr().out
    assert {p.name: p.read_bytes() for p in sorted(folder.iterdir())} == files
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stamps

    # JSON compares as JSON: reformatted by hand, no change; a value changed, a publish.
    (folder / "chat.json").write_text(
        '[{"role":"system","content":"\\u00dc"},{"content":"{{q}}","role":"user"}]'
    )
    assert main(["prompts", "push", str(folder), "--check"]) == 0
    (folder / "chat.json").write_text('[{"role":"system","content":"U"},{"role":"user"}]')
    assert main(["prompts", "push", str(folder), "--check"]) == 1


def test_json_prompts_posthog_answers_as_text_round_trip_as_json_files(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = writer_state(KEY)
    state.prompt_as_text = True  # as PostHog does: a JSON prompt comes back as its JSON text
    with cli_server(monkeypatch, state, KEY):
        folder = folder_of(tmp_path, chat__json='{"role": "system", "content": "Hi"}')
        assert main(["prompts", "push", str(folder)]) == 0
        assert main(["prompts", "push", str(folder), "--check"]) == 0  # no endless republish
        before = (folder / "chat.json").read_bytes()
        assert main(["prompts", "pull", str(folder)]) == 0
        assert sorted(p.name for p in folder.iterdir()) == ["chat.json"]  # not chat.txt
        assert json.loads((folder / "chat.json").read_bytes()) == json.loads(before)
        assert main(["prompts", "push", str(folder), "--check"]) == 0


def test_pulled_files_follow_the_umask_and_a_replaced_file_keeps_its_mode(
    server: ServerState, tmp_path: Path
) -> None:
    server.seed_prompt("greet", "Hello")
    server.seed_prompt("private", "secret-ish")
    folder = tmp_path / "pulled"
    folder.mkdir()
    (folder / "private.txt").write_text("old")
    (folder / "private.txt").chmod(0o600)
    old = os.umask(0o002)
    try:
        assert main(["prompts", "pull", str(folder)]) == 0
    finally:
        os.umask(old)
    assert (folder / "greet.txt").stat().st_mode & 0o777 == 0o664  # not mkstemp's 0600
    assert (folder / "private.txt").stat().st_mode & 0o777 == 0o600
    assert (folder / "private.txt").read_text() == "secret-ish"
