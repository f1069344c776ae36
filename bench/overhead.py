"""(a) Per-call overhead: the facade vs the generated client vs bare httpx, cache off.

All contenders talk to the same in-process ``httpx.MockTransport`` that answers every
request with the same canned ``LLMPromptPublic`` body, so the time measured is client
time only.

The facade call is ``posthog.prompts.fetch(name, version)``: the documented "always
from the API" read. ``prompts.get(name, version=...)`` cannot be measured with the
cache off by configuration: a pinned version is cached for ``prompt_cache_pinned_ttl``
whatever ``prompt_cache_ttl`` says (and at 0 every ``get`` still runs the miss path), and
invalidating before each ``get`` measures the cache's miss path (single-flight task) as
well, which row d2 reports. ``fetch`` runs the same
code as a ``get`` miss minus that machinery: argument checks, ``_request`` (scope check,
arguments encoded by the operation table, retry transport, status mapping, parsing with
the generated model and the response checks), the ``Prompt`` value and the write-through
into the cache. The generated ``asyncio_detailed`` it is compared with is openapi-python-
client's own request function for the operation, which the SDK does not call.

Two facade stacks are measured: the default one (the connection pool swapped for the
mock transport) and the one a user gets with ``http_client=httpx.AsyncClient(...)``.
"""

from __future__ import annotations

import asyncio
import json

from posthog_api_client import AuthenticatedClient
from posthog_api_client.api.llm_prompts import llm_prompts_name_retrieve
from posthog_api_client.models import LLMPromptPublic

from ._fixtures import (
    KEY,
    PROJECT,
    PROMPT_NAME,
    PROMPT_PATH,
    PROMPT_VERSION,
    bare_client,
    canned_transport,
    facade_over_http_client,
    facade_over_pool,
    timed_loop,
)
from ._harness import Row, Sizes, interleave, median, us, verdict

TARGET = 1.15


def run(sizes: Sizes) -> list[Row]:
    return asyncio.run(_run(sizes))


async def _run(sizes: Sizes) -> list[Row]:
    transport = canned_transport()
    facade = facade_over_pool(transport)
    facade_hc = facade_over_http_client(transport)
    bare = bare_client(transport)
    generated = AuthenticatedClient(base_url=str(bare.base_url), token=KEY)
    generated.set_async_httpx_client(bare)
    params = {"version": PROMPT_VERSION}
    retrieve = llm_prompts_name_retrieve.asyncio_detailed

    async def via_facade() -> object:
        return await facade.prompts.fetch(PROMPT_NAME, PROMPT_VERSION)

    async def via_facade_hc() -> object:
        return await facade_hc.prompts.fetch(PROMPT_NAME, PROMPT_VERSION)

    async def via_generated() -> object:
        return await retrieve(
            project_id=PROJECT, prompt_name=PROMPT_NAME, version=PROMPT_VERSION, client=generated
        )

    async def via_httpx() -> object:
        response = await bare.get(PROMPT_PATH, params=params)
        if response.status_code != 200:
            raise RuntimeError(response.status_code)
        return json.loads(response.content)

    # Every contender must get the same answer before any timing counts.
    for call in (via_facade, via_facade_hc):
        prompt = await call()
        assert getattr(prompt, "version", None) == PROMPT_VERSION, prompt
    answer = await via_generated()
    assert isinstance(answer.parsed, LLMPromptPublic), answer  # type: ignore[attr-defined]
    assert (await via_httpx())["version"] == PROMPT_VERSION  # type: ignore[index]

    try:
        samples = await interleave(
            {
                "facade": timed_loop(via_facade),
                "facade_hc": timed_loop(via_facade_hc),
                "generated": timed_loop(via_generated),
                "httpx": timed_loop(via_httpx),
            },
            calls=sizes.overhead_calls,
            rounds=sizes.overhead_rounds,
        )
    finally:
        await facade.aclose()
        await facade_hc.aclose()
        await bare.aclose()
    t = {name: median(values) for name, values in samples.items()}
    calls = f"{sizes.overhead_rounds * (sizes.overhead_calls // sizes.overhead_rounds):,}"
    base = (
        f"generated {us(t['generated'])}, bare httpx+json.loads {us(t['httpx'])}; "
        f"medians of {sizes.overhead_rounds} interleaved rounds, {calls} calls each"
    )
    default = t["facade"] / t["generated"]
    injected = t["facade_hc"] / t["generated"]
    return [
        Row(
            "a1",
            "per-call: prompts.fetch(name, v) / generated asyncio_detailed",
            f"{default:.2f}x",
            f"<= {TARGET:.2f}x",
            verdict(default <= TARGET),
            f"facade (default stack) {us(t['facade'])} = "
            f"{t['facade'] / t['httpx']:.2f}x bare httpx; {base}",
        ),
        Row(
            "a2",
            "context: facade given http_client=AsyncClient(...) / generated",
            f"{injected:.2f}x",
            "-",
            "info",
            f"facade (http_client=) {us(t['facade_hc'])} = "
            f"{t['facade_hc'] / t['httpx']:.2f}x bare httpx; same run as a1; by design each "
            "request also passes through the user's own AsyncClient.send (their hooks, auth, "
            "proxies): transport= is the seam without that pass",
        ),
    ]
