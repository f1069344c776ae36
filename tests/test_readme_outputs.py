"""README blocks whose every ``print(...)  # comment`` shows the printed line exactly: run
against the local server (as tests/test_readme.py runs every block), each comment must be
what that print printed, so an example never claims what it does not do."""

from __future__ import annotations

import contextlib
import io
import re
from typing import Any

import pytest
from cli_support import cli_server
from test_readme import BLOCKS, KEY, PROJECT, substitute

from posthog_api.testing import ServerState, seed_demo

# A print call alone on its line, then its expected output as the line's comment.
_PRINT = re.compile(r"^\s*print\(.*\)\s+#\s(?P<shown>.*)$")

# Blocks chosen by a line they hold: their print comments are outputs, not remarks.
EXACT = ['first = await posthog.prompts.create("welcome", "Greet {{name}}.")']


def block_with(marker: str) -> str:
    (source,) = [source for _, source in BLOCKS if marker in source]
    return source


@pytest.mark.parametrize("marker", EXACT)
def test_each_print_prints_its_comment(marker: str, monkeypatch: pytest.MonkeyPatch) -> None:
    source = block_with(marker)
    expected = [m["shown"] for m in map(_PRINT.match, source.splitlines()) if m]
    assert len(expected) >= 3
    state = ServerState(project_id=PROJECT, keys={KEY: ["*"]})
    seed_demo(state)
    out = io.StringIO()
    with cli_server(monkeypatch, state, KEY) as (_, url), contextlib.redirect_stdout(out):
        namespace: dict[str, Any] = {"__name__": "__main__"}
        exec(compile(substitute(source, url), "README.md", "exec"), namespace)
    assert out.getvalue().splitlines() == expected
