"""``posthog-api datasets push DIR`` / ``pull DIR``: evaluation datasets as code.

DIR holds ``NAME.jsonl`` for the dataset NAME: one item per line, a JSON object with
``input``, ``output``, ``metadata``, ``ref_trace_id``, ``ref_timestamp`` and
``ref_source_id``, and optionally ``id``. An item is matched by its key: the line's ``id``,
else a hash of its content (``sha256:...``); the key is kept in the item's metadata under
``$item_key``, so re-pushing an unchanged file sends nothing and an edited line with an
``id`` updates its one item. Items without a line are soft-deleted only with ``--prune``.
``pull`` writes every line with its ``id`` (so edits after a pull update in place), keeps
the order of the lines already in the file, and writes a file only when its bytes change.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import json
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from posthog_api_client.types import Unset

from .. import _errors
from ..prompts.diff import same_content
from ._common import (
    EXIT_OK,
    LocalFileError,
    NotFound,
    NothingDoneError,
    Output,
    Report,
    Settings,
    access_checked,
    add_push_options,
    colliding,
    command_group,
    confirm,
    ended,
    first_five,
    json_type,
    os_problem,
    stdin_is_terminal,
    write_problem,
)
from ._files import FileWrite, check_target, list_folder, write_all
from ._pacing import Session, open_session

if TYPE_CHECKING:
    from posthog_api_client.models import Dataset, DatasetItem

    from .._pagination import AsyncPaginator

KEY = "$item_key"
SUFFIX = ".jsonl"
ITEM_FIELDS = ("input", "output", "metadata", "ref_trace_id", "ref_timestamp", "ref_source_id")
LINE_FIELDS = ("id", *ITEM_FIELDS)
MAX_ID = 200
MAX_NAME = 400  # PostHog's limit on a dataset name
MAX_PROBLEMS = 20
MAX_LISTED = 20  # changed items listed per dataset in the report (all of them in --json)
CONCURRENCY = 16
ELSEWHERE = "pull into another folder"
UNSAFE = frozenset('/\\<>:"|?*')


# -- lines -----------------------------------------------------------------------------------


@dataclass
class Line:
    """One item of a file: its line number, key, and fields as compared (metadata without
    the key, None when empty; the timestamp in one canonical form)."""

    number: int
    key: str
    fields: dict[str, Any]


@dataclass
class LocalDataset:
    name: str
    file: str
    lines: list[Line]


@dataclass
class DatasetFolder:
    datasets: dict[str, LocalDataset]
    ignored: list[str]


def content_key(fields: dict[str, Any]) -> str:
    """The key of an item without an ``id``: a hash of its compared fields."""
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def timestamp(value: Any) -> str | None:
    """A ``ref_timestamp`` in one form (UTC, ``Z``); a time without a zone is taken as UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"ref_timestamp {value[:40]!r} is not an ISO 8601 time (e.g. 2026-01-31T12:00:00Z)"
            ) from None
    if not isinstance(value, dt.datetime):
        raise ValueError(f"ref_timestamp must be a string, not {json_type(value)}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    text: str = value.astimezone(dt.UTC).isoformat()
    return text.replace("+00:00", "Z")


def compared(raw: dict[str, Any]) -> dict[str, Any]:
    """The fields of an item or line as compared and hashed."""
    fields = {name: raw.get(name) for name in ITEM_FIELDS}
    metadata = fields["metadata"]
    if isinstance(metadata, dict):
        metadata = {k: v for k, v in metadata.items() if k != KEY}
        fields["metadata"] = metadata or None
    fields["ref_timestamp"] = timestamp(fields["ref_timestamp"])
    return fields


def parse_line(text: str, number: int) -> Line:
    """One line of a NAME.jsonl file, checked (ValueError says what is wrong)."""
    if text.startswith("\ufeff"):
        raise ValueError(
            "the file starts with a byte order mark (BOM), which JSON does not allow: save it "
            "as UTF-8 without a BOM"
        )
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object, not {json_type(value)}")
    unknown = sorted(set(value) - set(LINE_FIELDS))
    if unknown:
        raise ValueError(
            f"unknown field(s) {', '.join(map(repr, unknown))}: use {', '.join(LINE_FIELDS)}"
        )
    metadata = value.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise ValueError(
            f"metadata must be a JSON object (the item's key is kept in it), not "
            f"{json_type(metadata)}"
        )
    if isinstance(metadata, dict) and KEY in metadata:
        raise ValueError(f'metadata.{KEY} is reserved for the item\'s key: give it as "id"')
    for name in ("ref_trace_id", "ref_source_id"):
        ref = value.get(name)
        if ref is not None and (not isinstance(ref, str) or len(ref) > 255):
            raise ValueError(f"{name} must be a string of at most 255 characters")
    fields = compared(value)
    key = value.get("id")
    if key is None:
        key = content_key(fields)
    elif not isinstance(key, str) or not key.strip() or len(key) > MAX_ID:
        raise ValueError(f'"id" must be a non-empty string of at most {MAX_ID} characters')
    return Line(number, key, fields)


def read_lines(path: Path) -> list[Line]:
    """Every item of a file; one ValueError lists every bad line (and repeated keys)."""
    with path.open("rb") as handle:
        data = handle.read()
    text = data.decode("utf-8")  # a UnicodeDecodeError is a ValueError
    lines: list[Line] = []
    problems: list[str] = []
    first: dict[str, int] = {}
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            line = parse_line(raw.rstrip("\r"), number)
        except RecursionError:
            problems.append(f"line {number}: nested too deeply (over ~900 levels)")
            continue
        except ValueError as error:
            problems.append(f"line {number}: {error}")
            continue
        if line.key in first:
            problems.append(
                f"line {number}: the same item as line {first[line.key]} (key {line.key}); "
                'give each an "id", or remove one'
            )
            continue
        first[line.key] = number
        lines.append(line)
    if problems:
        more = f" and {len(problems) - 3} more" if len(problems) > 3 else ""
        raise ValueError("; ".join(problems[:3]) + more)
    return lines


def read_folder(directory: Path) -> DatasetFolder:
    """Every NAME.jsonl of ``directory``; one error lists every bad file, nothing is sent."""
    found: dict[str, LocalDataset] = {}
    ignored: list[str] = []
    problems: list[str] = []
    for path in list_folder(directory):
        try:
            is_file = path.is_file()
        except OSError:
            is_file = False
        if not is_file or path.suffix != SUFFIX:
            ignored.append(f"{path.name}/" if not is_file and path.is_dir() else path.name)
            continue
        # The dataset's name in Unicode form NFC: macOS stores file names as NFD.
        name = unicodedata.normalize("NFC", path.name[: -len(SUFFIX)])
        try:
            problem = name_problem(name)
            if problem:
                raise ValueError(problem)
            if name in found:
                raise ValueError(f"the same dataset name as {found[name].file} (Unicode forms)")
            found[name] = LocalDataset(name, path.name, read_lines(path))
        except OSError as error:
            problems.append(os_problem(error, "read", path.name))
        except ValueError as error:
            problems.append(f"{path.name}: {error}")
    if problems:
        shown = problems[:MAX_PROBLEMS]
        more = f"; and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        raise _errors.InvalidRequestError(
            "nothing was sent; fix these files first: " + "; ".join(shown) + more
        )
    return DatasetFolder(found, ignored)


