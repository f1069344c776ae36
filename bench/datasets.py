"""(i) Datasets as code: ``posthog-api datasets push`` of 10,000 items.

The local server runs in a subprocess (``bench._server`` with no seeded items), so its CPU
does not share the client's GIL. The CLI runs in this process through its ``main``, as
``posthog-api datasets push DIR --max-rate 0 --json`` (no pacing: the local server has no
rate limits; 16 items in flight): a NAME.jsonl of 10,000 lines (half with an ``id``, half
keyed by their content hash) is pushed to a new dataset (h1), pushed again unchanged (h2:
nothing may be sent), then pushed with one line edited (h3: exactly one update). The JSON
document of each push is checked, not only timed. h4 is what the same first push costs at
PostHog's limits (480 requests a minute, 4,800 an hour), from the client's RateBudget (the
CLI's pacing) run in simulated time: the local server cannot show a 70-minute wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import math
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from posthog_api import RateBudget
from posthog_api.cli import main

from ._harness import Row, Sizes, verdict
from .pagination import KEY, serve


def _lines(count: int) -> list[dict[str, Any]]:
    rows = []
    for index in range(count):
        row: dict[str, Any] = {
            "input": {"question": f"What is {index} + {index}?"},
            "output": str(2 * index),
            "metadata": {"set": "arithmetic", "index": index},
        }
        if index % 2 == 0:
            row["id"] = f"case-{index}"
        rows.append(row)
    return rows


def _push(url: str, folder: Path) -> tuple[float, int, dict[str, Any]]:
    """One ``datasets push`` in this process: (seconds, exit status, its JSON document)."""
    env = {"POSTHOG_HOST": url, "POSTHOG_PROJECT_ID": "1", "POSTHOG_PERSONAL_API_KEY": KEY}
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            started = time.perf_counter()
            status = main(["datasets", "push", str(folder), "--max-rate", "0", "--json"])
            elapsed = time.perf_counter() - started
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return elapsed, status, json.loads(out.getvalue())


def _items(document: dict[str, Any]) -> dict[str, int]:
    (dataset,) = document["datasets"]
    return dict(dataset["items"])


async def _paced_seconds(requests: int) -> float:
    """Simulated seconds for ``requests`` writes through the CLI's budget at PostHog's limits
    (the client's RateBudget, as the CLI builds it: no bound on a wait)."""
    now = 0.0

    def clock() -> float:
        return now

    async def sleep(seconds: float) -> None:
        nonlocal now
        now += seconds

    budget = RateBudget(max_wait=math.inf, clock=clock, sleep=sleep)
    for _ in range(requests):
        await budget.acquire("bench")
    return now


def run(sizes: Sizes) -> list[Row]:
    count = sizes.pagination_items
    rows = _lines(count)
    with tempfile.TemporaryDirectory() as tmp, serve(0, 0.0) as server:
        folder = Path(tmp)
        path = folder / "golden.jsonl"
        path.write_text("".join(json.dumps(row) + "\n" for row in rows))
        first, status1, doc1 = _push(server["url"], folder)
        again, status2, doc2 = _push(server["url"], folder)
        rows[count // 2]["output"] = "edited"
        path.write_text("".join(json.dumps(row) + "\n" for row in rows))
        edit, status3, doc3 = _push(server["url"], folder)
    pages = -(-count // 100)
    created, unchanged, edited = _items(doc1), _items(doc2), _items(doc3)
    ok1 = status1 == 0 and created == {"create": count}
    ok2 = status2 == 0 and unchanged == {"unchanged": count} and doc2["changes"] == 0
    ok3 = status3 == 0 and edited == {"update": 1, "unchanged": count - 1}
    # The first push's requests: the access check, the datasets list, the dataset's create
    # and one create per item (a new dataset has no items to list).
    paced = asyncio.run(_paced_seconds(count + 3))
    return [
        Row(
            "i1",
            f"datasets push: {count:,} new items, local server, no pacing",
            f"{first:.1f} s",
            "info",
            "info" if ok1 else verdict(False),
            f"{count / first:,.0f} items/s, 16 in flight, server in a subprocess; "
            f"exit {status1}, items {created}",
        ),
        Row(
            "i2",
            "datasets push: the same file again (nothing to send)",
            f"{again:.1f} s",
            "0 writes",
            verdict(ok2),
            f"{pages} list pages of 100; exit {status2}, items {unchanged}",
        ),
        Row(
            "i3",
            "datasets push: one line edited",
            f"{edit:.1f} s",
            "1 update",
            verdict(ok3),
            f"exit {status3}, items {edited}",
        ),
        Row(
            "i4",
            f"context: the first push at PostHog's limits ({count:,} items)",
            f"{paced / 60:.0f} min",
            "-",
            "info",
            "480 requests/min and 4,800/hour per key, by the CLI's budget in simulated time; "
            "later pushes send only what changed",
        ),
    ]
