"""One client, one event loop: a client used from a second loop (a second ``asyncio.run``,
another thread's loop) raises ConfigurationError saying to create one client per loop,
before anything is sent, instead of httpx's "Event loop is closed" from a pool whose
connections belong to the first loop."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import posthog_api_client
import pytest

import posthog_api
from posthog_api import AsyncPostHog, ConfigurationError

from .conftest import KEY, PROJECT, Server

ONE_PER_LOOP = "create one client per event loop"


def new_client(server: Server, **options: Any) -> AsyncPostHog:
    return AsyncPostHog(api_key=KEY, project_id=PROJECT, host=server.url, **options)


def in_new_loop(call: Callable[[], Awaitable[Any]]) -> Any:
    async def run() -> Any:
        return await call()

    return asyncio.run(run())


def test_a_second_loop_is_refused_before_sending_and_the_first_keeps_working(
    server: Server, first_loop: asyncio.AbstractEventLoop
) -> None:
    client = new_client(server)
    try:
        first_loop.run_until_complete(client.datasets.create(name="golden"))
        sent = len(server.log())
        with pytest.raises(ConfigurationError) as info:
            in_new_loop(lambda: client.datasets.create(name="second"))
        message = str(info.value)
        assert message.startswith("posthog.datasets.create: this AsyncPostHog was first used")
        assert ONE_PER_LOOP in message and "nothing was sent" in message
        assert len(server.log()) == sent
        listed = first_loop.run_until_complete(client.datasets.list().collect())
        assert [d.name for d in listed] == ["golden"]
    finally:
        first_loop.run_until_complete(client.aclose())


async def test_another_threads_loop_is_refused_while_this_one_runs(server: Server) -> None:
    client = new_client(server)
    async with client:
        await client.datasets.create(name="golden")
        errors: list[BaseException] = []

        def other_thread() -> None:
            try:
                in_new_loop(lambda: client.datasets.list().collect())
            except BaseException as exc:
                errors.append(exc)

        thread = threading.Thread(target=other_thread)
        thread.start()
        await asyncio.to_thread(thread.join)
        assert len(errors) == 1 and isinstance(errors[0], ConfigurationError), errors
        assert ONE_PER_LOOP in str(errors[0])
        assert len(await client.datasets.list().collect()) == 1  # still this loop's client


def test_a_with_options_copy_shares_the_pool_and_its_loop(
    server: Server, first_loop: asyncio.AbstractEventLoop
) -> None:
    client = new_client(server)
    try:
        first_loop.run_until_complete(client.datasets.create(name="golden"))
        copy = client.with_options(max_retries=0)
        with pytest.raises(ConfigurationError, match=ONE_PER_LOOP):
            in_new_loop(lambda: copy.datasets.list().collect())
    finally:
        first_loop.run_until_complete(client.aclose())


def test_a_cold_prompt_get_in_a_second_loop_raises_even_with_a_fallback(
    server: Server, first_loop: asyncio.AbstractEventLoop
) -> None:
    """A misuse, not an outage: the fallback is not served silently for ever."""
    client = new_client(server)
    try:
        first_loop.run_until_complete(client.prompts.create(name="greeting", prompt="Hi"))
        with pytest.raises(ConfigurationError, match=ONE_PER_LOOP):
            in_new_loop(lambda: client.prompts.get("other", fallback="Hello"))
        # a cached prompt needs no connection: served in any loop
        assert in_new_loop(lambda: client.prompts.get("greeting")).prompt == "Hi"
    finally:
        first_loop.run_until_complete(client.aclose())


def test_one_client_per_loop_works(server: Server) -> None:
    async def run(name: str) -> None:
        async with new_client(server) as client:
            await client.datasets.create(name=name)

    asyncio.run(run("first"))
    asyncio.run(run("second"))
    assert [r.method for r in server.log()] == ["POST", "POST"]


SCRIPT = """
import asyncio
from posthog_api import AsyncPostHog

posthog = AsyncPostHog()  # module level, from POSTHOG_*: shared by both asyncio.run calls

async def count() -> int:
    return len(await posthog.datasets.list().collect())

print(asyncio.run(count()))
try:
    asyncio.run(count())
except Exception as exc:
    print(type(exc).__name__, exc)
"""


def test_a_users_script_calling_asyncio_run_twice_is_told_what_to_do(
    server: Server, tmp_path: Path
) -> None:
    paths = [Path(m.__file__).parents[1] for m in (posthog_api, posthog_api_client)]
    # A user's shell: none of our POSTHOG_*, nor mutmut's MUTANT_UNDER_TEST (its stats mode
    # would look for mutmut's config in tmp_path; `make mutate` runs this file).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTHOG_", "MUTANT_"))}
    env.update(
        PYTHONPATH=os.pathsep.join(map(str, paths)),
        POSTHOG_PERSONAL_API_KEY=KEY,
        POSTHOG_PROJECT_ID=PROJECT,
        POSTHOG_HOST=server.url,
    )
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()
    assert first == "0"
    assert (
        second.startswith("ConfigurationError posthog.datasets.list: ") and ONE_PER_LOOP in second
    )
    assert "Event loop is closed" not in done.stdout + done.stderr
    assert len(server.log()) == 1
