"""Every error answer becomes its typed exception, with its fields, a useful message, no key."""

from __future__ import annotations

import logging
import pickle
import traceback
import uuid
from typing import Any

import httpx
import pytest

from posthog_api._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    MethodNotAllowedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ScopeError,
)

from .conftest import API_KEY, HOST, PROJECT_ID, MakeClient

A = uuid.UUID(int=0xA)
LIST_PATH = f"/api/projects/{PROJECT_ID}/datasets/"
LIST_URL = f"{HOST}{LIST_PATH}"


def envelope(type_: str, code: str, detail: str, attr: str | None = None) -> dict[str, Any]:
    return {"type": type_, "code": code, "detail": detail, "attr": attr}


# id, status, body (bytes: sent raw), headers, exception class
STATUS_CASES: list[tuple[str, int, Any, dict[str, str], type[APIStatusError]]] = [
    (
        "400",
        400,
        envelope("validation_error", "required", "This field is required.", "name"),
        {},
        BadRequestError,
    ),
    (
        "401",
        401,
        envelope("authentication_error", "not_authenticated", "Invalid personal API key."),
        {},
        AuthenticationError,
    ),
    (
        "403",
        403,
        envelope("authentication_error", "permission_denied", "You do not have access."),
        {},
        PermissionDeniedError,
    ),
    (
        "403-scope",
        403,
        envelope(
            "authentication_error",
            "permission_denied",
            "API key missing required scope 'dataset:read'",
        ),
        {},
        ScopeError,
    ),
    ("404", 404, envelope("invalid_request", "not_found", "Not found."), {}, NotFoundError),
    ("405-empty", 405, b"", {}, MethodNotAllowedError),
    ("409", 409, envelope("invalid_request", "conflict", "Changed."), {}, ConflictError),
    (
        "429",
        429,
        envelope("throttled_error", "throttled", "Request was throttled."),
        {"Retry-After": "120"},
        RateLimitError,
    ),
    (
        "500",
        500,
        envelope("server_error", "error", "A server error occurred."),
        {},
        InternalServerError,
    ),
    (
        "502-html",
        502,
        b"<html><body><h1>502 Bad Gateway</h1></body></html>",
        {"content-type": "text/html"},
        InternalServerError,
    ),
    ("503-empty", 503, b"", {}, InternalServerError),
    ("302", 302, b"", {"Location": "https://elsewhere.example/login"}, APIStatusError),
]


def _respond(status: int, body: Any, headers: dict[str, str]) -> httpx.Response:
    headers = {"X-Request-Id": "req-123", **headers}
    if isinstance(body, bytes):
        return httpx.Response(status, content=body, headers=headers)
    return httpx.Response(status, json=body, headers=headers)


@pytest.mark.parametrize(
    ("status", "body", "headers", "cls"),
    [c[1:] for c in STATUS_CASES],
    ids=[c[0] for c in STATUS_CASES],
)
async def test_status_maps_to_exception(
    make_client: MakeClient,
    status: int,
    body: Any,
    headers: dict[str, str],
    cls: type[APIStatusError],
) -> None:
    h = make_client(lambda request: _respond(status, body, headers), max_retries=0)

    with pytest.raises(APIStatusError) as info:
        await h.client.datasets.list(search="secret-query")
    error = info.value

    assert type(error) is cls
    assert len(h.requests) == 1
    assert error.status_code == status
    assert error.method == "GET"
    assert error.url == LIST_URL  # the query string is left out
    assert error.request_id == "req-123"
    assert error.operation == "datasets_list"
    if isinstance(body, dict):
        assert error.body == body
        assert (error.type, error.code, error.detail) == (
            body["type"],
            body["code"],
            body["detail"],
        )
        assert error.attr == body["attr"]
        assert body["detail"].rstrip(".") in str(error)
    elif body:
        assert isinstance(error.body, str) and "502 Bad Gateway" in error.body
        assert error.detail is None
    else:
        assert error.body is None
        assert (error.type, error.code, error.detail, error.attr) == (None, None, None, None)

    message = str(error)
    assert f"posthog.datasets.list (GET {LIST_PATH})" in message
    assert str(status) in message
    assert "Next: " in message
    assert ".." not in message
    assert "secret-query" not in message


async def test_bad_request_names_the_field(make_client: MakeClient) -> None:
    body = envelope("validation_error", "max_length", "Too long.", "name")
    h = make_client(lambda request: httpx.Response(400, json=body), max_retries=0)
    with pytest.raises(BadRequestError) as info:
        await h.client.datasets.create(name="n" * 10)
    assert info.value.attr == "name"
    assert "[field: name]" in str(info.value)
    assert info.value.operation == "datasets_create"
    assert info.value.method == "POST"


async def test_server_scope_answer_names_the_missing_scope(make_client: MakeClient) -> None:
    body = envelope(
        "authentication_error", "permission_denied", "API key missing required scope 'x:y'"
    )
    h = make_client(lambda request: httpx.Response(403, json=body))
    with pytest.raises(ScopeError) as info:
        await h.client.datasets.retrieve(A)
    assert info.value.missing == ("x:y",)
    assert info.value.granted is None
    assert info.value.status_code == 403
    assert isinstance(info.value, PermissionDeniedError)
    assert len(h.requests) == 1  # a 403 is never retried


async def test_rate_limit_carries_retry_after(make_client: MakeClient) -> None:
    h = make_client(
        lambda request: httpx.Response(429, headers={"Retry-After": "7"}, json={}),
        max_retries=0,
    )
    with pytest.raises(RateLimitError) as info:
        await h.client.logs.attributes()
    assert info.value.retry_after == 7.0


