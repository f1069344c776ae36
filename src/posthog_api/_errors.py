"""The one exception tree of the SDK, and the mapping from an HTTP response to it.

Every exception pickles, and no message or repr can hold the API key: they are built only
from the method, the path, the status and the server's error body.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import httpx


class PostHogError(Exception):
    """The base of every error this SDK raises."""


class ConfigurationError(PostHogError):
    """The client was set up wrongly (a missing key or project id, a bad host)."""


class InvalidRequestError(PostHogError, ValueError):
    """An argument was refused before any request was sent."""


class MissingVariablesError(PostHogError, KeyError):
    """``Prompt.compile`` in strict mode was not given every ``{{variable}}``."""

    def __init__(self, missing: Sequence[str]) -> None:
        self.missing: tuple[str, ...] = tuple(missing)
        super().__init__(self.missing)

    def __str__(self) -> str:
        names = ", ".join(self.missing)
        return (
            f"missing prompt variables: {names}. Pass them to compile(), "
            "or call compile(strict=False) to leave them in place."
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.missing,))


class APIError(PostHogError):
    """A request to the API failed."""

    def __init__(self, message: str, *, method: str | None = None, url: str | None = None):
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url

    def __reduce__(self) -> tuple[Any, ...]:
        # An httpx.Response does not pickle (and its request holds the key): left behind.
        state = {k: v for k, v in self.__dict__.items() if k != "response"}
        return (_rebuild, (type(self), state))


class APIConnectionError(APIError):
    """The server could not be reached, or the connection broke before an answer."""


class APITimeoutError(APIConnectionError):
    """The request timed out."""


class ResponseValidationError(APIError):
    """A response the SDK cannot parse, or whose fields do not have the documented types;
    ``status_code`` and ``operation`` say which answer it was, ``body`` holds the raw text."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        body: Any = None,
        operation: str | None = None,
        **kwargs: Any,  # method, url
    ) -> None:
        super().__init__(message, **kwargs)
        self.status_code = status_code
        self.body = body
        self.operation = operation


class APIStatusError(APIError):
    """The server answered with an error status (4xx or 5xx). ``response`` is the
    ``httpx.Response`` (headers, raw body); None after unpickling."""

    response: httpx.Response | None = None

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        method: str | None = None,
        url: str | None = None,
        body: Any = None,
        request_id: str | None = None,
        operation: str | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message, method=method, url=url)
        self.response = response
        self.status_code = status_code
        self.body = body
        self.request_id = request_id
        self.operation = operation
        envelope = body if isinstance(body, dict) else {}
        self.type: str | None = _str_or_none(envelope.get("type"))
        self.code: str | None = _str_or_none(envelope.get("code"))
        self.detail: str | None = _str_or_none(envelope.get("detail"))
        self.attr: str | None = _str_or_none(envelope.get("attr"))


class BadRequestError(APIStatusError):
    """400: the server refused the request's content; ``attr`` names the field."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, wrong or revoked."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not do this (a missing scope or no access to the project)."""


class ScopeError(PermissionDeniedError):
    """The API key lacks a scope the operation needs: raised before sending when the client
    was told its key's scopes, and for the server's "API key missing required scope" answer."""

    def __init__(
        self,
        message: str,
        *,
        missing: Sequence[str] = (),
        granted: Sequence[str] | None = None,
        **kwargs: Any,  # as APIStatusError; status_code defaults to 403
    ) -> None:
        kwargs.setdefault("status_code", 403)
        super().__init__(message, **kwargs)
        self.missing: tuple[str, ...] = tuple(missing)
        self.granted: tuple[str, ...] | None = None if granted is None else tuple(granted)


class NotFoundError(APIStatusError):
    """404: nothing exists at that id, name or version."""


class PromptNotFoundError(NotFoundError):
    """404 for a prompt name (or a version of it) that has no live version."""


class ProjectNotFoundError(NotFoundError):
    """404 that is not about the object asked for: the project does not exist for this key
    (PostHog: "Project not found.") or the host answers no such endpoint (a wrong path in
    ``host``). A configuration problem: nothing was looked up, so nothing is missing."""


class MethodNotAllowedError(APIStatusError):
    """405: e.g. hard DELETE, which PostHog forbids; patch ``deleted=True`` instead."""


class ConflictError(APIStatusError):
    """409: the resource changed under the request."""


