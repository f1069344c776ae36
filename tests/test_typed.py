"""Users' type checkers see the SDK's types: both packages carry the PEP 561 marker."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "marker", ["src/posthog_api/py.typed", "generated/posthog_api_client/py.typed"]
)
def test_each_package_has_a_py_typed_marker(marker: str) -> None:
    assert (ROOT / marker).is_file()


def test_the_built_wheel_ships_both_markers(tmp_path: Path) -> None:
    from hatchling.builders.wheel import WheelBuilder

    (wheel,) = WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "posthog_api/py.typed" in names
    assert "posthog_api_client/py.typed" in names


USER_SCRIPT = """\
import asyncio

import redis.asyncio
from posthog_api import AsyncPostHog, RedisPromptStore


async def main() -> None:
    posthog = AsyncPostHog(api_key="phx_x", project_id=1)
    redis_client = redis.asyncio.Redis.from_url("redis://localhost:6379")
    store = RedisPromptStore(redis_client, prefix="svc", lock_timeout=2.0)
    RedisPromptStore(42)  # MISTAKE: int-for-redis-client
    forgot = posthog.prompts.get("greet")
    print(forgot.version)  # MISTAKE: awaitable-not-awaited
    await posthog.prompts.get("greet", version="3")  # MISTAKE: str-for-int
    await posthog.datasets.create(nmae="golden")  # MISTAKE: misspelt-field
    await posthog.llm_analytics.summarize(summarize_type="trcae", data={})  # MISTAKE: enum
    await posthog.integrations.github_repos("3")  # MISTAKE: str-for-int-id
    page = await posthog.datasets.list(page_size=10)
    name: str = page.results[0].name
    version: int = (await posthog.prompts.get("greet")).version
    rows = await posthog.prompts.versions("greet").collect()
    when: int = rows[0].created_at  # MISTAKE: datetime-for-int
    prompt = await posthog.prompts.get("greet", fallback="Hello, {{name}}.")
    text: str = prompt.compile_text(name="Ada")
    chat = prompt.messages({"company": "Acme"})
    role: str = chat[0]["role"]
    compiled: str = prompt.compile(name="Ada")  # MISTAKE: compiled-prompt-union-for-str
    print(name, version, text, role, compiled, store)


asyncio.run(main())
"""


@pytest.mark.slow
def test_a_users_mypy_sees_the_installed_wheels_types(tmp_path: Path) -> None:
    """Build the wheel, install it in a fresh venv outside the repository, and run mypy on
    a user's script: every deliberate mistake is reported, and nothing else is."""
    import subprocess
    import sys

    from hatchling.builders.wheel import WheelBuilder

    (wheel,) = WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", f"{wheel}[redis]", "mypy"],
        check=True,
        cwd=tmp_path,
    )
    script = tmp_path / "user" / "app.py"
    script.parent.mkdir()
    script.write_text(USER_SCRIPT)
    done = subprocess.run(
        [str(python), "-m", "mypy", "--strict", "--no-incremental", "app.py"],
        cwd=script.parent,
        capture_output=True,
        text=True,
    )
    report = done.stdout
    assert "missing library stubs" not in report and "py.typed" not in report, report
    flagged = {int(line.split(":")[1]) for line in report.splitlines() if ": error:" in line}
    expected = {
        number for number, line in enumerate(USER_SCRIPT.splitlines(), start=1) if "MISTAKE" in line
    }
    assert flagged == expected, report
    assert done.returncode == 1