def name_problem(name: str) -> str | None:
    """Why a dataset name cannot be a file name here (None: it can)."""
    if not name or len(name) > MAX_NAME:
        return f"a dataset name must have 1 to {MAX_NAME} characters"
    if name.startswith((".", " ")) or name.endswith((".", " ")):
        return f"dataset name {name[:60]!r} starts or ends with a dot or a space"
    if any(char in UNSAFE or ord(char) < 32 for char in name):
        return f"dataset name {name[:60]!r} holds a character not allowed in file names"
    return None


def line_text(key: str, fields: dict[str, Any]) -> str:
    """A pulled item's line: ``id``, ``input`` and ``output`` always, the rest when set."""
    value: dict[str, Any] = {"id": key, "input": fields["input"], "output": fields["output"]}
    for name in ITEM_FIELDS[2:]:
        if fields[name] is not None:
            value[name] = fields[name]
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: written escaped, still the same JSON
        text = json.dumps(value, sort_keys=True)
    return text


# -- remote items ----------------------------------------------------------------------------


def _unset(value: Any) -> Any:
    return None if isinstance(value, Unset) else value


def remote_fields(item: DatasetItem) -> dict[str, Any]:
    raw = {
        "input": _unset(item.input_),
        "output": _unset(item.output),
        "metadata": _unset(item.metadata),
        "ref_trace_id": _unset(item.ref_trace_id),
        "ref_timestamp": _unset(item.ref_timestamp),
        "ref_source_id": _unset(item.ref_source_id),
    }
    try:
        return compared(raw)
    except ValueError:  # a timestamp that is not one: compared (and written) as PostHog has it
        when = raw.pop("ref_timestamp")
        return {**compared(raw), "ref_timestamp": str(when)}


