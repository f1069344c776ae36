"""``posthog-api prompts ...``: prompts as code, for CI pipelines.

A directory holds one file per prompt: ``NAME.txt`` (the prompt is that text) or
``NAME.json`` (the prompt is that JSON value). ``push`` creates the names PostHog lacks,
publishes the changed ones with ``base_version`` set to the latest version it saw (so a
concurrent edit in PostHog is a conflict, never overwritten) and skips the unchanged
(exact JSON: ``true`` is not ``1``). Every file is read and checked before anything is sent.
Files are read and written byte for byte (no newline translation), so ``pull`` then ``push``
of an unedited folder publishes nothing. ``pull`` checks every name the server returns with
the rule names going out obey, and writes nothing if one is refused: a name never becomes a
path outside the folder. Every failure ends in one ``error:`` line on stderr, never a
traceback: exit status 2 for usage and configuration errors, 1 for everything else.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _validation
from ._errors import (
    ConfigurationError,
    InvalidRequestError,
    PostHogError,
    PromptNotFoundError,
    PromptVersionConflict,
    ResponseValidationError,
)
from .prompts.diff import bounded_unified_diff, same_content

if TYPE_CHECKING:
    from ._client import AsyncPostHog
    from .prompts import Prompt

CONCURRENCY = 8


@dataclass
class LocalPrompt:
    name: str
    content: Any
    path: Path


@dataclass
class Outcome:
    name: str
    action: str  # create | publish | unchanged | conflict | error
    detail: str = ""
    diff: str = ""


# -- reading a directory -----------------------------------------------------------------


def read_directory(directory: Path) -> list[LocalPrompt]:
    """Every ``NAME.txt`` / ``NAME.json`` prompt of ``directory``, checked.

    Raises one :class:`InvalidRequestError` listing every bad file.
    """
    if not directory.is_dir():
        raise InvalidRequestError(f"{directory} is not a directory")
    found: dict[str, LocalPrompt] = {}
    problems: list[str] = []
    for path in sorted(directory.iterdir()):
        if path.suffix not in (".txt", ".json") or not path.is_file():
            continue
        name = path.stem
        try:
            _validation.prompt_name(name)
        except InvalidRequestError as error:
            problems.append(f"{path.name}: {error}")
            continue
        if name in found:
            problems.append(f"{path.name}: {found[name].path.name} already defines {name!r}")
            continue
        try:
            text = _read_exactly(path)
            content: Any = json.loads(text) if path.suffix == ".json" else text
            _validation.prompt_content(content)
        except RecursionError:
            problems.append(f"{path.name}: the JSON is nested too deeply (over ~900 levels)")
            continue
        except (OSError, UnicodeDecodeError, ValueError) as error:
            problems.append(f"{path.name}: {error}")
            continue
        found[name] = LocalPrompt(name, content, path)
    if problems:
        raise InvalidRequestError("nothing was sent; fix these files first: " + "; ".join(problems))
    return list(found.values())


def _read_exactly(path: Path) -> str:
    """The file's text as stored: CR and CRLF line endings are content, not translated."""
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def _as_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return json.dumps(content, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _diff(name: str, old: Any, new: Any, old_label: str) -> str:
    """The bounded diff of ``prompts.diff`` (a summary beyond its size cap)."""
    old_label = f"{name}@{old_label}"
    text, _ = bounded_unified_diff(_as_text(old), _as_text(new), old_label, f"{name} (local)")
    return text or f"# {name}: only the final newline differs from {old_label}\n"


# -- progress ------------------------------------------------------------------------------


class _Progress:
    """A tqdm bar on a terminal (when tqdm is installed); silent otherwise."""

    def __init__(self, total: int, what: str) -> None:
        self._bar: Any = None
        if total > 1 and sys.stderr.isatty():
            try:
                from tqdm import tqdm  # type: ignore[import-untyped]
            except ImportError:
                return
            self._bar = tqdm(total=total, desc=what, unit="prompt", file=sys.stderr, leave=False)

    def advance(self) -> None:
        if self._bar is not None:
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


# -- commands ------------------------------------------------------------------------------


async def push(client: AsyncPostHog, directory: Path, *, dry_run: bool = False) -> list[Outcome]:
    local = read_directory(directory)
    progress = _Progress(len(local), "push")
    limit = asyncio.Semaphore(CONCURRENCY)

    async def one(item: LocalPrompt) -> Outcome:
        async with limit:
            try:
                return await _push_one(client, item, dry_run=dry_run)
            finally:
                progress.advance()

    try:
        return list(await asyncio.gather(*(one(item) for item in local)))
    finally:
        progress.close()


async def _push_one(client: AsyncPostHog, item: LocalPrompt, *, dry_run: bool) -> Outcome:
    try:
        try:
            latest = await client.prompts.fetch(item.name)
        except PromptNotFoundError:
            if not dry_run:
                created = await client.prompts.create(item.name, item.content)
                return Outcome(item.name, "create", f"created version {created.version}")
            # Only a dry run prints diffs; a big one is computed off the event loop.
            diff = await asyncio.to_thread(_diff, item.name, "", item.content, "none")
            return Outcome(item.name, "create", "would create version 1", diff)
        if same_content(latest.prompt, item.content):
            return Outcome(item.name, "unchanged", f"version {latest.version}")
        if dry_run:
            diff = await asyncio.to_thread(
                _diff, item.name, latest.prompt, item.content, str(latest.version)
            )
            return Outcome(
                item.name, "publish", f"would publish version {latest.version + 1}", diff
            )
        published = await client.prompts.publish(
            item.name, item.content, base_version=latest.version
        )
        return Outcome(item.name, "publish", f"published version {published.version}")
    except PromptVersionConflict as conflict:
        return Outcome(
            item.name,
            "conflict",
            f"changed in PostHog meanwhile (latest is now {conflict.current_version}); "
            "pull, merge and push again",
        )
    except PostHogError as error:
        return Outcome(item.name, "error", str(error))


async def pull(client: AsyncPostHog, directory: Path) -> list[Outcome]:
    """Write the latest of every prompt into ``directory``, one file per name.

    Every name the server returned is checked (with the rule names sent obey) before any
    file is touched; one refused name raises :class:`ResponseValidationError` and nothing
    is written, so a hostile or foreign server cannot name a path outside ``directory``.
    """
    _check_pull_target(directory)  # before anything is sent
    rows = await client.prompts.list(page_size=100).collect()
    latest: dict[str, tuple[int, Any]] = {}
    refused: list[str] = []
    for row in rows:
        try:
            name = _validation.prompt_name(row.name)
        except InvalidRequestError:
            refused.append(
                repr(row.name) if len(repr(row.name)) <= 80 else repr(row.name)[:77] + "..."
            )
            continue
        if name not in latest or row.version > latest[name][0]:  # a row listed twice
            latest[name] = (row.version, row.prompt)
    if refused:
        shown = ", ".join(refused[:5]) + (
            f" and {len(refused) - 5} more" if len(refused) > 5 else ""
        )
        raise ResponseValidationError(
            f"the server returned {len(refused)} prompt name(s) that are not valid prompt "
            f"names ({_validation.PROMPT_NAME_RULE}), so cannot be file names; nothing was "
            f"written to {directory}: {shown}. Check --host points at your PostHog.",
            operation="llm_prompts_list",
        )
    rows_to_write = [(name, version, content) for name, (version, content) in latest.items()]
    return await asyncio.to_thread(_write_all, directory, rows_to_write)


def _check_pull_target(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise InvalidRequestError(
            f"{directory} exists and is not a directory: pull writes one file per prompt "
            "into a directory; give a new or existing directory"
        )


def _write_all(directory: Path, rows: list[tuple[str, int, Any]]) -> list[Outcome]:
    directory.mkdir(parents=True, exist_ok=True)
    root = directory.resolve()
    progress = _Progress(len(rows), "pull")
    outcomes = []
    try:
        for name, version, content in rows:
            suffix = ".txt" if isinstance(content, str) else ".json"
            target = _inside(root, f"{name}{suffix}")
            other = _inside(root, f"{name}{'.json' if suffix == '.txt' else '.txt'}")
            if other.is_symlink() or other.exists():
                other.unlink()  # a symlink itself, never what it points to
            _write_atomically(target, _as_text(content))
            outcomes.append(Outcome(name, "pull", f"version {version} -> {name}{suffix}"))
            progress.advance()
    finally:
        progress.close()
    return outcomes


def _inside(root: Path, filename: str) -> Path:
    """``root / filename``, refused unless it is an entry of ``root`` itself.

    Names were checked already; this second check compares the normalised paths, so no
    future rule change can write outside ``root``. A symlink in ``root`` is replaced or
    removed as a link (``os.replace`` / ``unlink`` never follow it), not written through.
    """
    path = Path(os.path.normpath(root / filename))
    if path.parent != root or path.name != filename:
        raise ResponseValidationError(
            f"refused to write {filename!r}: it is not a file name inside {root}",
            operation="llm_prompts_list",
        )
    return path


def _write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file and a rename, so a crash never leaves half a prompt.

    ``newline=""`` writes CR and CRLF line endings as they are, on every platform.
    """
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# -- argparse wiring -----------------------------------------------------------------------


def add_prompts(subcommands: Any) -> None:
    parser = subcommands.add_parser(
        "prompts", help="prompts as code: push, pull, get, history, diff"
    )
    parser.add_argument(
        "--host", help="PostHog URL (else POSTHOG_HOST, else https://us.posthog.com)"
    )
    parser.add_argument("--project-id", help="project id (else POSTHOG_PROJECT_ID)")
    parser.add_argument(
        "--api-key-env",
        default="POSTHOG_PERSONAL_API_KEY",
        help="the environment variable holding the personal API key",
    )
    actions = parser.add_subparsers(dest="prompts_command", metavar="ACTION", required=True)

    p = actions.add_parser("push", help="create missing and publish changed prompts from DIR")
    p.add_argument("directory", type=Path)
    p.add_argument("--dry-run", action="store_true", help="print the plan with diffs; send nothing")
    p.set_defaults(handler=_run, action=_cmd_push)

    p = actions.add_parser("pull", help="write every prompt's latest version into DIR")
    p.add_argument("directory", type=Path)
    p.set_defaults(handler=_run, action=_cmd_pull)

    p = actions.add_parser("get", help="print a prompt")
    p.add_argument("name")
    p.add_argument("--version", type=int)
    p.set_defaults(handler=_run, action=_cmd_get)

    p = actions.add_parser("history", help="list a prompt's versions, newest first")
    p.add_argument("name")
    p.set_defaults(handler=_run, action=_cmd_history)

    p = actions.add_parser("diff", help="diff two versions of a prompt")
    p.add_argument("name")
    p.add_argument("a", type=int)
    p.add_argument("b", type=int)
    p.set_defaults(handler=_run, action=_cmd_diff)


def _run(args: argparse.Namespace) -> int:
    """Run one action; any failure becomes one ``error:`` line on stderr, never a traceback."""
    secret = os.environ.get(args.api_key_env) or None
    try:
        return asyncio.run(_with_client(args))
    except (ConfigurationError, InvalidRequestError) as error:
        return _fail(str(error), 2, secret)
    except PostHogError as error:
        return _fail(str(error), 1, secret)
    except RecursionError:
        return _fail("a JSON value is nested too deeply to process (over ~900 levels)", 1, secret)
    except OSError as error:  # reading or writing prompt files, a closed stdout
        return _fail(str(error), 1, secret)
    except Exception as error:  # a bug: still one line, and never the key
        return _fail(
            f"unexpected {type(error).__name__}: {error} (a bug in posthog-api; please report it)",
            1,
            secret,
        )


MAX_ERROR_CHARS = 4000


def _fail(message: str, status: int, secret: str | None) -> int:
    """Print ``message`` as one bounded ``error:`` line on stderr and return ``status``."""
    if secret:
        message = message.replace(secret, "phx_...")
    line = " ".join(part.strip() for part in message.splitlines() if part.strip())
    if len(line) > MAX_ERROR_CHARS:
        line = line[: MAX_ERROR_CHARS - 3] + "..."
    print(f"error: {line or 'failed'}", file=sys.stderr)
    return status


async def _with_client(args: argparse.Namespace) -> int:
    from ._client import AsyncPostHog

    api_key = os.environ.get(args.api_key_env) or None
    if api_key is None:
        raise ConfigurationError(f"set {args.api_key_env} to a personal API key (phx_...)")
    async with AsyncPostHog(api_key=api_key, project_id=args.project_id, host=args.host) as client:
        result: int = await args.action(client, args)
        return result


async def _cmd_push(client: AsyncPostHog, args: argparse.Namespace) -> int:
    outcomes = await push(client, args.directory, dry_run=args.dry_run)
    for outcome in sorted(outcomes, key=lambda o: o.name):
        print(f"{outcome.action:>9}  {outcome.name}: {outcome.detail}")
        if args.dry_run and outcome.diff:
            print(outcome.diff, end="")
    counts = _count(o.action for o in outcomes)
    print("summary: " + (", ".join(f"{n} {a}" for a, n in counts) or "no prompt files"))
    failed = sorted(f"{o.name} ({o.action})" for o in outcomes if o.action in ("conflict", "error"))
    if failed:
        sys.stdout.flush()
        print(f"error: {len(failed)} prompt(s) not pushed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


async def _cmd_pull(client: AsyncPostHog, args: argparse.Namespace) -> int:
    outcomes = await pull(client, args.directory)
    for outcome in outcomes:
        print(f"{outcome.name}: {outcome.detail}")
    print(f"summary: {len(outcomes)} prompt(s) written to {args.directory}")
    return 0


async def _cmd_get(client: AsyncPostHog, args: argparse.Namespace) -> int:
    prompt: Prompt = await client.prompts.fetch(args.name, args.version)
    print(f"# {prompt.name} version {prompt.version}", file=sys.stderr)
    sys.stdout.write(_as_text(prompt.prompt))
    if isinstance(prompt.prompt, str) and not prompt.prompt.endswith("\n"):
        sys.stdout.write("\n")
    return 0


async def _cmd_history(client: AsyncPostHog, args: argparse.Namespace) -> int:
    async for version in client.prompts.versions(args.name):
        author = ""
        created_by = getattr(version, "created_by", None)
        email = getattr(created_by, "email", None)
        if isinstance(email, str):
            author = f"  {email}"
        marker = "  (latest)" if version.is_latest else ""
        print(f"{version.version:>5}  {version.created_at:%Y-%m-%d %H:%M:%S}{author}{marker}")
    return 0


async def _cmd_diff(client: AsyncPostHog, args: argparse.Namespace) -> int:
    print(await client.prompts.diff(args.name, args.a, args.b))
    return 0


def _count(actions: Iterable[str]) -> Iterator[tuple[str, int]]:
    totals: dict[str, int] = {}
    for action in actions:
        totals[action] = totals.get(action, 0) + 1
    return iter(sorted(totals.items()))
