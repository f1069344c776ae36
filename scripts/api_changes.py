"""What a change to our spec and to the public Python surface breaks for SDK users.

    python scripts/api_changes.py [--base REF] [--json] [--repo DIR]

Compares openapi/posthog.yaml at REF (default: the last release tag, else the commit before
HEAD) with the working tree, operation by operation, and classifies each difference:
breaking for users of the SDK (an operation removed or renamed, a new required parameter or
field, a type or format changed, an enum value removed, a response field removed or no
longer required, ...) or not (additions, descriptions). Then the public API of the Python
packages (posthog_api, and posthog_api_client whose namespaces users call) at REF and now,
compared with griffe: removed or changed names and signatures.

Breaking changes must be labelled: with the version unchanged since REF, CHANGELOG.md's
"## [Unreleased]" section has a "**Breaking:**" entry (or a "### Breaking" heading); with the
version changed, it went up by a minor version while 0.x (a major one from 1.0) and
CHANGELOG.md has its section, flagging them the same way.

Exit status: 0 when nothing breaks or what breaks is labelled, 1 when a breaking change is
not labelled, 2 on a usage or git error.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import spec_walk as sw

ROOT = Path(__file__).resolve().parents[1]
SPEC = "openapi/posthog.yaml"
CHANGELOG = "CHANGELOG.md"
VERSION_FILE = "src/posthog_api/_version.py"
# The public Python surface: package name and the folder it is found in.
PACKAGES = (("posthog_api", "src"), ("posthog_api_client", "generated"))
EXIT_OK, EXIT_UNLABELLED, EXIT_USAGE = 0, 1, 2
REQUEST_SECTIONS = {"path", "query", "header", "cookie", "body"}
BREAKING_MARK = re.compile(r"(?mi)^(\s*[-*]\s+\*\*breaking\b|#{3,}\s+breaking\b)")
_VERSION = re.compile(r"""__version__\s*=\s*["']([^"']+)["']""")


class UsageError(Exception):
    """BASE or the repository cannot be used; the message says what to do."""


# --------------------------------------------------------------------------------- git


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise UsageError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def _ok(repo: Path, *args: str) -> bool:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, check=False)
    return result.returncode == 0


def default_base(repo: Path) -> str:
    """The last release tag reachable from HEAD, else the commit before HEAD."""
    result = subprocess.run(
        ["git", "describe", "--tags", "--abbrev=0", "HEAD"],
        cwd=repo, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode == 0 and result.stdout.strip():
        return result.stdout.strip()
    if _ok(repo, "rev-parse", "--verify", "--quiet", "HEAD~1^{commit}"):
        return "HEAD~1"
    raise UsageError(
        "no release tag and no commit before HEAD to compare with: pass BASE=<git ref>"
    )


def check_base(repo: Path, base: str) -> str:
    """The commit ``base`` names; UsageError when it names none."""
    if not _ok(repo, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"):
        raise UsageError(f"{base!r} is not a commit in {repo}: pass BASE=<tag, branch or commit>")
    return git(repo, "rev-parse", "--short", f"{base}^{{commit}}").strip()


def show(repo: Path, base: str, path: str) -> str | None:
    """A file's text at ``base``, or None when it did not exist there."""
    result = subprocess.run(
        ["git", "show", f"{base}:{path}"], cwd=repo, capture_output=True, text=True, check=False
    )
    return result.stdout if result.returncode == 0 else None


def changed_since(repo: Path, base: str, path: str) -> bool:
    """Whether ``path`` (a folder) differs between ``base`` and the working tree."""
    diff = subprocess.run(
        ["git", "diff", "--quiet", base, "--", path], cwd=repo, capture_output=True, check=False
    )
    untracked = git(repo, "ls-files", "--others", "--exclude-standard", "--", path)
    return diff.returncode != 0 or bool(untracked.strip())


# -------------------------------------------------------------------------------- spec


@dataclass
class SpecChange:
    operation: sw.Operation  # the head's operation (the base's when it was removed)
    change: sw.Change
    breaking: bool


