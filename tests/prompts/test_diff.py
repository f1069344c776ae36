"""``diff_prompts``: unified diff with name@version headers and variable changes."""

from __future__ import annotations

import difflib
import hashlib
import random
import time

import pytest

from posthog_api.prompts import Prompt, diff_prompts


def version(n: int, prompt: object) -> Prompt:
    return Prompt(name="support-bot", version=n, id=f"u-{n}", prompt=prompt)


def test_unified_diff_with_name_at_version_headers() -> None:
    a = version(3, "You are helpful.\nGreet {{name}}.\nBe brief.")
    b = version(4, "You are helpful.\nGreet {{name}} from {{company}}.\nBe brief.")
    d = diff_prompts(a, b)
    assert d.name == "support-bot"
    assert (d.a, d.b) == (3, 4)
    assert d.changed
    lines = d.unified.splitlines()
    assert lines[0] == "--- support-bot@3"
    assert lines[1] == "+++ support-bot@4"
    assert "-Greet {{name}}." in lines
    assert "+Greet {{name}} from {{company}}." in lines
    assert " You are helpful." in lines
    assert d.added_variables == ["company"]
    assert d.removed_variables == []


def test_removed_and_added_variables_in_order() -> None:
    a = version(1, "{{a}} {{b}} {{c}}")
    b = version(2, "{{c}} {{e}} {{d}}")
    d = diff_prompts(a, b)
    assert d.added_variables == ["e", "d"]
    assert d.removed_variables == ["a", "b"]
    text = str(d)
    assert text.startswith("--- support-bot@1\n+++ support-bot@2\n")
    assert text.endswith("variables: added e, d; removed a, b")


def test_identical_texts() -> None:
    d = diff_prompts(version(1, "same {{x}}"), version(2, "same {{x}}"))
    assert not d.changed
    assert d.unified == ""
    assert str(d) == "support-bot@1 and support-bot@2: no text changes\nvariables: unchanged"


def test_change_on_the_last_line_without_newline() -> None:
    d = diff_prompts(version(1, "a\nb"), version(2, "a\nc"))
    assert d.unified.endswith("-b\n+c\n")


def test_only_the_final_newline_changed() -> None:
    d = diff_prompts(version(1, "a\n"), version(2, "a"))
    assert d.changed
    assert d.unified == ""
    assert "only the final newline" in str(d)


def test_json_prompts_are_diffed_as_compact_json() -> None:
    d = diff_prompts(version(1, {"x": "{{a}}"}), version(2, {"x": "{{b}}"}))
    assert '-{"x":"{{a}}"}' in d.unified
    assert '+{"x":"{{b}}"}' in d.unified
    assert d.added_variables == ["b"]
    assert d.removed_variables == ["a"]


def test_different_names_are_labelled() -> None:
    a = Prompt(name="one", version=1, id="1", prompt="x")
    b = Prompt(name="two", version=5, id="2", prompt="y")
    d = diff_prompts(a, b)
    assert d.name == "one..two"
    assert d.unified.splitlines()[:2] == ["--- one@1", "+++ two@5"]


# -- exact content comparison (issue 9, item 5) -----------------------------------------------


def same_content(a: object, b: object) -> bool:
    from posthog_api.prompts.diff import same_content

    return same_content(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (True, 1),
        (False, 0),
        (0.0, 0),
        (1.0, 1),
        (-0.0, 0.0),
        ({"stream": True}, {"stream": 1}),
        ({"x": [{"t": 0.0}]}, {"x": [{"t": 0}]}),
        ([1, [True]], [1, [1]]),
        ("a\r\nb", "a\nb"),
        ("caf\u00e9", "cafe\u0301"),  # NFC and NFD: different bytes, different prompts
        ("1", 1),
        (None, "null"),
        ({"a": 1}, {"a": 1, "b": None}),
    ],
)
def test_same_content_tells_apart_what_python_equality_confuses(a: object, b: object) -> None:
    assert not same_content(a, b)
    assert not same_content(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("text\r\n", "text\r\n"),
        (
            {"b": [True, None, 1.5], "a": {"y": 0, "x": 0.0}},
            {"a": {"x": 0.0, "y": 0}, "b": [True, None, 1.5]},
        ),
        ([1, 2.5, "x"], (1, 2.5, "x")),  # a tuple is sent as the same JSON array
        (10**30, 10**30),
    ],
)
def test_same_content_is_true_for_the_same_json(a: object, b: object) -> None:
    assert same_content(a, b) and same_content(b, a)


def test_same_content_of_values_that_are_not_json_is_false() -> None:
    assert not same_content({1, 2}, {1, 2})  # not JSON: "changed", so publishing validates it
    assert not same_content(float("nan"), float("nan"))


# -- bounded diffs (issue 9, item 9) ----------------------------------------------------------


def quadratic_pair() -> tuple[str, str]:
    """Two ~0.9 MB texts on which difflib is quadratic (each old line, then a new one)."""
    lines = [f"{i:05d} " + "lorem ipsum dolor sit amet, " * 6 + "\n" for i in range(5000)]
    return "".join(lines), "".join(f"{line}n{i}\n" for i, line in enumerate(lines))


def test_a_diff_of_two_1mb_prompts_is_summarised_quickly() -> None:
    old, new = quadratic_pair()
    started = time.perf_counter()
    d = diff_prompts(version(1, old), version(2, new))
    assert time.perf_counter() - started < 2.0
    assert d.changed and d.summarised
    lines = d.unified.splitlines()
    assert lines[:2] == ["--- support-bot@1", "+++ support-bot@2"]
    assert "too large to diff line by line" in lines[2]
    assert "support-bot@1 lines 2-5,000 -> support-bot@2 lines 2-10,000" in lines[2]
    old_sha = hashlib.sha256(old.encode()).hexdigest()
    new_sha = hashlib.sha256(new.encode()).hexdigest()
    assert lines[3] == f"# support-bot@1: {len(old):,} bytes, 5,000 lines, sha256 {old_sha}"
    assert lines[4] == f"# support-bot@2: {len(new):,} bytes, 10,000 lines, sha256 {new_sha}"
    assert str(d).startswith(d.unified.rstrip("\n"))


def test_one_edit_in_a_1mb_prompt_is_still_a_real_diff_with_true_line_numbers() -> None:
    old = "".join(
        f"line {i} of a long prompt, padded to make it big enough\n" for i in range(18000)
    )
    new = old.replace("line 9000 of", "line 9000 (edited) of")
    started = time.perf_counter()
    d = diff_prompts(version(1, old), version(2, new))
    assert time.perf_counter() - started < 2.0
    assert not d.summarised
    expected = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile="support-bot@1",
        tofile="support-bot@2",
    )
    assert d.unified == "".join(expected)
    assert "@@ -8998,7 +8998,7 @@" in d.unified


def test_diffs_within_the_bound_are_difflib_diffs() -> None:
    rng = random.Random(7)
    for _ in range(300):
        a = "".join(rng.choice("abcd") + "\n" for _ in range(rng.randint(0, 25)))
        b = "".join(rng.choice("abcd") + "\n" for _ in range(rng.randint(0, 25)))
        d = diff_prompts(version(1, "x\n" + a + "z\n"), version(2, "y\n" + b + "w\n"))
        expected = difflib.unified_diff(
            ("x\n" + a + "z\n").splitlines(keepends=True),
            ("y\n" + b + "w\n").splitlines(keepends=True),
            fromfile="support-bot@1",
            tofile="support-bot@2",
        )
        assert d.unified == "".join(expected)
