"""The local server the CLI tests run against: the CLI finds it through POSTHOG_* variables."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from posthog_api.testing import ServerState, run_in_thread
from posthog_api.testing.prompts import create_prompt

PROJECT = "7"


@contextmanager
def cli_server(
    monkeypatch: pytest.MonkeyPatch, state: ServerState, key: str
) -> Iterator[tuple[ServerState, str]]:
    """Serve ``state`` on loopback and point POSTHOG_HOST/PROJECT_ID/PERSONAL_API_KEY at it."""
    with run_in_thread(state) as url:
        monkeypatch.setenv("POSTHOG_HOST", url)
        monkeypatch.setenv("POSTHOG_PROJECT_ID", PROJECT)
        monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", key)
        yield state, url


def writer_state(key: str) -> ServerState:
    """A project whose only key may write prompts."""
    return ServerState(project_id=PROJECT, keys={key: ["llm_prompt:write"]})


def inject(state: ServerState, name: str, content: Any) -> None:
    """Store a prompt as the server would, bypassing its own name and content checks."""
    with state.lock:
        create_prompt(state, name, content)
