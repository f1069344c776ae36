"""The retry transport and the rate budget: every attempt waits its turn (retries too), a
429's Retry-After drains the budget, and a refused turn sends nothing."""

from __future__ import annotations

import httpx
import pytest

from posthog_api._budget import BUDGET_EXTENSION
from posthog_api._errors import RateLimitError
from posthog_api._transport import RetryTransport

URL = "https://eu.posthog.com/api/projects/1/llm_prompts/"


class Ticket:
    """Records what the transport asks of the budget."""

    def __init__(self, refuse_after: int | None = None) -> None:
        self.acquired = 0
        self.drained: list[float | None] = []
        self.refuse_after = refuse_after

    async def acquire(self) -> None:
        if self.refuse_after is not None and self.acquired >= self.refuse_after:
            raise RateLimitError("over budget", status_code=429, retry_after=5.0)
        self.acquired += 1

    async def throttled(self, retry_after: float | None) -> None:
        self.drained.append(retry_after)


def _transport(statuses: list[tuple[int, dict[str, str]]]) -> tuple[RetryTransport, list[int]]:
    sent: list[int] = []

    def answer(request: httpx.Request) -> httpx.Response:
        status, headers = statuses[len(sent)]
        sent.append(status)
        return httpx.Response(status, headers=headers, json={})

    async def no_sleep(seconds: float) -> None:
        pass

    return RetryTransport(httpx.MockTransport(answer), max_retries=3, sleep=no_sleep), sent


def _request(ticket: object) -> httpx.Request:
    request = httpx.Request("GET", URL)
    request.extensions[BUDGET_EXTENSION] = ticket
    return request


async def test_every_attempt_waits_its_turn_and_a_429_drains_the_budget() -> None:
    transport, sent = _transport([(429, {"Retry-After": "7"}), (503, {}), (200, {})])
    ticket = Ticket()
    response = await transport.handle_async_request(_request(ticket))
    assert response.status_code == 200
    assert sent == [429, 503, 200]
    assert ticket.acquired == 3  # the first attempt and both retries
    assert ticket.drained == [7.0]  # the 429 only, with its Retry-After


async def test_a_429_without_retry_after_drains_with_none() -> None:
    transport, _ = _transport([(429, {}), (200, {})])
    ticket = Ticket()
    await transport.handle_async_request(_request(ticket))
    assert ticket.drained == [None]


async def test_a_refused_turn_sends_nothing() -> None:
    transport, sent = _transport([(503, {}), (200, {})])
    ticket = Ticket(refuse_after=1)  # the first attempt goes, its retry is refused
    with pytest.raises(RateLimitError, match="over budget"):
        await transport.handle_async_request(_request(ticket))
    assert sent == [503]


async def test_without_a_ticket_nothing_changes() -> None:
    transport, sent = _transport([(429, {"Retry-After": "1"}), (200, {})])
    response = await transport.handle_async_request(httpx.Request("GET", URL))
    assert response.status_code == 200 and sent == [429, 200]


ENDLESS = [("inf", [429]), ("1e400", [429]), ("-inf", [429, 200]), ("nan", [429, 200])]


@pytest.mark.parametrize(("header", "sent_then"), ENDLESS)
async def test_a_non_finite_retry_after_drains_the_budget_as_none(
    header: str, sent_then: list[int]
) -> None:
    """No server means ``Retry-After: inf``: the budget hears None (its default pause), not
    an infinite one that stopped the key for good. An infinite wait still ends the retries
    (it is more than 60 s); a negative or NaN one is unreadable: the usual backoff."""
    transport, sent = _transport([(429, {"Retry-After": header}), (200, {})])
    ticket = Ticket()
    response = await transport.handle_async_request(_request(ticket))
    assert sent == sent_then and response.status_code == sent_then[-1]
    assert ticket.drained == [None]


async def test_a_long_but_finite_retry_after_still_ends_the_retries() -> None:
    transport, sent = _transport([(429, {"Retry-After": "1e9"}), (200, {})])
    ticket = Ticket()
    response = await transport.handle_async_request(_request(ticket))
    assert response.status_code == 429 and sent == [429]  # more than 60 s: not waited out
    assert ticket.drained == [1e9]  # the budget caps it (see test_rate_budget.py)
