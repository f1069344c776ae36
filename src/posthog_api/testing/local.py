"""A local server as a user's test sees it: its state, its URL, a key, and clients for it.

:func:`local_server` serves a :class:`ServerState` in process (``httpx.ASGITransport``,
no sockets) or on a loopback port in a thread; the pytest plugin's fixtures are built on
it, and tests that do not use pytest can use it directly.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import httpx

from .state import RequestRecord, ServerState

if TYPE_CHECKING:
    from posthog_api import AsyncPostHog

    from .faults import Faults

DEFAULT_KEY = "phx_local_test_key"
IN_PROCESS_URL = "http://testserver"


class _LoopRecorder(httpx.AsyncBaseTransport):
    """Passes requests on, noting the event loop they run in (to close the client there)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.loop: asyncio.AbstractEventLoop | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.loop = asyncio.get_running_loop()
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class LocalServer:
    """A running local server: ``state``, ``url``, ``key``, ``project_id``, ``faults``.

    ``client()`` makes an :class:`~posthog_api.AsyncPostHog` connected to it (in process
    when the server is, so ``url`` is then only a name); the clients it made are closed
    when the server stops.
    """

    def __init__(
        self,
        state: ServerState,
        url: str,
        key: str,
        transport: Callable[[], httpx.AsyncBaseTransport] | None,
    ) -> None:
        self.state = state
        self.url = url
        self.key = key
        self._transport = transport
        self._made: list[tuple[AsyncPostHog, _LoopRecorder]] = []

    @property
    def project_id(self) -> str:
        """The project the server serves (requests for any other answer 404)."""
        return self.state.project_id

    @property
    def faults(self) -> Faults:
        """Latency, 429s, 5xx and dropped connections on demand (``faults.reset()`` ends them)."""
        return self.state.faults

    @property
    def in_process(self) -> bool:
        """Whether requests reach the app without a socket (``url`` is then only a name)."""
        return self._transport is not None

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request the server has received so far, oldest first."""
        with self.state.lock:
            return list(self.state.requests)

    def client(self, **options: Any) -> AsyncPostHog:
        """An ``AsyncPostHog`` for this server with the full-access key.

        ``options`` are the constructor's (``api_key=`` another key of ``state.keys``,
        ``max_retries=0``, ``scopes=[...]``, ...).
        """
        from posthog_api import AsyncPostHog

        inner = self._transport() if self._transport else httpx.AsyncHTTPTransport()
        recorder = _LoopRecorder(inner)
        options.setdefault("api_key", self.key)
        options.setdefault("project_id", self.project_id)
        options.setdefault("host", self.url)
        client = AsyncPostHog(transport=recorder, **options)
        self._made.append((client, recorder))
        return client

    def close_clients(self) -> None:
        """Close the clients ``client()`` made, each in the event loop it was used in.

        A client whose loop has ended is left alone: the loop cancelled its tasks, and an
        in-process client has no sockets (a test using a live server's client should
        ``async with`` it, so that its sockets close in its loop). One never used holds
        nothing.
        """
        made, self._made = self._made, []
        for client, recorder in made:
            loop = recorder.loop
            if loop is None or loop.is_closed():
                continue
            if loop.is_running():
                asyncio.run_coroutine_threadsafe(client.aclose(), loop).result(timeout=10)
            else:
                loop.run_until_complete(client.aclose())

    def __repr__(self) -> str:
        where = "in process" if self.in_process else self.url
        return f"LocalServer({where}, project_id={self.project_id!r}, key=<hidden>)"


@contextlib.contextmanager
def local_server(
    state: ServerState | None = None, *, key: str = DEFAULT_KEY, live: bool = False
) -> Iterator[LocalServer]:
    """Serve ``state`` (a new empty project by default) until the block ends.

    ``key`` is added to the state with every scope. ``live=True`` serves on a free
    127.0.0.1 port in a thread (a real ``url``, for code that makes its own client);
    otherwise requests reach the app in process.
    """
    if state is None:
        state = ServerState()
    if key not in state.keys:
        state.add_key(key, ["*"])
    if live:
        from ._run import run_in_thread

        with run_in_thread(state) as url:
            server = LocalServer(state, url, key, None)
            try:
                yield server
            finally:
                server.close_clients()
        return
    from .app import create_app

    app = create_app(state)
    server = LocalServer(state, IN_PROCESS_URL, key, lambda: httpx.ASGITransport(app=app))
    try:
        yield server
    finally:
        server.close_clients()
