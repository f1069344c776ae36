"""Smoke test: ``python -m bench --quick`` runs end to end and prints every row.

It checks that the benchmarks work, not their figures (quick sizes are too small to
judge): every row is in the table with a PASS, FAIL or info verdict, and no row broke.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ROWS = ("a1", "a2", "b", "c", "d1", "d2", "d3", "d4", "e1", "e2", "f", "g1", "g2", "g3")
ROWS += ("h1", "h2", "h3", "h4", "h5", "h6", "h7")  # a fleet on Redis (issue 14)
ROWS += ("i1", "i2", "i3", "i4")  # datasets as code (issue 13)


@pytest.mark.slow
def test_bench_quick_prints_every_row() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTHOG_")}
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "date:" in out and "machine:" in out and "python:" in out
    verdicts = dict(re.findall(r"^(\w+)\s.*?\s(PASS|FAIL|info)\s", out, flags=re.MULTILINE))
    assert set(ROWS) <= set(verdicts), out
    assert " error " not in out, out  # a measurement that raised is shown as "error"
