"""What changed between two versions of a prompt."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from posthog_api.prompts.prompt import Prompt

__all__ = ["PromptDiff", "diff_prompts"]


@dataclass(frozen=True, slots=True)
class PromptDiff:
    """The difference from prompt version ``a`` to version ``b``.

    ``unified`` is a ``difflib`` unified diff of the two texts with ``name@a`` /
    ``name@b`` headers (empty when the texts are equal). ``added_variables`` and
    ``removed_variables`` are in order of first use in ``b`` and ``a`` respectively;
    ``changed`` says whether the texts differ at all.
    """

    name: str
    a: int
    b: int
    unified: str
    added_variables: list[str] = field(default_factory=list)
    removed_variables: list[str] = field(default_factory=list)
    changed: bool = False
    """Whether the texts differ at all (``unified`` ignores a missing final newline)."""

    def __str__(self) -> str:
        lines: list[str] = []
        if self.unified:
            lines.append(self.unified.rstrip("\n"))
        elif self.changed:
            lines.append(f"{self.name}@{self.a} -> {self.name}@{self.b}: only the final newline")
        else:
            lines.append(f"{self.name}@{self.a} and {self.name}@{self.b}: no text changes")
        if self.added_variables or self.removed_variables:
            changes: list[str] = []
            if self.added_variables:
                changes.append("added " + ", ".join(self.added_variables))
            if self.removed_variables:
                changes.append("removed " + ", ".join(self.removed_variables))
            lines.append("variables: " + "; ".join(changes))
        else:
            lines.append("variables: unchanged")
        return "\n".join(lines)


def diff_prompts(a: Prompt, b: Prompt, *, context: int = 3) -> PromptDiff:
    """Compare two prompts (usually two versions of one name), ``a`` being the older."""
    text_a = a.text
    text_b = b.text
    label_a = f"{a.name}@{a.version}"
    label_b = f"{b.name}@{b.version}"
    lines = difflib.unified_diff(
        _lines(text_a), _lines(text_b), fromfile=label_a, tofile=label_b, n=context
    )
    unified = "".join(lines)
    vars_a = a.variables
    vars_b = b.variables
    set_a = set(vars_a)
    set_b = set(vars_b)
    return PromptDiff(
        name=b.name if a.name == b.name else f"{a.name}..{b.name}",
        a=a.version,
        b=b.version,
        unified=unified,
        added_variables=[v for v in vars_b if v not in set_a],
        removed_variables=[v for v in vars_a if v not in set_b],
        changed=text_a != text_b,
    )


def _lines(text: str) -> list[str]:
    # Every line ends with a newline so a change to the last line renders cleanly.
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"
    return lines