def is_breaking(change: sw.Change) -> bool:
    """Whether code written against the base's SDK can break on the head's (left is base)."""
    kind, before, after = change.kind, change.before, change.after
    if change.where == ("operation", ""):
        if kind == "scopes":
            return bool(set(after) - set(before))  # the key needs a scope it did not
        return kind in {"path", "operation_id", "tags", "sdk_name"}
    if kind in {"description"}:
        return False
    if kind == "format":
        return True  # the argument's or the attribute's Python type changes
    request = change.where[0] in REQUEST_SECTIONS
    if kind == "removed":
        return True
    if kind == "added":
        return request and after.required
    if kind == "required":
        return after is True if request else after is False
    if kind == "nullable":
        return before is True if request else after is True
    if kind == "type":
        return not sw.accepts(after, before) if request else not sw.accepts(before, after)
    if kind == "enum":
        if before is None or after is None:
            return True  # a plain string became an enum or the other way round
        return bool(set(before) - set(after))  # a value callers sent or matched is gone
    return True


def _pair(
    base_ops: list[sw.Operation], head_ops: list[sw.Operation]
) -> tuple[list[tuple[sw.Operation, sw.Operation]], list[sw.Operation], list[sw.Operation]]:
    """Operations paired by operationId, else by method and route (a rename)."""
    head_by_id = {op.operation_id: op for op in head_ops if op.operation_id}
    pairs = [(op, head_by_id[op.operation_id]) for op in base_ops if op.operation_id in head_by_id]
    paired_ids = {id(b) for b, _ in pairs} | {id(h) for _, h in pairs}
    base_rest = [op for op in base_ops if id(op) not in paired_ids]
    head_rest = {op.key: op for op in head_ops if id(op) not in paired_ids}
    removed = []
    for op in base_rest:
        renamed = head_rest.pop(op.key, None)
        if renamed is None:
            removed.append(op)
        else:
            pairs.append((op, renamed))
    return pairs, removed, sorted(head_rest.values(), key=lambda op: (op.path, op.method))


def spec_changes(base_doc: dict[str, Any], head_doc: dict[str, Any]) -> list[SpecChange]:
    bw, hw = sw.Walker(base_doc), sw.Walker(head_doc)
    pairs, removed, added = _pair(
        list(sw.iter_operations(base_doc)), list(sw.iter_operations(head_doc))
    )
    out = [
        SpecChange(op, sw.Change(("operation", ""), "operation removed", op.label, None), True)
        for op in removed
    ]
    for before, after in pairs:
        out += [
            SpecChange(after, change, is_breaking(change))
            for change in sw.compare_operations(before, after, bw, hw)
        ]
    out += [
        SpecChange(op, sw.Change(("operation", ""), "operation added", None, op.label), False)
        for op in added
    ]
    return out


def describe(change: sw.Change) -> str:
    """What changed, without where (base on the left)."""
    kind, before, after = change.kind, change.before, change.after
    path = change.where[1]
    thing = sw.thing(change)
    if kind in {"operation removed", "operation added"}:
        return kind
    if kind == "path":
        moved = sw.prefix_move(before, after)
        if moved:
            return f"moved from /api/{moved[0]}/ to /api/{moved[1]}/"
        return f"path {before} -> {after}"
    if kind == "operation_id":
        return f"renamed: operationId {before} -> {after}"
    if kind == "removed":
        return f"{thing} removed"
    if kind == "added":
        return f"{thing} added" + (", required" if after.required and path else "")
    if kind == "required":
        return "now required" if after else "no longer required"
    if kind == "nullable":
        return "may now be null" if after else "may no longer be null"
    if kind == "enum":
        if before is None or after is None:
            return f"enum {sw.show(before)} -> {sw.show(after)}"
        parts = []
        if gone := [v for v in before if v not in after]:
            parts.append(f"enum values removed: {sw.show(tuple(gone))}")
        if new := [v for v in after if v not in before]:
            parts.append(f"enum values added: {sw.show(tuple(new))}")
        return "; ".join(parts)
    if kind in {"description", "summary"}:
        return f"{kind} changed"
    return f"{kind.replace('_', ' ')} {sw.show(before)} -> {sw.show(after)}"


# ------------------------------------------------------------------------------ python


@dataclass
class PythonChange:
    path: str
    text: str


