"""Micro-benchmark: a warm, fresh ``PromptCache`` hit next to a bare dict lookup.

Run: ``.venv/bin/python tests/prompts/bench_cache.py``. Not collected by pytest.

Both are measured the way an application uses them: ``await f()`` from inside a coroutine,
``number`` times per sample, the outer coroutine driven with ``send(None)`` (an ``await``
that never suspends needs no event-loop round trip). The cache hit is
``cache.get_fresh(name, None)`` returning the prebuilt ``source="cache"`` Prompt; the
baseline is ``table[key]`` on a plain dict.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import timeit

from posthog_api.prompts import Prompt, PromptCache


def _drive(coro_fn, *args):  # type: ignore[no-untyped-def]
    """One timing sample: ``number`` awaits of ``coro_fn(*args)`` from inside a coroutine."""

    async def loop(number: int) -> None:
        for _ in range(number):
            await coro_fn(*args)

    def run(number: int) -> None:
        coro = loop(number)
        with contextlib.suppress(StopIteration):
            coro.send(None)

    return run


async def bare_lookup(table: dict[tuple[str, int | None], Prompt], name: str) -> Prompt:
    return table[(name, None)]


async def cache_hit(cache: PromptCache, name: str) -> Prompt:
    prompt = cache.get_fresh(name, None)
    if prompt is None:  # never taken here: the entry is fresh
        raise AssertionError("expected a fresh hit")
    return prompt


def median_us(run, number: int, repeat: int) -> float:  # type: ignore[no-untyped-def]
    """Median over ``repeat`` samples of the time per await, in microseconds."""
    times = timeit.repeat(lambda: run(number), number=1, repeat=repeat)
    return statistics.median(times) / number * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--number", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    prompt = Prompt(name="support-bot", version=3, id="0", prompt="Hi {{name}}")
    cache = PromptCache(max_entries=1024)
    for i in range(500):  # a realistically populated cache
        cache.put(Prompt(name=f"other-{i}", version=1, id=str(i), prompt="x"))
    cache.put(prompt)
    table = {("support-bot", None): prompt}

    bare = median_us(_drive(bare_lookup, table, "support-bot"), args.number, args.repeat)
    hit = median_us(_drive(cache_hit, cache, "support-bot"), args.number, args.repeat)
    print(f"bare dict lookup in async def : {bare:.3f} us (median)")
    print(f"PromptCache warm fresh hit    : {hit:.3f} us (median)")
    print(f"overhead over the bare lookup : {hit - bare:.3f} us")


if __name__ == "__main__":
    main()
