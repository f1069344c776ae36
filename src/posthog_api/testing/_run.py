"""Running the server: blocking (``serve``) or on a background thread (``run_in_thread``)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

import uvicorn

from .app import create_app
from .seed import seed_demo
from .state import ServerState


def serve(
    host: str = "127.0.0.1",
    port: int = 8010,
    project_id: str = "1",
    keys: Mapping[str, Iterable[str]] | None = None,
    seed: bool = True,
    *,
    state: ServerState | None = None,
) -> None:
    """Serve the API until interrupted (uvicorn, blocking)."""
    if state is None:
        state = ServerState(project_id=project_id, keys=keys or {})
        if seed:
            seed_demo(state)
    uvicorn.run(create_app(state), host=host, port=port, log_level="info", lifespan="off")


@contextmanager
def run_in_thread(state: ServerState, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``state`` on a free port of ``host`` in a daemon thread; yield its base URL.

    The server is shut down, and the thread joined, when the block exits.
    """
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets whose proto says TCP
    # (accepted sockets inherit it); without it every response body waits ~40 ms behind
    # its headers for the client's delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(state),
        log_level="warning",
        access_log=False,
        lifespan="off",
        http="h11",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="posthog-local-server", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the local PostHog server did not start")
            time.sleep(0.005)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
