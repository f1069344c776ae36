"""``diff_prompts``: unified diff with name@version headers and variable changes."""

from __future__ import annotations

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
