"""`posthog-api prompts ...` and `datasets ...` after a hostile review (issue 13): a dataset
file is the truth, --prune never archives a prompt whose file is there, an interrupted run
still reports, pull never leaves a folder half renamed nor two names as one file, --check's 1
always means a difference, and what reaches a terminal is escaped. Over real HTTP on
127.0.0.1, in process through the CLI's ``main`` (a child process where a signal must land).
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import cli_server, inject, writes

from posthog_api.cli import main
from posthog_api.testing import ServerState

KEY = "phx_cli_review13_key_0123456789"
PROJECT = "7"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerState]:
    state = ServerState(project_id=PROJECT, keys={KEY: ["llm_prompt:write", "dataset:write"]})
    with cli_server(monkeypatch, state, KEY) as (served, _):
        yield served


def live_names(state: ServerState) -> set[str]:
    with state.lock:
        return {row["name"] for row in state.prompts if not row["deleted"]}


def document(out: str) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(out)
    return parsed


def one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


# -- 1: a dataset with a file is what its file says ------------------------------------------


def test_an_item_the_file_no_longer_has_fails_the_gate_and_push_says_it_stays(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "golden.jsonl").write_text('{"input": "2+2?", "output": "4"}\n')
    assert main(["datasets", "push", str(tmp_path)]) == 0
    (tmp_path / "golden.jsonl").write_text('{"input": "2+2?", "output": "four"}\n')  # no id
    assert main(["datasets", "push", str(tmp_path)]) == 0  # a new item; the old one stays
    out = capsys.readouterr().out
    assert "1 item(s) not in the file stay in PostHog (push --prune deletes them)" in out
    assert "untracked  item " in out

    assert main(["datasets", "push", str(tmp_path), "--check", "--json"]) == 1
    found = document(capsys.readouterr().out)
    assert found["changes"] == 1
    (untracked,) = [c for c in found["datasets"][0]["changes"] if c["action"] == "untracked"]
    assert "push --prune deletes it" in untracked["detail"]

    assert main(["datasets", "push", str(tmp_path), "--prune", "--yes"]) == 0
    assert main(["datasets", "push", str(tmp_path), "--check"]) == 0


# -- 2: --prune never archives a prompt whose file is there ----------------------------------


def test_prune_is_refused_when_an_ignored_file_is_an_untracked_prompts(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("support-bot", "faq", "other"):
        inject(server, name, "text")
    (tmp_path / "other.txt").write_text("text")
    (tmp_path / "support-bot.TXT").write_text("text")
    (tmp_path / "faq.txt").symlink_to(tmp_path / "gone.txt")  # dangling
    server.clear_requests()

    for mode in ("--yes", "--check", "--dry-run"):
        assert main(["prompts", "push", str(tmp_path), "--prune", mode]) == 2
        line = one_error_line(capsys.readouterr().err.splitlines()[-1])
        assert "support-bot.TXT (support-bot)" in line and "faq.txt (faq)" in line
        assert "nothing was sent" in line
    assert writes(server) == 0 and live_names(server) == {"support-bot", "faq", "other"}


def test_prune_is_refused_for_a_folder_pulled_with_a_label(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.seed_prompt("labelled", "text", labels=["production"])
    server.seed_prompt("unlabelled", "text")
    assert main(["prompts", "pull", str(tmp_path), "--label", "production"]) == 0
    capsys.readouterr()
    server.clear_requests()

    assert main(["prompts", "push", str(tmp_path), "--prune", "--yes"]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "pulled with --label production" in line and "nothing was sent" in line
    assert server.request_count() == 0 and "unlabelled" in live_names(server)


# -- 3 and 7: SIGINT and SIGTERM -------------------------------------------------------------


def test_an_interrupted_push_prints_one_json_document_of_what_it_did(
    server: ServerState,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio

    from posthog_api.resources.prompts import Prompts

    real_create = Prompts.create

    async def create(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        if name != "a":
            await asyncio.sleep(30)  # still under way when the signal comes
        created = await real_create(self, name, *args, **kwargs)
        signal.raise_signal(signal.SIGINT)  # Ctrl-C once "a" is created
        return created

    monkeypatch.setattr(Prompts, "create", create)
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.txt").write_text(name)

    assert main(["prompts", "push", str(tmp_path), "--json"]) == 2

    captured = capsys.readouterr()
    found = document(captured.out)
    assert found["status"] == 2 and found["error"].startswith("interrupted by SIGINT")
    assert [(p["name"], p["action"]) for p in found["prompts"]] == [("a", "create")]
    assert "create  a: created version 1" in captured.err  # the line, as soon as it was done
    assert live_names(server) == {"a"}


CHILD = """
import os, signal, sys, time
{patch}
from posthog_api.cli import main
sys.exit(main(sys.argv[1:]))
"""

SIGTERM_AFTER_A = """
import asyncio
from posthog_api.resources.prompts import Prompts
real_create = Prompts.create
async def create(self, name, *args, **kwargs):
    if name != "a":
        await asyncio.sleep(30)
    created = await real_create(self, name, *args, **kwargs)
    os.kill(os.getpid(), signal.SIGTERM)  # what a CI cancel sends
    return created
