"""The ``posthog-api`` console script, and the import-time promise of posthog_api."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

import posthog_api.testing
from posthog_api import cli


def test_serve_defaults_print_url_project_and_demo_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(posthog_api.testing, "serve", lambda **kw: calls.append(kw))
    assert cli.main(["serve"]) == 0
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8010" in out and "Project id: 1" in out and cli.DEMO_KEY in out
    (call,) = calls
    state = call["state"]
    assert (call["host"], call["port"]) == ("127.0.0.1", 8010)
    assert state.keys == {cli.DEMO_KEY: ("*",)}
    assert state.datasets  # seeded


def test_serve_with_keys_and_scopes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(posthog_api.testing, "serve", lambda **kw: calls.append(kw))
    secret = "phx_personal_secret_value"
    argv = [
        "serve",
        "--port",
        "9001",
        "--project-id",
        "42",
        "--key",
        f"{secret}:llm_prompt:write,dataset:read",
        "--key",
        "phx_other",
        "--no-seed",
    ]
    assert cli.main(argv) == 0
    state = calls[0]["state"]
    assert state.project_id == "42" and calls[0]["port"] == 9001
    assert state.keys == {secret: ("llm_prompt:write", "dataset:read"), "phx_other": ("*",)}
    assert not state.prompts
    out = capsys.readouterr().out
    # User-supplied keys are shown by kind only: not even a few characters of the secret.
    assert secret not in out and secret[:6] not in out and "phx_other" not in out
    assert out.count("API key:    phx_...") == 2


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2
    assert "serve" in capsys.readouterr().out


def test_bad_key_argument_is_refused() -> None:
    with pytest.raises(SystemExit):
        cli.main(["serve", "--key", "phx_x:"])


def test_import_posthog_api_does_not_import_starlette() -> None:
    code = (
        "import sys, posthog_api, posthog_api.testing; "
        "assert 'starlette' not in sys.modules and 'uvicorn' not in sys.modules, "
        "sorted(m for m in sys.modules if m.startswith(('starlette', 'uvicorn')))"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