async def test_hard_delete_is_refused_with_an_empty_405(make_client: MakeClient) -> None:
    h = make_client(lambda request: httpx.Response(405))
    with pytest.raises(MethodNotAllowedError) as info:
        await h.client.datasets.delete(A)
    assert info.value.operation == "datasets_destroy"
    assert info.value.method == "DELETE"
    assert "deleted=True" in str(info.value)
    assert len(h.requests) == 1


async def test_failed_attempts_are_counted_in_the_message(make_client: MakeClient) -> None:
    h = make_client(lambda request: httpx.Response(503))
    with pytest.raises(InternalServerError) as info:
        await h.client.datasets.retrieve(A)
    assert len(h.requests) == 3
    assert "after 3 attempts" in str(info.value)


@pytest.mark.parametrize(
    ("exc", "cls"),
    [
        (httpx.ConnectError("connection refused"), APIConnectionError),
        (httpx.ReadTimeout("timed out"), APITimeoutError),
    ],
    ids=["connect", "timeout"],
)
async def test_transport_errors(
    make_client: MakeClient, exc: Exception, cls: type[Exception]
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    h = make_client(handler)
    with pytest.raises(APIConnectionError) as info:
        await h.client.datasets.retrieve(A)
    assert type(info.value) is cls
    assert len(h.requests) == 3  # a GET is retried max_retries (2) times
    assert info.value.method == "GET"
    assert info.value.url == f"{HOST}/api/projects/{PROJECT_ID}/datasets/{A}/"
    assert str(info.value).startswith("posthog.datasets.retrieve ")
    assert "3 attempt(s)" in str(info.value)
    assert "Next: " in str(info.value)


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, json={"id": str(A)}),  # required fields missing
        httpx.Response(200, content=b"<html>maintenance</html>"),  # not JSON
        httpx.Response(200, json=[1, 2, 3]),  # not an object
    ],
    ids=["missing-fields", "not-json", "wrong-type"],
)
async def test_unparseable_success_body(make_client: MakeClient, response: httpx.Response) -> None:
    h = make_client(lambda request: response)
    with pytest.raises(ResponseValidationError) as info:
        await h.client.datasets.retrieve(A)
    assert str(info.value).startswith("posthog.datasets.retrieve: the 200 response ")
    assert info.value.operation == "datasets_retrieve"
    assert "Next: " in str(info.value)
    assert len(h.requests) == 1


async def _every_error(make_client: MakeClient) -> list[BaseException]:
    """One instance of every exception a call can end in, raised through the client."""
    errors: list[BaseException] = []
    for _, status, body, headers, _cls in STATUS_CASES:
        h = make_client(
            lambda request, s=status, b=body, hd=headers: _respond(s, b, hd), max_retries=0
        )
        with pytest.raises(APIError) as info:
            await h.client.datasets.create(name="x")
        errors.append(info.value)

    def broken(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("slow")

    for handler in (broken, lambda request: httpx.Response(201, json={"no": "fields"})):
        h = make_client(handler, max_retries=0)
        with pytest.raises(APIError) as info:
            await h.client.datasets.create(name="x")
        errors.append(info.value)

    h = make_client(lambda request: httpx.Response(200), scopes=["logs:read"])
    with pytest.raises(ScopeError) as scope_info:
        await h.client.datasets.create(name="x")
    errors.append(scope_info.value)
    return errors


async def test_exceptions_pickle_round_trip(make_client: MakeClient) -> None:
    errors = await _every_error(make_client)
    assert {type(e) for e in errors} >= {
        BadRequestError,
        ScopeError,
        RateLimitError,
        APITimeoutError,
        ResponseValidationError,
    }
    for error in errors:
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert str(copy) == str(error)
        # .response (the httpx.Response) does not pickle and its request carries the key:
        # it is left behind (None on the copy); every other attribute survives.
        kept = {k: v for k, v in error.__dict__.items() if k != "response"}
        assert copy.__dict__ == kept
        if isinstance(error, APIStatusError):
            assert copy.response is None
            refused_before_sending = isinstance(error, ScopeError) and error.granted is not None
            assert isinstance(error.response, httpx.Response) != refused_before_sending
    rate = next(e for e in errors if isinstance(e, RateLimitError))
    assert pickle.loads(pickle.dumps(rate)).retry_after == 120.0


async def test_api_key_never_appears_in_exceptions(make_client: MakeClient) -> None:
    for error in await _every_error(make_client):
        texts = [
            str(error),
            repr(error),
            "".join(traceback.format_exception(error)),
            repr(error.__dict__),
        ]
        for text in texts:
            assert API_KEY not in text
        assert API_KEY.encode() not in pickle.dumps(error)


async def test_api_key_never_appears_in_client_repr(make_client: MakeClient) -> None:
    h = make_client(lambda request: httpx.Response(200), scopes=["*"])
    for text in (repr(h.client), str(h.client), repr(h.client.datasets), repr(h.client.prompts)):
        assert API_KEY not in text
        assert PROJECT_ID in repr(h.client)


async def test_api_key_never_appears_in_debug_logs(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="posthog_api")
    body = envelope("authentication_error", "authentication_failed", f"bad key {API_KEY[:8]}")
    h = make_client(lambda request: httpx.Response(503, json=body))
    with pytest.raises(InternalServerError):
        await h.client.datasets.list(search=API_KEY)
    assert len(caplog.records) >= 3  # one line per attempt, plus the retries
    assert f"/api/projects/{PROJECT_ID}/datasets/" in caplog.text
    assert API_KEY not in caplog.text