def remote_key(item: DatasetItem, fields: dict[str, Any]) -> str:
    metadata = _unset(item.metadata)
    key = metadata.get(KEY) if isinstance(metadata, dict) else None
    return key if isinstance(key, str) and key else content_key(fields)


@dataclass
class Remote:
    item: DatasetItem
    key: str
    fields: dict[str, Any]


def by_key(items: list[DatasetItem]) -> tuple[dict[str, Remote], list[Remote]]:
    """Key -> the first (oldest) item with it; the later ones with a key already taken."""
    first: dict[str, Remote] = {}
    again: list[Remote] = []
    for item in items:
        fields = remote_fields(item)
        remote = Remote(item, remote_key(item, fields), fields)
        if remote.key in first:
            again.append(remote)
        else:
            first[remote.key] = remote
    return first, again


# -- push ------------------------------------------------------------------------------------


@dataclass
class Change:
    """One item to create, update or delete (or that failed)."""

    action: str  # create | update | delete | error | refused | skipped
    key: str
    line: int | None = None
    item_id: str | None = None
    detail: str = ""
    refusal: _errors.APIStatusError | None = None

    def as_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "action": self.action,
            "key": self.key,
            "line": self.line,
            "item_id": self.item_id,
        }
        if self.detail:
            document["detail"] = self.detail
        return document


@dataclass
class DatasetOutcome:
    name: str
    action: str  # create | update | unchanged | untracked | error | refused
    detail: str = ""
    file: str | None = None
    dataset_id: str | None = None
    counts: Counter[str] = field(default_factory=Counter)
    changes: list[Change] = field(default_factory=list)
    refusal: _errors.APIStatusError | None = None

    def changed(self) -> bool:
        return self.action in ("create", "update")

    def differs(self) -> bool:
        """Whether PostHog differs from the file: a change to send, or items the file does
        not have (a dataset with a file is what its file says)."""
        return self.changed() or bool(self.counts["untracked"])

    def failed(self) -> bool:
        return self.action in ("error", "refused") or any(
            c.action in ("error", "refused", "skipped") for c in self.changes
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "action": self.action,
            "file": self.file,
            "dataset_id": self.dataset_id,
            "items": dict(sorted(self.counts.items())),
            "changes": [change.as_json() for change in self.changes],
            "detail": self.detail,
        }


async def push_datasets(
    session: Session,
    folder: DatasetFolder,
    *,
    dry_run: bool = False,
    prune: bool = False,
    output: Output | None = None,
    on_done: Callable[[DatasetOutcome], None] = lambda outcome: None,
) -> list[DatasetOutcome]:
    """Create, update and (with ``prune``) soft-delete items so that each dataset holds
    its file's lines; datasets in turn, the items of each concurrently; ``on_done`` gets
    each dataset's outcome as it is known."""
    output = output or Output(quiet=True)
    remote = await _datasets_by_name(session)
    refused: list[_errors.APIStatusError] = []
    outcomes = []
    for local in folder.datasets.values():
        rows = remote.get(local.name, [])
        outcomes.append(await _push_dataset(session, local, rows, dry_run, prune, refused, output))
        on_done(outcomes[-1])
    for name in sorted(set(remote) - set(folder.datasets)):
        ids = ", ".join(str(row.id) for row in remote[name])
        outcomes.append(
            DatasetOutcome(name, "untracked", f"in PostHog ({ids}), no file here (left alone)")
        )
    return outcomes


