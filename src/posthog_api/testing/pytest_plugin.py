"""pytest fixtures for testing your own code against the local PostHog API server.

Registered through the ``pytest11`` entry point, so installing ``posthog-api-async``
makes the fixtures available. Until a test uses one, nothing beyond pytest (and the SDK
package this module lives in) is imported, so a project without the ``server`` extra
is unaffected.

- ``posthog_server``: a seeded in-process server (``.state``, ``.url``, ``.key``,
  ``.project_id``, ``.faults``, ``.client(**options)``).
- ``posthog_client``: an ``AsyncPostHog`` connected to it through
  ``httpx.ASGITransport`` (no sockets), from sync tests (``asyncio.run``) or async ones.
- ``posthog_live_server``: the same state served on a 127.0.0.1 port in a thread, for
  code that builds its own client from a URL.
- ``posthog_state``: the :class:`ServerState` behind both servers; override it (or
  mark a test ``@pytest.mark.posthog(demo=False)``) to change what is seeded. The
  marker also takes the state's routing options, to emulate other PostHog versions:
  ``environments_only=[...]`` (operation ids or tags served only under the deprecated
  ``/api/environments/`` prefix, as by an old self-hosted PostHog),
  ``unrouted=[...]`` (served under neither; ``BY_ID_PROMPT_OPERATIONS`` for the newest
  PostHog) and ``prompt_as_text=True`` (JSON prompts answered as JSON text).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from posthog_api import AsyncPostHog
    from posthog_api.testing import ServerState
    from posthog_api.testing.local import LocalServer

PROJECT_ID = "1"
_MARKER = "posthog"
_STATE_OPTIONS = ("environments_only", "unrouted", "prompt_as_text")
_MARKER_OPTIONS = ("demo", *_STATE_OPTIONS)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(demo=True, environments_only=(), unrouted=(), prompt_as_text=False): "
        "options of the posthog_state fixture; demo=False starts from an empty project "
        "instead of the demo data; the others are ServerState's routing options",
    )


def _need_server_extra() -> None:
    """The fixtures need Starlette and uvicorn: say how to get them, not ImportError."""
    from posthog_api._errors import ConfigurationError

    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise ConfigurationError(
            f"the posthog_* fixtures run the local PostHog API server, which needs "
            f"{exc.name}: install the server extra, pip install 'posthog-api-async[server]'"
        ) from None


def _marker_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    from posthog_api._errors import ConfigurationError

    marker = request.node.get_closest_marker(_MARKER)
    if marker is None:
        return {}
    unknown = sorted(set(marker.kwargs) - set(_MARKER_OPTIONS))
    if marker.args or unknown:
        raise ConfigurationError(
            f"@pytest.mark.{_MARKER} takes only the keyword option(s) "
            f"{', '.join(_MARKER_OPTIONS)}; got {', '.join(unknown) or 'a positional argument'}"
        )
    return dict(marker.kwargs)


@pytest.fixture
def posthog_state(request: pytest.FixtureRequest) -> ServerState:
    """Project ``1`` with the demo data (prompts ``support-bot``, ``summarizer`` and
    ``chat-template``, dataset ``support-questions``, evaluation ``Helpfulness``) unless
    the test is marked ``@pytest.mark.posthog(demo=False)``; the marker's other
    options (``environments_only``, ``unrouted``, ``prompt_as_text``) go to
    :class:`ServerState`. Seed it with ``state.seed_prompt(...)``, ``seed_label(...)``,
    ``seed_dataset(...)``, ``seed_evaluation(...)``."""
    from posthog_api.testing import ServerState
    from posthog_api.testing.local import DEFAULT_KEY
    from posthog_api.testing.seed import seed_demo

    options = _marker_options(request)
    routing = {name: options[name] for name in _STATE_OPTIONS if name in options}
    state = ServerState(project_id=PROJECT_ID, keys={DEFAULT_KEY: ["*"]}, **routing)
    if options.get("demo", True):
        seed_demo(state)
    return state


@pytest.fixture
def posthog_server(posthog_state: ServerState) -> Iterator[LocalServer]:
    """The local server in process: ``.state``, ``.url``, ``.key``, ``.project_id``,
    ``.faults``; ``.client(**options)`` makes more clients (another key, no retries)."""
    _need_server_extra()
    from posthog_api.testing.local import local_server

    with local_server(posthog_state) as server:
        yield server


@pytest.fixture
def posthog_client(posthog_server: LocalServer) -> AsyncPostHog:
    """An ``AsyncPostHog`` on ``posthog_server`` (no sockets), closed after the test.

    It belongs to one event loop: in a sync test, run your code in one ``asyncio.run``.
    """
    return posthog_server.client()


@pytest.fixture
def posthog_live_server(posthog_state: ServerState) -> Iterator[LocalServer]:
    """The same state served on a free 127.0.0.1 port in a thread: ``.url`` is real."""
    _need_server_extra()
    from posthog_api.testing.local import local_server

    with local_server(posthog_state, live=True) as server:
        yield server
