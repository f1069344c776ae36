"""A tiny HTTP/1.1 server on loopback that answers every request the same scripted way.

It plays the hostile server of the hardening tests over a real socket: a fixed status,
headers and body (a deeply nested JSON, a wrong field type, a huge detail), or a body
dripped one byte at a time so that no single read ever times out. It runs in the test's
own event loop; leaving the ``async with`` stops it and every connection it still serves.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any


class HostileServer:
    """``async with HostileServer(status, body) as server:`` then use ``server.url``."""

    def __init__(
        self,
        status: int = 200,
        body: bytes = b"{}",
        *,
        headers: dict[str, str] | None = None,
        drip_every: float | None = None,
        delay: float = 0.0,
    ) -> None:
        self.status = status
        self.body = body
        self.headers = {"Content-Type": "application/json", **(headers or {})}
        self.drip_every = drip_every
        self.delay = delay  # seconds before answering (a slow server)
        self.requests: list[str] = []  # request lines, e.g. "GET /api/... HTTP/1.1"
        self.connections = 0  # connections accepted (one request each: Connection: close)
        self.url = ""
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    async def __aenter__(self) -> HostileServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.connections += 1
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            self.requests.append(head.split(b"\r\n", 1)[0].decode("latin-1"))
            for line in head.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    await reader.readexactly(int(value))
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.drip_every is not None:
                await self._drip(reader, writer)
            else:
                lines = [f"HTTP/1.1 {self.status} Scripted"]
                lines += [f"{k}: {v}" for k, v in self.headers.items()]
                lines += [f"Content-Length: {len(self.body)}", "Connection: close", "", ""]
                writer.write("\r\n".join(lines).encode("latin-1") + self.body)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:  # the server is stopping: end this connection quietly
            pass
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _drip(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Headers at once, then a JSON body of blanks, one byte per ``drip_every`` seconds.

        It stops when the client hangs up (or the server stops).
        """
        assert self.drip_every is not None
        writer.write(
            f"HTTP/1.1 {self.status} Dripping\r\nContent-Type: application/json\r\n"
            "Content-Length: 1000000\r\nConnection: close\r\n\r\n".encode("latin-1")
        )
        while not reader.at_eof():
            await writer.drain()
            await asyncio.sleep(self.drip_every)
            writer.write(b" ")
