"""Folders pulled with `--label` round-trip (push compares each file with the label's
version), a label no prompt has is an error for `pull --label` and `promote`, and `prompts
get --label` / `history` show labels: in process through the CLI's ``main`` against the
local server over real HTTP on 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import PROJECT, cli_server, labels, writer_state, writes

from posthog_api.cli import main
from posthog_api.testing import ServerState

KEY = "phx_cli_label_folders_key_0123"
MARKER = ".pulled-label"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerState]:
    with cli_server(monkeypatch, writer_state(KEY), KEY) as (state, _):
        yield state


def version_row(state: ServerState, name: str, version: int) -> dict[str, Any]:
    with state.lock:
        return next(
            dict(row)
            for row in state.prompts
            if row["name"] == name and row["version"] == version and not row["deleted"]
        )


def lines(out: str) -> list[str]:
    return [line.strip() for line in out.splitlines()]


def test_a_folder_pulled_by_label_round_trips_and_an_edit_is_based_on_the_label(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # greet: production at 1 (with its config), the latest (3) moved on, config and text.
    server.seed_prompt(
        "greet", "Yo {{name}}", versions=["Hello {{name}}", "Hi {{name}}"], config={"model": "b"}
    )
    with server.lock:
        version_one = next(r for r in server.prompts if r["name"] == "greet" and r["version"] == 1)
        version_one["config"] = {"model": "a"}
    server.seed_label("greet", "production", 1)
    server.seed_prompt("plain", "p2", versions=["p1"])  # no production label: the latest
    pulled = tmp_path / "pulled"
    assert main(["prompts", "pull", str(pulled), "--label", "production"]) == 0
    (pulled / "plain.txt").write_text("p2")  # a file of a prompt without the label
    assert (pulled / MARKER).read_text() == "production\n"
    assert (pulled / "greet.txt").read_text() == "Hello {{name}}"
    capsys.readouterr()

    # Unedited: no publish, and the gate passes.
    server.clear_requests()
    assert main(["prompts", "push", str(pulled), "--dry-run"]) == 0
    out = lines(capsys.readouterr().out)
    assert "unchanged  greet: matches production at version 1 (the latest is version 3)" in out
    assert "unchanged  plain: version 2 (no production label: compared with the latest)" in out
    assert main(["prompts", "push", str(pulled), "--check", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["pulled_label"] == "production" and doc["changes"] == 0
    greet = next(p for p in doc["prompts"] if p["name"] == "greet")
    assert greet["base"] == {"label": "production", "version": 1}
    assert (greet["action"], greet["old_version"], greet["new_version"]) == ("unchanged", 3, 1)
    assert main(["prompts", "push", str(pulled), "--label", "production"]) == 0
    out = capsys.readouterr().out
    assert "greet: matches production at version 1 (the latest is version 3); production " in out
    assert "production already at version 1" in out
    assert server.request_count("POST") == 0 and labels(server, "greet") == {"production": 1}
    assert labels(server, "plain") == {"production": 2}  # --label on its unchanged latest

    # Edited: the plan says what it is based on, the diff is against that version.
    (pulled / "greet.txt").write_text("Hello {{name}}!")
    server.clear_requests()
    assert main(["prompts", "push", str(pulled), "--check"]) == 1
    out = capsys.readouterr().out
    assert (
        "publish  greet: would publish version 4, based on production at version 1, not on "
        "the latest (version 3)"
    ) in out
    assert "--- greet@1 (production)" in out and "+Hello {{name}}!" in out
    assert writes(server) == 0

    # Pushed on top of the latest, with the folder's text and config; the label follows.
    assert main(["prompts", "push", str(pulled), "--label", "production"]) == 0
    assert "production moved from version 1 to 4" in capsys.readouterr().out
    row = version_row(server, "greet", 4)
    assert (row["prompt"], row["config"]) == ("Hello {{name}}!", {"model": "a"})
    assert labels(server, "greet") == {"production": 4}
    assert main(["prompts", "push", str(pulled), "--check"]) == 0
    assert "matches production at version 4" in capsys.readouterr().out


def test_a_file_edited_into_the_latest_is_unchanged_and_the_marker_is_checked(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.seed_prompt("greet", "v2", versions=["v1"], labels={"production": 1})
    pulled = tmp_path / "pulled"
    assert main(["prompts", "pull", str(pulled), "--label", "production", "-q"]) == 0
    (pulled / "greet.txt").write_text("v2")
    assert main(["prompts", "push", str(pulled), "--label", "production"]) == 0
    assert lines(capsys.readouterr().out)[0] == (
        "unchanged  greet: matches the latest, version 2 (production is at version 1); "
        "production moved from version 1 to 2"
    )
    assert server.request_count("POST") == 0

    # Another label into the same folder is refused; a pull of the latest removes the marker.
    server.clear_requests()
    assert main(["prompts", "pull", str(pulled), "--label", "staging"]) == 2
    err = capsys.readouterr().err
    assert "was pulled with --label production" in err and "nothing was sent" in err
    (pulled / MARKER).write_text("Not A Label\n")
    assert main(["prompts", "push", str(pulled), "--check"]) == 2
    assert f"{MARKER}: label name 'Not A Label' is not valid" in capsys.readouterr().err
    assert server.request_count() == 0
    assert main(["prompts", "pull", str(pulled), "-q"]) == 0
    assert not (pulled / MARKER).exists()


def test_a_label_no_prompt_has_is_an_error_for_pull_and_promote(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.seed_prompt("greet", "v1", labels=["production"])
    typo = ["--from", "prodution", "--to", "staging"]
    for command, status in (
        (["pull", str(tmp_path / "out"), "--label", "prodution"], 1),
        (["promote", *typo], 1),
        (["promote", *typo, "--dry-run"], 1),
        (["promote", *typo, "--check"], 2),  # with --check every error is 2
    ):
        assert main(["prompts", *command]) == status, command
        captured = capsys.readouterr()
        err = captured.err.splitlines()
        assert len(err) == 1, err
        assert err[0].startswith(
            f"error: no prompt in project {PROJECT} has the label prodution (its labels are "
            "production); a typo? `posthog-api prompts get NAME` shows a prompt's labels"
        )
        assert "summary" not in captured.out
        assert main(["prompts", *command, "--json"]) == status
        doc = json.loads(capsys.readouterr().out)
        assert doc["status"] == status and "has the label prodution" in doc["error"]
        assert doc["prompts"] == []
    assert not (tmp_path / "out").exists() and writes(server) == 0


def test_get_by_label_and_the_labels_of_get_and_history(
    server: ServerState, capsys: pytest.CaptureFixture[str]
) -> None:
    server.seed_prompt("greet", "v3", versions=["v1", "v2"], labels={"production": 2, "staging": 3})

    assert main(["prompts", "get", "greet", "--label", "production"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "v2\n"
    assert captured.err == "# greet version 2; labels: production=2, staging=3\n"
    assert main(["prompts", "get", "greet", "--label", "production", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["version"], doc["label"], doc["prompt"]) == (2, "production", "v2")
    assert doc["labels"] == ["production"]
    assert doc["all_labels"] == {"production": 2, "staging": 3}

    assert main(["prompts", "get", "greet", "--label", "canary"]) == 1
    assert capsys.readouterr().err == (
        "error: prompt greet has no label canary (its labels: production=2, staging=3); a "
        "typo? point it with `posthog-api prompts label greet canary VERSION`\n"
    )

    server.clear_requests()  # refused before anything is sent
    with pytest.raises(SystemExit) as exited:
        main(["prompts", "get", "greet", "--label", "production", "--version", "1"])
    assert exited.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
    assert main(["prompts", "get", "greet", "--label", "Production"]) == 2
    assert "is not valid" in capsys.readouterr().err
    assert server.request_count() == 0

    assert main(["prompts", "history", "greet"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out[:-1]] == ["3", "2", "1"]
    assert out[-1] == "labels: production=2, staging=3"
    assert main(["prompts", "history", "greet", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["all_labels"] == {"production": 2, "staging": 3}
    assert [v["labels"] for v in doc["versions"]] == [["staging"], ["production"], []]
