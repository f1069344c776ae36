"""(e) Import time, each run in a fresh interpreter.

e1 (judged): ``python -X importtime -c "import posthog_api"``; the cumulative
microseconds of the ``posthog_api`` line, median of the runs (one untimed run first, so
bytecode caches are written).
e2 (context, not judged): wall time of ``from posthog_api import AsyncPostHog`` plus
constructing a client, measured with ``perf_counter`` inside the fresh interpreter.
"""

from __future__ import annotations

import os
import subprocess
import sys

from ._harness import Row, Sizes, median, verdict

TARGET = 0.150

_CONSTRUCT = """
import time
started = time.perf_counter()
from posthog_api import AsyncPostHog
imported = time.perf_counter()
client = AsyncPostHog(api_key="phx_bench_local_key", project_id="1", host="http://127.0.0.1:9")
done = time.perf_counter()
print(imported - started, done - imported)
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("POSTHOG_API_LOG", "PYTHONPROFILEIMPORTTIME", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    return env


def import_seconds() -> float:
    """Cumulative import time of ``posthog_api`` in a fresh interpreter, in seconds."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import posthog_api"],
        capture_output=True,
        text=True,
        check=True,
        env=_env(),
    )
    for line in done.stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        fields = [part.strip() for part in line[len("import time:") :].split("|")]
        if len(fields) == 3 and fields[2] == "posthog_api":
            return int(fields[1]) / 1e6
    raise RuntimeError("no posthog_api line in the -X importtime output")


def construct_seconds() -> tuple[float, float]:
    done = subprocess.run(
        [sys.executable, "-c", _CONSTRUCT], capture_output=True, text=True, check=True, env=_env()
    )
    imported, constructed = (float(v) for v in done.stdout.split())
    return imported, constructed


def run(sizes: Sizes) -> list[Row]:
    import_seconds()  # untimed: writes any missing bytecode caches
    runs = max(1, sizes.import_runs)
    imports, contexts = [], []
    for _ in range(runs):  # alternated, so both see the same machine
        imports.append(import_seconds())
        contexts.append(construct_seconds())
    cumulative = median(imports)
    from_import = median([c[0] for c in contexts])
    construct = median([c[1] for c in contexts])
    return [
        Row(
            "e1",
            'import time: python -X importtime -c "import posthog_api"',
            f"{cumulative * 1e3:.1f} ms",
            f"<= {TARGET * 1e3:.0f} ms",
            verdict(cumulative <= TARGET),
            f"cumulative µs of the posthog_api line, median of {runs} fresh interpreters "
            f"(min {min(imports) * 1e3:.1f}, max {max(imports) * 1e3:.1f} ms)",
        ),
        Row(
            "e2",
            "context: from posthog_api import AsyncPostHog; AsyncPostHog(...)",
            f"{(from_import + construct) * 1e3:.0f} ms",
            "-",
            "info",
            f"import {from_import * 1e3:.0f} ms + construct {construct * 1e3:.0f} ms "
            f"(httpx, the generated client and the resources load here); median of {runs}",
        ),
    ]