def python_changes(repo: Path, base: str) -> list[PythonChange]:
    """griffe's breaking changes of each public package between ``base`` and the work tree.
    A package whose folder did not change is not loaded (griffe takes ~0.3 s a package)."""
    out: list[PythonChange] = []
    for package, folder in PACKAGES:
        where = f"{folder}/{package}"
        if not (repo / where).is_dir() or show(repo, base, f"{where}/__init__.py") is None:
            continue
        if not changed_since(repo, base, where):
            continue
        out += _griffe_changes(repo, base, package, folder)
    return out


def _griffe_changes(repo: Path, base: str, package: str, folder: str) -> list[PythonChange]:
    import griffe  # only when a package changed

    with tempfile.TemporaryDirectory(prefix="api-changes-") as tmp:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", base, f"{folder}/{package}"],
            cwd=repo, capture_output=True, check=False,
        )  # fmt: skip
        if archive.returncode != 0:
            raise UsageError(f"git archive {base} {folder}/{package} failed")
        subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
        old = griffe.load(package, search_paths=[Path(tmp) / folder], allow_inspection=False)
        new = griffe.load(package, search_paths=[repo / folder], allow_inspection=False)
        found = [
            PythonChange(b.obj.path, _breakage_text(b))
            for b in griffe.find_breaking_changes(old, new)
            if not b.obj.name.startswith("__")  # __version__, __all__: not API
        ]
    return found


def _breakage_text(breakage: Any) -> str:
    name = getattr(breakage.old_value, "name", None) or getattr(breakage.new_value, "name", None)
    subject = breakage.obj.path
    if type(breakage).__name__.startswith("Parameter") and name:
        subject += f"({name})"
    detail = ""
    if type(breakage).__name__ in {"AttributeChangedTypeBreakage", "ReturnChangedTypeBreakage"}:
        detail = f": {breakage.old_value} -> {breakage.new_value}"
    return f"{subject}: {breakage.kind.value.lower()}{detail}"


# ------------------------------------------------------------------------------ labels


def read_version(text: str | None) -> str | None:
    found = _VERSION.search(text or "")
    return found.group(1) if found else None


def _numbers(version: str) -> tuple[int, int, int]:
    parts = re.findall(r"\d+", version)[:3]
    if not parts:
        raise UsageError(f"{version!r} is not a version number (MAJOR.MINOR.PATCH)")
    padded = [int(p) for p in parts] + [0] * (3 - len(parts))
    return padded[0], padded[1], padded[2]


def breaking_bump(version: str) -> str:
    """The next version a breaking change calls for: minor while 0.x, else major."""
    major, minor, _ = _numbers(version)
    return f"0.{minor + 1}.0" if major == 0 else f"{major + 1}.0.0"


def is_breaking_bump(old: str, new: str) -> bool:
    o, n = _numbers(old), _numbers(new)
    if o[0] == 0:
        return n[0] > 0 or n[1] > o[1]
    return n[0] > o[0]


def changelog_section(text: str, name: str) -> str | None:
    """The body of the ``## [name]`` section of a Keep a Changelog file."""
    heading = re.compile(rf"(?m)^##\s+\[{re.escape(name)}\][^\n]*\n")
    found = heading.search(text)
    if not found:
        return None
    rest = text[found.end() :]
    following = re.search(r"(?m)^##\s+\[", rest)
    return rest[: following.start()] if following else rest


def label_problems(
    breaking: bool, base_version: str | None, version: str | None, changelog: str | None
) -> list[str]:
    """What is missing for the breaking changes to be labelled (nothing when they are)."""
    if not breaking:
        return []
    if version is None:
        return [f"{VERSION_FILE} has no __version__"]
    if changelog is None:
        return [f"{CHANGELOG} is missing: add it with an '## [Unreleased]' section"]
    problems = []
    bumped = base_version is not None and version != base_version
    if bumped and base_version is not None and not is_breaking_bump(base_version, version):
        problems.append(
            f"the version went from {base_version} to {version}, but breaking changes "
            f"call for {breaking_bump(base_version)}"
        )
    name = version if bumped else "Unreleased"
    section = changelog_section(changelog, name)
    if section is None:
        problems.append(f"{CHANGELOG} has no '## [{name}]' section")
    elif not BREAKING_MARK.search(section):
        problems.append(
            f"{CHANGELOG}'s '## [{name}]' section flags no breaking change: add an entry "
            "starting '**Breaking:**' for each"
        )
    if problems and not bumped:
        bump = breaking_bump(version)
        problems.append(f"(or bump {VERSION_FILE} to {bump} with a '## [{bump}]' section)")
    return problems


