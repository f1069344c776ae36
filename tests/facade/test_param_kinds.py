"""Argument checks by parameter kind, including kinds no operation of today's spec uses
(the generator can emit them for a new operation)."""

from __future__ import annotations

import math

import pytest
from posthog_api_client.operations import Param

from posthog_api import InvalidRequestError
from posthog_api._validation import param_text

NUMBER = Param("ratio", "ratio", "query", "number")


@pytest.mark.parametrize(
    ("value", "sent"), [(1.5, "1.5"), (3, "3"), (10**400, str(10**400)), (-0.0, "-0.0")]
)
def test_numbers_are_sent_exactly(value: float, sent: str) -> None:
    assert param_text(NUMBER, value, "ratio") == sent


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, True, "1.5", None])
def test_what_is_not_a_finite_number_is_refused(value: object) -> None:
    with pytest.raises(InvalidRequestError, match="ratio must be"):
        param_text(NUMBER, value, "ratio")
