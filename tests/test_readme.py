"""Every ```python block of README.md runs as written against the local server.

Each block runs as a script (``__name__ == "__main__"``) against its own freshly seeded
``posthog_api.testing`` server (``seed_demo``: the ``support-bot`` prompt, the
``support-questions`` dataset, the ``Helpfulness`` evaluation), so a block never depends on
what another one did. The client finds the server as a user's code finds PostHog:

- through the environment (``POSTHOG_PERSONAL_API_KEY``, ``POSTHOG_PROJECT_ID``,
  ``POSTHOG_HOST``), for blocks that construct ``AsyncPostHog()`` without arguments;
- through the README's documented placeholders, replaced as whole string literals only:
  ``"phx_..."`` by the server's key, ``"12345"`` by its project id and
  ``"https://us.posthog.com"`` by its URL (the README says so above its first block).

Nothing else is changed, added or skipped: a block that fails here fails for a reader.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from cli_support import cli_server

from posthog_api.testing import ServerState, seed_demo

README = Path(__file__).resolve().parents[1] / "README.md"
KEY = "phx_readme_test_key"
PROJECT = "4242"

PLACEHOLDERS = {
    '"phx_..."': f'"{KEY}"',
    '"12345"': f'"{PROJECT}"',
    '"https://us.posthog.com"': None,  # the server's URL, known once it runs
}

# A block using Redis (README's "Running many processes") gets a real local redis-server.
REDIS_PLACEHOLDER = '"redis://localhost:6379"'

_FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def python_blocks(text: str) -> list[tuple[int, str]]:
    """(line number, source) of every ```python block, in order."""
    return [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in _FENCE.finditer(text)]


def substitute(source: str, url: str) -> str:
    """The block with the documented placeholders (whole string literals) replaced."""
    for placeholder, value in PLACEHOLDERS.items():
        source = source.replace(placeholder, f'"{url}"' if value is None else value)
    return source


BLOCKS = python_blocks(README.read_text(encoding="utf-8"))


def test_the_readme_has_python_blocks_and_documents_the_placeholders() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(BLOCKS) >= 3
    for placeholder in PLACEHOLDERS:
        assert placeholder.strip('"') in text
    assert "tests/test_readme.py" in text  # where a reader learns the blocks are run


@pytest.mark.parametrize(("line", "source"), BLOCKS, ids=[f"line{line}" for line, _ in BLOCKS])
def test_block_runs_against_the_local_server(
    line: int, source: str, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    if REDIS_PLACEHOLDER in source:
        redis_url = request.getfixturevalue("redis_server").url
        source = source.replace(REDIS_PLACEHOLDER, f'"{redis_url}"')
    state = ServerState(project_id=PROJECT, keys={KEY: ["*"]})
    seed_demo(state)
    with cli_server(monkeypatch, state, KEY) as (_, url):
        code = compile(substitute(source, url), f"README.md:{line}", "exec")
        namespace: dict[str, Any] = {"__name__": "__main__"}
        exec(code, namespace)
    with state.lock:
        failed = [r for r in state.requests if r.status is not None and r.status >= 400]
    # A block shows what works: an error answer it swallowed would be a wrong example.
    assert failed == [], f"README.md:{line} got error answers: {failed}"
