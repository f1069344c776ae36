"""The local server on uvicorn in a daemon thread, on a free 127.0.0.1 port.

This is ``posthog_api.testing.run_in_thread`` with one difference: the listening socket
is made with ``proto=IPPROTO_TCP``. asyncio turns on ``TCP_NODELAY`` only for sockets
whose ``proto`` is ``IPPROTO_TCP``, and accepted sockets inherit the listener's, so
with ``socket.socket(AF_INET, SOCK_STREAM)`` (proto 0) every response's body waits
behind its headers for the client's delayed ACK (Nagle): about 40 ms per response on
Linux, which would make every loopback figure measure that timer instead of the code.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from posthog_api.testing import ServerState, create_app


@contextmanager
def serve_in_thread(state: ServerState) -> Iterator[str]:
    """Serve ``state`` until the block exits; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
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
        target=server.run, kwargs={"sockets": [sock]}, name="bench-local-server", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the local PostHog server did not start")
            time.sleep(0.005)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
