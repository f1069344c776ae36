"""What every ``posthog-api prompts ...`` and ``datasets ...`` command shares: the global
options, the exit statuses, where output goes (``--json``, ``--quiet``, colour, progress),
and one way to turn any failure into one ``error:`` line and an exit status.

A CI pipeline reads the exit status and, with ``--json``, exactly one JSON document on
stdout; people read the rest, which goes to stderr under ``--json``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import json
import os
import re
import signal
import sys
import time
import unicodedata
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from .. import _errors

if TYPE_CHECKING:
    from .._client import AsyncPostHog
    from ._pacing import Session

T = TypeVar("T")

EXIT_OK = 0
EXIT_CHANGES = 1
EXIT_ERROR = 2

EXIT_STATUS_HELP = """\
exit status (the same for every prompts and datasets command):
  0  done; with --check: PostHog already matches the folder
  1  with --check: something would change (each change is listed); otherwise the
     project is not what you asked for (a prompt, dataset or label you named does
     not exist) or the command ran but some prompts or items failed (a conflict, an
     error answer, a file that could not be written), each listed
  2  an error stopped the command: usage or configuration (an option, a file, an
     invalid name or label; the API key, project or scope), PostHog could not be
     reached, an interruption (Ctrl-C, SIGTERM), or a bug; with --check every
     error is 2, so 1 always means a difference
"""

DEFAULT_MAX_RATE = 480
"""Requests per minute: PostHog's limit per personal API key (4,800 per hour, 30 prompt
publishes per minute go with it)."""


def _max_rate(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative: give requests per minute >= 0")
    return value


def common_options() -> argparse.ArgumentParser:
    """The options every command accepts before or after its subcommand (``posthog-api
    --json prompts push DIR`` and ``posthog-api prompts push DIR --json`` are the same).
    Defaults are suppressed so that a later parser never resets an earlier one's value."""
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("global options")
    none = argparse.SUPPRESS
    group.add_argument(
        "--host", default=none, help="PostHog URL (else POSTHOG_HOST, else https://us.posthog.com)"
    )
    group.add_argument("--project-id", default=none, help="project id (else POSTHOG_PROJECT_ID)")
    group.add_argument(
        "--api-key-env",
        default=none,
        metavar="VAR",
        help="the environment variable holding the personal API key "
        "(default: POSTHOG_PERSONAL_API_KEY)",
    )
    group.add_argument(
        "--json",
        action="store_true",
        default=none,
        help="print one JSON document (the plan or the result) on stdout, and nothing else "
        "there; messages go to stderr",
    )
    group.add_argument("-q", "--quiet", action="store_true", default=none, help="print errors only")
    group.add_argument(
        "--max-rate",
        type=_max_rate,
        default=none,
        metavar="PER_MINUTE",
        help=f"pace requests to this many per minute (default {DEFAULT_MAX_RATE}, PostHog's "
        "limit per key, with 4,800/hour and 30 prompt publishes/minute); 0: no pacing, for a "
        "PostHog without rate limits",
    )
    return parent


@dataclass(frozen=True)
class Settings:
    """The global options, wherever on the command line they were given."""

    command: str
    host: str | None = None
    project_id: str | None = None
    api_key_env: str = "POSTHOG_PERSONAL_API_KEY"
    json: bool = False
    quiet: bool = False
    max_rate: int = DEFAULT_MAX_RATE
    check: bool = False

    @classmethod
    def of(cls, args: argparse.Namespace, command: str) -> Settings:
        return cls(
            command=command,
            host=getattr(args, "host", None),
            project_id=getattr(args, "project_id", None),
            api_key_env=getattr(args, "api_key_env", None) or "POSTHOG_PERSONAL_API_KEY",
            json=bool(getattr(args, "json", False)),
            quiet=bool(getattr(args, "quiet", False)),
            max_rate=getattr(args, "max_rate", DEFAULT_MAX_RATE),
            check=bool(getattr(args, "check", False)),
        )


