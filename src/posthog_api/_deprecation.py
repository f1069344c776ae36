"""PostHog's deprecation signals, and the option that routes operations through the alias.

PostHog marks a deprecated route by answering it with ``Deprecation``, ``Sunset`` and
``Link: <successor>; rel="successor-version"`` headers (today: every route under the
``/api/environments/`` alias of ``/api/projects/``). The first such answer of a route makes
the SDK emit one ``DeprecationWarning`` and log one WARNING per route per process: enough to
be seen in CI and in a service's logs, never once per request.

``environment_routes`` (``POSTHOG_ENVIRONMENT_ROUTES``) sends chosen operations through the
alias, for self-hosted PostHog older than the move to ``/api/projects/``.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Iterable, Mapping

import httpx

from ._errors import ConfigurationError, bounded
from ._logging import logger

CANONICAL = "/api/projects/"
ALIAS = "/api/environments/"
ENV_VAR = "POSTHOG_ENVIRONMENT_ROUTES"

_warned: set[str] = set()
_lock = threading.Lock()
_SUCCESSOR = re.compile(r'<([^<>]*)>\s*;[^,]*\brel="?successor-version"?', re.IGNORECASE)
_PRINTABLE = re.compile(r"[^\x20-\x7e]")


def alias_path(path: str) -> str:
    """``path`` (an operation's canonical template) on the deprecated alias prefix."""
    return ALIAS + path.removeprefix(CANONICAL) if path.startswith(CANONICAL) else path


def routed_through_alias(
    value: object, operations: Mapping[str, tuple[str, str]]
) -> frozenset[str]:
    """The operation ids ``environment_routes`` names; ``operations`` maps each id to its
    (namespace, call). Takes True/"all" (every operation), False/None/"" (none), or names of
    namespaces (``"prompts"``), calls (``"prompts.fetch"``) or operation ids, as an iterable
    or one comma-separated string (the environment variable's form)."""
    if value is None or value is False:
        return frozenset()
    if value is True:
        return frozenset(operations)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("all", "1", "true", "yes"):
            return frozenset(operations)
        if text in ("", "0", "false", "no", "none"):
            return frozenset()
        value = [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, (bytes, bytearray, Mapping)) or not isinstance(value, Iterable):
        raise ConfigurationError(
            "environment_routes must be True (every operation), False, or a list of "
            "namespaces, calls or operation ids such as ['prompts'] or ['prompts.fetch'], got "
            f"{type(value).__name__}"
        )
    chosen: set[str] = set()
    for name in value:
        matched = {
            op for op, (namespace, call) in operations.items() if name in (op, namespace, call)
        }
        if not isinstance(name, str) or not matched:
            namespaces = sorted({namespace for namespace, _ in operations.values()})
            raise ConfigurationError(
                f"environment_routes: {bounded(repr(name), 60)} is not a namespace, call or "
                f"operation id of the API; use one of {', '.join(namespaces)}, a call such as "
                "prompts.fetch, or True for every operation"
            )
        chosen |= matched
    return frozenset(chosen)


def note(call: str, route: str, response: httpx.Response) -> None:
    """Warn once per process that ``route`` (method and path template) is deprecated, if
    ``response`` says so. The headers are the server's input: shown bounded and printable."""
    headers = response.headers
    if "deprecation" not in headers and "sunset" not in headers:
        return
    if not _first(route):
        return
    sunset = _shown(headers.get("sunset", ""))
    match = _SUCCESSOR.search(headers.get("link", ""))
    successor = _shown(match.group(1)) if match else ""
    message = (
        f"posthog.{call}: PostHog marks {route} as deprecated"
        + (f" (sunset {sunset})" if sunset else "")
        + (f"; its successor is {successor}" if successor else "")
        + ". Next: "
        + (
            "remove this operation from environment_routes (POSTHOG_ENVIRONMENT_ROUTES) "
            "once your PostHog serves it under /api/projects/."
            if ALIAS in route
            else "upgrade posthog-api-async, or check the API's changelog."
        )
    )
    _emit(message)


def called(call: str, route: str) -> None:
    """Warn once per process that ``posthog.<call>`` is an operation the API description
    marks deprecated (PostHog's newest server may not route it at all)."""
    if _first(f"called {route}"):
        _emit(
            f"posthog.{call} ({route}) is deprecated in the API description: PostHog's newest "
            f"server may answer it 404. Next: see help(posthog.{call}) for what to use instead."
        )


def _first(key: str) -> bool:
    with _lock:
        if key in _warned:
            return False
        _warned.add(key)
        return True


def _emit(message: str) -> None:
    warnings.warn(message, DeprecationWarning, stacklevel=4)
    logger.warning("%s", message)


def _shown(text: str) -> str:
    return bounded(_PRINTABLE.sub("?", text.strip()), 200)


def forget() -> None:
    """Warn again for every route (for tests: the warnings are once per process)."""
    with _lock:
        _warned.clear()
