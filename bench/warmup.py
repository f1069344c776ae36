"""(g) Warming a service's prompt cache: ``prefetch(label=...)`` vs one ``get`` per name.

A service with 200 prompts pins them with the ``production`` label and warms its cache at
start-up. The local server runs in a subprocess (``bench._server``) with 200 prompts of two
versions each, ``production`` on version 1 (so a label that served the latest by mistake
shows), and a 20 ms latency fault. Two fresh clients, each over a transport that counts
requests, alternate for ``warmup_rounds`` rounds:

* ``prefetch``: ``await posthog.prompts.prefetch(label="production")`` (the list endpoint,
  100 prompts per page), then the 200 ``get(name, label="production")`` a request handler
  would make, which must all be served from the cache;
* ``per name``: the 200 ``get(name, label="production")`` at once (``asyncio.gather``),
  the fastest a service without ``prefetch`` can warm.

Every get must answer version 1 of its prompt, with ``label == "production"``.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from posthog_api import AsyncPostHog

from ._harness import Row, Sizes, median, ms, verdict
from .pagination import KEY, serve

PROMPTS = 200
LATENCY = 0.020
LABEL = "production"
PAGE = 100


class _Counting(httpx.AsyncHTTPTransport):
    """The default connection pool, counting the requests it sends."""

    sent = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        return await super().handle_async_request(request)


def _check(prompts: list[Any], names: list[str], problems: list[str], who: str) -> None:
    wrong = [
        p.name
        for p, name in zip(prompts, names, strict=True)
        if (p.name, p.version, p.label) != (name, 1, LABEL)
    ]
    if wrong:
        problems.append(f"{who}: {len(wrong)} gets did not answer version 1 at {LABEL}")


async def _prefetch(url: str, names: list[str], problems: list[str]) -> tuple[float, int, int]:
    counting = _Counting()
    async with AsyncPostHog(api_key=KEY, project_id="1", host=url, transport=counting) as client:
        started = time.perf_counter()
        cached = await client.prompts.prefetch(label=LABEL)
        elapsed = time.perf_counter() - started
        warm_requests = counting.sent
        prompts = [await client.prompts.get(name, label=LABEL) for name in names]
        _check(prompts, names, problems, "prefetch")
        if cached != len(names):
            problems.append(f"prefetch cached {cached} prompts, not {len(names)}")
        return elapsed, warm_requests, counting.sent - warm_requests


async def _per_name(url: str, names: list[str], problems: list[str]) -> tuple[float, int]:
    counting = _Counting()
    async with AsyncPostHog(api_key=KEY, project_id="1", host=url, transport=counting) as client:
        started = time.perf_counter()
        prompts = await asyncio.gather(*(client.prompts.get(n, label=LABEL) for n in names))
        elapsed = time.perf_counter() - started
        _check(list(prompts), names, problems, "per name")
        return elapsed, counting.sent


async def _measure(url: str, names: list[str], rounds: int) -> dict[str, Any]:
    found: dict[str, Any] = {"prefetch": [], "per_name": [], "problems": []}
    requests: set[tuple[str, int]] = set()
    for index in range(rounds):
        order = ("prefetch", "per_name") if index % 2 == 0 else ("per_name", "prefetch")
        for who in order:
            if who == "prefetch":
                elapsed, sent, after = await _prefetch(url, names, found["problems"])
                requests.add(("prefetch", sent))
                requests.add(("gets after prefetch", after))
            else:
                elapsed, sent = await _per_name(url, names, found["problems"])
                requests.add(("per name", sent))
            found[who].append(elapsed)
    found["requests"] = requests
    return found


def run(sizes: Sizes) -> list[Row]:
    rounds = sizes.warmup_rounds
    with serve(0, LATENCY, PROMPTS) as server:
        found = asyncio.run(_measure(server["url"], server["prompts"], rounds))
    requests = dict(found["requests"])
    problems = list(found["problems"])
    if len(found["requests"]) != 3:  # each contender sent the same count every round
        problems.append(f"request counts varied between rounds: {sorted(found['requests'])}")
    pages = -(-PROMPTS // PAGE)
    prefetch_ok = requests.get("prefetch") == pages and requests.get("gets after prefetch") == 0
    per_name_ok = requests.get("per name") == PROMPTS
    prefetch_time, per_name_time = median(found["prefetch"]), median(found["per_name"])
    context = (
        f"{PROMPTS} prompts, label {LABEL} on version 1 of 2, {LATENCY * 1e3:.0f} ms latency, "
        f"server in a subprocess; medians of {rounds} alternating rounds"
    )
    return [
        Row(
            "g1",
            f"warm {PROMPTS} labelled prompts: requests, prefetch(label=)",
            f"{requests.get('prefetch')} + {requests.get('gets after prefetch')}",
            f"{pages} + 0 (then every get cached)",
            verdict(prefetch_ok and not problems),
            "; ".join(problems) or context,
        ),
        Row(
            "g2",
            f"warm {PROMPTS} labelled prompts: requests, one get per name",
            str(requests.get("per name")),
            f"{PROMPTS} (one per name)",
            verdict(per_name_ok and not problems),
            "the figure prefetch replaces",
        ),
        Row(
            "g3",
            "warm-up wall time, prefetch vs gets (gathered)",
            f"{per_name_time / prefetch_time:.1f}x faster",
            "reported",
            "info",
            f"prefetch {ms(prefetch_time)}, {PROMPTS} gathered gets {ms(per_name_time)}",
        ),
    ]
