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
import sys
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
# Each part of a Link header: <target> then its parameters. Linear: no nested repeats.
_LINK_PART = re.compile(r"\s*<([^<>]*)>(.*)", re.DOTALL)
_SUCCESSOR_REL = re.compile(r'\brel\s*=\s*"?[^";]*\bsuccessor-version\b', re.IGNORECASE)
_LINK_READ = 4096  # a server's Link header is read this far at most
_PRINTABLE = re.compile(r"[^\x20-\x7e]")
_ALL = ("all", "*", "1", "true", "yes", "on")
_NONE = ("", "0", "false", "no", "none", "off")
_SDK_MODULES = ("posthog_api.", "posthog_api_client.")


class FromEnvironment(str):
    """``POSTHOG_ENVIRONMENT_ROUTES``'s text: an error about it names the variable."""


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
    what = ENV_VAR if isinstance(value, FromEnvironment) else "environment_routes"
    if value is None or value is False:
        return frozenset()
    if value is True:
        return frozenset(operations)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _ALL:
            return frozenset(operations)
        if text in _NONE:
            return frozenset()
        value = [part for part in text.split(",") if part.strip()]
    if isinstance(value, (bytes, bytearray, Mapping)) or not isinstance(value, Iterable):
        raise ConfigurationError(
            f"{what} must be True (every operation), False, or a list of namespaces, calls or "
            f"operation ids such as ['prompts'] or ['prompts.fetch'], got {type(value).__name__}"
        )
    namespaces = sorted({namespace for namespace, _ in operations.values()})
    chosen: set[str] = set()
    for item in value:
        name = item.strip().lower() if isinstance(item, str) else item
        matched = {
            op for op, (namespace, call) in operations.items() if name in (op, namespace, call)
        }
        if matched:
            chosen |= matched
            continue
        shown = bounded(repr(item), 60)
        if isinstance(name, str) and name.partition(".")[0] in namespaces and "." in name:
            raise ConfigurationError(
                f"{what}: {shown} is a method of the library, which may call several "
                f"operations, not one operation of the API: name its namespace "
                f"({name.partition('.')[0]!r}) or the operations it calls (such as "
                f"{name.partition('.')[0]}.fetch)"
            )
        raise ConfigurationError(
            f"{what}: {shown} is not a namespace, call or operation id of the API; use one of "
            f"{', '.join(namespaces)}, a call such as prompts.fetch, or all"
        )
    return frozenset(chosen)


def note(call: str, route: str, response: httpx.Response) -> None:
    """Warn once per process that ``route`` (method and path template) is deprecated:
    ``response`` carries ``Deprecation`` or ``Sunset`` (the client checked, on every answer).
    The headers are the server's input: shown bounded and printable."""
    headers = response.headers
    if not _first(route):
        return
    sunset = _shown(headers.get("sunset", ""))
    successor = _shown(_successor(headers.get("link", "")))
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


def _successor(link: str) -> str:
    """The ``rel="successor-version"`` target of a Link header, without its query (which
    may hold what the caller searched for), or "" when there is none."""
    for part in link[:_LINK_READ].split(","):
        match = _LINK_PART.match(part)
        if match and _SUCCESSOR_REL.search(match.group(2)):
            return match.group(1).partition("?")[0]
    return ""


def _first(key: str) -> bool:
    with _lock:
        if key in _warned:
            return False
        _warned.add(key)
        return True


def _emit(message: str) -> None:
    warnings.warn(message, DeprecationWarning, stacklevel=_callers_level())
    logger.warning("%s", message)


def _callers_level() -> int:
    """The ``stacklevel`` of the first frame outside the SDK (the user's call), so that the
    warning is reported, and filtered, where the user called from."""
    frame = sys._getframe(2)  # the caller of _emit
    level = 2
    while frame.f_back is not None and (frame.f_globals.get("__name__", "") + ".").startswith(
        _SDK_MODULES
    ):
        frame = frame.f_back
        level += 1
    return level


def _shown(text: str) -> str:
    return bounded(_PRINTABLE.sub("?", text.strip()), 200)


def forget() -> None:
    """Warn again for every route (for tests: the warnings are once per process)."""
    with _lock:
        _warned.clear()
