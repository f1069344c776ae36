"""``posthog-api prompts ...``: prompts as code, for CI pipelines.

A folder holds ``NAME.txt`` (that text) or ``NAME.json`` (that JSON value), read and written
byte for byte. ``push`` checks every file before sending anything, then creates, publishes
with ``base_version`` (a concurrent edit is a conflict) or skips the unchanged (exact JSON);
after a write refused for the key (a missing ``llm_prompt:write``) it sends no other.
``pull`` checks every name the server returns as names going out are checked (none becomes a
path outside the folder) and updates every prompt file or none. Labels (``push --label``,
``pull --label``, ``label``, ``promote``) are read in one list pass per label (``label=``),
and a label already at the wanted version is not sent again. Every command first checks,
with one request, that the key can read the project's prompts. Every failure is one
``error:`` line on stderr: exit status 2 for usage and configuration errors (a wrong key,
project or scope, a bad name or label included), else 1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import json
import os
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _errors, _validation
from .prompts.diff import bounded_unified_diff, same_content
from .prompts.prompt import label_names

if TYPE_CHECKING:
    from posthog_api_client.models import LLMPrompt

    from ._client import AsyncPostHog

CONCURRENCY = 8
ELSEWHERE = "pull into another folder"


@dataclass
class Outcome:
    name: str
    action: str  # create | publish | unchanged | conflict | error | refused | skipped | pull
    detail: str = ""
    diff: str = ""
    refusal: _errors.APIStatusError | None = None  # of "refused": a 401 or 403 to a write
    version: int | None = None  # the version pushed, or that would be (a dry run)
    label: Outcome | None = None  # push --label: what happened to the label


def label_name(value: str, option: str = "LABEL") -> str:
    """PostHog's label name rule, checked before anything is sent (PostHog answers 400)."""
    try:
        return _validation.label_name(value)
    except _errors.InvalidRequestError as error:
        raise _errors.InvalidRequestError(f"{option}: {error}; nothing was sent") from None


class NotLabelledError(_errors.PostHogError):
    """A prompt named for ``promote`` lacks the ``--from`` label (exit status 1)."""


def read_directory(directory: Path) -> dict[str, Any]:
    """Name -> content of every ``NAME.txt`` / ``NAME.json``; one error lists every bad file."""
    try:
        if not directory.is_dir():
            raise _errors.InvalidRequestError(f"{directory} is not a directory")
        entries = sorted(directory.iterdir())
    except OSError as error:  # e.g. a folder we may not list
        raise LocalFileError(os_problem(error, "read", directory)) from None
    found: dict[str, Any] = {}
    files: dict[str, str] = {}  # name -> the file that defines it
    problems: list[str] = []
    for path in entries:
        if path.suffix not in (".txt", ".json") or not path.is_file():
            continue
        try:
            name = _validation.prompt_name(path.stem)
            if name in files:
                raise ValueError(f"{files[name]} already defines {name!r}")
            # newline="": CR and CRLF line endings are content, not translated.
            with path.open(encoding="utf-8", newline="") as handle:
                text = handle.read()
            content = json.loads(text) if path.suffix == ".json" else text
            _validation.prompt_content(content)
        except RecursionError:
            problems.append(f"{path.name}: the JSON is nested too deeply (over ~900 levels)")
        except OSError as error:
            problems.append(os_problem(error, "read", path.name))
        except ValueError as error:  # also a bad name, content or UTF-8
            problems.append(f"{path.name}: {error}")
        else:
            found[name], files[name] = content, path.name
    if problems:
        raise _errors.InvalidRequestError(
            "nothing was sent; fix these files first: " + "; ".join(problems)
        )
    return found


