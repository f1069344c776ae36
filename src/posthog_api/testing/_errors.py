"""Error replies in the shapes PostHog's Django REST Framework app sends.

Handlers raise :class:`ApiError`; the app turns it into a response. Keeping the
shapes in one place keeps every error body consistent with the spec's envelope.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A reply that ends the request early: a status, an optional JSON body, headers."""

    def __init__(
        self,
        status: int,
        body: dict[str, Any] | None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


def envelope(kind: str, code: str, detail: str, attr: str | None = None) -> dict[str, Any]:
    """The usual ``{type, code, detail, attr}`` error body."""
    return {"type": kind, "code": code, "detail": detail, "attr": attr}


def invalid(attr: str | None, detail: str, code: str = "invalid") -> ApiError:
    """A 400 validation error naming the offending field."""
    return ApiError(400, envelope("validation_error", code, detail, attr))


def required(attr: str) -> ApiError:
    return invalid(attr, "This field is required.", "required")


def not_found(detail: str = "Not found.") -> ApiError:
    return ApiError(404, envelope("invalid_request", "not_found", detail))


def bare_not_found(detail: str) -> ApiError:
    """Some endpoints (prompts by name) answer 404 with only ``detail``."""
    return ApiError(404, {"detail": detail})


def not_authenticated() -> ApiError:
    return ApiError(
        401,
        envelope(
            "authentication_error",
            "not_authenticated",
            "Authentication credentials were not provided.",
        ),
    )


def authentication_failed() -> ApiError:
    # Never echo the key: the message only says that it was not accepted.
    return ApiError(
        401,
        envelope(
            "authentication_error",
            "authentication_failed",
            "Personal API key found in request Authorization header is invalid.",
        ),
    )


def missing_scope(scope: str) -> ApiError:
    return ApiError(
        403,
        envelope(
            "authentication_error",
            "permission_denied",
            f"API key missing required scope '{scope}'",
        ),
    )


def method_not_allowed(method: str) -> ApiError:
    return ApiError(
        405,
        envelope("invalid_request", "method_not_allowed", f'Method "{method}" not allowed.'),
    )


def throttled(retry_after: int) -> ApiError:
    return ApiError(
        429,
        envelope(
            "throttled_error",
            "throttled",
            f"Request was throttled. Expected available in {retry_after} seconds.",
        ),
        {"Retry-After": str(retry_after)},
    )


def server_error(status: int = 500) -> ApiError:
    return ApiError(
        status,
        envelope("server_error", "error", "A server error occurred."),
    )
