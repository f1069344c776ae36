"""The pytest plugin's fixtures as a user's test sees them (loaded by tests/conftest.py).

``posthog_server`` is seeded and in process, ``posthog_client`` reaches it with no
socket from sync and async tests, ``posthog_live_server`` serves the same state on a real
port, and the clients the fixtures made are closed in the loop they ran in.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import httpx
import pytest

from posthog_api import (
    APIConnectionError,
    AsyncPostHog,
    AuthenticationError,
    ConfigurationError,
    InternalServerError,
    ScopeError,
)
from posthog_api.testing import LocalServer, ServerState, local_server
from posthog_api.testing.pytest_plugin import _marker_options

SRC = Path(__file__).resolve().parents[2]
PYTHONPATH = f"{SRC / 'src'}:{SRC / 'generated'}"


def _no_sockets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the in-process client opened a socket")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_posthog_server_is_the_demo_project_with_a_full_access_key(
    posthog_server: LocalServer,
) -> None:
    state = posthog_server.state
    assert posthog_server.project_id == state.project_id == "1"
    assert posthog_server.faults is state.faults
    assert state.keys[posthog_server.key] == ("*",)
    assert posthog_server.in_process
    assert {row["name"] for row in state.prompts} == {"support-bot", "summarizer", "chat-template"}
    assert [d["name"] for d in state.datasets.values()] == ["support-questions"]
    assert posthog_server.key not in repr(posthog_server)


async def test_posthog_client_reaches_the_server_in_process_from_an_async_test(
    posthog_server: LocalServer, posthog_client: AsyncPostHog, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_sockets(monkeypatch)
    prompt = await posthog_client.prompts.get("support-bot")
    assert (prompt.version, prompt.compile(company="Acme", language="French")) == (
        3,
        "You are a friendly support assistant for Acme. Answer in French.",
    )
    assert [(r.method, r.status) for r in posthog_server.requests] == [("GET", 200)]


def test_posthog_client_works_in_a_sync_test_through_asyncio_run(
    posthog_server: LocalServer, posthog_client: AsyncPostHog, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_sockets(monkeypatch)
    posthog_server.state.seed_prompt("greeting", "Hi {{name}}!")

    async def main() -> str:
        prompt = await posthog_client.prompts.get("greeting")
        return prompt.compile(name="Ada")

    assert asyncio.run(main()) == "Hi Ada!"


async def test_faults_reach_the_in_process_client(posthog_server: LocalServer) -> None:
    client = posthog_server.client(max_retries=0)
    posthog_server.faults.fail_next(1, status=503)
    with pytest.raises(InternalServerError):
        await client.datasets.list()
    posthog_server.faults.drop_next(1)
    with pytest.raises(APIConnectionError):
        await client.datasets.list()
    page = await client.datasets.list()  # the faults were used up
    assert [d.name for d in page.results] == ["support-questions"]


async def test_client_takes_another_key_of_the_state(posthog_server: LocalServer) -> None:
    posthog_server.state.add_key("phx_read_only", ["llm_prompt:read"])
    reader = posthog_server.client(api_key="phx_read_only", max_retries=0)
    assert (await reader.prompts.get("summarizer")).version == 2
    with pytest.raises(AuthenticationError):
        await posthog_server.client(api_key="phx_unknown", max_retries=0).datasets.list()
    with pytest.raises(ScopeError):  # the server's 403, not a check before sending
        await reader.datasets.list()


@pytest.mark.posthog(demo=False)
def test_the_posthog_marker_starts_from_an_empty_project(posthog_server: LocalServer) -> None:
    state = posthog_server.state
    assert (state.prompts, state.datasets, state.evaluations) == ([], {}, {})
    assert state.keys == {posthog_server.key: ("*",)}


def test_an_unknown_marker_option_is_a_configuration_error() -> None:
    class Node:
        def __init__(self, mark: pytest.Mark) -> None:
            self.mark = mark

        def get_closest_marker(self, name: str) -> pytest.Mark | None:
            return self.mark if name == self.mark.name else None

    class Request:
        def __init__(self, mark: pytest.Mark) -> None:
            self.node = Node(mark)

    mark = pytest.mark.posthog(dmeo=False).mark
    with pytest.raises(
        ConfigurationError,
        match=r"only the keyword option\(s\) demo, environments_only, unrouted, "
        r"prompt_as_text; got dmeo",
    ):
        _marker_options(Request(mark))  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="got a positional argument"):
        _marker_options(Request(pytest.mark.posthog(False).mark))  # type: ignore[arg-type]
    demo_off = Request(pytest.mark.posthog(demo=False).mark)
    assert _marker_options(demo_off) == {"demo": False}  # type: ignore[arg-type]
    assert _marker_options(Request(pytest.mark.slow.mark)) == {}  # type: ignore[arg-type]


class TestOverridingPosthogState:
    """A user's own ``posthog_state`` fixture replaces the plugin's, for both servers."""

    @pytest.fixture
    def posthog_state(self) -> ServerState:
        state = ServerState(project_id="77")
        state.seed_prompt("only-this", "x")
        return state

    async def test_the_servers_serve_it_and_add_their_key(
        self, posthog_server: LocalServer, posthog_client: AsyncPostHog
    ) -> None:
        assert posthog_server.project_id == "77"
        assert posthog_server.state.keys == {posthog_server.key: ("*",)}
        assert (await posthog_client.prompts.get("only-this")).prompt == "x"


async def test_posthog_live_server_serves_the_same_state_on_a_real_port(
    posthog_live_server: LocalServer, posthog_server: LocalServer, posthog_client: AsyncPostHog
) -> None:
    assert posthog_live_server.state is posthog_server.state
    url = httpx.URL(posthog_live_server.url)
    assert (url.scheme, url.host) == ("http", "127.0.0.1") and url.port
    await posthog_client.prompts.create(name="made-in-process", prompt="p")
    async with AsyncPostHog(
        api_key=posthog_live_server.key,
        project_id=posthog_live_server.project_id,
        host=posthog_live_server.url,
    ) as own:
        assert (await own.prompts.get("made-in-process")).prompt == "p"


def test_close_clients_closes_each_client_in_the_loop_it_ran_in() -> None:
    with local_server() as server:
        used = server.client()
        server.client()  # never used: nothing to close, and no error
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(used.datasets.list())
            server.close_clients()
            with pytest.raises(ConfigurationError):  # closed: every call refuses
                loop.run_until_complete(used.datasets.list())
        finally:
            loop.close()


def test_close_clients_reaches_a_loop_running_in_another_thread() -> None:
    import threading

    async def first_page(client: AsyncPostHog) -> Any:
        return await client.datasets.list()

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        with local_server() as server:
            client = server.client()
            asyncio.run_coroutine_threadsafe(first_page(client), loop).result(timeout=10)
        # the block's exit closed it in its loop, while that loop kept running
        with pytest.raises(ConfigurationError):
            asyncio.run_coroutine_threadsafe(first_page(client), loop).result(timeout=10)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


def test_loading_the_plugin_imports_neither_the_server_nor_its_web_framework() -> None:
    code = textwrap.dedent(
        """
        import sys
        import posthog_api.testing.pytest_plugin
        heavy = ("starlette", "uvicorn", "posthog_api.testing.app", "posthog_api.testing.local")
        print(sorted(m for m in sys.modules if m.startswith(heavy)))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": PYTHONPATH, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert out.stdout.strip() == "[]"


def test_without_the_server_extra_only_tests_using_a_fixture_fail_saying_what_to_install(
    tmp_path: Path,
) -> None:
    (tmp_path / "test_user.py").write_text(
        textwrap.dedent(
            """
            def test_unrelated():
                assert True

            def test_uses_the_server(posthog_server):
                pass
            """
        )
    )
    # starlette made unimportable, as in an environment without the server extra
    (tmp_path / "sitecustomize.py").write_text("import sys\nsys.modules['starlette'] = None\n")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "posthog_api.testing.pytest_plugin",
            "-p",
            "no:cacheprovider",
            "-q",
            "test_user.py",
        ],
        cwd=tmp_path,
        env={"PYTHONPATH": f"{tmp_path}:{PYTHONPATH}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "1 passed, 1 error" in out.stdout, out.stdout + out.stderr
    assert "ConfigurationError: the posthog_* fixtures run the local PostHog API server" in (
        out.stdout
    )
    assert "pip install 'posthog-api-async[server]'" in out.stdout