def _as_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return json.dumps(content, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _diff(name: str, old: Any, new: Any, old_label: str) -> str:
    """The bounded diff of ``prompts.diff`` (a summary beyond its size cap)."""
    old_label = f"{name}@{old_label}"
    text, _ = bounded_unified_diff(_as_text(old), _as_text(new), old_label, f"{name} (local)")
    return text or f"# {name}: only the final newline differs from {old_label}\n"


def _progress(total: int, what: str) -> Any:
    """A tqdm bar on a terminal (when tqdm is installed), else one that shows nothing."""
    if total > 1 and sys.stderr.isatty():
        with contextlib.suppress(ImportError):
            from tqdm import tqdm  # type: ignore[import-untyped]

            return tqdm(total=total, desc=what, unit="prompt", file=sys.stderr, leave=False)
    return _NoBar()


class _NoBar:
    def update(self, n: int) -> None: ...
    def close(self) -> None: ...


async def push(
    client: AsyncPostHog, directory: Path, *, dry_run: bool = False, label: str | None = None
) -> list[Outcome]:
    return await push_prompts(client, read_directory(directory), dry_run=dry_run, label=label)


async def push_prompts(
    client: AsyncPostHog,
    local: dict[str, Any],
    *,
    dry_run: bool = False,
    label: str | None = None,
) -> list[Outcome]:
    """Push prompts already read (and checked) by :func:`read_directory`, then point ``label``
    (when given) at each pushed prompt's new or unchanged version. Once a write is refused
    (401, 403: e.g. a key without ``llm_prompt:write``), no further write is sent."""
    if label is not None:
        label_name(label, "--label")
    current = await label_versions(client, label) if label is not None else {}
    progress = _progress(len(local), "push")
    limit = asyncio.Semaphore(CONCURRENCY)
    refused: list[_errors.APIStatusError] = []

    async def one(name: str, content: Any) -> Outcome:
        async with limit:
            try:
                outcome = await _push_one(client, name, content, dry_run, refused)
                if label is not None:
                    outcome.label = await _label_pushed(
                        client, outcome, label, current.get(name), dry_run, refused
                    )
                return outcome
            finally:
                progress.update(1)

    try:
        return list(await asyncio.gather(*(one(*item) for item in local.items())))
    finally:
        progress.close()


async def _push_one(
    client: AsyncPostHog,
    name: str,
    content: Any,
    dry_run: bool,
    refused: list[_errors.APIStatusError],
) -> Outcome:
    skipped = Outcome(name, "skipped", "not sent: a write of this push was refused")
    try:
        try:
            latest = await client.prompts.fetch(name)
        except _errors.PromptNotFoundError:
            if not dry_run:
                if refused:
                    return skipped
                created = await client.prompts.create(name, content)
                done = f"created version {created.version}"
                return Outcome(name, "create", done, version=created.version)
            # Only a dry run prints diffs; a big one is computed off the event loop.
            diff = await asyncio.to_thread(_diff, name, "", content, "none")
            return Outcome(name, "create", "would create version 1", diff, version=1)
        if same_content(latest.prompt, content):
            return Outcome(name, "unchanged", f"version {latest.version}", version=latest.version)
        if dry_run:
            diff = await asyncio.to_thread(_diff, name, latest.prompt, content, str(latest.version))
            planned = latest.version + 1
            return Outcome(
                name, "publish", f"would publish version {planned}", diff, version=planned
            )
        if refused:
            return skipped
        published = await client.prompts.publish(name, content, base_version=latest.version)
        done = f"published version {published.version}"
        return Outcome(name, "publish", done, version=published.version)
    except _errors.PromptVersionConflict as conflict:
        meanwhile = f"changed in PostHog meanwhile (latest is now {conflict.current_version})"
        return Outcome(name, "conflict", f"{meanwhile}; pull, merge and push again")
    except (_errors.AuthenticationError, _errors.PermissionDeniedError) as error:
        refused.append(error)
        said = f": {_errors.bounded(error.detail, 200)}" if error.detail else ""
        return Outcome(name, "refused", f"{error.status_code}{said}", refusal=error)
    except _errors.PostHogError as error:
        return Outcome(name, "error", str(error))


async def _label_pushed(
    client: AsyncPostHog,
    pushed: Outcome,
    label: str,
    current: int | None,
    dry_run: bool,
    refused: list[_errors.APIStatusError],
) -> Outcome:
    """Point ``label`` at the version ``pushed`` left as the latest (none if it failed)."""
    if pushed.version is None:  # conflict, error, refused or skipped: the label stays
        return Outcome(pushed.name, "kept", f"{label} left as it was")
    return await point_label(client, pushed.name, label, pushed.version, current, dry_run, refused)


async def point_label(
    client: AsyncPostHog,
    name: str,
    label: str,
    version: int,
    current: int | None,
    dry_run: bool,
    refused: list[_errors.APIStatusError],
) -> Outcome:
    """Point ``label`` of ``name`` at ``version``, where ``current`` says it points now (None:
    not set). Nothing is sent when it is there already, in a dry run, or after a refused write.
    Action: set, move, unchanged, error, refused or skipped."""
    if current == version:
        return Outcome(name, "unchanged", f"{label} already at version {version}", version=version)
    # Without current: the label was set meanwhile, after the list pass.
    to = f"to version {version}" if current is None else f"from version {current} to {version}"
    if dry_run:
        if current is None:
            return Outcome(name, "set", f"would set {label} at version {version}", version=version)
        return Outcome(name, "move", f"would move {label} {to}", version=version)
    if refused:
        return Outcome(name, "skipped", f"{label} not sent: a write of this run was refused")
    try:
        result = await client.prompts.set_label(name, label, version)
    except (_errors.AuthenticationError, _errors.PermissionDeniedError) as error:
        refused.append(error)
        said = f": {_errors.bounded(error.detail, 200)}" if error.detail else ""
        return Outcome(name, "refused", f"{label}: {error.status_code}{said}", refusal=error)
    except _errors.PostHogError as error:
        return Outcome(name, "error", f"{label} not moved: {error}")
    if result.created:
        return Outcome(name, "set", f"{label} set at version {version}", version=version)
    return Outcome(name, "move", f"{label} moved {to}", version=version)


async def label_versions(client: AsyncPostHog, label: str) -> dict[str, int]:
    """Name -> the version ``label`` points at, of every prompt that has it."""
    return {name: row.version for name, row in (await labelled(client, label)).items()}


async def labelled(
    client: AsyncPostHog, label: str, *, content: bool = False
) -> dict[str, LLMPrompt]:
    """Name -> the list row of the version ``label`` points at, of every prompt that has it:
    one list pass (``label=``; prompts without it are left out), with the content or not.
    A row that does not carry the label is a server that ignored the filter (one older than
    labels): its rows are the latest versions, and nothing may be done with them."""
    rows = await client.prompts.list(
        label=label, content="full" if content else "none", page_size=100
    ).collect()
    for row in rows:
        refs = row.all_labels
        if label in label_names(row.labels) or (
            isinstance(refs, list)
            and any(ref.name == label and ref.version == row.version for ref in refs)
        ):
            continue
        raise _errors.ResponseValidationError(
            f"asked for the prompts labelled {label}, the server answered with "
            f"{_errors.bounded(repr(row.name), 80)} version {row.version}, which does not carry "
            "that label: this PostHog ignores the label filter (it may be older than prompt "
            "labels), so nothing was changed or written. Check --host points at your PostHog",
            operation="llm_prompts_list",
        )
    return {row.name: row for row in rows}


async def promote(
    client: AsyncPostHog,
    source: str,
    target: str,
    names: list[str] | None = None,
    *,
    dry_run: bool = False,
) -> list[Outcome]:
    """Point ``target`` at the version ``source`` points at, for every prompt that has
    ``source`` (or only ``names``: each must have it, else nothing is sent). Both labels are
    learnt from one list pass (``label=source``, each row's ``all_labels``); a prompt whose
    ``target`` is there already is not sent."""
    wanted = _check_promotion(source, target, names)
    rows = await labelled(client, source)
    missing = [name for name in wanted if name not in rows]
    if missing:
        raise NotLabelledError(
            f"{len(missing)} named prompt(s) have no label {source} (or do not exist): "
            f"{_first_five(missing)}; nothing was changed. Set it first (posthog-api prompts "
            f"label NAME {source} VERSION), or leave these names out"
        )
    chosen = [rows[name] for name in wanted] or sorted(rows.values(), key=lambda row: row.name)
    current: dict[str, int] = {}
    for row in chosen:
        if not isinstance(row.all_labels, list):  # a server without all_labels on list rows
            current = await label_versions(client, target)  # one more pass, for the target
            break
        current.update((row.name, ref.version) for ref in row.all_labels if ref.name == target)
    progress = _progress(len(chosen), "promote")
    limit = asyncio.Semaphore(CONCURRENCY)
    refused: list[_errors.APIStatusError] = []

    async def one(name: str, version: int) -> Outcome:
        async with limit:
            try:
                now = current.get(name)
                return await point_label(client, name, target, version, now, dry_run, refused)
            finally:
                progress.update(1)

    try:
        return list(await asyncio.gather(*(one(row.name, row.version) for row in chosen)))
    finally:
        progress.close()


async def pull(client: AsyncPostHog, directory: Path, *, label: str | None = None) -> list[Outcome]:
    """Write the latest of every prompt (or the version ``label`` points at, leaving out the
    prompts without it) into ``directory``, one file per name; one name that is not a valid
    prompt name writes nothing, so none can be a path outside ``directory``."""
    _check_pull_target(directory)  # before anything is sent
    if label is not None:
        label_name(label, "--label")
    latest: dict[str, tuple[int, Any]] = {}
    refused: list[str] = []
    if label is None:
        rows = await client.prompts.list(page_size=100).collect()
    else:
        rows = list((await labelled(client, label, content=True)).values())
    for row in rows:
        try:
            name = _validation.prompt_name(row.name)
        except _errors.InvalidRequestError:
            refused.append(_cut(repr(row.name), 80))
            continue
        if name not in latest or row.version > latest[name][0]:  # a row listed twice
            latest[name] = (row.version, row.prompt)
    if refused:
        raise _errors.ResponseValidationError(
            f"the server returned {len(refused)} prompt name(s) that are not valid prompt "
            f"names ({_validation.PROMPT_NAME_RULE}), so cannot be file names; nothing was "
            f"written to {directory}: {_first_five(refused)}. Check --host points at your "
            "PostHog.",
            operation="llm_prompts_list",
        )
    return await asyncio.to_thread(_write_all, directory, latest)


def _check_pull_target(directory: Path) -> None:
    try:
        is_file = directory.exists() and not directory.is_dir()
    except OSError as error:  # e.g. a name in the path too long, a folder we cannot enter
        raise LocalFileError(os_problem(error, "use", directory, ELSEWHERE)) from None
    if is_file:
        raise _errors.InvalidRequestError(
            f"{directory} exists and is not a directory: pull writes one file per prompt "
            "into a directory; give a new or existing directory"
        )


@dataclass
class _Planned:
    """One prompt file of a pull: where it goes, and its other-suffix twin to remove."""

    name: str
    version: int
    text: str
    target: Path
    other: Path | None  # None: that name cannot exist here (too long), nothing to remove


def _write_all(directory: Path, latest: dict[str, tuple[int, Any]]) -> list[Outcome]:
    """Write every prompt or none: all checks, all temporaries, then the renames. What a target
    replaces (and its other-suffix twin) is first renamed aside, so a failure can put it
    back; ``os.replace`` moves a symlink, never its target."""
    try:
        root = directory.resolve()
        plan = _plan(root, directory, latest)  # before the folder is created
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise LocalFileError(os_problem(error, "write", directory, ELSEWHERE)) from None
    progress = _progress(len(plan), "pull")
    temporaries: list[Path] = []
    aside: list[tuple[Path, Path]] = []  # (where it is now, where it was)
    placed: list[Path] = []
    current = directory  # the file being written or replaced, as the user knows it
    unchanged = "written to"  # what a failure leaves as it was
    try:
        for item in plan:
            current = item.target
            temporaries.append(_temporary(root))
            with temporaries[-1].open("w", encoding="utf-8", newline="") as handle:
                handle.write(item.text)  # newline="": CR and CRLF are written as they are
            progress.update(1)
        unchanged = "changed in"
        for item, temporary in zip(plan, temporaries, strict=True):
            for old in (item.other, item.target):
                if old is not None and os.path.lexists(old):
                    current = old
                    keep = _temporary(root)
                    os.replace(old, keep)
                    aside.append((keep, old))
            current = item.target
            os.replace(temporary, item.target)
            placed.append(item.target)
    except BaseException as error:
        for path in placed:  # undo: remove what was placed, put back what was set aside
            # If this fails, a file that replaced another is overwritten when that one goes
            # back below; a new one stays, holding the pulled prompt (never half of one).
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        lost = []
        for keep, old in reversed(aside):
            try:
                os.replace(keep, old)
            except OSError:
                lost.append((keep, old))
        if not isinstance(error, OSError):
            raise
        message = os_problem(error, "write", current, ELSEWHERE)
        if not lost:
            raise LocalFileError(f"{message}; nothing was {unchanged} {directory}") from None
        kept = ", ".join(f"{old} is now {keep}" for keep, old in lost)
        raise LocalFileError(
            f"{message}; and the folder could not be fully restored: {kept}"
        ) from None
    finally:
        for temporary in temporaries[len(placed) :]:  # the ones not renamed into place
            temporary.unlink(missing_ok=True)
        progress.close()
    for keep, _ in aside:
        keep.unlink(missing_ok=True)
    return [
        Outcome(item.name, "pull", f"version {item.version} -> {item.target.name}") for item in plan
    ]


def _plan(root: Path, directory: Path, latest: dict[str, tuple[int, Any]]) -> list[_Planned]:
    """Each prompt's file, checked before anything is written: its name must fit the file
    system (a valid 255-character name may not), and no directory may sit there (``os.replace``
    cannot replace one)."""
    existing = next((path for path in (root, *root.parents) if path.is_dir()), root)
    try:  # the longest file name (bytes) there; root may not exist yet
        limit = int(os.pathconf(existing, "PC_NAME_MAX"))
    except (AttributeError, OSError, ValueError):  # no pathconf (Windows), or no answer
        limit = 255
    plan: list[_Planned] = []
    too_long: list[str] = []
    blocked: list[Path] = []
    for name, (version, content) in latest.items():
        suffixes = (".txt", ".json") if isinstance(content, str) else (".json", ".txt")
        fits = [len(name.encode()) + len(suffix) <= limit for suffix in suffixes]
        if not fits[0]:
            too_long.append(f"{name[:40]}... ({len(name)} characters, {suffixes[0]})")
            continue
        filename = name + suffixes[0]
        target = root / filename
        if target.parent != root or target.name != filename:  # a looser name rule, one day
            raise _errors.ResponseValidationError(
                f"refused to write {filename!r}: it is not a file name inside {root}",
                operation="llm_prompts_list",
            )
        other = root / (name + suffixes[1]) if fits[1] else None
        blocked += [p for p in (target, other) if p and p.is_dir() and not p.is_symlink()]
        plan.append(_Planned(name, version, _as_text(content), target, other))
    if too_long:
        raise LocalFileError(
            f"{len(too_long)} prompt name(s) are too long for a file name in {directory} "
            f"(NAME.txt or NAME.json must fit in {limit} bytes): {_first_five(too_long)}; "
            f"nothing was written. Rename them in PostHog to at most {limit - 5} characters, "
            "or read them with `posthog-api prompts get NAME`"
        )
    if blocked:
        shown = ", ".join(str(path) for path in blocked[:5])
        what = "it is a directory" if len(blocked) == 1 else "each is a directory"
        raise LocalFileError(
            f"cannot write {shown}: {what}; remove or rename it, or {ELSEWHERE}; nothing was "
            "written"
        )
    return plan


def _temporary(root: Path) -> Path:
    """A new empty file in ``root`` with a short name, whatever the prompt name's length."""
    fd, path = tempfile.mkstemp(dir=root, prefix=".pull-", suffix=".tmp")
    os.close(fd)
    return Path(path)


class LocalFileError(_errors.PostHogError):
    """A file or folder on this machine could not be used (exit status 1)."""


_OS_PROBLEMS: dict[int, tuple[str, str]] = {
    errno.EISDIR: ("it is a directory", "remove or rename it"),
    errno.ENOTDIR: ("a part of its path is a file, not a directory", "check the path"),
    errno.EACCES: ("permission denied", "check its permissions and owner (ls -ld)"),
    errno.EPERM: ("operation not permitted", "check its permissions and owner (ls -ld)"),
    errno.ENOSPC: ("no space left on the device", "free some space"),
    errno.EDQUOT: ("the disk quota is exceeded", "free some space"),
    errno.EROFS: ("the file system is read-only", "use a writable location"),
    errno.ENAMETOOLONG: (
        "a name in the path is too long for the file system",
        "use a shorter path",
    ),
    errno.ENOENT: ("it does not exist", "check the path"),
}


def os_problem(error: OSError, verb: str, path: Path | str | None, instead: str = "") -> str:
    """One line saying what could not be done, why, and what to do, e.g. ``cannot write
    /p/r.json: it is a directory; remove or rename it, or pull into another folder``.
    ``path`` is what the user named, never an internal temporary file."""
    reason, advice = _OS_PROBLEMS.get(
        error.errno or 0, (error.strerror or str(error) or type(error).__name__, "")
    )
    where = f" {path}" if path is not None else ""
    next_step = ", or ".join(part for part in (advice, instead) if part)
    return f"cannot {verb}{where}: {reason}" + (f"; {next_step}" if next_step else "")


def add_prompts(subcommands: Any) -> None:
    cmd = subcommands.add_parser(
        "prompts", help="prompts as code: push, pull, get, history, diff, label, promote"
    )
    cmd.add_argument("--host", help="PostHog URL (else POSTHOG_HOST, else https://us.posthog.com)")
    cmd.add_argument("--project-id", help="project id (else POSTHOG_PROJECT_ID)")
    cmd.add_argument(
        "--api-key-env",
        default="POSTHOG_PERSONAL_API_KEY",
        help="the environment variable holding the personal API key",
    )
    cmd.set_defaults(handler=_run)
    actions = cmd.add_subparsers(dest="prompts_command", metavar="ACTION", required=True)
    p = actions.add_parser("push", help="create missing and publish changed prompts from DIR")
    p.add_argument("directory", type=Path)
    p.add_argument("--dry-run", action="store_true", help="print the plan with diffs; send nothing")
    p.add_argument("--label", help="then point this label at each pushed prompt's version")
    p = actions.add_parser("pull", help="write every prompt's latest version into DIR")
    p.add_argument("directory", type=Path)
    p.add_argument("--label", help="the versions this label points at (others are skipped)")
    p = actions.add_parser("label", help="set, move or remove a label of a prompt")
    p.add_argument("name", metavar="NAME")
    p.add_argument("label", metavar="LABEL")
    p.add_argument("version", nargs="?", type=int, metavar="VERSION", help="where LABEL goes")
    p.add_argument("--remove", action="store_true", help="remove LABEL (give no VERSION)")
    p = actions.add_parser(
        "promote", help="point --to at the version --from points at, for every prompt with it"
    )
    p.add_argument("names", nargs="*", metavar="NAME", help="only these prompts (default: all)")
    p.add_argument("--from", dest="source", required=True, metavar="LABEL")
    p.add_argument("--to", dest="target", required=True, metavar="LABEL")
    p.add_argument("--dry-run", action="store_true", help="print the plan; send no write")
    p = actions.add_parser("get", help="print a prompt")
    p.add_argument("name")
    p.add_argument("--version", type=int)
    p = actions.add_parser("history", help="list a prompt's versions, newest first")
    p.add_argument("name")
    p = actions.add_parser("diff", help="diff two versions of a prompt")
    p.add_argument("name")
    p.add_argument("a", type=int)
    p.add_argument("b", type=int)


def _run(args: argparse.Namespace) -> int:
    """Run one action; any failure becomes one ``error:`` line on stderr, never a traceback.

    A reader that stops early (``| head``) ends the run quietly with status 1, as in Unix.
    """
    api_key = os.environ.get(args.api_key_env) or None
    if sys.stdout is None:  # Python's stdout when file descriptor 1 is closed
        message = (
            "standard output is closed (>&-), and posthog-api reports there what it did, so "
            "nothing was sent. Redirect it instead: > FILE, or > /dev/null to discard it"
        )
        return _fail(message, 1, api_key)
    try:
        status = asyncio.run(_act(args, api_key))
        _out(end="", flush=True)
        return status
    except _OutputFailed as failed:
        if isinstance(failed.args[0], BrokenPipeError):
            _discard_output()
            return 1
        message = os_problem(failed.args[0], "write to", "standard output", "redirect it elsewhere")
    except _errors.PostHogError as error:
        usage = isinstance(error, _errors.ConfigurationError | _errors.InvalidRequestError)
        return _fail(str(error), 2 if usage else 1, api_key)
    except RecursionError:
        message = "a JSON value is nested too deeply to process (over ~900 levels)"
    except OSError as error:  # a file operation without a more precise message
        message = os_problem(error, "use", error.filename)
    except Exception as bug:  # still one line, and never the key
        message = f"unexpected {type(bug).__name__}: {bug} (a bug in posthog-api; please report it)"
    return _fail(message, 1, api_key)


class _OutputFailed(Exception):
    """Writing to standard output failed (``args[0]`` is the OSError), e.g. a full disk."""


def _out(text: str = "", end: str = "\n", *, flush: bool = False) -> None:
    """``print`` to standard output; a failure is told apart from file errors by ``_run``."""
    try:
        sys.stdout.write(text)
        sys.stdout.write(end)
        if flush:
            sys.stdout.flush()
    except OSError as error:
        raise _OutputFailed(error) from None


def _discard_output() -> None:
    """After a broken pipe, point standard output at the null device, so what is still
    buffered does not fail again at exit with an "Exception ignored" message."""
    with contextlib.suppress(AttributeError, OSError, ValueError):  # not a real file (pytest)
        descriptor = sys.stdout.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, descriptor)
        os.close(null)


