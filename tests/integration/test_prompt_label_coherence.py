"""Over loopback: what this client's cache serves stays true after its own label changes:
``Prompt.labels`` of every cached copy of the prompt, not only the label's own entry."""

from __future__ import annotations

from posthog_api import AsyncPostHog

from .conftest import Server

PROD = "production"


async def test_cached_copies_follow_set_label_and_remove_label(
    server: Server, client: AsyncPostHog
) -> None:
    server.state.seed_prompt("greet", "v3", versions=["v1", "v2"], labels={PROD: 2})
    prompts = client.prompts
    labelled = await prompts.get("greet", label=PROD)  # version 2, cached as itself too
    pinned = await prompts.get("greet", version=3)
    latest = await prompts.get("greet")
    assert (labelled.version, labelled.labels, pinned.labels, latest.labels) == (
        2,
        (PROD,),
        (),
        (),
    )
    sent = len(server.log())

    await prompts.set_label("greet", PROD, 3)
    v2, v3, now = [await prompts.get("greet", version=v) for v in (2, 3, None)]
    assert (v2.labels, v3.labels, now.labels) == ((), (PROD,), (PROD,))
    served = await prompts.get("greet", label=PROD)
    assert (served.version, served.source) == (3, "cache")
    assert len(server.log()) == sent + 1  # the PUT only: every get came from the cache
    # What the cache says is what the server says.
    fetched = await prompts.fetch("greet", version=2)
    assert fetched.labels == () and (await prompts.fetch("greet")).labels == (PROD,)

    await prompts.remove_label("greet", PROD)
    assert [(await prompts.get("greet", version=v)).labels for v in (2, 3, None)] == [(), (), ()]
    assert labelled.labels == (PROD,)  # a copy a caller holds is never changed under it
