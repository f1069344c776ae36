"""`posthog-api prompts push --label`, `pull --label`, `label` and `promote`: labels as a CI
pipeline moves them, against the local server over real HTTP on 127.0.0.1.

A label already at the wanted version is never sent again, a dry run sends no write, and a
bad label or name is refused before any request.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import PROJECT, cli_server, labels, writer_state, writes
from posthog_api_client.types import UNSET

from posthog_api.cli import main
from posthog_api.resources.prompts import Prompts
from posthog_api.testing import ServerState

KEY = "phx_cli_labels_key_0123456789"
READER = "phx_cli_labels_reader_key_0123"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerState]:
    state = writer_state(KEY)
    state.keys[READER] = ["llm_prompt:read"]
    with cli_server(monkeypatch, state, KEY) as (served, _):
        yield served


def lines(out: str) -> list[str]:
    return [line.strip() for line in out.splitlines()]


def test_push_label_sets_skips_when_there_and_moves_after_an_edit(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "greet.txt").write_text("Hello {{name}}")
    (tmp_path / "system.json").write_text(json.dumps({"role": "system", "content": "x"}))

    assert main(["prompts", "push", str(tmp_path), "--label", "staging"]) == 0
    out = lines(capsys.readouterr().out)
    assert "create  greet: created version 1; staging set at version 1" in out
    assert "create  system: created version 1; staging set at version 1" in out
    assert out[-1] == "summary: 2 create; staging: 2 set"
    assert labels(server, "greet") == {"staging": 1} == labels(server, "system")

    server.clear_requests()  # an unchanged folder: no prompt write, no label write
    assert main(["prompts", "push", str(tmp_path), "--label", "staging"]) == 0
    out = lines(capsys.readouterr().out)
    assert "unchanged  greet: version 1; staging already at version 1" in out
    assert out[-1] == "summary: 2 unchanged; staging: 2 unchanged"
    assert writes(server) == 0

    (tmp_path / "greet.txt").write_text("Hi {{name}}")
    server.clear_requests()  # a dry run plans the move and sends no write
    assert main(["prompts", "push", str(tmp_path), "--label", "staging", "--dry-run"]) == 0
    out = lines(capsys.readouterr().out)
    assert "publish  greet: would publish version 2; would move staging from version 1 to 2" in out
    assert "unchanged  system: version 1; staging already at version 1" in out
    assert writes(server) == 0 and labels(server, "greet") == {"staging": 1}

    assert main(["prompts", "push", str(tmp_path), "--label", "staging"]) == 0
    out = lines(capsys.readouterr().out)
    assert "publish  greet: published version 2; staging moved from version 1 to 2" in out
    assert out[-1] == "summary: 1 publish, 1 unchanged; staging: 1 move, 1 unchanged"
    assert labels(server, "greet") == {"staging": 2} and labels(server, "system") == {"staging": 1}
    assert server.request_count("PUT") == 1  # only greet's label moved


def test_push_label_points_an_unchanged_prompt_at_its_current_version(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.seed_prompt("greet", "v3", versions=["v1", "v2"], labels={"canary": 1})
    (tmp_path / "greet.txt").write_text("v3")
    assert main(["prompts", "push", str(tmp_path), "--label", "canary"]) == 0
    assert "unchanged  greet: version 3; canary moved from version 1 to 3" in lines(
        capsys.readouterr().out
    )
    assert labels(server, "greet") == {"canary": 3}
    assert server.request_count("POST") == 0


BAD_LABELS = ["Production", "latest", "2024", "x-", "a b", "x" * 129, "é", "staging\n"]


def test_an_invalid_label_is_refused_before_anything_is_sent(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "greet.txt").write_text("Hello")
    for bad in BAD_LABELS:
        for command in (
            ["push", str(tmp_path), "--label", bad],
            ["push", str(tmp_path), "--label", bad, "--dry-run"],
            ["pull", str(tmp_path / "out"), "--label", bad],
            ["label", "greet", bad, "1"],
            ["label", "greet", bad, "--remove"],
            ["promote", "--from", bad, "--to", "production"],
            ["promote", "--from", "staging", "--to", bad],
        ):
            assert main(["prompts", *command]) == 2, command
            err = capsys.readouterr().err.splitlines()
            assert len(err) == 1 and err[0].startswith("error: "), err
            assert "is not valid: use 1 to 128 characters" in err[0], err
            assert "nothing was sent" in err[0]
    assert server.request_count() == 0
    assert not (tmp_path / "out").exists()


def test_pull_label_from_a_server_that_ignores_the_filter_writes_nothing(
    server: ServerState,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server.seed_prompt("greet", "draft", versions=["released"], labels={"production": 1})
    real_list = Prompts.list

    def older_posthog(self, **query):  # type: ignore[no-untyped-def]
        return real_list(self, **{**query, "label": None})  # the filter is not applied

    monkeypatch.setattr(Prompts, "list", older_posthog)
    pulled = tmp_path / "pulled"
    assert main(["prompts", "pull", str(pulled), "--label", "production"]) == 1
    err = capsys.readouterr().err
    assert "does not carry that label" in err and "nothing was changed or written" in err
    assert not pulled.exists()

    assert main(["prompts", "promote", "--from", "production", "--to", "stable"]) == 1
    assert "ignores the label filter" in capsys.readouterr().err
    assert writes(server) == 0


def test_label_command_sets_moves_skips_and_removes(
    server: ServerState, capsys: pytest.CaptureFixture[str]
) -> None:
    server.seed_prompt("greet", "v3", versions=["v1", "v2"])

    assert main(["prompts", "label", "greet", "production", "2"]) == 0
    assert lines(capsys.readouterr().out) == ["set  greet: production set at version 2"]
    assert labels(server, "greet") == {"production": 2}

    assert main(["prompts", "label", "greet", "production", "3"]) == 0
    assert lines(capsys.readouterr().out) == ["move  greet: production moved from version 2 to 3"]
    assert labels(server, "greet") == {"production": 3}

    server.clear_requests()
    assert main(["prompts", "label", "greet", "production", "3"]) == 0
    assert lines(capsys.readouterr().out) == ["unchanged  greet: production already at version 3"]
    assert writes(server) == 0

    assert main(["prompts", "label", "greet", "production", "--remove"]) == 0
    assert lines(capsys.readouterr().out) == [
        "remove  greet: production removed (it was at version 3)"
    ]
    assert labels(server, "greet") == {}

    server.clear_requests()
    assert main(["prompts", "label", "greet", "production", "--remove"]) == 1
    assert "greet has no label production" in capsys.readouterr().err
    assert writes(server) == 0


def test_label_command_usage_and_a_missing_version(
    server: ServerState, capsys: pytest.CaptureFixture[str]
) -> None:
    server.seed_prompt("greet", "v1")
    for usage in (
        ["greet", "production"],  # no VERSION
        ["greet", "production", "1", "--remove"],
        ["greet", "production", "0"],
        ["bad name", "production", "1"],
    ):
        assert main(["prompts", "label", *usage]) == 2, usage
        assert capsys.readouterr().err.startswith("error: ")
    assert server.request_count() == 0

    assert main(["prompts", "label", "greet", "production", "7"]) == 1
    captured = capsys.readouterr()
    assert "error  greet: production not moved" in captured.out
    assert captured.err.startswith("error: 1 prompt(s) not labelled: greet (error)")
    assert labels(server, "greet") == {}
    assert KEY not in captured.out + captured.err


def seed_pipeline(state: ServerState) -> None:
    """a: staging ahead of production; b: both at 1; c: staging only; d: production only."""
    state.seed_prompt("a", "a2", versions=["a1"], labels={"staging": 2, "production": 1})
    state.seed_prompt("b", "b1", labels=["staging", "production"])
    state.seed_prompt("c", "c3", versions=["c1", "c2"], labels={"staging": 3})
    state.seed_prompt("d", "d1", labels=["production"])


def test_promote_moves_production_to_staging_for_every_prompt_with_staging(
    server: ServerState, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_pipeline(server)
    promote = ["prompts", "promote", "--from", "staging", "--to", "production"]

    assert main([*promote, "--dry-run"]) == 0
    assert lines(capsys.readouterr().out) == [
        "move  a: would move production from version 1 to 2",
        "unchanged  b: production already at version 1",
        "set  c: would set production at version 3",
        "summary: 1 move, 1 set, 1 unchanged",
    ]
    assert writes(server) == 0
    assert labels(server, "a")["production"] == 1 and "production" not in labels(server, "c")

    server.clear_requests()
    assert main(promote) == 0
    assert lines(capsys.readouterr().out) == [
        "move  a: production moved from version 1 to 2",
        "unchanged  b: production already at version 1",
        "set  c: production set at version 3",
        "summary: 1 move, 1 set, 1 unchanged",
    ]
    assert server.request_count("PUT") == 2  # b, already there, was not sent
    assert labels(server, "a") == {"staging": 2, "production": 2}
    assert labels(server, "b") == {"staging": 1, "production": 1}
    assert labels(server, "c") == {"staging": 3, "production": 3}
    assert labels(server, "d") == {"production": 1}  # no staging: left alone
    # one list pass with label=staging found them (besides the access check)
    path = f"/api/projects/{PROJECT}/llm_prompts/"
    assert server.request_count("GET", path) == 2

    server.clear_requests()  # promoted: a second run sends nothing
    assert main(promote) == 0
    assert lines(capsys.readouterr().out)[-1] == "summary: 3 unchanged"
    assert writes(server) == 0


def test_promote_without_all_labels_reads_the_target_in_a_second_pass(
    server: ServerState, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server whose list rows lack ``all_labels`` still skips what is there already."""
    seed_pipeline(server)
    real_list = Prompts.list

    class WithoutAllLabels:
        def __init__(self, paginator: Any) -> None:
            self.paginator = paginator

        def __await__(self) -> Any:
            return self.paginator.__await__()

        async def pages(self) -> Any:
            async for page in self.paginator.pages():
                for row in page.results:
                    row.all_labels = UNSET
                yield page

    def older_rows(self, **query):  # type: ignore[no-untyped-def]
        return WithoutAllLabels(real_list(self, **query))

    monkeypatch.setattr(Prompts, "list", older_rows)
    assert main(["prompts", "promote", "--from", "staging", "--to", "production"]) == 0
    assert lines(capsys.readouterr().out) == [
        "move  a: production moved from version 1 to 2",
        "unchanged  b: production already at version 1",
        "set  c: production set at version 3",
        "summary: 1 move, 1 set, 1 unchanged",
    ]
    assert server.request_count("GET", f"/api/projects/{PROJECT}/llm_prompts/") == 3
    assert server.request_count("PUT") == 2


