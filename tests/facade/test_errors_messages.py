"""What an error answer's message says, word for word, and what its fields hold at the edges.

The message is what a user reads first: which call failed, the server's detail and field,
how many attempts were made and what to do next (a redirect names where it pointed, a 5xx
says to try later). Server-sent parts are cut to a documented length. ``status_error`` is
exported, so it is also called directly for cases the client cannot produce (no operation,
a long next-page path).
"""

from __future__ import annotations

import time
from email.utils import formatdate
from typing import Any

import httpx
import pytest

from posthog_api._errors import (
    APIStatusError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ScopeError,
    status_error,
)

from .conftest import HOST, PROJECT_ID, MakeClient

LIST = f"posthog.datasets.list (GET /api/projects/{PROJECT_ID}/datasets/)"
REDIRECT_ADVICE = (
    "which the SDK does not follow; check POSTHOG_HOST "
    "(e.g. https://us.posthog.com or https://eu.posthog.com)."
)


async def _list_error(make_client: MakeClient, response: httpx.Response, **kwargs: Any) -> Any:
    kwargs.setdefault("max_retries", 0)
    h = make_client(lambda request: response, **kwargs)
    with pytest.raises(APIStatusError) as info:
        await h.client.datasets.list()
    return info.value


# -- redirects ---------------------------------------------------------------------


@pytest.mark.parametrize("status", [300, 301, 302, 307, 308, 399])
async def test_a_redirect_names_its_target_without_the_query(
    make_client: MakeClient, status: int
) -> None:
    location = "https://us.posthog.com/api/projects/1/datasets/?token=abc?next=x y"
    error = await _list_error(make_client, httpx.Response(status, headers={"Location": location}))
    assert type(error) is APIStatusError
    assert error.status_code == status
    assert str(error) == (
        f"{LIST} failed with {status}. Next: the server redirected "
        f"(to https://us.posthog.com/api/projects/1/datasets/), {REDIRECT_ADVICE}"
    )


async def test_a_redirect_without_a_location_still_says_to_check_the_host(
    make_client: MakeClient,
) -> None:
    error = await _list_error(make_client, httpx.Response(300))
    assert str(error) == f"{LIST} failed with 300. Next: the server redirected, {REDIRECT_ADVICE}"


@pytest.mark.parametrize(("length", "cut"), [(200, False), (201, True), (900, True)])
async def test_a_redirect_target_is_shown_up_to_200_characters(
    make_client: MakeClient, length: int, cut: bool
) -> None:
    base = "https://x.example/"
    location = base + "p" * (length - len(base))
    error = await _list_error(
        make_client, httpx.Response(302, headers={"Location": location + "?q=1"})
    )
    shown = f"{location[:200]}... [{length:,} characters in all]" if cut else location
    assert f"(to {shown}), which" in str(error)


# -- the hint for statuses without their own ---------------------------------------


@pytest.mark.parametrize("status", [500, 501, 503, 599])
async def test_a_server_error_says_to_try_again_later(make_client: MakeClient, status: int) -> None:
    error = await _list_error(make_client, httpx.Response(status))
    assert type(error) is InternalServerError
    assert str(error) == f"{LIST} failed with {status}. Next: try again later."


@pytest.mark.parametrize("status", [402, 410, 418, 422, 499])
async def test_another_4xx_points_at_the_message_and_the_docs(
    make_client: MakeClient, status: int
) -> None:
    error = await _list_error(make_client, httpx.Response(status))
    assert type(error) is APIStatusError
    assert str(error) == (
        f"{LIST} failed with {status}. Next: check the request against the message and the "
        "API documentation."
    )


# -- the detail and the field ------------------------------------------------------


@pytest.mark.parametrize(
    ("detail", "shown"),
    [
        ("  Not found.  ", ": Not found"),
        ("Unknown option X", ": Unknown option X"),
        ("X", ": X"),
        ("Ends in dots...", ": Ends in dots"),
        ("...", ""),  # nothing left once the dots go: no empty ': '
        ("   ", ""),
        ("", ""),
    ],
)
async def test_the_detail_is_shown_without_its_final_dots(
    make_client: MakeClient, detail: str, shown: str
) -> None:
    error = await _list_error(make_client, httpx.Response(404, json={"detail": detail}))
    assert type(error) is NotFoundError
    assert error.detail == detail  # the field keeps it whole
    assert str(error) == f"{LIST} failed with 404{shown}. Next: check the id, name or version."


@pytest.mark.parametrize(
    "body",
    [
        {"detail": ["This field is required."], "attr": 5},
        {"detail": {"name": ["required"]}, "attr": ["name"]},
        {"detail": 42, "attr": True},
        {"detail": None, "attr": ""},
    ],
    ids=["list", "dict", "number", "null"],
)
async def test_a_detail_or_field_that_is_not_text_is_left_out(
    make_client: MakeClient, body: dict[str, Any]
) -> None:
    error = await _list_error(make_client, httpx.Response(400, json=body))
    assert type(error) is BadRequestError
    assert error.body == body
    assert error.detail is None
    assert error.attr == (body["attr"] if isinstance(body["attr"], str) else None)
    assert str(error) == (f"{LIST} failed with 400. Next: check the arguments against the message.")


@pytest.mark.parametrize(("length", "cut"), [(100, False), (101, True), (700, True)])
async def test_the_field_is_shown_up_to_100_characters(
    make_client: MakeClient, length: int, cut: bool
) -> None:
    attr = "f" * length
    error = await _list_error(
        make_client, httpx.Response(400, json={"detail": "Bad.", "attr": attr})
    )
    assert error.attr == attr
    shown = f"{attr[:100]}... [{length:,} characters in all]" if cut else attr
    assert str(error) == (
        f"{LIST} failed with 400: Bad [field: {shown}]. Next: check the arguments against "
        "the message."
    )


