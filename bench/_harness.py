"""What every benchmark shares: sizes, side-by-side timing, results and the table.

Every judged figure is a ratio of medians measured in the same run, contenders
interleaved round by round (the order rotating each round), so a noisy neighbour slows
all of them alike instead of whichever happened to run at that moment.
"""

from __future__ import annotations

import datetime
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

# Run-time of ``n`` operations of one contender, in seconds.
Timed = Callable[[int], Awaitable[float]]
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Sizes:
    """How much work each row does; ``quick`` shrinks everything for smoke tests."""

    overhead_calls: int  # (a) calls per contender
    overhead_rounds: int
    throughput_requests: int  # (b) requests per contender
    throughput_rounds: int
    throughput_tasks: int
    pagination_items: int  # (c)
    pagination_repeats: int
    warm_calls: int  # (d) awaits per warm-get sample
    warm_samples: int
    cold_calls: int  # (d) calls per contender
    cold_rounds: int
    single_flight: int  # (d) concurrent gets
    stale_samples: int  # (d)
    import_runs: int  # (e)
    memory_small: int  # (f) items
    memory_large: int
    warmup_rounds: int  # (g) alternating rounds of each contender
    fleet_processes: int  # (h) processes of the simulated fleet
    fleet_prompts: int
    fleet_seconds: float  # each process's get loop, TTL 1 s
    fleet_publishes: int  # versions published for the propagation row
    burst_requests: int  # reads in the burst, from all processes
    burst_window: float  # seconds in which the server lets 480 through (PostHog: 60)


FULL = Sizes(
    overhead_calls=20_000,
    overhead_rounds=40,
    throughput_requests=20_000,
    throughput_rounds=10,
    throughput_tasks=64,
    pagination_items=10_000,
    pagination_repeats=3,
    warm_calls=100_000,
    warm_samples=21,
    cold_calls=10_000,
    cold_rounds=20,
    single_flight=1_000,
    stale_samples=21,
    import_runs=5,
    memory_small=10_000,
    memory_large=100_000,
    warmup_rounds=5,
    fleet_processes=8,
    fleet_prompts=50,
    fleet_seconds=10.0,
    fleet_publishes=20,
    burst_requests=5_000,
    burst_window=2.5,
)

QUICK = Sizes(
    overhead_calls=1_500,
    overhead_rounds=5,
    throughput_requests=600,
    throughput_rounds=3,
    throughput_tasks=64,
    pagination_items=1_600,
    pagination_repeats=1,
    warm_calls=20_000,
    warm_samples=5,
    cold_calls=800,
    cold_rounds=4,
    single_flight=1_000,
    stale_samples=5,
    import_runs=2,
    memory_small=1_000,
    memory_large=10_000,
    warmup_rounds=1,
    fleet_processes=4,
    fleet_prompts=10,
    fleet_seconds=2.0,
    fleet_publishes=5,
    burst_requests=1_200,
    burst_window=1.5,
)


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    key: str  # "a1", "b", ...
    what: str
    measured: str
    target: str
    verdict: str  # "PASS", "FAIL" or "info" (reported, not judged)
    details: str = ""


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def failed_row(key: str, what: str, target: str, error: BaseException) -> Row:
    """A row whose measurement itself broke: reported as FAIL with the reason."""
    return Row(key, what, "error", target, "FAIL", f"{type(error).__name__}: {error}"[:200])


async def interleave(
    contenders: dict[str, Timed], *, calls: int, rounds: int, warmup: int = 200
) -> dict[str, list[float]]:
    """Seconds per call of each contender, one sample per round, contenders interleaved.

    ``calls`` per contender in all, split evenly over ``rounds``; the order of the
    contenders rotates every round. One untimed warm-up round comes first.
    """
    names = list(contenders)
    for name in names:
        await contenders[name](warmup)
    per_round = max(1, calls // rounds)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            gc.collect()
            elapsed = await contenders[name](per_round)
            samples[name].append(elapsed / per_round)
    return samples


def median(values: list[float]) -> float:
    return statistics.median(values)


def us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs"


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms"


def header(quick: bool) -> str:
    """Date and machine, printed above the table."""
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    mode = " (--quick: smoke-test sizes, figures are not meaningful)" if quick else ""
    return "\n".join(
        [
            f"posthog-api-async benchmarks{mode}",
            f"date:     {now}",
            f"machine:  {platform.platform()}, {platform.machine()}, "
            f"{os.cpu_count()} CPU(s), {_cpu_model()}",
            f"python:   {sys.version.split()[0]} ({platform.python_implementation()}), "
            f"httpx {httpx.__version__}",
        ]
    )


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def table(rows: list[Row]) -> str:
    """The rows as one plain-text table."""
    head = ("row", "what", "measured", "target", "result", "details")
    cells = [head, *[(r.key, r.what, r.measured, r.target, r.verdict, r.details) for r in rows]]
    widths = [max(len(c[i]) for c in cells) for i in range(len(head) - 1)]

    def line(c: tuple[str, ...]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(c[:-1], widths, strict=True)) + "  " + c[-1]

    rule = "  ".join("-" * w for w in widths) + "  " + "-" * 7
    return "\n".join([line(head), rule, *(line(c).rstrip() for c in cells[1:])])


class Stopwatch:
    """``with Stopwatch() as sw: ...`` then ``sw.elapsed`` (seconds, perf_counter)."""

    def __enter__(self) -> Stopwatch:
        self.started = time.perf_counter()
        self.elapsed = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.elapsed = time.perf_counter() - self.started


def start_server(module: str, *args: object) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """``python -m module args...`` (a bench server in its own process) and the JSON line
    it prints once it serves; :func:`stop_server` ends it."""
    process = subprocess.Popen(
        [sys.executable, "-m", module, *map(str, args)],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"{module} exited with {process.wait(timeout=10)}")
        return process, json.loads(line)
    except BaseException:
        stop_server(process)
        raise


def stop_server(process: subprocess.Popen[str]) -> None:
    """Close its stdin (a bench server's signal to stop), then wait for it (kill after 15 s)."""
    if process.stdin is not None:
        process.stdin.close()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
