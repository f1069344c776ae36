"""``posthog-api prompts ...``: prompts as code, for CI pipelines.

A folder holds ``NAME.txt`` (that text, byte for byte) or ``NAME.json`` (that JSON value,
compared as JSON: reformatting it is no change), and optionally a sidecar
``NAME.meta.json`` with ``config``, ``version_description`` and ``labels``. ``push`` checks
every file before sending anything, reads the latest version of every prompt in one list
pass, then creates, publishes with ``base_version`` (a concurrent edit is a conflict) or
skips the unchanged, points the labels, and with ``--prune`` archives the prompts that have
no file; ``--check`` and ``--dry-run`` send no write. After a write refused for the key (a
missing ``llm_prompt:write``) it sends no other. ``pull`` checks every name the server
returns (none becomes a path outside the folder) and updates every file or none. Labels
(``push --label``, ``pull --label``, ``label``, ``promote``) are read in one list pass per
label (``label=``), and a label already at the wanted version is not sent again; a label
no prompt has is an error (a typo), not an empty pull or promotion. ``pull --label L``
leaves ``.pulled-label`` (L) in the folder, and ``push`` of that folder compares each file
with L's version, so it round-trips like any other. Every
command first checks, with one request, that the key can read the project's prompts; every
request is paced to PostHog's rate limits (``_pacing``). Exit statuses: ``_common``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from posthog_api_client.resources import NOT_GIVEN, NotGiven

from .. import _errors, _validation
from ..prompts.diff import bounded_unified_diff, same_content
from ..prompts.prompt import label_names
from ._common import (
    EXIT_CHANGES,
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
    cut,
    ended,
    first_five,
    folded,
    json_type,
    os_problem,
    stdin_is_terminal,
    write_problem,
)
from ._files import FileWrite, check_target, list_folder, write_all
from ._pacing import Session, open_session, unpaced

if TYPE_CHECKING:
    from posthog_api_client.models import LLMPrompt

    from .._client import AsyncPostHog

CONCURRENCY = 8
ELSEWHERE = "pull into another folder"
META = ".meta.json"
PULLED_LABEL = ".pulled-label"
"""The marker ``pull --label L`` leaves in its folder: ``L`` and a newline. ``push`` of that
folder compares each file with the version L points at, so an unedited folder is a no-op."""
META_KEYS = ("config", "version_description", "labels")
CHANGES = ("create", "publish", "archive", "set", "move", "remove")
FAILED = ("refused", "skipped", "error", "conflict")


# -- the folder ------------------------------------------------------------------------------


@dataclass
class LocalPrompt:
    """One prompt of the folder: its content and what its sidecar says (``config`` left
    NOT_GIVEN when the sidecar does not manage it)."""

    name: str
    content: Any
    file: str
    config: dict[str, Any] | NotGiven | None = NOT_GIVEN
    version_description: str | None = None
    labels: tuple[str, ...] = ()


@dataclass
class Folder:
    prompts: dict[str, LocalPrompt]
    ignored: list[str]  # unknown files and subfolders, as "name" and "name/"
    label: str | None = None  # the label it was pulled with (PULLED_LABEL), if any


def read_folder(directory: Path) -> Folder:
    """Every prompt of ``directory``; one error lists every bad file, and nothing is sent."""
    entries = list_folder(directory)
    found: dict[str, LocalPrompt] = {}
    metas: dict[str, Path] = {}
    ignored: list[str] = []
    problems: list[str] = []
    pulled_label: str | None = None
    for path in entries:
        try:
            is_file = path.is_file()
        except OSError:
            is_file = False
        if not is_file:
            ignored.append(f"{path.name}/" if path.is_dir() else path.name)
        elif path.name == PULLED_LABEL:
            try:
                pulled_label = read_pulled_label(path)
            except OSError as error:
                problems.append(os_problem(error, "read", path.name))
            except ValueError as error:
                problems.append(f"{path.name}: {error}")
        elif path.name.endswith(META):
            metas[path.name[: -len(META)]] = path
        elif path.suffix in (".txt", ".json"):
            try:
                local = _read_prompt(path, found)
            except RecursionError:
                problems.append(f"{path.name}: the JSON is nested too deeply (over ~900 levels)")
            except OSError as error:
                problems.append(os_problem(error, "read", path.name))
            except ValueError as error:  # also a bad name, content or UTF-8
                problems.append(f"{path.name}: {error}")
            else:
                found[local.name] = local
        else:
            ignored.append(path.name)
    for stem, path in metas.items():
        try:
            if stem not in found:
                raise ValueError(
                    f"no {stem}.txt or {stem}.json beside it: a sidecar describes a prompt "
                    "file; add the prompt or remove the sidecar"
                )
            _read_meta(path, found[stem])
        except OSError as error:
            problems.append(os_problem(error, "read", path.name))
        except (ValueError, RecursionError) as error:
            problems.append(f"{path.name}: {error}")
    if problems:
        raise _errors.InvalidRequestError(
            "nothing was sent; fix these files first: " + "; ".join(problems)
        )
    return Folder(found, ignored, pulled_label)


def read_pulled_label(path: Path) -> str:
    """The label of a ``PULLED_LABEL`` marker (one label name on one line)."""
    with path.open(encoding="utf-8") as handle:
        text = handle.read(1000)
    try:
        return _validation.label_name(text.strip())
    except _errors.InvalidRequestError as error:
        raise ValueError(
            f"{error}; it holds the label the folder was pulled with (pull --label writes "
            "it): fix it, or remove it to compare the files with the latest versions"
        ) from None


def _read_prompt(path: Path, found: dict[str, LocalPrompt]) -> LocalPrompt:
    name = _validation.prompt_name(unicodedata.normalize("NFC", path.stem))
    if name in found:
        raise ValueError(f"{found[name].file} already defines {name!r}")
    # newline="": CR and CRLF line endings are content, not translated.
    with path.open(encoding="utf-8", newline="") as handle:
        text = handle.read()
    content = load_json(text) if path.suffix == ".json" else text
    _validation.prompt_content(content)
    return LocalPrompt(name, content, path.name)


def load_json(text: str) -> Any:
    """``json.loads``, with a byte order mark said in words (it is no JSON)."""
    if text.startswith("\ufeff"):
        raise ValueError(
            "it starts with a byte order mark (BOM), which JSON does not allow: save it as "
            "UTF-8 without a BOM"
        )
    return json.loads(text)


def _read_meta(path: Path, local: LocalPrompt) -> None:
    with path.open(encoding="utf-8") as handle:
        meta = load_json(handle.read())
    if not isinstance(meta, dict):
        raise ValueError(
            f"expected a JSON object with {', '.join(META_KEYS)}, not {json_type(meta)}"
        )
    description = meta.get("version_description")
    if description is not None and not isinstance(description, str):
        raise ValueError(f'"version_description" must be a string, not {json_type(description)}')
    if meta.get("config") is not None and not isinstance(meta["config"], dict):
        raise ValueError(f'"config" must be a JSON object or null, not {json_type(meta["config"])}')
    unknown = sorted(set(meta) - set(META_KEYS))
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(unknown)}: use {', '.join(META_KEYS)}")
    if "config" in meta:
        local.config = _validation.prompt_config(meta["config"])
    description = meta.get("version_description")
    if description is not None:
        local.version_description = _validation.version_description(description)
    labels = meta.get("labels", [])
    if not isinstance(labels, list):
        raise ValueError('"labels" must be a list of label names')
    try:
        local.labels = tuple(dict.fromkeys(_validation.label_name(label) for label in labels))
    except _errors.InvalidRequestError as error:
        raise ValueError(f"labels: {error}") from None


def meta_text(meta: dict[str, Any]) -> str:
    """A sidecar's canonical text (what pull writes)."""
    return json.dumps(meta, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def as_text(content: Any) -> str:
    """A prompt's file text: a text prompt as it is, a JSON one in the canonical form."""
    if isinstance(content, str):
        return content
    return json.dumps(content, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def same_prompt(remote: Any, local: Any) -> bool:
    """Whether the local content is what PostHog has: the same JSON value (``same_content``),
    or, for a JSON file, the JSON text PostHog answers a JSON prompt with."""
    if same_content(remote, local):
        return True
    if isinstance(remote, str) and not isinstance(local, str):
        try:
            return same_content(json.loads(remote), local)
        except (ValueError, RecursionError):
            return False
    return False


def _diff(name: str, old: Any, new: Any, old_label: str) -> str:
    """The bounded diff of ``prompts.diff`` (a summary beyond its size cap)."""
    old_label = f"{name}@{old_label}"
    text, _ = bounded_unified_diff(as_text(old), as_text(new), old_label, f"{name} (local)")
    return text or f"# {name}: only the final newline differs from {old_label}\n"


# -- outcomes --------------------------------------------------------------------------------


@dataclass
class Step:
    """What happened (or would) to one label of one prompt."""

    label: str
    action: str  # set | move | remove | unchanged | kept | error | refused | skipped
    detail: str
    old_version: int | None = None
    new_version: int | None = None
    refusal: _errors.APIStatusError | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "action": self.action,
            "old_version": self.old_version,
            "new_version": self.new_version,
            "detail": self.detail,
        }


@dataclass
class Outcome:
    name: str
    # create | publish | unchanged | archive | untracked | conflict | error | refused |
    # skipped | pull | label (a label command's prompt)
    action: str
    detail: str = ""
    diff: str = ""
    refusal: _errors.APIStatusError | None = None  # of "refused": a 401 or 403 to a write
    version: int | None = None  # the version pushed, or that would be (a dry run)
    old_version: int | None = None  # the latest before
    labels: list[Step] = field(default_factory=list)
    file: str | None = None
    base: _Base | None = None  # of a folder pulled with --label: what the file was compared with

    @property
    def label(self) -> Step | None:
        """The first label step (``push --label``'s), if any."""
        return self.labels[0] if self.labels else None

    def changes(self) -> bool:
        return self.action in CHANGES or any(step.action in CHANGES for step in self.labels)

    def failures(self) -> list[Outcome | Step]:
        steps: list[Outcome | Step] = [self] if self.action in FAILED else []
        return steps + [step for step in self.labels if step.action in FAILED]

    def as_json(self, with_diff: bool = False) -> dict[str, Any]:
        document: dict[str, Any] = {
            "name": self.name,
            "action": self.action,
            "old_version": self.old_version,
            "new_version": self.version,
            "labels": [step.as_json() for step in self.labels],
            "detail": self.detail,
        }
        if self.file is not None:
            document["file"] = self.file
        if self.base is not None:
            document["base"] = self.base.as_json()
        if with_diff and self.diff:
            document["diff"] = self.diff
        return document


def label_name(value: str, option: str = "LABEL") -> str:
    """PostHog's label name rule, checked before anything is sent (PostHog answers 400)."""
    try:
        return _validation.label_name(value)
    except _errors.InvalidRequestError as error:
        raise _errors.InvalidRequestError(f"{option}: {error}; nothing was sent") from None


class NotLabelledError(_errors.PostHogError):
    """A prompt named for ``promote`` lacks the ``--from`` label (exit status 1)."""


# -- push ------------------------------------------------------------------------------------


async def push(
    client: AsyncPostHog, directory: Path, *, dry_run: bool = False, label: str | None = None
) -> list[Outcome]:
    """``push`` for a library caller's client (unpaced, no output)."""
    folder = read_folder(directory)
    return await push_prompts(unpaced(client), folder, dry_run=dry_run, label=label)


async def push_prompts(
    session: Session,
    folder: Folder,
    *,
    dry_run: bool = False,
    label: str | None = None,
    prune: bool = False,
    output: Output | None = None,
    diffs: bool | None = None,
    on_done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Push prompts already read (and checked) by :func:`read_folder`, then point ``label``
    and each sidecar's labels at each pushed prompt's new or unchanged version; with
    ``prune``, archive the prompts that have no file. A folder pulled with ``--label L``
    (``folder.label``) is compared with the versions L points at: a file matching its
    prompt's L version is unchanged, an edited one is published on top of the latest. Once
    a write is refused (401, 403: e.g. a key without ``llm_prompt:write``), no further
    write is sent. ``on_done`` gets each outcome as it is known (an interrupted push still
    tells what it did)."""
    if label is not None:
        label_name(label, "--label")
    output = output or Output(quiet=True)
    latest = await latest_rows(session)
    if prune:
        check_prune(folder, latest)
    bases: dict[str, LLMPrompt] = {}
    if folder.label is not None:
        bases = await labelled(session, folder.label, content=True)
        if not bases and latest:
            output.note(
                f"warning: no prompt in the project has the label {folder.label}, which this "
                f"folder was pulled with ({PULLED_LABEL}): its files are compared with the "
                "latest versions"
            )
    wanted = {
        name: tuple(dict.fromkeys((*local.labels, *((label,) if label else ()))))
        for name, local in folder.prompts.items()
    }
    positions = await label_positions(session, latest, {lb for ls in wanted.values() for lb in ls})
    extras = sorted(set(latest) - set(folder.prompts))
    progress = output.progress(len(folder.prompts) + (len(extras) if prune else 0), "push")
    limit = asyncio.Semaphore(CONCURRENCY)
    refused: list[_errors.APIStatusError] = []
    with_diff = dry_run if diffs is None else diffs

    async def one(local: LocalPrompt) -> Outcome:
        async with limit:
            try:
                row = latest.get(local.name)
                base = _Base(folder.label, bases.get(local.name)) if folder.label else None
                outcome = await _push_one(session, local, row, dry_run, with_diff, refused, base)
                now = positions.get(local.name, {})
                for name in wanted[local.name]:
                    outcome.labels.append(
                        await _label_pushed(session, outcome, name, now.get(name), dry_run, refused)
                    )
                return done(outcome)
            finally:
                progress.update(1)

    async def gone(name: str) -> Outcome:
        row = latest[name]
        if not prune:
            detail = f"version {row.version} in PostHog, no file here (push --prune archives it)"
            return done(Outcome(name, "untracked", detail, old_version=row.version))
        async with limit:
            try:
                return done(await _archive(session, name, row.version, dry_run, refused))
            finally:
                progress.update(1)

    def done(outcome: Outcome) -> Outcome:
        if on_done is not None:
            on_done(outcome)
        return outcome

    try:
        outcomes = list(await asyncio.gather(*(one(p) for p in folder.prompts.values())))
        # Archived last: a push that failed for one prompt has still archived nothing early.
        outcomes += await asyncio.gather(*(gone(name) for name in extras))
    finally:
        progress.close()
    return outcomes


LEFTOVER = ".pull-"
"""How the temporary files of a pull begin (``.pull-old-...`` holds a file set aside)."""


def check_prune(folder: Folder, latest: dict[str, Any]) -> None:
    """``--prune`` archives what has no file: refused (nothing sent) when an ignored entry
    looks like the file of a prompt it would archive (``greet.TXT``, a dangling
    ``greet.txt`` link, ``greet.txt/``): that file is there, only not read."""
    extras = {folded(name): name for name in latest if name not in folder.prompts}
    shadowed = [
        f"{entry} ({extras[folded(entry.rstrip('/').split('.')[0])]})"
        for entry in folder.ignored
        if folded(entry.rstrip("/").split(".")[0]) in extras
    ]
    if shadowed:
        raise NothingDoneError(
            f"push --prune would archive prompts whose file is here but ignored: "
            f"{first_five(shadowed)}; name each NAME.txt or NAME.json exactly as the prompt "
            "(same case, lowercase extension, a regular file), or push without --prune; "
            "nothing was sent"
        )


def check_prune_locally(folder: Folder, directory: Path) -> None:
    """What refuses ``--prune`` before any request: a folder pulled with ``--label`` (it
    lacks the prompts without that label), or the leftovers of an interrupted pull (a
    prompt's file may be set aside in one of them)."""
    if folder.label is not None:
        raise NothingDoneError(
            f"{directory} was pulled with --label {folder.label} ({PULLED_LABEL} says so), "
            f"so it has no file for the prompts without {folder.label}, and push --prune "
            "would archive every one of them; push without --prune, or prune from a folder "
            "pulled without --label; nothing was sent"
        )
    leftovers = [name for name in folder.ignored if name.startswith(LEFTOVER)]
    if leftovers:
        raise NothingDoneError(
            f"{directory} holds the leftovers of an interrupted pull ({first_five(leftovers)}): "
            "a prompt's file may be set aside in one, and push --prune would archive that "
            f"prompt. Run `posthog-api prompts pull {directory}` again, then delete them; "
            "nothing was sent"
        )


async def latest_rows(session: Session) -> dict[str, LLMPrompt]:
    """Name -> the list row of the latest version of every prompt (one list pass)."""
    rows = await session.collect(lambda: session.client.prompts.list(page_size=100))
    latest: dict[str, LLMPrompt] = {}
    for row in rows:
        if row.name not in latest or row.version > latest[row.name].version:  # listed twice
            latest[row.name] = row
    return latest


async def label_positions(
    session: Session, rows: dict[str, LLMPrompt], wanted: set[str]
) -> dict[str, dict[str, int]]:
    """Name -> {label: version} for the labels in ``wanted``: from the rows' ``all_labels``,
    or (a server without them) one list pass per label."""
    if not wanted:
        return {}
    positions: dict[str, dict[str, int]] = {}
    if all(isinstance(row.all_labels, list) for row in rows.values()):
        for name, row in rows.items():
            refs = row.all_labels if isinstance(row.all_labels, list) else []
            positions[name] = {ref.name: ref.version for ref in refs if ref.name in wanted}
        return positions
    for label in sorted(wanted):
        for name, version in (await label_versions(session, label)).items():
            positions.setdefault(name, {})[label] = version
    return positions


def _remote_config(row: LLMPrompt) -> dict[str, Any] | None:
    config = row.config
    if config is None or isinstance(config, dict):
        return config
    properties = getattr(config, "additional_properties", None)
    return properties if isinstance(properties, dict) else None


@dataclass(frozen=True)
class _Base:
    """What a file of a folder pulled with ``--label`` is compared with: the row of the
    version ``label`` points at (None: the prompt lacks the label, so the latest)."""

    label: str
    row: LLMPrompt | None

    def as_json(self) -> dict[str, Any]:
        return {"label": self.label, "version": self.row.version if self.row else None}


def _matches(row: LLMPrompt, local: LocalPrompt) -> tuple[bool, bool]:
    """Whether ``local`` has ``row``'s content, and its config (a sidecar without
    ``config`` leaves PostHog's as it is: the same)."""
    config_same = isinstance(local.config, NotGiven) or same_content(
        _remote_config(row), local.config
    )
    return same_prompt(row.prompt, local.content), config_same


def _unchanged_detail(row: LLMPrompt, compared: LLMPrompt, base: _Base | None) -> str:
    """An unchanged prompt's line: the version its file matches, and how it was chosen."""
    if base is None:
        return f"version {row.version}"
    if base.row is None:
        return f"version {row.version} (no {base.label} label: compared with the latest)"
    if compared is row and compared.version != base.row.version:
        at = f"{base.label} is at version {base.row.version}"
        return f"matches the latest, version {row.version} ({at})"
    latest = "" if compared.version == row.version else f" (the latest is version {row.version})"
    return f"matches {base.label} at version {compared.version}{latest}"


def _based_on(row: LLMPrompt, compared: LLMPrompt, base: _Base | None) -> str:
    """What a publish of a folder pulled with ``--label`` is an edit of (the reviewer's
    diff is against it; the new version goes on top of the latest all the same)."""
    if base is None:
        return ""
    if base.row is None:
        return f" (no {base.label} label: compared with the latest)"
    if compared.version == row.version:
        return f", based on {base.label} at version {compared.version}"
    return (
        f", based on {base.label} at version {compared.version}, not on the latest "
        f"(version {row.version})"
    )


async def _push_one(
    session: Session,
    local: LocalPrompt,
    row: LLMPrompt | None,
    dry_run: bool,
    with_diff: bool,
    refused: list[_errors.APIStatusError],
    base: _Base | None = None,
) -> Outcome:
    """Create, publish or skip one prompt; a failure is its outcome, not an exception."""
    name = local.name
    try:
        if row is None:
            return await _create(session, local, dry_run, with_diff, refused)
        return await _publish(session, local, row, dry_run, with_diff, refused, base)
    except _errors.PromptVersionConflict as conflict:
        meanwhile = f"changed in PostHog meanwhile (latest is now {conflict.current_version})"
        return Outcome(
            name,
            "conflict",
            f"{meanwhile}; pull, merge and push again",
            old_version=row.version if row else None,
            file=local.file,
        )
    except (_errors.AuthenticationError, _errors.PermissionDeniedError) as error:
        return Outcome(name, "refused", _refused(error, refused), refusal=error, file=local.file)
    except _errors.PostHogError as error:
        return Outcome(name, "error", str(error), file=local.file)


def _skipped(local: LocalPrompt) -> Outcome:
    return Outcome(
        local.name, "skipped", "not sent: a write of this push was refused", file=local.file
    )


async def _create(
    session: Session,
    local: LocalPrompt,
    dry_run: bool,
    with_diff: bool,
    refused: list[_errors.APIStatusError],
) -> Outcome:
    """A prompt PostHog does not have yet: version 1."""
    name, content = local.name, local.content
    if dry_run:
        # Only a plan prints diffs; a big one is computed off the event loop.
        diff = await asyncio.to_thread(_diff, name, "", content, "none") if with_diff else ""
        return Outcome(name, "create", "would create version 1", diff, version=1, file=local.file)
    if refused:
        return _skipped(local)
    created = await session.call(
        lambda: session.client.prompts.create(
            name,
            content,
            config=local.config if isinstance(local.config, dict) else NOT_GIVEN,
            version_description=local.version_description,
        ),
    )
    done = f"created version {created.version}"
    return Outcome(name, "create", done, version=created.version, file=local.file)


async def _publish(
    session: Session,
    local: LocalPrompt,
    row: LLMPrompt,
    dry_run: bool,
    with_diff: bool,
    refused: list[_errors.APIStatusError],
    base: _Base | None,
) -> Outcome:
    """A prompt PostHog has: unchanged, or a new version on top of ``row`` (the latest)."""
    name, content = local.name, local.content
    # A folder pulled with --label: compared with the version the label points at.
    compared = row if base is None or base.row is None else base.row
    same, config_same = _matches(compared, local)
    if not (same and config_same) and compared.version != row.version and all(_matches(row, local)):
        compared = row  # edited into what the latest already is: nothing to publish
        same = config_same = True
    if same and config_same:
        return Outcome(
            name,
            "unchanged",
            _unchanged_detail(row, compared, base),
            version=compared.version,
            old_version=row.version,
            file=local.file,
            base=base,
        )
    # The new version goes on top of the latest: what differs from it is sent.
    same_latest, config_same_latest = (
        (same, config_same) if compared is row else _matches(row, local)
    )
    based = _based_on(row, compared, base)
    if dry_run:
        diff = ""
        if with_diff:
            old, new = (compared.prompt, content) if not same else (compared.config, local.config)
            shown = str(compared.version)
            if base is not None and compared is not row:
                shown += f" ({base.label})"
            diff = await asyncio.to_thread(_diff, name, old, new, shown)
        planned = row.version + 1
        return Outcome(
            name,
            "publish",
            f"would publish version {planned}" + (" (config only)" if same else "") + based,
            diff,
            version=planned,
            old_version=row.version,
            file=local.file,
            base=base,
        )
    if refused:
        return _skipped(local)
    # A sidecar's description describes one change: the latest's own is not sent again.
    description = local.version_description
    if description is not None and description == row.version_description:
        description = None
    latest_version = row.version
    published = await session.call(
        lambda: session.client.prompts.publish(
            name,
            None if same_latest else content,
            base_version=latest_version,
            config=NOT_GIVEN if config_same_latest else local.config,
            version_description=description,
        ),
    )
    done = f"published version {published.version}" + (" (config only)" if same else "")
    return Outcome(
        name,
        "publish",
        done + based,
        version=published.version,
        old_version=latest_version,
        file=local.file,
        base=base,
    )


def _refused(error: _errors.APIStatusError, refused: list[_errors.APIStatusError]) -> str:
    """Note a write refused for the key (no further write is sent); its ``403: detail``."""
    refused.append(error)
    said = f": {_errors.bounded(error.detail, 200)}" if error.detail else ""
    return f"{error.status_code}{said}"


async def _archive(
    session: Session,
    name: str,
    version: int,
    dry_run: bool,
    refused: list[_errors.APIStatusError],
) -> Outcome:
    what = f"version {version} and every label"
    if dry_run:
        return Outcome(
            name, "archive", f"would archive ({what}): no file here", old_version=version
        )
    if refused:
        return Outcome(name, "skipped", "not archived: a write of this push was refused")
    try:
        await session.call(lambda: session.client.prompts.archive(name))
    except (_errors.AuthenticationError, _errors.PermissionDeniedError) as error:
        return Outcome(name, "refused", _refused(error, refused), refusal=error)
    except _errors.PostHogError as error:
        return Outcome(name, "error", f"not archived: {error}", old_version=version)
    return Outcome(name, "archive", f"archived ({what}): no file here", old_version=version)


async def _label_pushed(
    session: Session,
    pushed: Outcome,
    label: str,
    current: int | None,
    dry_run: bool,
    refused: list[_errors.APIStatusError],
) -> Step:
    """Point ``label`` at the version ``pushed`` left as the latest (none if it failed)."""
    if pushed.version is None:  # conflict, error, refused or skipped: the label stays
        return Step(label, "kept", f"{label} left as it was", current, current)
    return await point_label(session, pushed.name, label, pushed.version, current, dry_run, refused)


async def point_label(
    session: Session,
    name: str,
    label: str,
    version: int,
    current: int | None,
    dry_run: bool,
    refused: list[_errors.APIStatusError],
) -> Step:
    """Point ``label`` of ``name`` at ``version``, where ``current`` says it points now (None:
    not set). Nothing is sent when it is there already, in a dry run, or after a refused write.
    Action: set, move, unchanged, error, refused or skipped."""
    if current == version:
        return Step(label, "unchanged", f"{label} already at version {version}", version, version)
    # Without current: the label was set meanwhile, after the list pass.
    to = f"to version {version}" if current is None else f"from version {current} to {version}"
    if dry_run:
        if current is None:
            return Step(label, "set", f"would set {label} at version {version}", None, version)
        return Step(label, "move", f"would move {label} {to}", current, version)
    if refused:
        return Step(label, "skipped", f"{label} not sent: a write of this run was refused", current)
    try:
        result = await session.call(lambda: session.client.prompts.set_label(name, label, version))
    except (_errors.AuthenticationError, _errors.PermissionDeniedError) as error:
        return Step(label, "refused", f"{label}: {_refused(error, refused)}", current, None, error)
    except _errors.PostHogError as error:
        return Step(label, "error", f"{label} not moved: {error}", current)
    if result.created:
        return Step(label, "set", f"{label} set at version {version}", None, version)
    return Step(label, "move", f"{label} moved {to}", current, version)


async def label_versions(session: Session, label: str) -> dict[str, int]:
    """Name -> the version ``label`` points at, of every prompt that has it."""
    return {name: row.version for name, row in (await labelled(session, label)).items()}


async def labelled(session: Session, label: str, *, content: bool = False) -> dict[str, LLMPrompt]:
    """Name -> the list row of the version ``label`` points at, of every prompt that has it:
    one list pass (``label=``; prompts without it are left out), with the content or not.
    A row that does not carry the label (the library's own check, ``_carries``) is a server
    that ignored the filter (one older than labels): its rows are the latest versions, and
    nothing may be done with them."""
    from ..resources.prompts import _carries  # loaded with the client, not at CLI import

    rows = await session.collect(
        lambda: session.client.prompts.list(
            label=label, content="full" if content else "none", page_size=100
        )
    )
    for row in rows:
        if _carries(row, label):
            continue
        raise _errors.ResponseValidationError(
            f"asked for the prompts labelled {label}, the server answered with "
            f"{_errors.bounded(repr(row.name), 80)} version {row.version}, which does not carry "
            "that label: this PostHog ignores the label filter (it may be older than prompt "
            "labels), so nothing was changed or written. Check --host points at your PostHog",
            operation="llm_prompts_list",
        )
    return {row.name: row for row in rows}


# -- promote ---------------------------------------------------------------------------------


async def promote(
    session: Session,
    source: str,
    target: str,
    names: list[str] | None = None,
    *,
    dry_run: bool = False,
    output: Output | None = None,
) -> list[Outcome]:
    """Point ``target`` at the version ``source`` points at, for every prompt that has
    ``source`` (or only ``names``: each must have it, else nothing is sent; a ``source`` no
    prompt has is a typo, :class:`NotLabelledError`). Both labels are learnt from one list
    pass (``label=source``, each row's ``all_labels``); a prompt whose ``target`` is there
    already is not sent."""
    wanted = _check_promotion(source, target, names)
    rows = await labelled(session, source)
    if not rows:
        raise await no_such_label(session, source, "nothing was changed")
    missing = [name for name in wanted if name not in rows]
    if missing:
        raise NotLabelledError(
            f"{len(missing)} named prompt(s) have no label {source} (or do not exist): "
            f"{first_five(missing)}; nothing was changed. Set it first (posthog-api prompts "
            f"label NAME {source} VERSION), or leave these names out"
        )
    chosen = [rows[name] for name in wanted] or sorted(rows.values(), key=lambda row: row.name)
    current: dict[str, int] = {}
    for row in chosen:
        if not isinstance(row.all_labels, list):  # a server without all_labels on list rows
            current = await label_versions(session, target)  # one more pass, for the target
            break
        current.update((row.name, ref.version) for ref in row.all_labels if ref.name == target)
    progress = (output or Output(quiet=True)).progress(len(chosen), "promote")
    limit = asyncio.Semaphore(CONCURRENCY)
    refused: list[_errors.APIStatusError] = []

    async def one(name: str, version: int) -> Outcome:
        async with limit:
            try:
                now = current.get(name)
                step = await point_label(session, name, target, version, now, dry_run, refused)
                return _label_outcome(name, step)
            finally:
                progress.update(1)

    try:
        return list(await asyncio.gather(*(one(row.name, row.version) for row in chosen)))
    finally:
        progress.close()


def _labelled_json(outcome: Outcome, label: str) -> dict[str, Any]:
    """A label command's prompt in --json: its one label step under ``labels``."""
    step = Step(label, outcome.action, outcome.detail, outcome.old_version, outcome.version)
    document = outcome.as_json()
    document.update(old_version=None, new_version=None, labels=[step.as_json()])
    return document


def _label_outcome(name: str, step: Step) -> Outcome:
    """A label command's line: the prompt, its label's step as the action."""
    return Outcome(
        name,
        step.action,
        step.detail,
        refusal=step.refusal,
        version=step.new_version,
        old_version=step.old_version,
    )


# -- pull ------------------------------------------------------------------------------------


async def pull(
    session: Session,
    directory: Path,
    *,
    label: str | None = None,
    output: Output | None = None,
) -> list[Outcome]:
    """Write the latest of every prompt (or the version ``label`` points at, leaving out the
    prompts without it, and ``label`` into the folder's ``PULLED_LABEL`` marker) into
    ``directory``: one file per name and a sidecar where there is a config or description; a
    name that is not a valid prompt name writes nothing, so none can be a path outside
    ``directory``. Files already holding the right bytes are left. A label no prompt has is
    :class:`NotLabelledError`, nothing written."""
    if label is not None:
        label_name(label, "--label")
    check_pull_target(directory, label)  # before anything is sent
    if label is None:
        rows = list((await latest_rows(session)).values())
    else:
        rows = list((await labelled(session, label, content=True)).values())
        if not rows:
            raise await no_such_label(session, label, f"nothing was written to {directory}")
    latest: dict[str, LLMPrompt] = {}
    refused: list[str] = []
    for row in rows:
        try:
            name = _validation.prompt_name(row.name)
        except _errors.InvalidRequestError:
            refused.append(cut(repr(row.name), 80))
            continue
        if name not in latest or row.version > latest[name].version:  # a row listed twice
            latest[name] = row
    if refused:
        raise _errors.ResponseValidationError(
            f"the server returned {len(refused)} prompt name(s) that are not valid prompt "
            f"names ({_validation.PROMPT_NAME_RULE}), so cannot be file names; nothing was "
            f"written to {directory}: {first_five(refused)}. Check --host points at your "
            "PostHog.",
            operation="llm_prompts_list",
        )
    same = colliding(list(latest))
    if same:
        raise NothingDoneError(
            f"PostHog has prompt names that differ only in case: {first_five(same)}; their "
            "files would be one file on a case-insensitive file system (macOS, Windows), so "
            f"nothing was written to {directory}. Rename all but one in PostHog"
        )
    progress = (output or Output(quiet=True)).progress(len(latest), "pull")
    try:
        return await asyncio.to_thread(_write_prompts, directory, latest, label, progress.update)
    finally:
        progress.close()


@dataclass
class _Planned:
    """One prompt file of a pull: where it goes, and its other-suffix twin to remove."""

    name: str
    version: int
    text: str
    target: Path
    other: Path | None  # None: that name cannot exist here (too long), nothing to remove
    meta: FileWrite | None = None


def _write_prompts(
    directory: Path, rows: dict[str, LLMPrompt], label: str | None, progress: Any = None
) -> list[Outcome]:
    try:
        root = directory.resolve()
        plan = _plan(
            root,
            directory,
            {name: (row.version, row.prompt) for name, row in rows.items()},
            {name: _pulled_meta(row) for name, row in rows.items()},
        )
    except OSError as error:
        raise LocalFileError(os_problem(error, "write", directory, ELSEWHERE)) from None
    writes: list[FileWrite] = []
    for item in plan:
        others = (item.other,) if item.other is not None else ()
        writes.append(FileWrite(item.target, item.text, others))
        if item.meta is not None:
            writes.append(item.meta)
    # The label pulled, for push to compare with; a pull of the latest versions removes it.
    marker = directory / PULLED_LABEL
    writes.append(FileWrite(marker, None if label is None else f"{label}\n"))
    changed = write_all(directory, writes, ELSEWHERE, progress or (lambda: None))
    outcomes: list[Outcome] = []
    at = 0
    for item in plan:
        step = 2 if item.meta is not None else 1
        wrote = any(changed[at : at + step])
        at += step
        if wrote:
            detail = f"version {item.version} -> {item.target.name}"
        else:
            detail = f"version {item.version} = {item.target.name} (already up to date)"
        outcomes.append(
            Outcome(
                item.name,
                "pull" if wrote else "unchanged",
                detail,
                version=item.version,
                file=item.target.name,
            )
        )
    return outcomes


def _pulled_meta(row: LLMPrompt) -> dict[str, Any]:
    """The sidecar fields PostHog holds for this version (labels are the folder's own)."""
    meta: dict[str, Any] = {}
    config = _remote_config(row)
    if config is not None:
        meta["config"] = config
    description = row.version_description
    if isinstance(description, str) and description:
        meta["version_description"] = description
    return meta


def _plan(
    root: Path,
    directory: Path,
    latest: dict[str, tuple[int, Any]],
    metas: dict[str, dict[str, Any]] | None = None,
) -> list[_Planned]:
    """Each prompt's file, checked before anything is written: its name must fit the file
    system (a valid 255-character name may not), and no directory may sit there (``os.replace``
    cannot replace one). A JSON prompt PostHog answers as text stays a JSON file when the
    folder has it as one."""
    existing = next((path for path in (root, *root.parents) if path.is_dir()), root)
    try:  # the longest file name (bytes) there; root may not exist yet
        limit = int(os.pathconf(existing, "PC_NAME_MAX"))
    except (AttributeError, OSError, ValueError):  # no pathconf (Windows), or no answer
        limit = 255
    plan: list[_Planned] = []
    too_long: list[str] = []
    blocked: list[Path] = []
    for name, (version, content) in latest.items():
        content = _as_json_file(root, name, content)
        suffixes = (".txt", ".json") if isinstance(content, str) else (".json", ".txt")
        fits = [len(name.encode()) + len(suffix) <= limit for suffix in (*suffixes, META)]
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
        meta = _meta_write(root / (name + META), (metas or {}).get(name, {})) if fits[2] else None
        candidates = (target, other, meta.target if meta else None)
        blocked += [p for p in candidates if p and p.is_dir() and not p.is_symlink()]
        plan.append(_Planned(name, version, as_text(content), target, other, meta))
    if too_long:
        raise LocalFileError(
            f"{len(too_long)} prompt name(s) are too long for a file name in {directory} "
            f"(NAME.txt or NAME.json must fit in {limit} bytes): {first_five(too_long)}; "
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


def _as_json_file(root: Path, name: str, content: Any) -> Any:
    """PostHog answers a JSON prompt with its JSON text: kept as JSON when NAME.json is in
    the folder already (and the text is JSON), so pull does not turn it into NAME.txt."""
    if not isinstance(content, str):
        return content
    try:
        if not (root / f"{name}.json").is_file():
            return content
        return json.loads(content)
    except (OSError, ValueError, RecursionError):  # OSError: a name too long to exist here
        return content


def _meta_write(path: Path, meta: dict[str, Any]) -> FileWrite:
    """The sidecar after a pull: PostHog's config and description, the folder's own labels
    (kept from the sidecar there); none at all when there is nothing to say."""
    try:
        with path.open(encoding="utf-8") as handle:
            old = json.load(handle)
        if isinstance(old, dict) and isinstance(old.get("labels"), list) and old["labels"]:
            meta = {**meta, "labels": old["labels"]}
    except (OSError, ValueError, RecursionError):
        pass  # no sidecar there (or not one we can read): it is replaced
    return FileWrite(path, meta_text(meta) if meta else None)


def check_pull_target(directory: Path, label: str | None) -> None:
    """``directory`` may take this pull (checked before anything is sent). A folder pulled
    with --label L keeps, through a pull --label M, the files of the prompts without M at
    L's versions, and then nothing would say so: that pull is refused."""
    check_target(directory, ELSEWHERE)
    marker = directory / PULLED_LABEL
    try:
        if marker.is_dir() and not marker.is_symlink():
            problem = f"cannot write {marker}: it is a directory; remove or rename it"
            raise LocalFileError(f"{problem}, or {ELSEWHERE}; nothing was sent")
        before = read_pulled_label(marker) if label is not None and marker.is_file() else None
    except (OSError, ValueError):
        return  # no marker, or one this pull replaces
    if before is not None and before != label:
        raise _errors.InvalidRequestError(
            f"{directory} was pulled with --label {before} ({PULLED_LABEL} says so): pull "
            f"--label {label} would leave the prompts without {label} at {before}'s versions, "
            f"with nothing to say so. Pull into another folder, or remove {marker} first; "
            "nothing was sent"
        )


async def no_such_label(session: Session, label: str, unchanged: str) -> NotLabelledError:
    """The error for a label no prompt of the project has (a typo, most likely), naming the
    labels the project has (one more list pass, when its rows say)."""
    rows = await session.collect(lambda: session.client.prompts.list(content="none", page_size=100))
    names: set[str] = set()
    for row in rows:
        if isinstance(row.all_labels, list):
            names.update(ref.name for ref in row.all_labels)
        names.update(label_names(row.labels))
    found = f"its labels are {first_five(sorted(names))}" if names else "it has no labelled prompt"
    return NotLabelledError(
        f"no prompt in project {session.client.project_id} has the label {label} ({found}); "
        f"a typo? `posthog-api prompts get NAME` shows a prompt's labels; {unchanged}"
    )


# -- the command line ------------------------------------------------------------------------


def add_prompts(subcommands: Any, common: argparse.ArgumentParser, epilog: str) -> None:
    action = command_group(
        subcommands,
        common,
        epilog,
        "prompts",
        "prompts as code: push, pull, get, history, diff, label, promote",
        _act,
    )
    p = action("push", "create missing and publish changed prompts from DIR")
    add_push_options(p, "archive the prompts that have no file in DIR", "archive", "prompt files")
    p.add_argument("--label", help="then point this label at each pushed prompt's version")
    p = action("pull", "write every prompt's latest version into DIR")
    p.add_argument("directory", type=Path, metavar="DIR")
    p.add_argument(
        "--label",
        help=f"the versions this label points at (others are skipped); kept in DIR/{PULLED_LABEL}"
        ", so that push compares with them",
    )
    p = action("label", "set, move or remove a label of a prompt")
    p.add_argument("name", metavar="NAME")
    p.add_argument("label", metavar="LABEL")
    p.add_argument("version", nargs="?", type=int, metavar="VERSION", help="where LABEL goes")
    p.add_argument("--remove", action="store_true", help="remove LABEL (give no VERSION)")
    p = action("promote", "point --to at the version --from points at, for every prompt with it")
    p.add_argument("names", nargs="*", metavar="NAME", help="only these prompts (default: all)")
    p.add_argument("--from", dest="source", required=True, metavar="LABEL")
    p.add_argument("--to", dest="target", required=True, metavar="LABEL")
    modes = p.add_mutually_exclusive_group()
    modes.add_argument("--dry-run", action="store_true", help="print the plan; send no write")
    modes.add_argument(
        "--check", action="store_true", help="send no write; exit 1 if anything would move"
    )
    p = action("get", "print a prompt (the latest version unless --version or --label)")
    p.add_argument("name")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--version", type=int)
    which.add_argument("--label", help="the version this label points at")
    p = action("history", "list a prompt's versions, newest first")
    p.add_argument("name")
    p = action("diff", "diff two versions of a prompt")
    p.add_argument("name")
    p.add_argument("a", type=int)
    p.add_argument("b", type=int)


async def _act(
    args: argparse.Namespace, settings: Settings, output: Output, api_key: str
) -> Report:
    """Run ``args.prompts_command``, reporting what it did."""
    # Local checks first: a bad name, label, file or folder is reported before any request.
    command = args.prompts_command
    _check_arguments(args)
    folder = _read_push_folder(args, output) if command == "push" else None
    if command == "pull":
        check_pull_target(args.directory, args.label)
    async with open_session(
        api_key, settings.project_id, settings.host, settings.max_rate, output.waiting
    ) as session:
        count = await check_access(session, settings.api_key_env)
        if folder is not None:
            return await _push_command(session, folder, args, settings, output)
        try:
            return await _named_command(session, args, settings, output, count)
        except _errors.PromptNotFoundError:
            if not hasattr(args, "name"):
                raise
            raise NotFound(_not_found(args, session.client.project_id)) from None


def _not_found(args: argparse.Namespace, project: str) -> str:
    """A 404 for a prompt named on the command line, in the command line's words."""
    name, command = args.name, args.prompts_command
    unchanged = "; nothing was changed" if command == "label" else ""
    version = getattr(args, "version", None)
    if command == "diff":
        version = f"{args.a} or {args.b}"
    if version is None:
        return (
            f"no prompt named {name} in project {project}: check the name (`posthog-api "
            f"prompts pull DIR` writes a file for every prompt){unchanged}"
        )
    return (
        f"prompt {name} has no version {version} in project {project} (or no prompt is "
        f"named so): `posthog-api prompts history {name}` lists its versions{unchanged}"
    )


async def _named_command(
    session: Session,
    args: argparse.Namespace,
    settings: Settings,
    output: Output,
    count: int | None,
) -> Report:
    command = args.prompts_command
    if command == "label":
        return await _label_command(session, args, settings, output)
    if command == "promote":
        return await _promote_command(session, args, settings, output)
    if command == "pull":
        return await _pull_command(session, args, output, count)
    if command == "get":
        return await _get_command(session, args, output)
    if command == "history":
        return await _history_command(session, args, output)
    return await _diff_command(session, args, output)


def _read_push_folder(args: argparse.Namespace, output: Output) -> Folder:
    folder = read_folder(args.directory)
    for name in folder.ignored:
        kind = "a subfolder" if name.endswith("/") else "not a prompt file"
        output.note(
            f"warning: {args.directory / name.rstrip('/')} ignored: {kind} (prompts are "
            f"NAME.txt, NAME.json and NAME{META})"
        )
    if args.prune:
        check_prune_locally(folder, args.directory)
    if not folder.prompts and not args.allow_empty:
        prune = "; with --prune that archives every prompt" if args.prune else ""
        raise _errors.InvalidRequestError(
            f"{args.directory} has no prompt files (NAME.txt or NAME.json), so nothing was "
            f"sent: check the path, or pass --allow-empty to push an empty folder{prune}"
        )
    if args.prune and not (args.yes or args.dry_run or args.check) and not stdin_is_terminal():
        raise NothingDoneError(
            "push --prune archives the prompts that have no file, and there is no terminal "
            "to confirm on: add --yes to archive without asking (see the plan first with "
            "--dry-run); nothing was sent"
        )
    return folder


def _check_arguments(args: argparse.Namespace) -> None:
    """The names and labels of the command line, checked before anything is sent."""
    command = args.prompts_command
    if command in ("push", "pull", "get") and args.label is not None:
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


async def check_access(session: Session, key_env: str) -> int | None:
    """One request (a one-row list of prompts) before any command (:func:`access_checked`).
    Returns how many prompts the project has, when the answer says."""
    client = session.client
    try:
        answer = await access_checked(session, key_env, lambda: client.prompts.list(page_size=1))
    except _errors.ResponseValidationError:
        return None  # a 200: access is fine; the command itself reports what it cannot use
    return answer.count


async def _push_command(
    session: Session,
    folder: Folder,
    args: argparse.Namespace,
    settings: Settings,
    output: Output,
) -> Report:
    plan_only = args.dry_run or args.check
    mode = "check" if args.check else "dry-run" if args.dry_run else "apply"
    if args.prune and not plan_only and not args.yes:  # on a terminal: ask first
        latest = await latest_rows(session)
        check_prune(folder, latest)
        extras = sorted(set(latest) - set(folder.prompts))
        if extras and not confirm(
            f"archive {len(extras)} prompt(s) that have no file in {args.directory}: "
            f"{first_five(extras)}?"
        ):
            raise NothingDoneError("archiving was not confirmed; nothing was sent")
    finished: list[dict[str, Any]] = []
    output.partial = {"mode": mode, "directory": str(args.directory), "prompts": finished}

    def report(outcome: Outcome) -> None:
        """Each prompt's line as soon as it is done (an interrupted push has said what it
        did), and into the document an interruption prints."""
        then = "".join(f"; {step.detail}" for step in outcome.labels)
        output.report(f"{output.action(outcome.action)}  {outcome.name}: {outcome.detail}{then}")
        if plan_only and outcome.diff:
            output.report(outcome.diff, end="")
        finished.append(outcome.as_json(with_diff=plan_only))

    outcomes = await push_prompts(
        session,
        folder,
        dry_run=plan_only,
        label=args.label,
        prune=args.prune,
        output=output,
        diffs=plan_only,
        on_done=report,
    )
    outcomes.sort(key=lambda o: o.name)
    summary = _counts(outcomes) or "no prompt files"
    by_label: dict[str, list[Step]] = {}
    for outcome in outcomes:
        for step in outcome.labels:
            if step.action != "kept":
                by_label.setdefault(step.label, []).append(step)
    for label, steps in by_label.items():
        summary += f"; {label}: {_counts(steps)}"
    output.report(f"summary: {summary}")
    document = {
        "mode": mode,
        "directory": str(args.directory),
        "changes": sum(o.changes() for o in outcomes),
        "summary": dict(sorted(Counter(o.action for o in outcomes).items())),
        "prompts": [o.as_json(with_diff=plan_only) for o in outcomes],
        "ignored": folder.ignored,
        "pulled_label": folder.label,
    }
    return _finish(outcomes, session, settings, "pushed", "push again", document)


async def _label_command(
    session: Session, args: argparse.Namespace, settings: Settings, output: Output
) -> Report:
    """``label NAME LABEL VERSION`` or ``label NAME LABEL --remove``, after reading where the
    label points now (nothing is sent when it is there already, or not there to remove)."""
    name, label = args.name, args.label
    now = (await session.call(lambda: session.client.prompts.labels(name))).get(label)
    if not args.remove:
        step = await point_label(session, name, label, args.version, now, False, [])
        outcome = _label_outcome(name, step)
        _print_steps(output, [outcome], summary=False)
        document = {"prompts": [_labelled_json(outcome, label)]}
        return _finish([outcome], session, settings, "labelled", "run it again", document)
    if now is None:
        raise NotLabelledError(f"{name} has no label {label}; nothing was changed")
    await session.call(lambda: session.client.prompts.remove_label(name, label))
    detail = f"{label} removed (it was at version {now})"
    step = Step(label, "remove", detail, now, None)
    output.report(f"{output.action('remove')}  {name}: {detail}")
    outcome = Outcome(name, "remove", detail, old_version=now, labels=[step])
    return Report(EXIT_OK, {"prompts": [outcome.as_json()]})


async def _promote_command(
    session: Session, args: argparse.Namespace, settings: Settings, output: Output
) -> Report:
    plan_only = args.dry_run or args.check
    mode = "check" if args.check else "dry-run" if args.dry_run else "apply"
    try:
        outcomes = await promote(
            session, args.source, args.target, args.names, dry_run=plan_only, output=output
        )
    except NotLabelledError as error:  # the one document still says which mode it was
        return Report(EXIT_CHANGES, {"mode": mode, "changes": 0, "prompts": []}, str(error))
    _print_steps(output, outcomes)
    document = {
        "mode": mode,
        "changes": sum(o.changes() for o in outcomes),
        "prompts": [_labelled_json(o, args.target) for o in sorted(outcomes, key=lambda o: o.name)],
    }
    return _finish(outcomes, session, settings, "promoted", "run the promotion again", document)


async def _pull_command(
    session: Session, args: argparse.Namespace, output: Output, count: int | None
) -> Report:
    try:
        pulled = await pull(session, args.directory, label=args.label, output=output)
    except NotLabelledError as error:
        document: dict[str, Any] = {
            "directory": str(args.directory),
            "prompts": [],
            "skipped": count,
        }
        return Report(EXIT_CHANGES, document, str(error))
    outcomes = sorted(pulled, key=lambda o: o.name)
    for outcome in outcomes:
        output.report(f"{outcome.name}: {outcome.detail}")
    strays = stray_files(args.directory, {o.name for o in outcomes}, args.label)
    for stray in strays:
        output.report(f"{output.action('stray')}  {stray['file']}: {stray['reason']}")
    written = sum(o.action == "pull" for o in outcomes)
    summary = f"summary: {written} prompt(s) written to {args.directory}"
    if written < len(outcomes):
        summary += f", {len(outcomes) - written} already up to date"
    skipped: int | None = 0
    if args.label is not None:
        without = f"without the label {args.label}"
        if count is None:  # the access check's answer gave no count
            skipped = None
            summary += f"; the prompts {without} were skipped"
        else:
            skipped = max(count - len(outcomes), 0)
            summary += f"; {skipped} prompt(s) {without} skipped"
    output.report(summary)
    document = {
        "directory": str(args.directory),
        "prompts": [o.as_json() for o in outcomes],
        "skipped": skipped,
        "strays": strays,
    }
    return Report(EXIT_OK, document)


def stray_files(directory: Path, pulled: set[str], label: str | None) -> list[dict[str, str]]:
    """The entries of ``directory`` a pull did not write, and why each is there: a prompt
    file PostHog has no prompt for (or, after ``--label``, none with that label), a file or
    subfolder push ignores, a leftover of an interrupted pull."""
    strays: list[dict[str, str]] = []
    for path in list_folder(directory):
        name = path.name
        if name == PULLED_LABEL:
            continue
        stem = name[: -len(META)] if name.endswith(META) else path.stem
        if name.startswith(LEFTOVER):
            reason = "left by an interrupted pull (a prompt file may be in it): check, delete it"
        elif path.is_dir() or not (name.endswith(META) or path.suffix in (".txt", ".json")):
            name, reason = name + ("/" if path.is_dir() else ""), "ignored (not a prompt file)"
        elif stem in pulled:
            continue
        elif label is not None:
            reason = f"not pulled: no prompt {stem} with the label {label} in PostHog"
        else:
            reason = "not in PostHog (push would create it; delete it if it is stale)"
        strays.append({"file": name, "reason": reason})
    return strays


async def _get_command(session: Session, args: argparse.Namespace, output: Output) -> Report:
    name, label, prompts = args.name, args.label, session.client.prompts
    try:
        prompt = await session.call(lambda: prompts.fetch(name, args.version, label=label))
    except _errors.PromptNotFoundError:
        if label is None:
            raise
        # A prompt that does not exist is a PromptNotFoundError here too; else its labels.
        have = await session.call(lambda: prompts.labels(name))
        raise NotLabelledError(
            f"prompt {name} has no label {label} (its labels: {_labels_text(have)}); a typo? "
            f"point it with `posthog-api prompts label {name} {label} VERSION`"
        ) from None
    everywhere = await session.call(lambda: prompts.labels(name))
    output.note(f"# {prompt.name} version {prompt.version}; labels: {_labels_text(everywhere)}")
    text = as_text(prompt.prompt)
    if not output.json_mode:
        output.result(text, end="" if text.endswith("\n") else "\n")
    document = {
        "name": prompt.name,
        "version": prompt.version,
        "label": label,
        "prompt": prompt.prompt,
        "config": prompt.config,
        "version_description": prompt.version_description,
        "labels": list(prompt.labels),
        "all_labels": everywhere,
    }
    return Report(EXIT_OK, document)


def _labels_text(labels: dict[str, int]) -> str:
    """``production=2, staging=3``: a prompt's labels and their versions, or ``none``."""
    return ", ".join(f"{label}={version}" for label, version in sorted(labels.items())) or "none"


async def _history_command(session: Session, args: argparse.Namespace, output: Output) -> Report:
    rows: list[dict[str, Any]] = []

    async def every_version() -> None:
        """Each version printed as its page arrives; after a 429 the list starts again, and
        what was printed already is not printed twice."""
        seen = 0
        async for version in session.client.prompts.versions(args.name):
            seen += 1
            if seen <= len(rows):
                continue
            email = getattr(getattr(version, "created_by", None), "email", None)
            author = email if isinstance(email, str) else None
            when = f"{version.created_at:%Y-%m-%d %H:%M:%S}"
            marker = "  (latest)" if version.is_latest else ""
            output.report(f"{version.version:>5}  {when}{'  ' + author if author else ''}{marker}")
            rows.append(
                {
                    "version": version.version,
                    "created_at": version.created_at.isoformat(),
                    "author": author,
                    "is_latest": bool(version.is_latest),
                }
            )

    await session.call(every_version)
    # Last, as a summary: the versions are printed as they arrive, and labels move.
    everywhere = await session.call(lambda: session.client.prompts.labels(args.name))
    output.report(f"labels: {_labels_text(everywhere)}")
    for row in rows:
        row["labels"] = sorted(label for label, at in everywhere.items() if at == row["version"])
    return Report(EXIT_OK, {"name": args.name, "all_labels": everywhere, "versions": rows})


async def _diff_command(session: Session, args: argparse.Namespace, output: Output) -> Report:
    diff = await session.call(lambda: session.client.prompts.diff(args.name, args.a, args.b))
    output.report(str(diff))
    document = {
        "name": diff.name,
        "a": diff.a,
        "b": diff.b,
        "changed": diff.changed,
        "unified": diff.unified,
        "summarised": diff.summarised,
        "added_variables": diff.added_variables,
        "removed_variables": diff.removed_variables,
    }
    return Report(EXIT_OK, document)


def _print_steps(output: Output, outcomes: list[Outcome], *, summary: bool = True) -> None:
    for outcome in sorted(outcomes, key=lambda o: o.name):
        output.report(f"{output.action(outcome.action)}  {outcome.name}: {outcome.detail}")
    if summary:
        output.report(f"summary: {_counts(outcomes)}")


def _counts(outcomes: list[Outcome] | list[Step]) -> str:
    """``1 create, 2 unchanged``: how many of each action, in alphabetical order."""
    return ", ".join(f"{n} {a}" for a, n in sorted(Counter(o.action for o in outcomes).items()))


def _finish(
    outcomes: list[Outcome],
    session: Session,
    settings: Settings,
    done: str,
    again: str,
    document: dict[str, Any],
) -> Report:
    """The exit status (:func:`ended`) and its ``error:`` line, naming what was not done."""
    refusal = next(
        (s.refusal for o in outcomes for s in o.failures() if s.refusal is not None), None
    )
    refused = None
    if refusal is not None:
        count = sum(bool(o.failures()) for o in outcomes)
        problem = write_problem(refusal, session.client, settings.api_key_env, again)
        refused = f"{count} prompt(s) not {done}: {problem}"
    failed = sorted(
        f"{o.name} ({'' if step is o else 'label '}{step.action})"
        for o in outcomes
        for step in o.failures()
        if step.action in ("conflict", "error")
    )
    failed_line = f"{len(failed)} prompt(s) not {done}: {', '.join(failed)}" if failed else None
    return ended(settings, document, refused, failed_line, any(o.changes() for o in outcomes))