MAX_ERROR_CHARS = 4000


def _fail(message: str, status: int, secret: str | None) -> int:
    """Print ``message`` as one bounded ``error:`` line on stderr and return ``status``."""
    if secret:
        message = message.replace(secret, "phx_...")
    line = " ".join(part.strip() for part in message.splitlines() if part.strip())
    print(f"error: {_cut(line, MAX_ERROR_CHARS) or 'failed'}", file=sys.stderr)
    return status


async def _act(args: argparse.Namespace, api_key: str | None) -> int:
    """Run ``args.prompts_command``, printing what it did; returns the exit status."""
    from ._client import AsyncPostHog

    if api_key is None:
        raise _errors.ConfigurationError(f"set {args.api_key_env} to a personal API key (phx_...)")
    # Local checks first: a bad name, label, file or folder is reported before any request.
    _check_arguments(args)
    local = read_directory(args.directory) if args.prompts_command == "push" else {}
    if args.prompts_command == "pull":
        _check_pull_target(args.directory)
    async with AsyncPostHog(api_key=api_key, project_id=args.project_id, host=args.host) as client:
        count = await check_access(client, args.api_key_env)
        key_env = args.api_key_env
        if args.prompts_command == "push":
            return await _push_command(client, local, args.dry_run, key_env, args.label)
        if args.prompts_command == "label":
            return await _label_command(client, args, key_env)
        if args.prompts_command == "promote":
            outcomes = await promote(
                client, args.source, args.target, args.names, dry_run=args.dry_run
            )
            if not outcomes:
                _out(f"summary: no prompt has the label {args.source}; nothing to promote")
                return 0
            _print_steps(outcomes)
            return _finish(outcomes, client, key_env, "promoted", "run the promotion again")
        if args.prompts_command == "pull":
            outcomes = await pull(client, args.directory, label=args.label)
            for outcome in outcomes:
                _out(f"{outcome.name}: {outcome.detail}")
            summary = f"summary: {len(outcomes)} prompt(s) written to {args.directory}"
            if args.label is not None:
                without = f"without the label {args.label}"
                if count is None:  # the access check's answer gave no count
                    summary += f"; the prompts {without} were skipped"
                else:
                    summary += f"; {max(count - len(outcomes), 0)} prompt(s) {without} skipped"
            _out(summary)
        elif args.prompts_command == "get":
            prompt = await client.prompts.fetch(args.name, args.version)
            print(f"# {prompt.name} version {prompt.version}", file=sys.stderr)
            text = _as_text(prompt.prompt)
            _out(text, end="" if text.endswith("\n") else "\n")
        elif args.prompts_command == "history":
            async for version in client.prompts.versions(args.name):
                email = getattr(getattr(version, "created_by", None), "email", None)
                author = f"  {email}" if isinstance(email, str) else ""
                when = f"{version.created_at:%Y-%m-%d %H:%M:%S}"
                marker = "  (latest)" if version.is_latest else ""
                _out(f"{version.version:>5}  {when}{author}{marker}")
        else:  # diff
            _out(str(await client.prompts.diff(args.name, args.a, args.b)))
    return 0


