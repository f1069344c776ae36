"""`prompts push --dry-run` against a server whose prompt fields have the wrong type.

Over loopback with the local server, whose stored rows are corrupted after the first push:
a ``version`` of ``"3"`` or ``null`` is reported as one error naming the field (exit 1),
not a ``TypeError`` traceback from the diff far from the response.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import cli_server, writer_state

from posthog_api.cli import main
from posthog_api.testing import ServerState

KEY = "phx_cli_fields_key_0123456789"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerState]:
    with cli_server(monkeypatch, writer_state(KEY), KEY) as (state, _):
        yield state


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("version", "3", "version is str '3', expected an int >= 1"),
        ("version", None, "version is NoneType None"),
        ("version", [3], "version is list [3]"),
    ],
)
def test_push_dry_run_reports_a_field_of_the_wrong_type(
    server: ServerState,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    field: str,
    value: Any,
    expected: str,
) -> None:
    (tmp_path / "greet.txt").write_text("Hello")
    assert main(["prompts", "push", str(tmp_path)]) == 0
    with server.lock:
        for row in server.prompts:
            row[field] = value
    (tmp_path / "greet.txt").write_text("Hello again")
    capsys.readouterr()

    assert main(["prompts", "push", str(tmp_path), "--dry-run"]) == 1
    out, err = capsys.readouterr()
    assert expected in out + err
    assert "posthog.prompts.list" in out + err  # push reads every prompt in one list pass
    assert "Traceback" not in out + err