def wants_json(argv: list[str]) -> bool:
    """Whether ``--json`` is on the command line (before it is parsed: a usage error must
    still print a JSON document)."""
    return "--json" in argv[: argv.index("--")] if "--" in argv else "--json" in argv


LISTS = {
    "prompts push": "prompts",
    "prompts pull": "prompts",
    "prompts label": "prompts",
    "prompts promote": "prompts",
    "datasets push": "datasets",
    "datasets pull": "datasets",
}
"""The list each command's JSON document always carries (empty after an early error), so
that ``jq '.prompts[]'`` never fails on an error document."""


def with_list(command: str, document: dict[str, Any]) -> dict[str, Any]:
    key = LISTS.get(command)
    if key is not None:
        document.setdefault(key, [])
    return document


def json_type(value: object) -> str:
    """What a parsed JSON value is, in JSON's words (``null``, not ``NoneType``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def folded(name: str) -> str:
    """A name as a file system may confuse it: case-folded, in Unicode form NFC (macOS
    and Windows folders are case-insensitive; macOS stores names as NFD)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def colliding(names: list[str]) -> list[str]:
    """The groups of ``names`` that would be one file on such a file system, as
    ``Foo = foo``; empty when none."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(folded(name), []).append(name)
    return [
        " = ".join(repr(n) for n in sorted(group)) for group in groups.values() if len(group) > 1
    ]


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_BUT_OUR_COLOURS = re.compile(
    r"\x1b(?!\[(?:0|1;31|3[123])m)|[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f-\x9f]"
)


def printable(text: str, colours: bool = False) -> str:
    """``text`` for a terminal: control characters (C0 but tab and newline, DEL, C1) shown
    as ``\\xNN``, so a prompt cannot retitle or reprogram the terminal of whoever reads a
    diff; ``colours`` keeps the colour codes this module writes itself."""
    pattern = _CONTROL_BUT_OUR_COLOURS if colours else _CONTROL
    return pattern.sub(lambda match: f"\\x{ord(match.group()[0]):02x}", text)


# -- output ---------------------------------------------------------------------------------


class OutputFailed(Exception):
    """Writing to standard output failed (``args[0]`` is the OSError), e.g. a full disk."""


def write_out(text: str = "", end: str = "\n", *, flush: bool = False) -> None:
    """Write to standard output; a failure is told apart from file errors by :func:`run`."""
    try:
        sys.stdout.write(text)
        sys.stdout.write(end)
        if flush:
            sys.stdout.flush()
    except OSError as error:
        raise OutputFailed(error) from None


def _write_err(text: str, end: str = "\n") -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):  # stderr closed or gone
        sys.stderr.write(text + end)
        sys.stderr.flush()


def colour_allowed(stream: TextIO) -> bool:
    """ANSI colour only on a terminal, and never with NO_COLOR set (https://no-color.org)
    or TERM=dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


_COLOURS = {
    "create": "32",
    "set": "32",
    "pull": "32",
    "write": "32",
    "publish": "33",
    "move": "33",
    "update": "33",
    "archive": "31",
    "delete": "31",
    "remove": "31",
    "conflict": "1;31",
    "error": "1;31",
    "refused": "1;31",
}

WAIT_LINE_GAP = 5.0
"""Seconds between two "waiting" lines on stderr when it is not a terminal (a CI log)."""


class Output:
    """Where each kind of output goes. The report (what was or would be done) goes to
    stdout, or to stderr under ``--json``, which owns stdout; ``--quiet`` keeps errors
    only. Progress bars are drawn on a terminal only; colour too, unless NO_COLOR."""

    def __init__(self, *, json_mode: bool = False, quiet: bool = False) -> None:
        self.json_mode = json_mode
        self.quiet = quiet
        self._bar: Bar | None = None
        self._last_wait_line = -WAIT_LINE_GAP
        self._waiting_until = 0.0
        self.partial: dict[str, Any] = {}
        """What the command has done so far, for the JSON document of an interrupted run."""

    def report(self, text: str = "", end: str = "\n") -> None:
        """A line of the report: stdout, or stderr under --json; nothing with --quiet."""
        if self.quiet:
            return
        stream = sys.stderr if self.json_mode else sys.stdout
        text = printable(text, colours=colour_allowed(stream))
        if self.json_mode:
            _write_err(text, end)
        else:
            write_out(text, end)

    def note(self, text: str) -> None:
        """A message for people (a warning, a header): stderr; nothing with --quiet."""
        if not self.quiet:
            _write_err(printable(text))

    def result(self, text: str, end: str = "\n") -> None:
        """What the command was asked to print (a prompt's text): stdout, even with --quiet."""
        write_out(text, end)

    def document(self, document: dict[str, Any]) -> None:
        """The one JSON document of --json, on stdout."""
        write_out(json.dumps(document, ensure_ascii=False, indent=2), flush=True)

    def action(self, word: str, width: int = 9) -> str:
        """``word`` right-aligned in ``width`` columns, coloured where colour is allowed."""
        padded = f"{word:>{width}}"
        code = _COLOURS.get(word)
        if code is None or self.quiet:
            return padded
        stream = sys.stderr if self.json_mode else sys.stdout
        if not colour_allowed(stream):
            return padded
        return padded.replace(word, f"\x1b[{code}m{word}\x1b[0m")

    def progress(self, total: int, what: str, unit: str = "prompt") -> Bar:
        """A bar on a terminal (when tqdm is installed), else one that draws nothing."""
        bar: Bar = Bar(None)
        if total > 1 and not self.quiet and _is_tty(sys.stderr):
            with contextlib.suppress(ImportError):
                from tqdm import tqdm  # type: ignore[import-untyped]

                bar = Bar(
                    tqdm(
                        total=total,
                        desc=what,
                        unit=unit,
                        file=sys.stderr,
                        leave=False,
                    )
                )
        self._bar = bar if bar.drawn else None
        return bar

    def waiting(self, seconds: float, why: str) -> None:
        """Show a wait for PostHog's rate limit: on the bar, or (not on a terminal, or no bar)
        as a line on stderr, at most one per WAIT_LINE_GAP seconds and per wait."""
        if self.quiet:
            return
        now = time.monotonic()
        text = f"waiting {_duration(seconds)}: {why}"
        if self._bar is not None and self._bar.drawn:
            self._bar.postfix(text)
            return
        until = now + seconds
        if until <= self._waiting_until + 1.0 and now - self._last_wait_line < WAIT_LINE_GAP:
            return  # the same wait, seen by another of the concurrent tasks
        self._waiting_until = max(self._waiting_until, until)
        self._last_wait_line = now
        _write_err(text)


def _is_tty(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _duration(seconds: float) -> str:
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    return f"{whole} s" if whole < 120 else f"{whole // 60} min {whole % 60:02d} s"


class Bar:
    """A progress bar (a tqdm) or nothing; ``postfix`` shows a wait until the next update."""

    def __init__(self, bar: Any) -> None:
        self._bar = bar
        self.drawn = bar is not None

    def update(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str("", refresh=False)
            self._bar.update(n)

    def postfix(self, text: str) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str(text)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


# -- errors ---------------------------------------------------------------------------------


class LocalFileError(_errors.PostHogError):
    """A file or folder on this machine could not be used (exit status 1)."""


class NothingDoneError(_errors.PostHogError):
    """The command stopped before sending anything, for a reason the user must settle
    (exit status 2): e.g. ``--prune`` without ``--yes`` and no terminal to ask on."""


class NotFound(_errors.PostHogError):
    """A prompt or dataset named on the command line does not exist (exit status 1: the
    project is not what the command was asked about; a name that cannot be one is 2)."""


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


MAX_ERROR_CHARS = 4000


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def first_five(names: list[str]) -> str:
    """A list of names for one error line: the first five, then how many more."""
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    return ", ".join(names[:5]) + more


def one_line(message: str, secret: str | None) -> str:
    """``message`` as one bounded line, the key (if it slipped in) replaced."""
    if secret:
        message = message.replace(secret, "phx_...")
    line = " ".join(part.strip() for part in message.splitlines() if part.strip())
    return cut(line, MAX_ERROR_CHARS) or "failed"


def status_of(error: BaseException, check: bool) -> int:
    """The exit status an error ends a command with (see EXIT_STATUS_HELP)."""
    if check:
        return EXIT_ERROR
    usage = (_errors.ConfigurationError, _errors.InvalidRequestError, NothingDoneError)
    if isinstance(error, (*usage, _errors.APIConnectionError)):
        return EXIT_ERROR
    if isinstance(error, _errors.APIStatusError) and (
        error.status_code == 429 or error.status_code >= 500
    ):
        return EXIT_ERROR  # PostHog is unavailable or throttling past our patience
    return EXIT_CHANGES


# -- running a command ----------------------------------------------------------------------


@dataclass
class Report:
    """What a command did: its exit status, its JSON document, and the error line that
    ends it, if any (printed after the report, on stderr)."""

    status: int = EXIT_OK
    document: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def ended(
    settings: Settings,
    document: dict[str, Any],
    refused: str | None,
    failed: str | None,
    changed: bool,
) -> Report:
    """The exit status of a command that ran, once every line is printed: a write refused
    for the key (the same for every item) is one configuration error (2); any other failure
    one ``error:`` line (1, or 2 with --check); with --check, a change is 1."""
    if refused is not None:
        return Report(EXIT_ERROR, document, refused)
    if failed is not None:
        return Report(EXIT_ERROR if settings.check else EXIT_CHANGES, document, failed)
    return Report(EXIT_CHANGES if settings.check and changed else EXIT_OK, document)


Act = Callable[[Settings, Output, str], Coroutine[Any, Any, Report]]


class Interrupted(Exception):
    """The run got SIGINT (Ctrl-C) or SIGTERM (what a CI cancel sends); ``args[0]`` names it."""


def _until_signalled(work: Coroutine[Any, Any, Report]) -> Report:
    """Run ``work``; SIGINT or SIGTERM cancels it (its requests end, a file write under way
    finishes: every write runs to its end in its thread) and raises :class:`Interrupted`,
    so that the run still reports what it did instead of dying mid-way. The handlers stay
    until the event loop is closed, after its threads have finished: a second signal
    during a pull's renames is absorbed too."""
    received: list[str] = []
    before = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}

    async def main() -> Report:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()

        def stop(signum: signal.Signals) -> None:
            received.append(signum.name)
            if task is not None:
                task.cancel()

        for signum in before:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, stop, signum)  # not on Windows, nor a thread
        try:
            return await work
        except asyncio.CancelledError:
            if received:
                raise Interrupted(received[0]) from None
            raise

    try:
        return asyncio.run(main())
    finally:
        for signum, handler in before.items():
            with contextlib.suppress(TypeError, ValueError, OSError):  # not the main thread
                signal.signal(signum, handler)


def run(settings: Settings, act: Act) -> int:
    """Run one command; any failure becomes one ``error:`` line on stderr (and, with
    --json, a document saying so on stdout), never a traceback.

    A reader that stops early (``| head``) ends the run quietly with status 1, as in Unix
    (2 with --check: there 1 only ever means a difference). An unexpected error (a bug) is
    status 2. SIGINT and SIGTERM end the run with status 2 and, with --json, the document of
    what was done before them (``"error": "interrupted ..."``).
    """
    output = Output(json_mode=settings.json, quiet=settings.quiet)
    api_key = os.environ.get(settings.api_key_env) or None
    cut_short = EXIT_ERROR if settings.check else EXIT_CHANGES
    if sys.stdout is None:  # Python's stdout when file descriptor 1 is closed
        closed = (
            "standard output is closed (>&-), and posthog-api reports there what it did, so "
            "nothing was sent. Redirect it instead: > FILE, or > /dev/null to discard it"
        )
        return _fail(closed, cut_short, api_key)
    report: Report | None = None
    message: str | None = None
    status = EXIT_ERROR
    try:
        if api_key is None:
            raise _errors.ConfigurationError(
                f"set {settings.api_key_env} to a personal API key (phx_...)"
            )
        report = _until_signalled(act(settings, output, api_key))
        status, message = report.status, report.error
    except OutputFailed as failed:
        message = _stdout_problem(failed)
        if message is None:
            return cut_short
        status = EXIT_CHANGES
    except Interrupted as signalled:
        report = Report(EXIT_ERROR, dict(output.partial))
        done = (
            "what was done before it is listed"
            if output.partial
            else "requests under way were stopped; a file write under way was finished"
        )
        message = f"interrupted by {signalled.args[0]}; {done}"
    except _errors.PostHogError as error:
        message, status = str(error), status_of(error, settings.check)
    except RecursionError:
        message = "a JSON value is nested too deeply to process (over ~900 levels)"
    except OSError as error:  # a file operation without a more precise message
        message = os_problem(error, "use", error.filename)
    except Exception as bug:  # still one line, and never the key
        message = unexpected(bug)
    if settings.check and status not in (EXIT_OK, EXIT_CHANGES):
        status = EXIT_ERROR
    if settings.check and message is not None:
        status = EXIT_ERROR
    try:
        if settings.json:
            document = {"command": settings.command, "status": status}
            if report is not None:
                document.update(report.document)
            document["error"] = one_line(message, api_key) if message is not None else None
            output.document(with_list(settings.command, document))
        else:
            write_out(end="", flush=True)
    except OutputFailed as failed:
        message = _stdout_problem(failed)
        if message is None:
            return cut_short
        status = cut_short
    if message is not None:
        return _fail(message, status, api_key)
    return status


def _stdout_problem(failed: OutputFailed) -> str | None:
    """Why standard output failed; None for a reader that stopped early (a broken pipe: no
    message, as in Unix)."""
    if isinstance(failed.args[0], BrokenPipeError):
        _discard_output()
        return None
    return os_problem(failed.args[0], "write to", "standard output", "redirect it elsewhere")


def command_group(
    subcommands: Any,
    common: argparse.ArgumentParser,
    epilog: str,
    name: str,
    help: str,
    act: Callable[[argparse.Namespace, Settings, Output, str], Coroutine[Any, Any, Report]],
) -> Callable[[str, str], argparse.ArgumentParser]:
    """Register ``posthog-api NAME``, run by ``act`` (through :func:`run`: one error line,
    never a traceback); returns what adds one of its actions (its name in
    ``NAME_command``), each with the global options and the exit statuses in its --help."""

    def handler(args: argparse.Namespace) -> int:
        settings = Settings.of(args, f"{name} {getattr(args, f'{name}_command')}")
        return run(settings, lambda settings, output, key: act(args, settings, output, key))

    raw = argparse.RawDescriptionHelpFormatter
    cmd = subcommands.add_parser(
        name, help=help, parents=[common], epilog=epilog, formatter_class=raw
    )
    cmd.set_defaults(handler=handler)
    actions = cmd.add_subparsers(dest=f"{name}_command", metavar="ACTION", required=True)

    def action(action_name: str, action_help: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = actions.add_parser(
            action_name, help=action_help, parents=[common], epilog=epilog, formatter_class=raw
        )
        return parser

    return action


def add_push_options(parser: argparse.ArgumentParser, prune: str, yes: str, empty: str) -> None:
    """DIR and the options ``prompts push`` and ``datasets push`` share."""
    parser.add_argument("directory", type=Path, metavar="DIR")
    modes = parser.add_mutually_exclusive_group()
    modes.add_argument("--dry-run", action="store_true", help="print the plan; send no write")
    modes.add_argument(
        "--check",
        action="store_true",
        help="send no write; exit 0 if PostHog matches DIR, 1 if anything would change",
    )
    parser.add_argument("--prune", action="store_true", help=prune)
    parser.add_argument(
        "--yes", action="store_true", help=f"{yes} without asking (needed off a terminal)"
    )
    parser.add_argument(
        "--allow-empty", action="store_true", help=f"accept a folder without {empty}"
    )


def answered(error: _errors.APIStatusError) -> str:
    """``403: the detail PostHog gave`` (bounded), or the status alone."""
    said = (error.detail or "").strip().rstrip(".")
    return f"{error.status_code}: {_errors.bounded(said, 200)}" if said else str(error.status_code)


def unexpected(bug: BaseException) -> str:
    """The one line of an exception nothing expected (a bug)."""
    return f"unexpected {type(bug).__name__}: {bug} (a bug in posthog-api; please report it)"


def usage_error(command: str, message: str, as_json: bool) -> None:
    """An argparse usage error under --json: the one document on stdout says so too."""
    if as_json:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            document = {"command": command, "status": EXIT_ERROR, "error": one_line(message, None)}
            with_list(command, document)
            sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
            sys.stdout.flush()


def _discard_output() -> None:
    """After a broken pipe, point standard output at the null device, so what is still
    buffered does not fail again at exit with an "Exception ignored" message."""
    with contextlib.suppress(AttributeError, OSError, ValueError):  # not a real file (pytest)
        descriptor = sys.stdout.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, descriptor)
        os.close(null)


def _fail(message: str, status: int, secret: str | None) -> int:
    """Print ``message`` as one bounded ``error:`` line on stderr and return ``status``."""
    _write_err(f"error: {printable(one_line(message, secret))}")
    return status


def confirm(question: str) -> bool:
    """Ask ``question`` on the terminal (stderr, answer on stdin): True for y or yes."""
    _write_err(f"{question} [y/N] ", end="")
    try:
        answer = sys.stdin.readline()
    except (OSError, ValueError):
        return False
    return answer.strip().lower() in ("y", "yes")


def stdin_is_terminal() -> bool:
    return _is_tty(sys.stdin)


# -- access ---------------------------------------------------------------------------------


async def access_checked(
    session: Session,
    key_env: str,
    send: Callable[[], Awaitable[T]],
    what: str = "prompts",
    scope: str = "llm_prompt",
) -> T:
    """``send()``, the one request (a one-row list) before any command, so that a wrong key,
    project or scope is one line and exit status 2: not a plan to create everything that
    exits 0 (the CI plan step passes, the apply step fails), nor one error per file."""
    try:
        return await session.call(send)
    except _errors.APIStatusError as error:
        problem = access_problem(error, session.client, key_env, what, scope)
        if problem is None:  # not about access (a 5xx, a redirect): its own message
            raise
        raise _errors.ConfigurationError(problem) from None


def access_problem(
    error: _errors.APIStatusError,
    client: AsyncPostHog,
    key_env: str,
    what: str = "prompts",
    scope: str = "llm_prompt",
) -> str | None:
    """What a 401, 403 or 404 of the access check means, and what to check."""
    status = answered(error)
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
        missing = ", ".join(error.missing) or f"{scope}:read"
        return (
            f"the API key in {key_env} lacks the scope {missing} ({status}): add it to the key "
            f"in PostHog (Settings > Personal API keys; push also needs {scope}:write), or "
            f"use another key; {unchanged}"
        )
    if error.status_code == 403:
        return (
            f"the API key in {key_env} may not read {what} of {where} ({status}): check "
            "--project-id or POSTHOG_PROJECT_ID, and that the key has access to that project "
            f"and the scope {scope}:read (push also needs {scope}:write); {unchanged}"
        )
    return None


def write_problem(
    error: _errors.APIStatusError,
    client: AsyncPostHog,
    key_env: str,
    again: str = "push again",
    what: str = "prompts",
    scope: str = "llm_prompt:write",
) -> str:
    """What a 401 or 403 to a write means, and what to do."""
    status = answered(error)
    if isinstance(error, _errors.ScopeError):
        missing = ", ".join(error.missing) or scope
        return (
            f"the API key in {key_env} may read but not write {what}: it lacks the scope "
            f"{missing} ({status}); add it to the key in PostHog (Settings > Personal API "
            f"keys), or use another key, and {again}"
        )
    return (
        f"the API key in {key_env} may not write {what} of project {client.project_id} "
        f"({status}): check that it has the scope {scope} and write access to that "
        f"project, and {again}"
    )
