"""``POSTHOG_API_LOG=debug`` prints each request once, whether or not the application has
configured logging: a user's script in a real process, its stderr and stdout read back."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import posthog_api_client
import pytest

import posthog_api

from .conftest import KEY, PROJECT, Server

SCRIPT = """
import asyncio, logging, sys
from posthog_api import AsyncPostHog

def configure():
{configure}

async def main():
    if {before}:
        configure()
    async with AsyncPostHog() as posthog:  # POSTHOG_* from the environment
        if not {before}:
            configure()
        await posthog.datasets.create(name="golden")
        [d async for d in posthog.datasets.list()]

asyncio.run(main())
"""


def run(server: Server, configure: str, *, before: bool = True, cwd: Path) -> tuple[str, str]:
    """Run the script with ``configure()``'s body; its (stdout, stderr)."""
    source = SCRIPT.format(configure=textwrap.indent(configure, "    "), before=before)
    paths = [Path(m.__file__).parents[1] for m in (posthog_api, posthog_api_client)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTHOG_")}
    env.update(
        PYTHONPATH=os.pathsep.join(map(str, paths)),
        POSTHOG_API_LOG="debug",
        POSTHOG_PERSONAL_API_KEY=KEY,
        POSTHOG_PROJECT_ID=PROJECT,
        POSTHOG_HOST=server.url,
    )
    done = subprocess.run(
        [sys.executable, "-c", source],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=cwd,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout, done.stderr


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if "/datasets/ -> " in line]


@pytest.mark.parametrize("before", [True, False], ids=["configured-first", "configured-later"])
def test_an_application_logging_to_stderr_gets_each_line_once_in_its_format(
    server: Server, tmp_path: Path, before: bool
) -> None:
    out, err = run(server, "logging.basicConfig(level=logging.INFO)", before=before, cwd=tmp_path)
    assert len(lines(err)) == 2, err  # the POST and the GET
    assert all(line.startswith("DEBUG:posthog_api:") for line in lines(err))
    assert KEY not in err and out == ""


def test_without_logging_configured_the_sdk_prints_each_line_once(
    server: Server, tmp_path: Path
) -> None:
    out, err = run(server, "pass", cwd=tmp_path)
    assert len(lines(err)) == 2, err
    assert all(" posthog_api DEBUG " in line for line in lines(err))
    assert KEY not in err and out == ""


def test_an_application_logging_to_stdout_gets_each_line_once(
    server: Server, tmp_path: Path
) -> None:
    out, err = run(
        server, "logging.basicConfig(level=logging.DEBUG, stream=sys.stdout)", cwd=tmp_path
    )
    assert len(lines(out)) == 2 and lines(err) == [], (out, err)


def test_an_application_logging_to_a_file_still_gets_the_lines_on_stderr(
    server: Server, tmp_path: Path
) -> None:
    """The file is the application's; POSTHOG_API_LOG asked for stderr: both get them once."""
    _out, err = run(
        server, "logging.basicConfig(filename='app.log', level=logging.DEBUG)", cwd=tmp_path
    )
    assert len(lines(err)) == 2, err
    assert len(lines((tmp_path / "app.log").read_text())) == 2


def test_a_console_handler_above_debug_leaves_the_debug_lines_to_the_sdk(
    server: Server, tmp_path: Path
) -> None:
    configure = (
        "h = logging.StreamHandler(); h.setLevel(logging.INFO); logging.getLogger().addHandler(h)"
    )
    _out, err = run(server, configure, cwd=tmp_path)
    assert len(lines(err)) == 2 and all(" posthog_api DEBUG " in x for x in lines(err)), err
