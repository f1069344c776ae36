"""A local, stateful, in-memory PostHog API server for tests, demos and benchmarks.

Built from ``openapi/posthog.yaml`` and PostHog's documented behaviour (not from
this SDK's facade), so it can catch the facade's mistakes. The web parts
(Starlette, uvicorn) load only when first used, so ``import posthog_api`` and even
``import posthog_api.testing`` stay light; install the ``[server]`` extra to run it.

Example::

    state = ServerState(project_id="1", keys={"phx_test": ["*"]})
    with run_in_thread(state) as base_url:
        ...  # talk to base_url with the key "phx_test"
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .faults import Decision, Faults
from .state import RequestRecord, ServerState

if TYPE_CHECKING:
    from ._run import run_in_thread, serve
    from .app import create_app, scope_satisfied
    from .seed import seed_demo

__all__ = [
    "Decision",
    "Faults",
    "RequestRecord",
    "ServerState",
    "create_app",
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
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
