"""``python -m bench [--quick] [--only a,c]``: run the benchmarks and print one table.

Progress goes to stderr; the header and the table go to stdout. The exit status is 0
even when a target is missed: the table reports, it does not gate.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from . import cache, datasets, fleet, imports, memory, overhead, pagination, throughput, warmup
from ._harness import FULL, QUICK, Row, Sizes, failed_row, header, table

# Row group -> (what it measures, its runner, the rows to show if it breaks).
GROUPS: dict[str, tuple[str, Callable[[Sizes], list[Row]], list[tuple[str, str, str]]]] = {
    "a": (
        "per-call overhead",
        overhead.run,
        [("a1", "per-call overhead", "<= 1.15x"), ("a2", "per-call, http_client=", "<= 1.15x")],
    ),
    "b": ("loopback throughput", throughput.run, [("b", "loopback throughput", ">= 0.85x")]),
    "c": ("pagination", pagination.run, [("c", "pagination speed-up", ">= 5x")]),
    "d": (
        "prompt cache",
        cache.run,
        [
            ("d1", "warm get", "<= 1000 ns"),
            ("d2", "cold get", "<= 1.5x"),
            ("d3", "single flight", "exactly 1"),
            ("d4", "stale get", "<= 1 ms"),
        ],
    ),
    "e": ("import time", imports.run, [("e1", "import time", "<= 150 ms")]),
    "f": ("paginator memory", memory.run, [("f", "paginator memory", "<= 1.5x")]),
    "g": (
        "warming labelled prompts",
        warmup.run,
        [
            ("g1", "warm-up requests, prefetch", "2 + 0"),
            ("g2", "warm-up requests, per name", "200"),
        ],
    ),
    "h": (
        "a fleet on Redis",
        fleet.run,
        [
            ("h1", "fleet requests, with the store", "<= 1.1x"),
            ("h4", "publish propagation p99", "<= 100 ms"),
            ("h5", "burst 429s, shared budget", "0"),
            ("h7", "warm get, store configured", "<= 1000 ns"),
        ],
    ),
    "i": (
        "datasets as code",
        datasets.run,
        [
            ("i1", "datasets push, new items", "info"),
            ("i2", "datasets push, unchanged", "0 writes"),
            ("i3", "datasets push, one edit", "1 update"),
        ],
    ),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="smoke-test sizes (seconds, not minutes)"
    )
    parser.add_argument(
        "--only", default="", help="comma-separated row groups to run, e.g. a,d (default: all)"
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    wanted = [g.strip() for g in args.only.split(",") if g.strip()] or list(GROUPS)
    unknown = [g for g in wanted if g not in GROUPS]
    if unknown:
        parser.error(f"unknown row group(s) {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    rows: list[Row] = []
    for group in wanted:
        what, runner, fallback = GROUPS[group]
        print(f"[bench] {group}: {what} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            rows.extend(runner(sizes))
        except Exception as error:
            rows.extend(failed_row(key, name, target, error) for key, name, target in fallback)
        print(
            f"[bench] {group}: done in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    print(header(args.quick))
    print()
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