async def _datasets_by_name(session: Session) -> dict[str, list[Dataset]]:
    rows = await session.collect(lambda: session.client.datasets.list(page_size=100))
    remote: dict[str, list[Dataset]] = {}
    for row in rows:
        remote.setdefault(row.name, []).append(row)
    return remote


async def _push_dataset(
    session: Session,
    local: LocalDataset,
    rows: list[Dataset],
    dry_run: bool,
    prune: bool,
    refused: list[_errors.APIStatusError],
    output: Output,
) -> DatasetOutcome:
    outcome = DatasetOutcome(local.name, "unchanged", file=local.file)
    client = session.client
    if len(rows) > 1:
        outcome.action = "error"
        ids = ", ".join(str(row.id) for row in rows)
        outcome.detail = (
            f"{len(rows)} datasets are named {local.name!r} in PostHog ({ids}): rename or "
            "delete all but one, then push again"
        )
        return outcome
    items: list[DatasetItem] = []
    created = False
    if rows:
        dataset_id = str(rows[0].id)
        items = await session.collect(
            lambda: client.dataset_items.list(dataset=dataset_id, page_size=100)
        )
    elif dry_run:
        dataset_id = None
        created = True
    else:
        if refused:
            outcome.action, outcome.detail = "error", "not sent: a write of this push was refused"
            return outcome
        try:
            row = await session.call(lambda: client.datasets.create(name=local.name))
        except (_errors.AuthenticationError, _errors.PermissionDeniedError) as error:
            refused.append(error)
            outcome.action, outcome.refusal = "refused", error
            outcome.detail = f"dataset not created: {error.status_code}"
            return outcome
        except _errors.PostHogError as error:
            outcome.action, outcome.detail = "error", f"dataset not created: {error}"
            return outcome
        dataset_id = str(row.id)
        created = True
    outcome.dataset_id = dataset_id
    first, again = by_key(items)
    work: list[tuple[Change, Line | None, Remote | None]] = []
    for line in local.lines:
        remote = first.pop(line.key, None)
        if remote is None:
            work.append((Change("create", line.key, line.number), line, None))
        elif same_content(remote.fields, line.fields):
            outcome.counts["unchanged"] += 1
        else:
            change = Change("update", line.key, line.number, str(remote.item.id))
            work.append((change, line, remote))
    gone = [*first.values(), *again]
    extra: list[Change] = []
    for remote in gone:
        if prune:
            work.append((Change("delete", remote.key, None, str(remote.item.id)), None, remote))
        else:  # the file is the truth: a difference, which --check fails on
            outcome.counts["untracked"] += 1
            stays = "not in the file; stays in PostHog (push --prune deletes it)"
            extra.append(Change("untracked", remote.key, None, str(remote.item.id), stays))
    if not dry_run:
        await _apply(session, dataset_id or "", work, refused, output, local.name)
    for change, _, _ in work:
        outcome.counts[change.action] += 1
    outcome.changes = [change for change, _, _ in work] + extra
    outcome.refusal = next((c.refusal for c in outcome.changes if c.refusal), None)
    done = [c for c in outcome.changes if c.action in ("create", "update", "delete")]
    if created:
        outcome.action = "create"
    elif done:
        outcome.action = "update"
    if outcome.failed():
        outcome.action = "error" if outcome.refusal is None else "refused"
    outcome.detail = _dataset_detail(outcome, created, dry_run, prune)
    return outcome