class PromptVersionConflict(ConflictError):
    """A publish named a ``base_version`` that is no longer the latest."""

    def __init__(
        self,
        message: str,
        *,
        name: str | None = None,
        base_version: int | None = None,
        current_version: int | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("status_code", 409)
        super().__init__(message, **kwargs)
        self.name = name
        self.base_version = base_version
        self.current_version = current_version


class RateLimitError(APIStatusError):
    """429: throttled. ``retry_after`` is the server's wait in seconds, when it said."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class InternalServerError(APIStatusError):
    """5xx: the server failed."""


# Per status: the exception and what to do next.
_BY_STATUS: dict[int, tuple[type[APIStatusError], str]] = {
    400: (BadRequestError, "check the arguments against the message"),
    401: (
        AuthenticationError,
        "check POSTHOG_PERSONAL_API_KEY (a personal API key starting with phx_)",
    ),
    403: (
        PermissionDeniedError,
        "give the API key the scope it needs, or use a key with access to this project",
    ),
    404: (NotFoundError, "check the id, name or version"),
    405: (
        MethodNotAllowedError,
        "PostHog forbids this method here (for deletes, patch deleted=True instead)",
    ),
    409: (ConflictError, "reload the latest state and try again"),
    429: (RateLimitError, "slow down; the SDK already retried within max_retries"),
}


PROJECT_HINT = (
    "check project_id / POSTHOG_PROJECT_ID (the number in your PostHog project's URL, or "
    "@current) and host / POSTHOG_HOST (e.g. https://us.posthog.com, with no path): this "
    "is the wrong project or host, not a missing object"
)
# The details PostHog's routing answers before any object is looked up: an unknown or
# inaccessible project id, an unknown organization, an /api/ path no view serves.
_CONFIG_404 = frozenset({"project not found", "organization not found", "endpoint not found"})


def is_configuration_404(detail: str | None) -> bool:
    """True for the 404 details that say a wrong project or host, not a missing object."""
    return detail is not None and detail.strip().rstrip(".").lower() in _CONFIG_404


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


MAX_SHOWN = 500  # most characters of server-sent text (a detail, a header) in one message
MAX_TEXT_BODY = 2000  # most characters of a non-JSON error body kept on ``body``
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def bounded(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` cut to ``limit`` characters, C0, DEL and C1 escaped (``\\x1b``): a server's
    text cannot drive the terminal that prints it. The raw text stays on ``body``."""
    if len(text) > limit:
        text = f"{text[:limit]}... [{len(text):,} characters in all]"
    if text.isprintable():  # the common case: one C-level scan, no copy
        return text
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


_E = TypeVar("_E", bound="APIError")


def _rebuild(cls: type[_E], state: dict[str, Any]) -> _E:
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message", ""))
    error.__dict__.update(state)
    return error


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date; None
    when absent or unreadable, which includes a non-finite number ("inf", "1e400", "nan"):
    no server can mean it, and waiting it out would block the key for good."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        import time
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)  # raises ValueError, never returns None
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _decode_body(response: httpx.Response) -> Any:
    content = response.content
    if not content:
        return None
    try:
        return json.loads(content)
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to parse
        return content[:MAX_TEXT_BODY].decode("utf-8", "replace")


def status_error(
    response: httpx.Response,
    *,
    operation: str | None = None,
    call: str | None = None,
    body: Any = ...,
    attempts: int | None = None,
) -> APIStatusError:
    """Build the typed exception for an error response (status >= 300)."""
    status = response.status_code
    if body is ...:
        body = _decode_body(response)
    request = response.request
    method = request.method
    envelope = body if isinstance(body, dict) else {}
    detail = _str_or_none(envelope.get("detail"))
    path = bounded(request.url.path, 200)  # a next-page URL from the server can be long
    named = call or operation  # what the user called (posthog.datasets.create), else the id
    what = f"{named} ({method} {path})" if named else f"{method} {path}"
    text = f"{what} failed with {status}"
    if detail and detail.strip().rstrip("."):
        # The hint below adds its own '.'; ``detail`` and ``body`` keep the whole text.
        text += f": {bounded(detail.strip().rstrip('.'))}"
    attr = envelope.get("attr")
    if isinstance(attr, str) and attr:
        text += f" [field: {bounded(attr, 100)}]"
    if attempts and attempts > 1:
        text += f" (after {attempts} attempts)"
    cls, hint = _BY_STATUS.get(status) or _fallback(status, response)
    if status == 404 and is_configuration_404(detail):
        cls, hint = ProjectNotFoundError, PROJECT_HINT
        if "/api/projects/" in path and "endpoint" in (detail or "").lower():
            hint += (
                "; or a self-hosted PostHog older than its /api/projects/ routes serves this "
                "one only under /api/environments/: name it in environment_routes=[...] "
                "(POSTHOG_ENVIRONMENT_ROUTES)"
            )
    text += f". Next: {hint}."
    extra: dict[str, Any] = {}
    if status == 403 and detail and "missing required scope" in detail:
        scope = re.search("'([^']*)'", detail)  # "API key missing required scope 'x:write'"
        cls, extra = ScopeError, {"missing": scope.groups() if scope else ()}
    elif status == 429:
        extra = {"retry_after": parse_retry_after(response.headers.get("retry-after"))}
    return cls(
        text,
        status_code=status,
        method=method,
        url=str(request.url.copy_with(query=None)),
        body=body,
        request_id=response.headers.get("x-request-id") or response.headers.get("x-amzn-requestid"),
        operation=operation,
        response=response,
        **extra,
    )


def _fallback(status: int, response: httpx.Response) -> tuple[type[APIStatusError], str]:
    """The class and hint of a status without an entry in ``_BY_STATUS``."""
    if status >= 500:
        return InternalServerError, "try again later"
    if 300 <= status < 400:
        location = response.headers.get("location")
        where = f" (to {bounded(location.split('?', 1)[0], 200)})" if location else ""
        return APIStatusError, (
            f"the server redirected{where}, which the SDK does not follow; "
            "check POSTHOG_HOST (e.g. https://us.posthog.com or https://eu.posthog.com)"
        )
    return APIStatusError, "check the request against the message and the API documentation"
