"""A local, stateful, in-memory PostHog API server for tests, demos and benchmarks.

Built from ``openapi/posthog.yaml`` and PostHog's documented behaviour (not from
this SDK's facade), so it can catch the facade's mistakes. The web parts
(Starlette, uvicorn) load only when first used, so ``import posthog_api`` and even
``import posthog_api.testing`` stay light; install the ``[server]`` extra to run it.

Example::

    state = ServerState(project_id="1", keys={"phx_test": ["*"]})
    state.seed_prompt("greeting", "Hi {{name}}!")   # no event loop needed
    with run_in_thread(state) as base_url:
        ...  # talk to base_url with the key "phx_test"

In pytest, the ``posthog_server``, ``posthog_client`` and ``posthog_live_server``
fixtures (:mod:`posthog_api.testing.pytest_plugin`) do this for you.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .faults import Decision, Faults
from .state import BY_ID_PROMPT_OPERATIONS, RequestRecord, ServerState

if TYPE_CHECKING:
    from ._run import run_in_thread, serve
    from .app import create_app, scope_satisfied
    from .local import LocalServer, local_server
    from .seed import seed_demo

__all__ = [
    "BY_ID_PROMPT_OPERATIONS",
    "Decision",
    "Faults",
    "LocalServer",
    "RequestRecord",
    "ServerState",
    "create_app",
    "local_server",
    "run_in_thread",
    "scope_satisfied",
    "seed_demo",
    "serve",
]

_LAZY = {
    "create_app": "app",
    "scope_satisfied": "app",
    "run_in_thread": "_run",
    "serve": "_run",
    "seed_demo": "seed",
    "LocalServer": "local",
    "local_server": "local",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