def _dataset_detail(outcome: DatasetOutcome, created: bool, dry_run: bool, prune: bool) -> str:
    """``2 to create, 1 to update, 7 unchanged`` (a plan) or ``2 created, ...`` (done)."""
    counts = outcome.counts
    done = {"create": "created", "update": "updated", "delete": "deleted"}
    parts = [
        f"{counts[action]} {'to ' + action if dry_run else done[action]}"
        for action in ("create", "update", "delete")
        if counts[action]
    ]
    parts += [
        f"{counts[action]} {action}"
        for action in ("unchanged", "error", "refused", "skipped")
        if counts[action]
    ]
    text = ", ".join(parts) or "no items"
    if created:
        text = ("dataset to create; " if dry_run else "dataset created; ") + text
    if counts["untracked"]:
        text += (
            f"; {counts['untracked']} item(s) not in the file stay in PostHog (push --prune "
            "deletes them)"
        )
    return text


async def _apply(
    session: Session,
    dataset_id: str,
    work: list[tuple[Change, Line | None, Remote | None]],
    refused: list[_errors.APIStatusError],
    output: Output,
    name: str,
) -> None:
    """Send every change, CONCURRENCY at a time; after a refused write, none more."""
    client = session.client
    items = client.dataset_items
    limit = asyncio.Semaphore(CONCURRENCY)
    progress = output.progress(len(work), f"push {name}", unit="item")

    async def one(change: Change, line: Line | None, remote: Remote | None) -> None:
        async with limit:
            try:
                if refused:
                    change.action, change.detail = "skipped", "not sent: a write was refused"
                    return
                if change.action == "delete" and remote is not None:
                    await session.call(lambda: items.soft_delete(remote.item.id))
                    return
                assert line is not None
                body = _body(line)
                if remote is None:
                    row = await session.call(lambda: items.create(dataset=dataset_id, **body))
                    change.item_id = str(row.id)
                else:
                    await session.call(lambda: items.update(remote.item.id, **body))
            except (_errors.AuthenticationError, _errors.PermissionDeniedError) as error:
                refused.append(error)
                change.refusal = error
                change.action, change.detail = "refused", f"{change.action}: {error.status_code}"
            except _errors.PostHogError as error:
                change.action, change.detail = "error", f"{change.action}: {error}"
            finally:
                progress.update(1)

    try:
        await asyncio.gather(*(one(*entry) for entry in work))
    finally:
        progress.close()


def _body(line: Line) -> dict[str, Any]:
    fields = dict(line.fields)
    fields["metadata"] = {**(fields["metadata"] or {}), KEY: line.key}
    return fields


# -- pull ------------------------------------------------------------------------------------


async def pull_datasets(
    session: Session,
    directory: Path,
    names: list[str] | None = None,
    *,
    output: Output | None = None,
) -> list[DatasetOutcome]:
    """Write each dataset (every one, or those named) to ``directory``/NAME.jsonl; every
    name is checked before anything is written, and every file is written or none."""
    check_target(directory, ELSEWHERE)
    remote = await _datasets_by_name(session)
    wanted = list(dict.fromkeys(names or sorted(remote)))
    missing = [name for name in wanted if name not in remote]
    if missing:
        raise NotFound(
            f"no dataset named {first_five(missing)} in project {session.client.project_id}; "
            "nothing was written. Check the names (pull without NAME writes every dataset)"
        )
    same = colliding(wanted)
    if same:
        raise NothingDoneError(
            f"PostHog has dataset names that differ only in case or Unicode form: "
            f"{first_five(same)}; their files would be one file on macOS or Windows, so "
            f"nothing was written to {directory}. Rename all but one in PostHog, or pull the "
            "others by name"
        )
    problems = [
        problem
        for name in wanted
        for problem in [
            name_problem(name),
            f"{len(remote[name])} datasets are named {name!r}" if len(remote[name]) > 1 else None,
        ]
        if problem
    ]
    if problems:
        raise LocalFileError(
            f"cannot write {len(problems)} dataset(s) as NAME.jsonl: {first_five(problems)}; "
            "nothing was written. Rename them in PostHog, or pull the others by name "
            "(posthog-api datasets pull DIR NAME ...)"
        )
    progress = (output or Output(quiet=True)).progress(len(wanted), "pull", unit="dataset")
    files: list[tuple[str, str, int]] = []
    try:
        for name in wanted:
            items = await session.collect(_items_of(session, str(remote[name][0].id)))
            path = directory / f"{name}{SUFFIX}"
            lines = await asyncio.to_thread(_pulled_lines, path, items)
            files.append((name, "".join(line + "\n" for line in lines), len(lines)))
            progress.update(1)
    finally:
        progress.close()
    plan = [FileWrite(directory / f"{name}{SUFFIX}", text) for name, text, _ in files]
    changed = await asyncio.to_thread(write_all, directory, plan, ELSEWHERE)
    return [
        DatasetOutcome(
            name,
            "pull" if wrote else "unchanged",
            f"{count} item(s) -> {name}{SUFFIX}" if wrote else f"{count} item(s), up to date",
            file=f"{name}{SUFFIX}",
            dataset_id=str(remote[name][0].id),
            counts=Counter(items=count),
        )
        for (name, _, count), wrote in zip(files, changed, strict=True)
    ]


