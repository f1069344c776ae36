"""What changed between two versions of a prompt, and whether two contents are the same.

Diffs are bounded: ``difflib`` is quadratic (or worse) in the lines it compares, so only the
region between the common first and last lines is diffed, and one too large is summarised by
sizes and SHA-256 hashes: a 1 MB prompt (PostHog's limit) costs milliseconds, not minutes.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from posthog_api.prompts.prompt import Prompt

__all__ = ["MAX_DIFF_CHARS", "MAX_DIFF_WORK", "PromptDiff", "diff_prompts", "same_content"]

MAX_DIFF_WORK = 1_000_000
"""The most (changed old lines) x (changed new lines) diffed line by line (well under 1 s)."""

MAX_DIFF_CHARS = 256 * 1024
"""The most characters (both sides together) of a changed region diffed line by line."""

_HUNK_START = re.compile(r"(?<=[-+])\d+")  # the first line numbers in "@@ -12,3 +12,4 @@"


def same_content(a: Any, b: Any) -> bool:
    """Whether two prompt contents are the same JSON value, as PostHog stores and serves it.

    Unlike ``==`` (``True == 1``, ``0 == 0.0``): numbers, booleans and null compare by JSON
    type and text at any depth, strings code point for code point, objects regardless of
    key order. ``publish_if_changed``, ``update`` and ``prompts push`` publish on False.
    """
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and str.__eq__(a, b)
    text_a = _canonical(a)
    return text_a is not None and text_a == _canonical(b)


def _canonical(value: Any) -> str | None:
    # The JSON text itself is type-exact: true / 1 / 1.0 / -0.0 all render differently.
    try:
        return json.dumps(
            value, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
        )
    except (TypeError, ValueError, RecursionError):
        return None  # not comparable as JSON: treat as changed; publishing validates it


@dataclass(frozen=True, slots=True)
class PromptDiff:
    """The difference from prompt version ``a`` to version ``b``.

    ``unified`` is a unified diff with ``name@a`` / ``name@b`` headers (empty when the texts
    differ at most by a final newline), or a summary when ``summarised`` (the change was too
    large to diff). ``changed``: whether the texts differ at all. The variable lists are in
    order of first use in ``b`` and ``a`` respectively.
    """

    name: str
    a: int
    b: int
    unified: str
    added_variables: list[str] = field(default_factory=list)
    removed_variables: list[str] = field(default_factory=list)
    changed: bool = False
    summarised: bool = False

    def __str__(self) -> str:
        if self.unified:
            head = self.unified.rstrip("\n")
        elif self.changed:
            head = f"{self.name}@{self.a} -> {self.name}@{self.b}: only the final newline"
        else:
            head = f"{self.name}@{self.a} and {self.name}@{self.b}: no text changes"
        lists = (("added", self.added_variables), ("removed", self.removed_variables))
        changes = "; ".join(f"{verb} {', '.join(names)}" for verb, names in lists if names)
        return f"{head}\nvariables: {changes or 'unchanged'}"


def diff_prompts(a: Prompt, b: Prompt, *, context: int = 3) -> PromptDiff:
    """Compare two prompts (usually two versions of one name), ``a`` being the older."""
    text_a, text_b = a.text, b.text
    unified, summarised = bounded_unified_diff(
        text_a, text_b, f"{a.name}@{a.version}", f"{b.name}@{b.version}", context=context
    )
    vars_a, vars_b = dict.fromkeys(a.variables), dict.fromkeys(b.variables)  # ordered sets
    return PromptDiff(
        name=b.name if a.name == b.name else f"{a.name}..{b.name}",
        a=a.version,
        b=b.version,
        unified=unified,
        added_variables=[v for v in vars_b if v not in vars_a],
        removed_variables=[v for v in vars_a if v not in vars_b],
        changed=text_a != text_b,
        summarised=summarised,
    )


def bounded_unified_diff(
    old: str, new: str, fromfile: str, tofile: str, *, context: int = 3
) -> tuple[str, bool]:
    """``(text, summarised)``: a unified diff of two texts, or a summary when too large;
    ``text`` is empty when the texts differ at most by a missing final newline."""
    a, b = _lines(old), _lines(new)
    # The common first and last lines cost one linear pass and are never handed to difflib.
    shortest = min(len(a), len(b))
    start = end = 0
    while start < shortest and a[start] == b[start]:
        start += 1
    while end < shortest - start and a[-1 - end] == b[-1 - end]:
        end += 1
    stop_a, stop_b = len(a) - end, len(b) - end
    if start == stop_a and start == stop_b:
        return "", False
    changed_chars = sum(map(len, a[start:stop_a])) + sum(map(len, b[start:stop_b]))
    if (stop_a - start) * (stop_b - start) > MAX_DIFF_WORK or changed_chars > MAX_DIFF_CHARS:
        summary = (
            f"--- {fromfile}\n+++ {tofile}\n# too large to diff line by line: "
            f"{fromfile} {_span(start, stop_a)} -> {tofile} {_span(start, stop_b)}\n"
        )
        return summary + _describe(fromfile, old) + _describe(tofile, new), True
    # difflib on the changed region and its context; its hunk starts then count from `low`.
    low = max(0, start - context)
    window_a, window_b = a[low : stop_a + context], b[low : stop_b + context]
    out = []
    for line in difflib.unified_diff(window_a, window_b, fromfile, tofile, n=context):
        if line.startswith("@@"):
            line = _HUNK_START.sub(lambda match: str(int(match[0]) + low), line)
        # A line split at a lone "\r" (or another separator) still gets its own output line.
        out.append(line if line.endswith("\n") else line + "\n")
    return "".join(out), False


def _describe(label: str, text: str) -> str:
    data = text.encode("utf-8", "surrogatepass")
    count = len(text.splitlines())
    lines = f"{count:,} line" + ("" if count == 1 else "s")
    return f"# {label}: {len(data):,} bytes, {lines}, sha256 {hashlib.sha256(data).hexdigest()}\n"


def _span(start: int, stop: int) -> str:
    if stop <= start:
        return f"nothing (after line {start:,})"
    return f"line {stop:,}" if stop == start + 1 else f"lines {start + 1:,}-{stop:,}"


def _lines(text: str) -> list[str]:
    # Every line ends with a newline so a change to the last line renders cleanly.
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"
    return lines
