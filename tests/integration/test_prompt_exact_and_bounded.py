"""``publish_if_changed``, ``publish_with``, ``diff`` over loopback on the local server (issue 9).

Content compares as exact JSON (``true`` is not ``1``); a diff of two ~1 MB versions is
bounded and computed off the event loop.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from posthog_api import AsyncPostHog

from .conftest import Server


def versions(server: Server, name: str) -> list[tuple[int, Any]]:
    with server.state.lock:
        rows = [r for r in server.state.prompts if r["name"] == name and not r["deleted"]]
        return sorted((r["version"], r["prompt"]) for r in rows)


async def test_publish_if_changed_publishes_a_change_of_json_type_only(
    client: AsyncPostHog, server: Server
) -> None:
    await client.prompts.create("settings", {"stream": 1, "tools": [{"t": 0}], "top_p": 1})

    published = await client.prompts.publish_if_changed(
        "settings", {"stream": True, "tools": [{"t": 0}], "top_p": 1}
    )
    assert published.version == 2
    published = await client.prompts.publish_if_changed(
        "settings", {"stream": True, "tools": [{"t": 0.0}], "top_p": 1}
    )
    assert published.version == 3
    published = await client.prompts.publish_if_changed(
        "settings", {"top_p": 1.0, "tools": [{"t": 0.0}], "stream": True}
    )
    assert published.version == 4
    # The same JSON, keys in another order: nothing to publish.
    same = await client.prompts.publish_if_changed(
        "settings", {"tools": [{"t": 0.0}], "stream": True, "top_p": 1.0}
    )
    assert same.version == 4
    stored = versions(server, "settings")
    assert [v for v, _ in stored] == [1, 2, 3, 4]
    assert stored[-1][1]["stream"] is True and type(stored[-1][1]["top_p"]) is float


async def test_publish_with_publishes_a_change_of_json_type_only(
    client: AsyncPostHog, server: Server
) -> None:
    await client.prompts.create("flags", {"enabled": 1, "weight": 0})

    updated = await client.prompts.publish_with("flags", lambda c: {**c, "enabled": True})
    assert updated.version == 2
    updated = await client.prompts.publish_with("flags", lambda c: {**c, "weight": 0.0})
    assert updated.version == 3
    unchanged = await client.prompts.publish_with("flags", lambda c: dict(reversed(c.items())))
    assert unchanged.version == 3
    assert versions(server, "flags")[-1][1] == {"enabled": True, "weight": 0.0}


def quadratic_pair() -> tuple[str, str]:
    """Two ~0.9 MB texts on which difflib is quadratic (each old line, then a new one)."""
    lines = [f"{i:05d} " + "lorem ipsum dolor sit amet, " * 6 + "\n" for i in range(5000)]
    return "".join(lines), "".join(f"{line}n{i}\n" for i, line in enumerate(lines))


async def test_diff_of_two_1mb_versions_is_quick_and_leaves_the_loop_free(
    client: AsyncPostHog,
) -> None:
    old, new = quadratic_pair()
    await client.prompts.create("big", old)
    await client.prompts.publish("big", new, base_version=1)

    loop = asyncio.get_running_loop()
    stall = 0.0
    done = False

    async def tick() -> None:
        nonlocal stall
        while not done:
            before = loop.time()
            await asyncio.sleep(0.005)
            stall = max(stall, loop.time() - before)

    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0)  # the ticker is waiting before the work starts
    started = time.perf_counter()
    try:
        d = await client.prompts.diff("big", 1, 2)
    finally:
        done = True
        await ticker
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0 and stall < 0.5, (elapsed, stall)
    assert d.changed and d.summarised
    assert f"# big@1: {len(old):,} bytes" in d.unified
    assert f"# big@2: {len(new):,} bytes" in d.unified