def _items_of(session: Session, dataset_id: str) -> Callable[[], AsyncPaginator[DatasetItem]]:
    """The list of a dataset's items, four pages at a time."""
    items = session.client.dataset_items
    return lambda: items.list(dataset=dataset_id, page_size=100, concurrency=4)


def _pulled_lines(path: Path, items: list[DatasetItem]) -> list[str]:
    """The file's lines: the items already in it first, in its order, then the others in
    PostHog's order; one line per key (a second item with a key is left out). A line of the
    file with its ``id`` and the item's content is kept byte for byte (its spacing, its
    CRLF), so a pull changes only the lines whose item changed."""
    order: dict[str, int] = {}
    kept: dict[str, tuple[str, Line]] = {}
    try:
        with path.open("rb") as handle:
            for number, raw in enumerate(handle.read().decode("utf-8").split("\n")):
                try:
                    line = parse_line(raw.rstrip("\r"), number)
                    with_id = '"id"' in raw and "id" in json.loads(raw)
                except (ValueError, RecursionError):
                    continue
                order.setdefault(line.key, number)
                if with_id:
                    kept.setdefault(line.key, (raw, line))
    except (OSError, ValueError):
        pass  # no file yet (or not one we can read): PostHog's order
    first, _ = by_key(items)
    remotes = list(first.values())
    ranked = sorted(range(len(remotes)), key=lambda i: (order.get(remotes[i].key, len(order) + i),))
    lines = []
    for remote in (remotes[i] for i in ranked):
        old = kept.get(remote.key)
        if old is not None and same_content(old[1].fields, remote.fields):
            lines.append(old[0])
        else:
            lines.append(line_text(remote.key, remote.fields))
    return lines


# -- the command line ------------------------------------------------------------------------


def add_datasets(subcommands: Any, common: argparse.ArgumentParser, epilog: str) -> None:
    action = command_group(
        subcommands,
        common,
        epilog,
        "datasets",
        "datasets as code: push, pull (one NAME.jsonl per dataset)",
        _act,
    )
    p = action("push", "create, update (and with --prune delete) items from DIR/NAME.jsonl")
    add_push_options(p, "soft-delete the items that have no line", "delete", "NAME.jsonl")
    p = action("pull", "write each dataset to DIR/NAME.jsonl")
    p.add_argument("directory", type=Path, metavar="DIR")
    p.add_argument("names", nargs="*", metavar="NAME", help="only these datasets (default: all)")


async def _act(
    args: argparse.Namespace, settings: Settings, output: Output, api_key: str
) -> Report:
    folder = _read_push_folder(args, output) if args.datasets_command == "push" else None
    if folder is None:
        check_target(args.directory, ELSEWHERE)
    async with open_session(
        api_key, settings.project_id, settings.host, settings.max_rate, output.waiting
    ) as session:
        datasets = session.client.datasets
        await access_checked(
            session, settings.api_key_env, lambda: datasets.list(page_size=1), "datasets", "dataset"
        )
        if folder is None:
            return await _pull_command(session, args, output)
        return await _push_command(session, folder, args, settings, output)


