"""The one exception tree of the SDK, and the mapping from an HTTP response to it.

Every exception here pickles (each class rebuilds from its constructor arguments via
``__reduce__``) and none of their messages or reprs can hold the API key: they are built
only from the method, the path, the status and the server's error body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "InvalidRequestError",
    "MethodNotAllowedError",
    "MissingVariablesError",
    "NotFoundError",
    "PermissionDeniedError",
    "PostHogError",
    "PromptNotFoundError",
    "PromptVersionConflict",
    "RateLimitError",
    "ResponseValidationError",
    "ScopeError",
    "status_error",
]


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
    """A response the SDK cannot parse, or whose fields do not have the documented types.

    ``status_code`` and ``operation`` say which answer it was; ``body`` holds the raw text.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        url: str | None = None,
        status_code: int | None = None,
        body: Any = None,
        operation: str | None = None,
    ) -> None:
        super().__init__(message, method=method, url=url)
        self.status_code = status_code
        self.body = body
        self.operation = operation


class APIStatusError(APIError):
    """The server answered with an error status (4xx or 5xx).

    ``response`` is the ``httpx.Response`` (headers, raw body); None after unpickling.
    """

    status_code: int = 0
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
    """The API key lacks a scope the operation needs.

    Raised before sending when the client was told its key's scopes, and for the
    server's own "API key missing required scope" answer.
    """

    def __init__(
        self,
        message: str,
        *,
        operation: str | None = None,
        missing: Sequence[str] = (),
        granted: Sequence[str] | None = None,
        status_code: int = 403,
        method: str | None = None,
        url: str | None = None,
        body: Any = None,
        request_id: str | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(
            message,
            status_code=status_code,
            method=method,
            url=url,
            body=body,
            request_id=request_id,
            operation=operation,
            response=response,
        )
        self.missing: tuple[str, ...] = tuple(missing)
        self.granted: tuple[str, ...] | None = None if granted is None else tuple(granted)


class NotFoundError(APIStatusError):
    """404: nothing exists at that id, name or version."""


class PromptNotFoundError(NotFoundError):
    """404 for a prompt name (or a version of it) that has no live version."""


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


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: MethodNotAllowedError,
    409: ConflictError,
    429: RateLimitError,
}

_HINTS: dict[int, str] = {
    400: "check the arguments against the message",
    401: "check POSTHOG_PERSONAL_API_KEY (a personal API key starting with phx_)",
    403: "give the API key the scope it needs, or use a key with access to this project",
    404: "check the id, name or version",
    405: "PostHog forbids this method here (for deletes, patch deleted=True instead)",
    409: "reload the latest state and try again",
    429: "slow down; the SDK already retried within max_retries",
}

_SCOPE_MARKER = "missing required scope"


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


MAX_SHOWN = 500
"""Most characters of server-sent text (a detail, a header) that go into one message."""
MAX_TEXT_BODY = 2000
"""Most characters of a non-JSON error body kept on ``body``."""


def bounded(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` cut to ``limit`` characters, saying how long it was, with control characters
    escaped: messages stay readable, and a server's text cannot drive the terminal that
    prints them (an ESC sequence clearing the screen, a bell, a fake second line).

    Escaped are C0 (newlines and tabs too), DEL and C1, as ``\\x1b``; the raw text stays
    on the exception's ``body`` (and ``detail``).
    """
    if len(text) > limit:
        text = f"{text[:limit]}... [{len(text):,} characters in all]"
    if text.isprintable():  # the common case: one C-level scan, no copy
        return text
    return _CONTROL.sub(_escape, text)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _escape(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


_E = TypeVar("_E", bound="APIError")


def _rebuild(cls: type[_E], state: dict[str, Any]) -> _E:
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message", ""))
    error.__dict__.update(state)
    return error


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when is None:
            return None
        import time

        current = time.time() if now is None else now
        return max(0.0, when.timestamp() - current)
    return max(0.0, seconds) if seconds == seconds else None  # NaN guard


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
    """Build the typed exception for an error response (status >= 400)."""
    status = response.status_code
    if body is ...:
        body = _decode_body(response)
    request = response.request
    method = request.method
    url = str(request.url.copy_with(query=None))
    request_id = response.headers.get("x-request-id") or response.headers.get("x-amzn-requestid")
    envelope = body if isinstance(body, dict) else {}
    detail = envelope.get("detail") if isinstance(envelope.get("detail"), str) else None
    path = bounded(request.url.path, 200)  # a next-page URL from the server can be long
    named = call or operation  # what the user called (posthog.datasets.create), else the id
    what = f"{named} ({method} {path})" if named else f"{method} {path}"
    text = f"{what} failed with {status}"
    if detail and detail.strip().rstrip("."):
        # The server's detail usually ends with '.'; the hint below adds its own. The full
        # detail stays on the exception's ``detail`` and ``body``; the message shows a part.
        text += f": {bounded(detail.strip().rstrip('.'))}"
    attr = envelope.get("attr")
    if isinstance(attr, str) and attr:
        text += f" [field: {bounded(attr, 100)}]"
    if attempts and attempts > 1:
        text += f" (after {attempts} attempts)"
    hint = _HINTS.get(status) or _fallback_hint(status, response)
    text += f". Next: {hint}."
    common: dict[str, Any] = {
        "status_code": status,
        "method": method,
        "url": url,
        "body": body,
        "request_id": request_id,
        "operation": operation,
        "response": response,
    }
    if status == 403 and detail and _SCOPE_MARKER in detail:
        missing = _scope_from_detail(detail)
        common.pop("operation")
        return ScopeError(text, operation=operation, missing=missing, granted=None, **common)
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        return RateLimitError(text, retry_after=retry_after, **common)
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = InternalServerError if status >= 500 else APIStatusError
    return cls(text, **common)


def _fallback_hint(status: int, response: httpx.Response) -> str:
    if status >= 500:
        return "try again later"
    if 300 <= status < 400:
        location = response.headers.get("location")
        where = f" (to {bounded(location.split('?', 1)[0], 200)})" if location else ""
        return (
            f"the server redirected{where}, which the SDK does not follow; "
            "check POSTHOG_HOST (e.g. https://us.posthog.com or https://eu.posthog.com)"
        )
    return "check the request against the message and the API documentation"


def _scope_from_detail(detail: str) -> tuple[str, ...]:
    # "API key missing required scope 'llm_prompt:write'"
    start = detail.find("'")
    end = detail.find("'", start + 1)
    if start != -1 and end != -1:
        return (detail[start + 1 : end],)
    return ()