def _check_arguments(args: argparse.Namespace) -> None:
    """The names and labels of the command line, checked before anything is sent."""
    command = args.prompts_command
    if command in ("push", "pull") and args.label is not None:
        label_name(args.label, "--label")
    elif command == "label":
        _validation.prompt_name(args.name)
        label_name(args.label)
        if args.remove and args.version is not None:
            raise _errors.InvalidRequestError(
                f"give either VERSION or --remove, not both (label {args.label} of {args.name})"
            )
        if not args.remove and args.version is None:
            raise _errors.InvalidRequestError(
                f"give the VERSION to point {args.label} at (or --remove to remove it)"
            )
        if args.version is not None and args.version < 1:
            raise _errors.InvalidRequestError(
                f"version {args.version} is not a version: versions count from 1"
            )
    elif command == "promote":
        _check_promotion(args.source, args.target, args.names)


def _check_promotion(source: str, target: str, names: list[str] | None) -> list[str]:
    """The labels (two different ones) and the names of ``promote``, without repeats."""
    label_name(source, "--from")
    label_name(target, "--to")
    if source == target:
        raise _errors.InvalidRequestError(
            f"--from and --to are both {source!r}: give two different labels; nothing was sent"
        )
    return list(dict.fromkeys(_validation.prompt_name(name) for name in names or ()))