Prompts.create = create
"""

SIGTERM_MID_RENAME = """
real_replace = os.replace
def replace(source, target):
    real_replace(source, target)
    if ".pull-old-" in str(target):  # a file just set aside, its new one not yet in place
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.05)
os.replace = replace
"""


def child(patch: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    code = CHILD.format(patch=patch)
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def test_sigterm_ends_a_push_with_status_2_and_each_finished_line_printed(
    server: ServerState, tmp_path: Path
) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text(name)

    done = child(SIGTERM_AFTER_A, "prompts", "push", str(tmp_path))

    assert done.returncode == 2, done
    assert "create  a: created version 1" in done.stdout
    assert done.stderr.strip().splitlines()[-1].startswith("error: interrupted by SIGTERM")
    assert "Traceback" not in done.stderr


def test_sigterm_during_a_pulls_renames_leaves_every_file_in_place(
    server: ServerState, tmp_path: Path
) -> None:
    inject(server, "a", "new a")
    inject(server, "b", "new b")
    (tmp_path / "a.txt").write_text("old a")
    (tmp_path / "b.txt").write_text("old b")

    done = child(SIGTERM_MID_RENAME, "prompts", "pull", str(tmp_path))

    assert done.returncode == 2, done
    assert "interrupted by SIGTERM" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]  # no leftover
    assert (tmp_path / "a.txt").read_text() == "new a"
    assert (tmp_path / "b.txt").read_text() == "new b"


def test_leftovers_of_a_killed_pull_refuse_prune_and_pull_lists_them(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inject(server, "a", "a")
    inject(server, "b", "b")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / ".pull-old-0123456789abcdef.tmp").write_text("b")  # b.txt, set aside (kill -9)
    server.clear_requests()

    assert main(["prompts", "push", str(tmp_path), "--prune", "--yes"]) == 2
    line = one_error_line(capsys.readouterr().err.splitlines()[-1])
    assert "leftovers of an interrupted pull" in line and ".pull-old-0123456789abcdef.tmp" in line
    assert server.request_count() == 0 and live_names(server) == {"a", "b"}

    assert main(["prompts", "pull", str(tmp_path), "--json"]) == 0
    (stray,) = document(capsys.readouterr().out)["strays"]
    assert stray["file"] == ".pull-old-0123456789abcdef.tmp"
    assert "interrupted pull" in stray["reason"]


# -- 4: names that would be one file ---------------------------------------------------------


def test_pull_refuses_names_that_differ_only_in_case_or_unicode_form(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inject(server, "Foo", "upper")
    inject(server, "foo", "lower")
    target = tmp_path / "prompts"
    assert main(["prompts", "pull", str(target)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "'Foo' = 'foo'" in line and "nothing was written" in line
    assert not target.exists() or list(target.iterdir()) == []

    nfc = unicodedata.normalize("NFC", "café")
    server.seed_dataset(nfc, [{"input": "x"}])
    server.seed_dataset(unicodedata.normalize("NFD", "café"), [{"input": "y"}])
    assert main(["datasets", "pull", str(target)]) == 2
    assert "differ only in case or Unicode form" in one_error_line(capsys.readouterr().err)
    assert not target.exists() or list(target.iterdir()) == []


def test_a_dataset_file_name_is_read_in_nfc(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nfc = unicodedata.normalize("NFC", "café")
    server.seed_dataset(nfc, [{"input": "x"}])
    (tmp_path / (unicodedata.normalize("NFD", "café") + ".jsonl")).write_text('{"input": "x"}\n')

    assert main(["datasets", "push", str(tmp_path), "--check", "--json"]) == 0
    (dataset,) = document(capsys.readouterr().out)["datasets"]
    assert dataset["name"] == nfc and dataset["action"] == "unchanged"


# -- 5 and 6: --check's 1 is a difference; a bug is 2 ----------------------------------------


class Failing:
    def __init__(self, error: OSError) -> None:
        self.error = error

    def write(self, text: str) -> int:
        raise self.error

    def flush(self) -> None:
        raise self.error

    def isatty(self) -> bool:
        return False


def test_check_with_a_closed_or_broken_stdout_is_2_never_1(
    server: ServerState,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "a.txt").write_text("a")  # a difference: would be 1
    monkeypatch.setattr(sys, "stdout", None)
    assert main(["prompts", "push", str(tmp_path), "--check"]) == 2
    monkeypatch.setattr(sys, "stdout", Failing(BrokenPipeError(errno.EPIPE, "Broken pipe")))
    assert main(["prompts", "push", str(tmp_path), "--check"]) == 2
    assert main(["prompts", "push", str(tmp_path), "--check", "--json"]) == 2


@pytest.mark.parametrize(
    "error", [OSError("no errno"), RecursionError("deep"), LookupError("bug")], ids=type
)
def test_an_unexpected_error_is_2_with_one_line(
    server: ServerState,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    error: Exception,
) -> None:
    from posthog_api.resources.prompts import Prompts

    async def broken(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(Prompts, "fetch", broken)
    assert main(["prompts", "get", "greet"]) == 2
    one_error_line(capsys.readouterr().err)


def test_an_error_outside_a_commands_run_is_2_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import posthog_api.cli._common as cli_common

    def broken(*args: Any) -> Any:
        raise RuntimeError("broken before the run")

    monkeypatch.setattr(cli_common, "Settings", type("S", (), {"of": staticmethod(broken)}))
    assert main(["prompts", "get", "greet"]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "unexpected RuntimeError: broken before the run" in line


# -- 8 and 9: what pull leaves, and what it keeps ---------------------------------------------


def test_pull_lists_the_files_it_did_not_write(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inject(server, "greet", "Hello")
    (tmp_path / "zzz-stale.txt").write_text("stale")
    (tmp_path / "README.md").write_text("notes")

    assert main(["prompts", "pull", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "stray  zzz-stale.txt: not in PostHog" in out
    assert "stray  README.md: ignored" in out

    assert main(["prompts", "pull", str(tmp_path), "--json"]) == 0
    strays = {s["file"]: s["reason"] for s in document(capsys.readouterr().out)["strays"]}
    assert set(strays) == {"zzz-stale.txt", "README.md"}
    assert strays["zzz-stale.txt"].startswith("not in PostHog")


def test_datasets_pull_keeps_the_bytes_of_an_unchanged_line(
    server: ServerState, tmp_path: Path
) -> None:
    kept = '{"id":"a","input":"x"}\r\n'
    (tmp_path / "golden.jsonl").write_bytes(kept.encode() + b'{"id": "b", "input": "y"}\n')
    assert main(["datasets", "push", str(tmp_path)]) == 0
    with server.lock:
        (row,) = [r for r in server.dataset_items.values() if r["input"] == "y"]
        row["output"] = "changed in PostHog"

    assert main(["datasets", "pull", str(tmp_path)]) == 0

    lines = (tmp_path / "golden.jsonl").read_bytes().decode().split("\n")
    assert lines[0] + "\n" == kept  # byte for byte, CRLF and all
    assert json.loads(lines[1]) == {"id": "b", "input": "y", "output": "changed in PostHog"}


# -- 10: control characters never reach the terminal raw -------------------------------------


def test_control_characters_of_a_prompt_are_escaped_in_a_diff(
    server: ServerState,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    inject(server, "greet", "Hello\n")
    (tmp_path / "greet.txt").write_text("Hello\x1b]0;pwned\x07\x9b\n")

    assert main(["prompts", "push", str(tmp_path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "\\x1b]0;pwned\\x07\\x9b" in out
    assert not any(ch in out for ch in "\x1b\x07\x9b")


# -- 11 and 12: a name that does not exist; words of the command line ------------------------


def test_a_name_that_does_not_exist_is_1_said_in_the_cli_words(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = [
        (["prompts", "get", "nope"], "no prompt named nope in project 7"),
        (["prompts", "history", "nope"], "no prompt named nope in project 7"),
        (["prompts", "label", "nope", "staging", "1"], "prompt nope has no version 1"),
        (["datasets", "pull", str(tmp_path), "nosuch"], "no dataset named nosuch in project 7"),
    ]
    for argv, said in cases:
        assert main(argv) == 1, argv
        line = one_error_line(capsys.readouterr().err)
        assert said in line, line
        assert "prompts.create()" not in line and "fallback=" not in line
    with pytest.raises(SystemExit):
        main(["prompts", "get", "--help"])
    assert "a prompt, dataset or label you named does" in capsys.readouterr().out


def test_messages_are_in_json_and_command_line_words(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "golden.jsonl").write_text("null\n")
    assert main(["datasets", "push", str(tmp_path)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "expected a JSON object, not null" in line and "NoneType" not in line

    bom = tmp_path / "bom"
    bom.mkdir()
    (bom / "chat.json").write_bytes("\ufeff[]".encode())
    assert main(["prompts", "push", str(bom)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "byte order mark" in line and "utf-8-sig" not in line

    with pytest.raises(SystemExit):
        main(["prompts", "push", "--json", "--bogus"])
    found = document(capsys.readouterr().out)
    assert found["command"] == "prompts push" and found["status"] == 2
    assert found["prompts"] == []  # a jq '.prompts[]' of the plan job never fails


def test_an_early_error_document_still_carries_its_list(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["prompts", "push", str(tmp_path / "missing"), "--check", "--json"]) == 2
    assert document(capsys.readouterr().out)["prompts"] == []
    assert main(["datasets", "push", str(tmp_path / "missing"), "--json"]) == 2
    assert document(capsys.readouterr().out)["datasets"] == []


def test_no_command_with_json_is_one_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--json"]) == 2
    assert document(capsys.readouterr().out)["command"] == ""