def _read_push_folder(args: argparse.Namespace, output: Output) -> DatasetFolder:
    folder = read_folder(args.directory)
    for name in folder.ignored:
        kind = "a subfolder" if name.endswith("/") else f"not a {SUFFIX} file"
        output.note(f"warning: {args.directory / name.rstrip('/')} ignored: {kind}")
    if not folder.datasets and not args.allow_empty:
        raise _errors.InvalidRequestError(
            f"{args.directory} has no dataset files (NAME{SUFFIX}), so nothing was sent: check "
            "the path, or pass --allow-empty"
        )
    if args.prune and not (args.yes or args.dry_run or args.check) and not stdin_is_terminal():
        raise NothingDoneError(
            "push --prune soft-deletes the items that have no line, and there is no terminal "
            "to confirm on: add --yes to delete without asking (see the plan first with "
            "--dry-run); nothing was sent"
        )
    return folder


async def _push_command(
    session: Session,
    folder: DatasetFolder,
    args: argparse.Namespace,
    settings: Settings,
    output: Output,
) -> Report:
    plan_only = args.dry_run or args.check
    if args.prune and not plan_only and not args.yes:  # on a terminal: plan, ask, then push
        planned = await push_datasets(session, folder, dry_run=True, prune=True)
        doomed = sum(o.counts["delete"] for o in planned)
        if doomed and not confirm(f"soft-delete {doomed} item(s) that have no line?"):
            raise NothingDoneError("deleting was not confirmed; nothing was sent")
    mode = "check" if args.check else "dry-run" if args.dry_run else "apply"
    finished: list[dict[str, Any]] = []
    output.partial = {"mode": mode, "directory": str(args.directory), "datasets": finished}
    outcomes = await push_datasets(
        session,
        folder,
        dry_run=plan_only,
        prune=args.prune,
        output=output,
        on_done=lambda outcome: finished.append(outcome.as_json()),
    )
    for outcome in outcomes:
        output.report(f"{output.action(outcome.action)}  {outcome.name}: {outcome.detail}")
        shown = [c for c in outcome.changes if plan_only or c.action not in ("create", "update")]
        for change in shown[:MAX_LISTED]:
            where = f"line {change.line}" if change.line is not None else f"item {change.item_id}"
            said = f": {change.detail}" if change.detail else ""
            output.report(
                f"{'':>11}{output.action(change.action, 7)}  {where} ({change.key}){said}"
            )
        if len(shown) > MAX_LISTED:
            output.report(f"{'':>11}... and {len(shown) - MAX_LISTED} more")
    summary = Counter(o.action for o in outcomes)
    text = ", ".join(f"{n} {a}" for a, n in sorted(summary.items())) or "no dataset files"
    output.report(f"summary: {text}")
    document = {
        "mode": mode,
        "directory": str(args.directory),
        "changes": sum(o.differs() for o in outcomes),
        "summary": dict(sorted(summary.items())),
        "datasets": [o.as_json() for o in outcomes],
        "ignored": folder.ignored,
    }
    refusal = next((o.refusal for o in outcomes if o.refusal is not None), None)
    refused = None
    if refusal is not None:
        problem = write_problem(
            refusal, session.client, settings.api_key_env, "push again", "datasets", "dataset:write"
        )
        refused = f"not every item was pushed: {problem}"
    failed = [o.name for o in outcomes if o.failed()]
    failed_line = f"{len(failed)} dataset(s) not pushed: {first_five(failed)}" if failed else None
    return ended(settings, document, refused, failed_line, any(o.differs() for o in outcomes))


async def _pull_command(session: Session, args: argparse.Namespace, output: Output) -> Report:
    outcomes = await pull_datasets(session, args.directory, args.names, output=output)
    for outcome in outcomes:
        output.report(f"{outcome.name}: {outcome.detail}")
    written = sum(o.action == "pull" for o in outcomes)
    summary = f"summary: {written} dataset(s) written to {args.directory}"
    if written < len(outcomes):
        summary += f", {len(outcomes) - written} already up to date"
    output.report(summary)
    document = {"directory": str(args.directory), "datasets": [o.as_json() for o in outcomes]}
    return Report(EXIT_OK, document)