async def check_access(client: AsyncPostHog, key_env: str) -> int | None:
    """One request (a one-row list of prompts) before any command, so that a wrong key,
    project or scope is one line and exit status 2: not a plan to create every prompt that
    exits 0 (the CI plan step passes, the apply step fails), nor one error per file.
    Returns how many prompts the project has, when the answer says."""
    try:
        return (await client.prompts.list(page_size=1)).count
    except _errors.ResponseValidationError:
        return None  # a 200: access is fine; the command itself reports what it cannot use
    except _errors.APIStatusError as error:
        problem = _access_problem(error, client, key_env)
        if problem is None:  # not about access (a 5xx, a redirect): its own message
            raise
        raise _errors.ConfigurationError(problem) from None


def _access_problem(
    error: _errors.APIStatusError, client: AsyncPostHog, key_env: str
) -> str | None:
    """What a 401, 403 or 404 of the access check means, and what to check."""
    said = (error.detail or "").strip().rstrip(".")
    status = (
        f"{error.status_code}: {_errors.bounded(said, 200)}" if said else str(error.status_code)
    )
    where = f"project {client.project_id} at {client.host}"
    host = "--host or POSTHOG_HOST (https://us.posthog.com or https://eu.posthog.com)"
    unchanged = "nothing was changed"
    if error.status_code == 401:
        return (
            f"{client.host} refused the API key in {key_env} ({status}): check that it is a "
            f"personal API key (phx_...) of this PostHog, not revoked, and that {host} is "
            f"where it was created; {unchanged}"
        )
    if error.status_code == 404:
        return (
            f"{where} was not found ({status}): check --project-id or POSTHOG_PROJECT_ID (the "
            f"number after /project/ in your PostHog URL) and {host}; {unchanged}"
        )
    if isinstance(error, _errors.ScopeError):
        missing = ", ".join(error.missing) or "llm_prompt:read"
        return (
            f"the API key in {key_env} lacks the scope {missing} ({status}): add it to the key "
            f"in PostHog (Settings > Personal API keys; push also needs llm_prompt:write), or "
            f"use another key; {unchanged}"
        )
    if error.status_code == 403:
        return (
            f"the API key in {key_env} may not read prompts of {where} ({status}): check "
            "--project-id or POSTHOG_PROJECT_ID, and that the key has access to that project "
            f"and the scope llm_prompt:read (push also needs llm_prompt:write); {unchanged}"
        )
    return None


