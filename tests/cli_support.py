"""The local server the CLI tests run against: the CLI finds it through POSTHOG_* variables."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from posthog_api.testing import ServerState, run_in_thread
from posthog_api.testing.prompts import create_prompt

PROJECT = "7"


@contextmanager
def cli_server(
    monkeypatch: pytest.MonkeyPatch, state: ServerState, key: str
) -> Iterator[tuple[ServerState, str]]:
    """Serve ``state`` on loopback and point POSTHOG_HOST/PROJECT_ID/PERSONAL_API_KEY at it
    (the project is ``state``'s own)."""
    with run_in_thread(state) as url:
        monkeypatch.setenv("POSTHOG_HOST", url)
        monkeypatch.setenv("POSTHOG_PROJECT_ID", state.project_id)
        monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", key)
        yield state, url


def writer_state(key: str) -> ServerState:
    """A project whose only key may write prompts."""
    return ServerState(project_id=PROJECT, keys={key: ["llm_prompt:write"]})


def inject(state: ServerState, name: str, content: Any) -> None:
    """Store a prompt as the server would, bypassing its own name and content checks."""
    with state.lock:
        create_prompt(state, name, content)


CONSOLE_SCRIPT = Path(sys.executable).with_name("posthog-api")


def run_console_script(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``posthog-api ARGS`` as a CI job runs it: the installed console script in its own
    process, with this process's environment (the POSTHOG_* variables ``cli_server`` set).
    PYTHONPATH is this process's ``sys.path``, so the script imports the code under test
    (a worktree's ``src/`` before the editable install it was installed from)."""
    assert CONSOLE_SCRIPT.exists(), f"{CONSOLE_SCRIPT} is missing: pip install -e ."
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("NO_COLOR", None)
    return subprocess.run(
        [str(CONSOLE_SCRIPT), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def writes(state: ServerState) -> int:
    """How many write requests (POST, PUT, PATCH, DELETE) the server has received."""
    return sum(state.request_count(method) for method in ("POST", "PUT", "PATCH", "DELETE"))


def labels(state: ServerState, name: str) -> dict[str, int]:
    """The server's labels of prompt ``name``: {label: version}."""
    with state.lock:
        return {
            label: row["version"]
            for (prompt, label), row in state.prompt_labels.items()
            if prompt == name
        }
