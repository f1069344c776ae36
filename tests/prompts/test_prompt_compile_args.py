"""``Prompt.compile`` takes its variables as keywords or as one mapping; a mapping passed
where ``strict`` used to sit positionally is never read as a flag."""

from __future__ import annotations

import pytest

from posthog_api import InvalidRequestError, MissingVariablesError
from posthog_api.prompts import Prompt

GREET = Prompt(name="greet", version=1, id="", prompt="Hi {{name}} from {{strict}}")


def test_a_mapping_fills_the_variables_and_may_name_strict() -> None:
    assert GREET.compile({"name": "Ada", "strict": "Acme"}) == "Hi Ada from Acme"
    assert GREET.compile({"name": "Ada"}, strict=False) == "Hi Ada from {{strict}}"


def test_keywords_win_over_the_mapping() -> None:
    assert GREET.compile({"name": "Ada", "strict": "A"}, name="Bo") == "Hi Bo from A"


def test_a_mapping_missing_a_variable_is_still_strict() -> None:
    with pytest.raises(MissingVariablesError, match="strict"):
        GREET.compile({"name": "Ada"})


@pytest.mark.parametrize(
    ("args", "kwargs", "named"),
    [(("Ada",), {}, "mapping"), ((), {"strict": "no"}, "strict"), (([("a", 1)],), {}, "list")],
)
def test_what_is_not_a_mapping_or_a_bool_is_refused(
    args: tuple[object, ...], kwargs: dict[str, object], named: str
) -> None:
    with pytest.raises(InvalidRequestError, match=named):
        GREET.compile(*args, **kwargs)  # type: ignore[arg-type]