def _write_problem(
    error: _errors.APIStatusError, client: AsyncPostHog, key_env: str, again: str = "push again"
) -> str:
    """What a 401 or 403 to a write means, and what to do."""
    said = (error.detail or "").strip().rstrip(".")
    status = (
        f"{error.status_code}: {_errors.bounded(said, 200)}" if said else str(error.status_code)
    )
    if isinstance(error, _errors.ScopeError):
        missing = ", ".join(error.missing) or "llm_prompt:write"
        return (
            f"the API key in {key_env} may read but not write prompts: it lacks the scope "
            f"{missing} ({status}); add it to the key in PostHog (Settings > Personal API "
            f"keys), or use another key, and {again}"
        )
    return (
        f"the API key in {key_env} may not write prompts of project {client.project_id} "
        f"({status}): check that it has the scope llm_prompt:write and write access to that "
        f"project, and {again}"
    )


async def _push_command(
    client: AsyncPostHog,
    local: dict[str, Any],
    dry_run: bool,
    key_env: str,
    label: str | None = None,
) -> int:
    outcomes = await push_prompts(client, local, dry_run=dry_run, label=label)
    for outcome in sorted(outcomes, key=lambda o: o.name):
        then = f"; {outcome.label.detail}" if outcome.label is not None else ""
        _out(f"{outcome.action:>9}  {outcome.name}: {outcome.detail}{then}")
        if dry_run and outcome.diff:
            _out(outcome.diff, end="")
    summary = _counts(outcomes) or "no prompt files"
    steps = [o.label for o in outcomes if o.label is not None and o.label.action != "kept"]
    if steps:
        summary += f"; {label}: {_counts(steps)}"
    _out(f"summary: {summary}")
    return _finish(outcomes, client, key_env, "pushed", "push again")