async def test_a_long_detail_is_cut_at_500_characters(make_client: MakeClient) -> None:
    detail = "d" * 501 + "."
    error = await _list_error(make_client, httpx.Response(404, json={"detail": detail}))
    assert error.detail == detail
    assert f": {'d' * 500}... [501 characters in all]. Next:" in str(error)


# -- attempts ----------------------------------------------------------------------


@pytest.mark.parametrize(("max_retries", "said"), [(0, ""), (1, " (after 2 attempts)")])
async def test_the_message_counts_attempts_only_when_retried(
    make_client: MakeClient, max_retries: int, said: str
) -> None:
    h = make_client(
        lambda request: httpx.Response(503, json={"detail": "Down."}), max_retries=max_retries
    )
    with pytest.raises(InternalServerError) as info:
        await h.client.datasets.list()
    assert len(h.requests) == max_retries + 1
    assert str(info.value) == f"{LIST} failed with 503: Down{said}. Next: try again later."


# -- bodies that are not JSON ------------------------------------------------------


async def test_a_body_that_is_not_utf8_is_kept_as_text(make_client: MakeClient) -> None:
    raw = b"<html>caf\xe9 \xff\xfe down</html>"
    error = await _list_error(make_client, httpx.Response(502, content=raw))
    assert type(error) is InternalServerError
    assert error.body == "<html>caf\ufffd \ufffd\ufffd down</html>"
    assert error.detail is None


async def test_a_text_body_is_kept_to_2000_bytes_even_mid_character(
    make_client: MakeClient,
) -> None:
    raw = ("x" + "é" * 1500).encode()  # byte 2000 is the first half of an 'é'
    error = await _list_error(make_client, httpx.Response(502, content=raw))
    assert error.body == "x" + "é" * 999 + "\ufffd"


# -- request ids -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "request_id"),
    [
        ({"x-amzn-RequestId": "amzn-1"}, "amzn-1"),
        ({"X-Request-Id": "req-1", "x-amzn-requestid": "amzn-1"}, "req-1"),
        ({}, None),
    ],
    ids=["amazon", "both", "none"],
)
async def test_the_request_id_comes_from_either_header(
    make_client: MakeClient, headers: dict[str, str], request_id: str | None
) -> None:
    error = await _list_error(make_client, httpx.Response(500, headers=headers))
    assert error.request_id == request_id


# -- Retry-After -------------------------------------------------------------------


async def test_a_429_with_a_date_retry_after_waits_until_that_date(
    make_client: MakeClient,
) -> None:
    when = formatdate(time.time() + 100, usegmt=True)
    error = await _list_error(make_client, httpx.Response(429, headers={"Retry-After": when}))
    assert isinstance(error, RateLimitError)
    assert error.retry_after is not None
    assert 98.0 <= error.retry_after <= 100.5


@pytest.mark.parametrize(
    ("header", "retry_after"),
    [
        ("nan", None),
        ("NaN", None),
        ("-3", 0.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # a date in the past: no wait
        ("soon", None),
        (" 2.5 ", 2.5),
    ],
)
async def test_a_429_retry_after_that_is_not_a_wait_gives_none_or_zero(
    make_client: MakeClient, header: str, retry_after: float | None
) -> None:
    error = await _list_error(make_client, httpx.Response(429, headers={"Retry-After": header}))
    assert isinstance(error, RateLimitError)
    assert error.retry_after == retry_after


# -- the server's scope answer -----------------------------------------------------


@pytest.mark.parametrize(
    ("detail", "missing"),
    [
        ("API key missing required scope 'llm_prompt:write'", ("llm_prompt:write",)),
        ("API key missing required scope 'a:read' (it has 'b:read')", ("a:read",)),
        ("'a:read' is a missing required scope", ("a:read",)),
        ("['a:read'] is a missing required scope", ("a:read",)),
        ("The key doesn't have a missing required scope", ()),
        ("API key missing required scope", ()),
    ],
)
async def test_a_scope_answer_names_the_first_quoted_scope(
    make_client: MakeClient, detail: str, missing: tuple[str, ...]
) -> None:
    error = await _list_error(make_client, httpx.Response(403, json={"detail": detail}))
    assert type(error) is ScopeError
    assert error.missing == missing
    assert error.granted is None
    assert error.operation == "datasets_list"
    assert error.status_code == 403


async def test_a_403_without_the_scope_marker_is_not_a_scope_error(
    make_client: MakeClient,
) -> None:
    error = await _list_error(
        make_client, httpx.Response(403, json={"detail": "You lack 'a:read'."})
    )
    assert type(error) is PermissionDeniedError


# -- status_error called directly ---------------------------------------------------


def _response(status: int, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.Response(status, request=httpx.Request("GET", f"{HOST}{path}?q=1"), **kwargs)


def test_without_an_operation_the_message_starts_with_the_method() -> None:
    error = status_error(_response(404, "/api/x/"))
    assert error.operation is None
    assert error.url == f"{HOST}/api/x/"
    assert str(error) == "GET /api/x/ failed with 404. Next: check the id, name or version."


@pytest.mark.parametrize(("length", "cut"), [(200, False), (201, True), (600, True)])
def test_a_long_path_is_shown_up_to_200_characters(length: int, cut: bool) -> None:
    path = "/" + "p" * (length - 1)
    error = status_error(_response(404, path), operation="op")
    shown = f"{path[:200]}... [{length:,} characters in all]" if cut else path
    assert str(error) == f"op (GET {shown}) failed with 404. Next: check the id, name or version."


def test_a_given_body_is_used_as_is() -> None:
    error = status_error(_response(400, "/api/x/", json={"detail": "ignored"}), body=None)
    assert error.body is None
    assert error.detail is None
