"""The request path's own messages word for word, and what its exceptions carry.

Covers what ``AsyncPostHog`` itself says (not the status mapping of ``_errors``): the
client's repr, scope refusals, option checks, a closed client, transport failures and
unreadable answers on a later page, and a body whose encoding does not decode. A user
reads these first, so each names the call, what was wrong and what to do next.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from posthog_api._client import AsyncPostHog
from posthog_api._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ConfigurationError,
    ResponseValidationError,
    ScopeError,
)

from .conftest import API_KEY, HOST, PROJECT_ID, MakeClient
from .test_pagination import PATH, row

NEXT_ADVICE = (
    "which does not match the API description. Next: upgrade posthog-api-async, or report "
    "it (the body is on the exception's .body)."
)


def _two_pages(second: Any) -> Any:
    """A list whose first page links to a second one answered by ``second(request)``."""

    def handler(request: httpx.Request) -> httpx.Response:
        if "offset" not in request.url.params:
            nxt = f"{HOST}{PATH}?limit=1&offset=1"
            return httpx.Response(200, json={"count": 2, "next": nxt, "results": [row(0)]})
        return second(request)

    return handler


async def _second_page_error(make_client: MakeClient, second: Any, **kwargs: Any) -> Any:
    kwargs.setdefault("max_retries", 0)
    h = make_client(_two_pages(second), **kwargs)
    with pytest.raises(Exception) as info:  # the type is asserted by each caller
        await h.client.datasets.list().collect()
    return info.value


# -- repr and scopes ---------------------------------------------------------------


async def test_repr_names_host_project_sorted_scopes_and_retries(make_client: MakeClient) -> None:
    h = make_client(lambda r: httpx.Response(200), scopes=["llm_prompt:read", "dataset:read"])
    assert repr(h.client) == (
        f"AsyncPostHog(host='{HOST}', project_id='{PROJECT_ID}', "
        "scopes=['dataset:read', 'llm_prompt:read'], max_retries=2)"
    )
    plain = make_client(lambda r: httpx.Response(200), max_retries=5)
    assert repr(plain.client) == (
        f"AsyncPostHog(host='{HOST}', project_id='{PROJECT_ID}', scopes=None, max_retries=5)"
    )
    assert API_KEY not in repr(h.client) + repr(plain.client)


async def test_a_scope_refusal_names_every_missing_and_granted_scope(
    make_client: MakeClient,
) -> None:
    h = make_client(lambda r: httpx.Response(200), scopes=["llm_prompt:read", "dataset:read"])
    with pytest.raises(ScopeError) as info:
        await h.client.max_tools.create_and_query_insight(query_description="q")
    assert str(info.value) == (
        "posthog.max_tools.create_and_query_insight needs the API key scope(s) insight:read, "
        "query:read, which the client was told the key lacks (granted: dataset:read, "
        "llm_prompt:read). Next: add the scope to the key in PostHog and to scopes=[...]."
    )
    assert h.requests == []


async def test_a_scope_refusal_with_no_scopes_granted_says_none(make_client: MakeClient) -> None:
    h = make_client(lambda r: httpx.Response(200), scopes=[])
    with pytest.raises(ScopeError) as info:
        await h.client.datasets.list().collect()
    assert "lacks (granted: none). Next:" in str(info.value)
    assert info.value.granted == ()


async def test_a_granted_list_scope_pages_through_later_pages(make_client: MakeClient) -> None:
    """Later pages are checked against the same scopes as the first: granted, they load."""
    h = make_client(
        _two_pages(lambda r: httpx.Response(200, json={"count": 2, "results": [row(1)]})),
        scopes=["dataset:read"],
    )
    assert [d.name for d in await h.client.datasets.list().collect()] == ["d0", "d1"]


def test_scopes_that_are_not_a_list_are_refused_naming_the_type() -> None:
    with pytest.raises(ConfigurationError) as info:
        AsyncPostHog(api_key=API_KEY, project_id=PROJECT_ID, scopes=b"dataset:read")  # type: ignore[arg-type]
    assert str(info.value) == (
        "scopes must be a list of strings such as ['llm_prompt:read'], got bytes"
    )


# -- the timeout option: how a refused value is shown -------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (-(2**63), "-9223372036854775808"),  # 64 bits: still shown
        (-(2**64), "an int of 20 digits"),  # 65 bits: described
        (10**400, "an int of 401 digits"),  # too large for a float
        ("x" * 38, repr("x" * 38)),  # a 40-character repr: shown
        ("x" * 39, "str"),  # 41 characters: the type only
    ],
)
def test_a_refused_timeout_is_shown_short(value: object, shown: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        AsyncPostHog(api_key=API_KEY, project_id=PROJECT_ID, timeout=value)  # type: ignore[arg-type]
    assert str(info.value) == (
        "timeout must be a finite number of seconds > 0 (0 times every request out at once), "
        f"None (no limit) or an httpx.Timeout, got {shown}"
    )


# -- a closed client, copies ---------------------------------------------------------


async def test_a_call_on_a_closed_client_says_so_word_for_word(make_client: MakeClient) -> None:
    h = make_client(lambda r: httpx.Response(200, json={"count": 0, "results": []}))
    await h.client.aclose()
    with pytest.raises(ConfigurationError) as info:
        await h.client.datasets.list().collect()
    assert str(info.value) == (
        "posthog.datasets.list: this AsyncPostHog is closed (aclose() or the end of its "
        "'async with'), or the client it was copied from with with_options() is, so nothing "
        "is sent. Next: create a new client."
    )
    assert h.requests == []


async def test_closing_a_copy_leaves_the_original_prompt_cache_open(
    make_client: MakeClient,
) -> None:
    h = make_client(lambda r: httpx.Response(200))
    copy = h.client.with_options(max_retries=0)
    await copy.aclose()
    # The cache is shared: only its owner (the original) closes it.
    assert not h.client._prompt_cache._closed
    h.client.prompts.invalidate("p")  # a closed cache would refuse this


# -- later pages: transport failures ---------------------------------------------------


async def test_a_timeout_on_a_later_page_names_the_call_and_chains_the_cause(
    make_client: MakeClient,
) -> None:
    def second(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    error = await _second_page_error(make_client, second)
    assert type(error) is APITimeoutError
    assert str(error) == (
        "posthog.datasets.list timed out (ReadTimeout) after 1 attempt(s). Next: raise the "
        "timeout (timeout=... on the call or with_options(timeout=...)) or check the network."
    )
    assert isinstance(error.__cause__, httpx.ReadTimeout)
    assert (error.method, error.url) == ("GET", f"{HOST}{PATH}")


class _NoAttributes(httpx.ReadTimeout):
    """A timeout type that takes no new attributes: the attempt count cannot be recorded."""

    def __setattr__(self, name: str, value: object) -> None:
        if name.startswith("posthog"):
            raise AttributeError(name)
        super().__setattr__(name, value)


async def test_a_timeout_without_a_recorded_attempt_count_says_one_attempt(
    make_client: MakeClient,
) -> None:
    def second(request: httpx.Request) -> httpx.Response:
        raise _NoAttributes("slow", request=request)

    error = await _second_page_error(make_client, second)
    assert type(error) is APITimeoutError
    assert "timed out (_NoAttributes) after 1 attempt(s)." in str(error)


async def test_a_connection_error_on_a_later_page_chains_the_cause(
    make_client: MakeClient,
) -> None:
    def second(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    error = await _second_page_error(make_client, second)
    assert type(error) is APIConnectionError
    assert str(error).startswith(
        f"posthog.datasets.list could not reach {HOST} (ConnectError) after 1"
    )
    assert isinstance(error.__cause__, httpx.ConnectError)


# -- later pages: answers the SDK cannot use -------------------------------------------


async def test_a_later_page_that_is_not_json_is_described_word_for_word(
    make_client: MakeClient,
) -> None:
    error = await _second_page_error(make_client, lambda r: httpx.Response(200, text="<html>"))
    assert type(error) is ResponseValidationError
    assert str(error) == (
        "posthog.datasets.list: the 200 response could not be parsed (JSONDecodeError: "
        f"Expecting value: line 1 column 1 (char 0)), {NEXT_ADVICE}"
    )
    assert error.__cause__ is None and error.__suppress_context__
    assert (error.method, error.url, error.status_code) == ("GET", f"{HOST}{PATH}", 200)
    assert (error.body, error.operation) == ("<html>", "datasets_list")


async def test_a_later_page_nested_too_deeply_says_so(make_client: MakeClient) -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    error = await _second_page_error(make_client, lambda r: httpx.Response(200, content=body))
    assert type(error) is ResponseValidationError
    assert str(error) == (
        "posthog.datasets.list: the 200 response could not be parsed (JSON nested too "
        f"deeply), {NEXT_ADVICE}"
    )


@pytest.mark.parametrize(("length", "cut"), [(172, False), (173, True)])
async def test_a_parse_error_quotes_at_most_200_characters(
    make_client: MakeClient, length: int, cut: bool
) -> None:
    # "Invalid isoformat string: '...'" is 28 characters around the value.
    value = "x" * length

    def second(request: httpx.Request) -> httpx.Response:
        page = {"count": 2, "results": [dict(row(1), created_at=value)]}
        return httpx.Response(200, json=page)

    error = await _second_page_error(make_client, second)
    assert type(error) is ResponseValidationError
    text = f"Invalid isoformat string: {value!r}"
    shown = f"{text[:200]}... [{len(text):,} characters in all]" if cut else text
    assert str(error) == (
        "posthog.datasets.list: the 200 response could not be parsed "
        f"(ValueError: {shown}), {NEXT_ADVICE}"
    )


async def test_a_later_page_with_a_wrong_field_and_no_rows_is_refused(
    make_client: MakeClient,
) -> None:
    error = await _second_page_error(
        make_client, lambda r: httpx.Response(200, json={"count": "many", "results": []})
    )
    assert type(error) is ResponseValidationError
    assert str(error) == (
        "posthog.datasets.list: the 200 response has a field the SDK cannot use: count is "
        f"str 'many', expected an int >= 0 or null, {NEXT_ADVICE}"
    )


# -- next links that are not followed ------------------------------------------------


async def _link_error(make_client: MakeClient, url: str) -> APIError:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"count": 9, "next": url, "results": [row(0)]})

    h = make_client(handler)
    with pytest.raises(APIError) as info:
        await h.client.datasets.list().collect()
    assert len(h.requests) == 1
    return info.value


async def test_an_unparseable_next_link_is_described_word_for_word(
    make_client: MakeClient,
) -> None:
    error = await _link_error(make_client, "https://tab\there.example/?token=SECRET")
    assert str(error) == (
        "posthog.datasets.list: the server's next-page URL (at https://tab\\there.example) "
        "cannot be parsed (InvalidURL); paging stopped. The pages before it were delivered; "
        "report the URL to the server's operator."
    )


@pytest.mark.parametrize(
    ("scheme", "shown"),
    [
        ("javascript", "javascript"),
        ("s" * 20, "s" * 20),
        ("s" * 21, "s" * 20 + "... [21 characters in all]"),
    ],
)
async def test_a_next_link_of_another_scheme_is_described_word_for_word(
    make_client: MakeClient, scheme: str, shown: str
) -> None:
    error = await _link_error(make_client, f"{scheme}:alert(1)")
    assert str(error) == (
        f"posthog.datasets.list: the server's next-page URL has the scheme {shown}:, not http(s); "
        "it was not followed. Paging stopped. The pages before it were delivered; report the "
        "URL to the server's operator."
    )


async def test_a_next_link_elsewhere_is_described_word_for_word(make_client: MakeClient) -> None:
    error = await _link_error(make_client, "https://other.example/api/?token=SECRET")
    assert str(error) == (
        f"posthog.datasets.list: the server's next-page URL points at https://other.example, not "
        f"{HOST}; it was not followed so that the API key is never sent to another host. "
        "Paging stopped."
    )


# -- a body that does not decode, connection errors on a first page -------------------


@pytest.mark.parametrize("status", [200, 500])
async def test_a_body_that_does_not_decode_is_a_response_validation_error(
    make_client: MakeClient, status: int
) -> None:
    """A gzip Content-Encoding over a plain body: the SDK's error, not httpx's DecodingError."""
    h = make_client(
        lambda r: httpx.Response(status, content=b"plain", headers={"Content-Encoding": "gzip"}),
        max_retries=0,
    )
    with pytest.raises(ResponseValidationError) as info:
        await h.client.datasets.list().collect()
    assert str(info.value) == (
        "posthog.datasets.list: the response body could not be decoded (Error -3 while "
        "decompressing data: incorrect header check); its Content-Encoding does not match it. "
        "Next: retry, or report it to the server's operator."
    )
    assert (info.value.method, info.value.url) == ("GET", f"{HOST}{PATH}")
    assert info.value.operation == "datasets_list"
    assert info.value.__cause__ is None and info.value.__suppress_context__


async def test_a_later_page_that_does_not_decode_is_a_response_validation_error(
    make_client: MakeClient,
) -> None:
    error = await _second_page_error(
        make_client,
        lambda r: httpx.Response(200, content=b"plain", headers={"Content-Encoding": "gzip"}),
    )
    assert type(error) is ResponseValidationError
    assert str(error).startswith("posthog.datasets.list: the response body could not be decoded (")
    assert error.__cause__ is None


async def test_a_connection_error_on_a_first_page_chains_the_cause(
    make_client: MakeClient,
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    h = make_client(refuse, max_retries=0)
    with pytest.raises(APIConnectionError) as info:
        await h.client.datasets.list().collect()
    assert isinstance(info.value.__cause__, httpx.ConnectError)


async def test_a_connection_error_without_a_recorded_attempt_count_says_one_attempt(
    make_client: MakeClient,
) -> None:
    class NoAttributes(httpx.ConnectError):
        def __setattr__(self, name: str, value: object) -> None:
            if name.startswith("posthog"):
                raise AttributeError(name)
            super().__setattr__(name, value)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise NoAttributes("refused", request=request)

    h = make_client(refuse, max_retries=0)
    with pytest.raises(APIConnectionError) as info:
        await h.client.datasets.list().collect()
    assert str(info.value) == (
        f"posthog.datasets.list could not reach {HOST} (NoAttributes) after 1 attempt(s). "
        "Next: check POSTHOG_HOST and the network."
    )


async def test_a_create_answered_200_is_described_word_for_word(make_client: MakeClient) -> None:
    h = make_client(lambda r: httpx.Response(200, json={"name": "n"}))
    with pytest.raises(ResponseValidationError) as info:
        await h.client.datasets.create(name="n")
    assert str(info.value) == (
        "posthog.datasets.create: the server answered 200 where 201 was expected, which does not "
        "match the API description. Next: upgrade posthog-api-async, or report it (the body is "
        "on the exception's .body)."
    )
    assert (info.value.status_code, info.value.body) == (200, '{"name":"n"}')
