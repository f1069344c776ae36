"""The local server for the fleet rows (h), in its own process, driven over stdin.

``python -m bench._fleet_server PROMPTS LATENCY`` seeds ``PROMPTS`` prompts (``fleet-000``
...), sets the latency fault, serves on a free loopback port and prints ``{"url": ...,
"names": [...]}``. Then one command per line on stdin, one JSON answer per line:
``count`` (the requests received, by status), ``clear`` (forget them), ``limit COUNT
WINDOW`` (``Faults.limit_rate``; ``limit off``), ``latency SECONDS``. End of input stops it.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

from posthog_api.testing import ServerState, run_in_thread

KEY = "phx_bench_local_key"
PROJECT = "1"


def main() -> None:
    prompts, latency = int(sys.argv[1]), float(sys.argv[2])
    state = ServerState(project_id=PROJECT, keys={KEY: ["*"]})
    names = [f"fleet-{index:03d}" for index in range(prompts)]
    for name in names:
        state.seed_prompt(name, f"{name}: answer {{{{question}}}} briefly.")
    state.faults.set_latency(latency)
    with run_in_thread(state) as url:
        print(json.dumps({"url": url, "names": names}), flush=True)
        for line in sys.stdin:
            command, *args = line.split()
            if command == "count":
                with state.lock:
                    statuses = Counter(str(r.status) for r in state.requests)
                    methods = Counter(r.method for r in state.requests)
                answer = {"requests": sum(statuses.values()), "by_status": statuses,
                          "by_method": methods}  # fmt: skip
            elif command == "clear":
                state.clear_requests()
                answer = {"ok": True}
            elif command == "limit":
                if args == ["off"]:
                    state.faults.limit_rate(None)
                else:
                    state.faults.limit_rate(int(args[0]), float(args[1]))
                answer = {"ok": True}
            elif command == "latency":
                state.faults.set_latency(float(args[0]))
                answer = {"ok": True}
            else:
                answer = {"error": f"unknown command {command!r}"}
            print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
