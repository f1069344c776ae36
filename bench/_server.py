"""The local server with one big dataset, in its own process, for the pagination row.

``python -m bench._server ITEMS LATENCY [PROMPTS]`` seeds a dataset with ``ITEMS`` items
(and ``PROMPTS`` prompts of two versions, labelled ``production`` at version 1) straight
into a :class:`~posthog_api.testing.ServerState`, sets the latency fault to ``LATENCY``
seconds, serves it on a free loopback port and prints ``{"url": ..., "dataset": ..., "prompts":
[...]}`` as one JSON line; it exits when its stdin is closed.

Its own process, so that the server's CPU does not compete with the client's for one
GIL: row c measures how the client overlaps pages, not the server's CPU.

The dataset-items list handler is memoized here (the data never changes while the
benchmark runs). The local server builds every page from the whole table (it copies,
filters and sorts all rows, then slices): at 10,000 items that is ~35 ms of CPU per page
of 100, which would swamp the 20 ms latency being overlapped. The memoized handler
computes the full ordered list once, with the server's own handler, and serves each page
with the server's own ``paginate``; the first pages are checked to equal the original
handler's answers before anything is served.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from typing import Any

from posthog_api.testing import ServerState, run_in_thread
from posthog_api.testing import app as server_app
from posthog_api.testing._http import Ctx, Reply, paginate
from posthog_api.testing.resources import insert

KEY = "phx_bench_local_key"
PROJECT = "1"
OPERATION = "dataset_items_list"
LABEL = "production"
LABELLED_PREFIX = "warm-"


def seed(state: ServerState, items: int) -> str:
    """A dataset with ``items`` items; returns its id."""
    with state.lock:
        dataset = insert(
            state,
            state.datasets,
            {
                "name": "bench",
                "description": "pagination benchmark",
                "metadata": None,
                "deleted": False,
                "created_by": state.user,
                "team": state.team_id,
            },
        )
        for index in range(items):
            insert(
                state,
                state.dataset_items,
                {
                    "dataset": dataset["id"],
                    "input": {"question": f"question number {index}?"},
                    "output": {"answer": f"answer number {index}."},
                    "metadata": {"index": index},
                    "ref_trace_id": None,
                    "ref_timestamp": None,
                    "ref_source_id": None,
                    "deleted": False,
                    "created_by": state.user,
                    "team": state.team_id,
                },
            )
    return str(dataset["id"])


def memoize_item_lists(state: ServerState, dataset: str, items: int) -> None:
    """Serve dataset-item pages from one precomputed ordered list (see the module doc)."""
    original = server_app.HANDLERS[OPERATION]
    full: dict[tuple[tuple[str, str], ...], list[Any]] = {}

    def memoized(ctx: Ctx) -> Reply:
        key = tuple((k, v) for k, v in ctx.query if k not in ("limit", "offset"))
        rows = full.get(key)
        if rows is None:
            everything = original(dataclasses.replace(ctx, query=[*key, ("limit", "1000000000")]))
            rows = full[key] = everything.body["results"]
        return paginate(ctx, rows)

    base = f"http://127.0.0.1/api/projects/{PROJECT}/dataset_items/"
    for offset in (0, 100, max(0, items - 100)):
        query = [("dataset", dataset), ("limit", "100"), ("offset", str(offset))]
        url = f"{base}?dataset={dataset}&limit=100&offset={offset}"
        ctx = Ctx(state=state, method="GET", url=url, query=query)
        with state.lock:
            if memoized(ctx).body != original(ctx).body:
                raise SystemExit(f"memoized page at offset {offset} differs from the server's")
    server_app.HANDLERS[OPERATION] = memoized


def seed_labelled_prompts(state: ServerState, count: int) -> list[str]:
    """``count`` prompts of two versions each, ``production`` on version 1 (not the latest)."""
    names = [f"{LABELLED_PREFIX}{index:04d}" for index in range(count)]
    for name in names:
        state.seed_prompt(name, f"{name} v2: {{{{question}}}}", versions=[f"{name} v1"])
        state.seed_label(name, LABEL, 1)
    return names


def main() -> None:
    items, latency = int(sys.argv[1]), float(sys.argv[2])
    prompts = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    state = ServerState(project_id=PROJECT, keys={KEY: ["*"]})
    dataset = None
    if items:  # none: a project for writes (row h), its lists served as they are
        dataset = seed(state, items)
        memoize_item_lists(state, dataset, items)
    names = seed_labelled_prompts(state, prompts)
    state.faults.set_latency(latency)
    with run_in_thread(state) as url:
        print(json.dumps({"url": url, "dataset": dataset, "prompts": names}), flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