# ------------------------------------------------------------------------------ report


@dataclass
class Report:
    base: str
    commit: str
    spec: list[SpecChange] = field(default_factory=list)
    python: list[PythonChange] = field(default_factory=list)
    base_version: str | None = None
    version: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def breaking(self) -> bool:
        return bool(self.python) or any(c.breaking for c in self.spec)


def build_report(repo: Path, base: str | None) -> Report:
    base = base or default_base(repo)
    commit = check_base(repo, base)
    report = Report(base, commit)
    base_spec = show(repo, base, SPEC)
    head_spec = sw.read_document(repo / SPEC)
    base_doc = sw.parse_document(base_spec, f"{base}:{SPEC}") if base_spec else {"paths": {}}
    report.spec = spec_changes(base_doc, head_spec)
    report.python = python_changes(repo, base)
    report.base_version = read_version(show(repo, base, VERSION_FILE))
    version_path = repo / VERSION_FILE
    report.version = read_version(version_path.read_text() if version_path.exists() else None)
    changelog_path = repo / CHANGELOG
    changelog = changelog_path.read_text() if changelog_path.exists() else None
    report.problems = label_problems(
        report.breaking, report.base_version, report.version, changelog
    )
    return report


def _entries(changes: list[SpecChange], breaking: bool) -> list[str]:
    """One entry per change; a change several operations share is one entry naming them."""
    chosen = [(c.operation.operation_id, c.change) for c in changes if c.breaking is breaking]
    labels = {c.operation.operation_id: c.operation.label for c in changes}
    out = []
    for g in sw.group(chosen):
        ids = g.operation_ids
        if len(ids) == 1:
            for operation_id, change in g.members:
                place = "" if change.place == "operation" else f"{change.place}: "
                out.append(f"  - {labels[operation_id]}: {place}{describe(change)}")
        else:
            change = g.change
            subject = change.origin or ("route" if change.kind == "path" else change.place)
            out.append(
                f"  - {subject}: {describe(change)}\n"
                f"      in {len(ids)} operations: {', '.join(ids)}"
            )
    return out


def render_text(report: Report) -> str:
    breaking = _entries(report.spec, True) + [f"  - {c.text}" for c in report.python]
    other = _entries(report.spec, False)
    lines = [f"API changes since {report.base} ({report.commit}): {SPEC} and the Python API"]
    lines += ["", f"Breaking for SDK users ({len(breaking)}):", *(breaking or ["  (none)"])]
    lines += ["", f"Not breaking ({len(other)}):", *(other or ["  (none)"])]
    lines += ["", f"Version: {report.base_version} at {report.base}, {report.version} now."]
    if report.problems:
        lines += ["Breaking changes are not labelled:", *(f"  - {p}" for p in report.problems)]
    elif report.breaking:
        lines.append(f"The breaking changes are labelled in {CHANGELOG}.")
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> dict[str, Any]:
    return {
        "base": report.base,
        "commit": report.commit,
        "breaking": report.breaking,
        "labelled": not report.problems,
        "problems": report.problems,
        "base_version": report.base_version,
        "version": report.version,
        "spec": [
            {
                "operation_id": c.operation.operation_id,
                "method": c.operation.method,
                "path": c.operation.path,
                "where": c.change.place,
                "schema": c.change.origin or None,
                "kind": c.change.kind,
                "before": sw.to_json(c.change.before),
                "after": sw.to_json(c.change.after),
                "breaking": c.breaking,
                "message": describe(c.change),
            }
            for c in report.spec
        ],
        "python": [{"object": c.path, "message": c.text, "breaking": True} for c in report.python],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="api_changes.py",
        description="What changed in the spec and the Python API since BASE, and what breaks.",
    )
    parser.add_argument("--base", help="git ref (default: last release tag, else HEAD~1)")
    parser.add_argument("--repo", type=Path, default=ROOT, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    try:
        report = build_report(args.repo, args.base or None)
    except (UsageError, sw.DocumentError) as exc:
        print(f"api-changes: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(render_json(report), indent=2, default=str))
    else:
        print(render_text(report), end="")
    return EXIT_UNLABELLED if report.problems else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
