"""A tour of posthog-api-async: prompts with versions, the prompt cache, datasets, scopes.

    make demo                      # against the embedded local server (no account needed)
    python examples/quickstart.py --real     # against the PostHog of POSTHOG_* (or
    POSTHOG_DEMO_REAL=1 make demo            # this): it writes to that project

It runs against the embedded local server even when POSTHOG_* variables are set in the
shell: only ``--real`` (or ``POSTHOG_DEMO_REAL=1``) sends it to the PostHog named by
POSTHOG_HOST, POSTHOG_PERSONAL_API_KEY and POSTHOG_PROJECT_ID, where it creates a prompt and
a dataset, then archives and soft-deletes them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import time
from collections.abc import Iterator, Sequence

from posthog_api import AsyncPostHog, PromptVersionConflict, ScopeError

VARIABLES = ("POSTHOG_HOST", "POSTHOG_PERSONAL_API_KEY", "POSTHOG_PROJECT_ID")
REAL_VARIABLE = "POSTHOG_DEMO_REAL"


def say(text: str) -> None:
    print(text, flush=True)


def step(title: str) -> None:
    say(f"\n== {title}")


@contextlib.contextmanager
def local_server() -> Iterator[dict[str, str]]:
    """The embedded PostHog API server on a free loopback port."""
    from posthog_api.testing import ServerState, run_in_thread

    state = ServerState(
        project_id="1",
        keys={"phx_demo_all": ["*"], "phx_demo_readonly": ["llm_prompt:read", "dataset:read"]},
    )
    with run_in_thread(state) as url:
        say(f"local PostHog API server at {url} (project 1, key phx_demo_all)")
        yield {"host": url, "project_id": "1", "api_key": "phx_demo_all"}


async def tour(settings: dict[str, str], *, real: bool = False) -> None:
    suffix = time.strftime("%Y%m%d%H%M%S")
    name = f"support-bot-{suffix}"
    async with AsyncPostHog(**settings) as posthog:
        step("Create a prompt and publish two more versions")
        v1 = await posthog.prompts.create(name, "You are a helpful support agent.")
        say(f"created {v1.name} version {v1.version}")
        v2 = await posthog.prompts.publish(
            name,
            "You are a helpful support agent for {{company}}. Greet {{customer}} by name.",
            base_version=v1.version,
        )
        say(f"published version {v2.version}")
        v3 = await posthog.prompts.publish(
            name,
            "You support {{customer}} on the {{plan}} plan of {{company}}. Be brief.",
            base_version=v2.version,
        )
        say(f"published version {v3.version}")

        step("A publish based on an old version is refused (compare-and-swap)")
        try:
            await posthog.prompts.publish(name, "a stale edit", base_version=v2.version)
        except PromptVersionConflict as conflict:
            say(
                f"PromptVersionConflict: based on version {conflict.base_version}, "
                f"but the latest is {conflict.current_version}"
            )

        step("History, newest first")
        async for version in posthog.prompts.versions(name):
            say(f"  version {version.version}  created {version.created_at:%Y-%m-%d %H:%M:%S}")

        step("Diff of versions 2 and 3")
        say(str(await posthog.prompts.diff(name, 2, 3)))

        step("Fetch and compile: a cold get, then cache hits")
        posthog.prompts.invalidate(name)  # publish wrote through the cache; start cold
        started = time.perf_counter()
        prompt = await posthog.prompts.get(name)
        cold_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        again = await posthog.prompts.get(name)
        warm_us = (time.perf_counter() - started) * 1e6
        say(f"get -> version {prompt.version} from {prompt.source} in {cold_ms:.1f} ms")
        say(f"get -> version {again.version} from {again.source} in {warm_us:.1f} µs")
        say(f"variables: {', '.join(prompt.variables)}")
        say(f"compiled: {prompt.compile(customer='Ada', plan='pro', company='Hedgehog Inc')}")
        stats = posthog.prompts.stats()
        say(f"cache: {stats.hits} hit(s), {stats.misses} miss(es)")

        step("Labels: production pins version 2, then a promotion moves it")
        await posthog.prompts.set_label(name, "production", 2)
        await posthog.prompts.prefetch([name], label="production")  # warm: one list request
        pinned = await posthog.prompts.get(name, label="production")
        say(f"get(label='production') -> version {pinned.version} from {pinned.source}")
        moved = await posthog.prompts.set_label(name, "production", v3.version)
        promoted = await posthog.prompts.get(name, label="production")
        say(f"moved: {moved.moved}; now version {promoted.version} from {promoted.source}")
        say(f"labels: {await posthog.prompts.labels(name)}")

        step("A dataset with 250 items, paged")
        dataset = await posthog.datasets.create(name=f"golden-{suffix}", description="demo cases")
        await asyncio.gather(
            *(
                posthog.dataset_items.create(
                    dataset=dataset.id, input={"question": f"q{i}"}, output={"answer": f"a{i}"}
                )
                for i in range(250)
            )
        )
        items = posthog.dataset_items.list(dataset=dataset.id, page_size=100)
        first = await items
        more = first.has_next_page()
        say(f"first page: {len(first.results)} of {first.count}; next page? {more}")
        pages = [len(page.results) async for page in items.pages()]
        say(f"pages of {pages} items")
        everything = await posthog.dataset_items.list(dataset=dataset.id, concurrency=4).collect()
        say(f"collected {len(everything)} items with 4 pages in flight")

        step("Scopes: a read-only client is stopped before anything is sent")
        readonly = AsyncPostHog(**settings, scopes=["llm_prompt:read"])
        try:
            await readonly.prompts.publish(name, "nope", base_version=v3.version)
        except ScopeError as error:
            say(f"ScopeError: {error.operation} needs {', '.join(error.missing)}")
        finally:
            await readonly.aclose()
        if not real:
            server_side = AsyncPostHog(**{**settings, "api_key": "phx_demo_readonly"})
            try:
                await server_side.datasets.create(name="not allowed")
            except ScopeError as error:
                say(f"and the server says so too: {error.detail}")
            finally:
                await server_side.aclose()

        step("Clean up")
        await posthog.prompts.archive(name)
        await posthog.datasets.soft_delete(dataset.id)
        say(f"archived {name} and soft-deleted the dataset")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--real",
        action="store_true",
        help=f"run against the PostHog of {', '.join(VARIABLES)} (also: {REAL_VARIABLE}=1); "
        "it creates, archives and soft-deletes a prompt and a dataset there",
    )
    real = parser.parse_args(argv).real or os.environ.get(REAL_VARIABLE) == "1"
    if real:
        missing = [name for name in VARIABLES if not os.environ.get(name)]
        if missing:
            print(f"error: --real needs {', '.join(missing)} set", file=sys.stderr)
            return 2
        say(f"running against {os.environ['POSTHOG_HOST']}, project {os.environ[VARIABLES[2]]}")
        asyncio.run(tour({}, real=True))
        return 0
    ignored = [name for name in VARIABLES if os.environ.get(name)]
    if ignored:
        say(
            f"{', '.join(ignored)} ignored: this demo writes to the local server only; to run "
            f"it against your PostHog project, pass --real or set {REAL_VARIABLE}=1"
        )
    with local_server() as settings:
        asyncio.run(tour(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