def test_promote_only_the_named_prompts(
    server: ServerState, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_pipeline(server)
    promote = ["prompts", "promote", "--from", "staging", "--to", "production"]

    assert main([*promote, "a", "d", "nope"]) == 1  # d and nope lack staging: nothing sent
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: 2 named prompt(s) have no label staging")
    assert "d, nope" in captured.err and "nothing was changed" in captured.err
    assert writes(server) == 0

    assert main([*promote, "a", "--dry-run"]) == 0
    assert lines(capsys.readouterr().out) == [
        "move  a: would move production from version 1 to 2",
        "summary: 1 move",
    ]
    assert writes(server) == 0

    assert main([*promote, "a"]) == 0
    assert lines(capsys.readouterr().out)[-1] == "summary: 1 move"
    assert labels(server, "a")["production"] == 2
    assert "production" not in labels(server, "c")  # not named: not promoted

    server.clear_requests()
    assert main(["prompts", "promote", "--from", "staging", "--to", "staging"]) == 2
    assert "two different labels" in capsys.readouterr().err
    assert main([*promote, "a", "bad name"]) == 2
    assert "prompt name 'bad name' is not valid" in capsys.readouterr().err
    assert server.request_count() == 0


def test_promote_with_a_key_that_may_not_write_stops_at_the_first_refusal(
    server: ServerState, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_pipeline(server)
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", READER)
    monkeypatch.setattr("posthog_api.cli._prompts.CONCURRENCY", 1)  # a and c in turn
    assert main(["prompts", "promote", "--from", "staging", "--to", "production"]) == 2
    captured = capsys.readouterr()
    assert lines(captured.out)[0].startswith("refused  a: production: 403")
    assert lines(captured.out)[2].startswith("skipped  c: production not sent")
    err = captured.err.splitlines()
    assert len(err) == 1 and "2 prompt(s) not promoted" in err[0]
    assert "llm_prompt:write" in err[0] and READER not in captured.out + captured.err
    assert server.request_count("PUT") == 1
    assert labels(server, "a")["production"] == 1


def test_pull_label_writes_the_labelled_versions_and_counts_the_skipped(
    server: ServerState, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.seed_prompt("greet", "Hi {{name}} (draft)", versions=["Hello {{name}}"])
    server.seed_label("greet", "production", 1)
    server.seed_prompt("system", {"role": "system", "content": "v2"}, versions=["v1"])
    server.seed_label("system", "production", 2)
    server.seed_prompt("draft", "not released")

    pulled = tmp_path / "pulled"
    assert main(["prompts", "pull", str(pulled), "--label", "production"]) == 0
    out = capsys.readouterr().out
    assert (pulled / "greet.txt").read_text() == "Hello {{name}}"  # the label, not the latest
    assert json.loads((pulled / "system.json").read_text()) == {"role": "system", "content": "v2"}
    assert sorted(path.name for path in pulled.iterdir()) == [
        ".pulled-label",
        "greet.txt",
        "system.json",
    ]
    assert (pulled / ".pulled-label").read_text() == "production\n"
    assert "greet: version 1 -> greet.txt" in out
    assert out.splitlines()[-1] == (
        f"summary: 2 prompt(s) written to {pulled}; 1 prompt(s) without the label production "
        "skipped"
    )
    assert writes(server) == 0