async def _label_command(client: AsyncPostHog, args: argparse.Namespace, key_env: str) -> int:
    """``label NAME LABEL VERSION`` or ``label NAME LABEL --remove``, after reading where the
    label points now (nothing is sent when it is there already, or not there to remove)."""
    name, label = args.name, args.label
    now = (await client.prompts.labels(name)).get(label)
    if not args.remove:
        step = await point_label(client, name, label, args.version, now, False, [])
        _print_steps([step], summary=False)
        return _finish([step], client, key_env, "labelled", "run it again")
    if now is None:
        raise NotLabelledError(f"{name} has no label {label}; nothing was changed")
    await client.prompts.remove_label(name, label)
    _out(f"{'remove':>9}  {name}: {label} removed (it was at version {now})")
    return 0


def _print_steps(outcomes: list[Outcome], *, summary: bool = True) -> None:
    for outcome in sorted(outcomes, key=lambda o: o.name):
        _out(f"{outcome.action:>9}  {outcome.name}: {outcome.detail}")
    if summary:
        _out(f"summary: {_counts(outcomes)}")


def _counts(outcomes: list[Outcome]) -> str:
    """``1 create, 2 unchanged``: how many of each action, in alphabetical order."""
    return ", ".join(f"{n} {a}" for a, n in sorted(Counter(o.action for o in outcomes).items()))


FAILED = ("refused", "skipped", "error", "conflict")


def _finish(
    outcomes: list[Outcome], client: AsyncPostHog, key_env: str, done: str, again: str
) -> int:
    """The exit status once every line is printed: a refused write (the same for every
    prompt) is one configuration error (2); any other failure one ``error:`` line (1)."""
    failures = {
        o.name: [s for s in (o, o.label) if s is not None and s.action in FAILED] for o in outcomes
    }
    refusal = next((s.refusal for ss in failures.values() for s in ss if s.refusal), None)
    if refusal is not None:
        _out(end="", flush=True)
        count = sum(bool(steps) for steps in failures.values())
        raise _errors.ConfigurationError(
            f"{count} prompt(s) not {done}: {_write_problem(refusal, client, key_env, again)}"
        )
    failed = sorted(
        f"{o.name} ({'' if step is o else 'label '}{step.action})"
        for o in outcomes
        for step in failures[o.name]
        if step.action in ("conflict", "error")
    )
    if failed:
        _out(end="", flush=True)
        print(f"error: {len(failed)} prompt(s) not {done}: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _first_five(names: list[str]) -> str:
    """A list of names for one error line: the first five, then how many more."""
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    return ", ".join(names[:5]) + more
