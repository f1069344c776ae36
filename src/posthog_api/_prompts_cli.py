"""``posthog-api prompts ...``: prompts as code, for CI pipelines.

A folder holds ``NAME.txt`` (that text) or ``NAME.json`` (that JSON value), read and written
byte for byte. ``push`` checks every file before sending anything, then creates, publishes
with ``base_version`` (a concurrent edit is a conflict) or skips the unchanged (exact JSON);
after a write refused for the key (a missing ``llm_prompt:write``) it sends no other.
``pull`` checks every name the server returns as names going out are checked (none becomes a
path outside the folder) and updates every prompt file or none. Every command first checks,
with one request, that the key can read the project's prompts. Every failure is one
``error:`` line on stderr: exit status 2 for usage and configuration errors (a wrong key,
project or scope included), else 1.
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

if TYPE_CHECKING:
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


async def push(client: AsyncPostHog, directory: Path, *, dry_run: bool = False) -> list[Outcome]:
    return await push_prompts(client, read_directory(directory), dry_run=dry_run)


async def push_prompts(
    client: AsyncPostHog, local: dict[str, Any], *, dry_run: bool = False
) -> list[Outcome]:
    """Push prompts already read (and checked) by :func:`read_directory`. Once a write is
    refused (401, 403: e.g. a key without ``llm_prompt:write``), no further write is sent."""
    progress = _progress(len(local), "push")
    limit = asyncio.Semaphore(CONCURRENCY)
    refused: list[_errors.APIStatusError] = []

    async def one(name: str, content: Any) -> Outcome:
        async with limit:
            try:
                return await _push_one(client, name, content, dry_run, refused)
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
                return Outcome(name, "create", f"created version {created.version}")
            # Only a dry run prints diffs; a big one is computed off the event loop.
            diff = await asyncio.to_thread(_diff, name, "", content, "none")
            return Outcome(name, "create", "would create version 1", diff)
        if same_content(latest.prompt, content):
            return Outcome(name, "unchanged", f"version {latest.version}")
        if dry_run:
            diff = await asyncio.to_thread(_diff, name, latest.prompt, content, str(latest.version))
            return Outcome(name, "publish", f"would publish version {latest.version + 1}", diff)
        if refused:
            return skipped
        published = await client.prompts.publish(name, content, base_version=latest.version)
        return Outcome(name, "publish", f"published version {published.version}")
    except _errors.PromptVersionConflict as conflict:
        meanwhile = f"changed in PostHog meanwhile (latest is now {conflict.current_version})"
        return Outcome(name, "conflict", f"{meanwhile}; pull, merge and push again")
    except (_errors.AuthenticationError, _errors.PermissionDeniedError) as error:
        refused.append(error)
        said = f": {_errors.bounded(error.detail, 200)}" if error.detail else ""
        return Outcome(name, "refused", f"{error.status_code}{said}", refusal=error)
    except _errors.PostHogError as error:
        return Outcome(name, "error", str(error))


async def pull(client: AsyncPostHog, directory: Path) -> list[Outcome]:
    """Write the latest of every prompt into ``directory``, one file per name; one name that
    is not a valid prompt name writes nothing, so none can be a path outside ``directory``."""
    _check_pull_target(directory)  # before anything is sent
    latest: dict[str, tuple[int, Any]] = {}
    refused: list[str] = []
    for row in await client.prompts.list(page_size=100).collect():
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
    cmd = subcommands.add_parser("prompts", help="prompts as code: push, pull, get, history, diff")
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
    p = actions.add_parser("pull", help="write every prompt's latest version into DIR")
    p.add_argument("directory", type=Path)
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
    # Local checks first: a bad file or folder is reported before any request.
    local = read_directory(args.directory) if args.prompts_command == "push" else {}
    if args.prompts_command == "pull":
        _check_pull_target(args.directory)
    async with AsyncPostHog(api_key=api_key, project_id=args.project_id, host=args.host) as client:
        await check_access(client, args.api_key_env)
        if args.prompts_command == "push":
            return await _push_command(client, local, args.dry_run, args.api_key_env)
        if args.prompts_command == "pull":
            outcomes = await pull(client, args.directory)
            for outcome in outcomes:
                _out(f"{outcome.name}: {outcome.detail}")
            _out(f"summary: {len(outcomes)} prompt(s) written to {args.directory}")
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


async def check_access(client: AsyncPostHog, key_env: str) -> None:
    """One request (a one-row list of prompts) before any command, so that a wrong key,
    project or scope is one line and exit status 2: not a plan to create every prompt that
    exits 0 (the CI plan step passes, the apply step fails), nor one error per file."""
    try:
        await client.prompts.list(page_size=1)
    except _errors.ResponseValidationError:
        pass  # a 200: access is fine; the command itself reports what it cannot use
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


def _write_problem(error: _errors.APIStatusError, client: AsyncPostHog, key_env: str) -> str:
    """What a 401 or 403 to a write of ``push`` means, and what to do."""
    said = (error.detail or "").strip().rstrip(".")
    status = (
        f"{error.status_code}: {_errors.bounded(said, 200)}" if said else str(error.status_code)
    )
    if isinstance(error, _errors.ScopeError):
        missing = ", ".join(error.missing) or "llm_prompt:write"
        return (
            f"the API key in {key_env} may read but not write prompts: it lacks the scope "
            f"{missing} ({status}); add it to the key in PostHog (Settings > Personal API "
            "keys), or use another key, and push again"
        )
    return (
        f"the API key in {key_env} may not write prompts of project {client.project_id} "
        f"({status}): check that it has the scope llm_prompt:write and write access to that "
        "project, and push again"
    )


async def _push_command(
    client: AsyncPostHog, local: dict[str, Any], dry_run: bool, key_env: str
) -> int:
    outcomes = await push_prompts(client, local, dry_run=dry_run)
    for outcome in sorted(outcomes, key=lambda o: o.name):
        _out(f"{outcome.action:>9}  {outcome.name}: {outcome.detail}")
        if dry_run and outcome.diff:
            _out(outcome.diff, end="")
    counts = sorted(Counter(o.action for o in outcomes).items())
    _out("summary: " + (", ".join(f"{n} {a}" for a, n in counts) or "no prompt files"))
    refusal = next((o.refusal for o in outcomes if o.refusal is not None), None)
    if refusal is not None:  # the same for every prompt: one line, and a configuration error
        _out(end="", flush=True)
        count = sum(o.action in ("refused", "skipped", "error", "conflict") for o in outcomes)
        raise _errors.ConfigurationError(
            f"{count} prompt(s) not pushed: {_write_problem(refusal, client, key_env)}"
        )
    failed = sorted(f"{o.name} ({o.action})" for o in outcomes if o.action in ("conflict", "error"))
    if failed:
        _out(end="", flush=True)
        print(f"error: {len(failed)} prompt(s) not pushed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _first_five(names: list[str]) -> str:
    """A list of names for one error line: the first five, then how many more."""
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    return ", ".join(names[:5]) + more
