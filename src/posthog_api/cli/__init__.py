"""The ``posthog-api`` console script: each of :data:`COMMANDS` registers a subcommand's
parser and its ``handler`` (``serve`` here, ``prompts ...`` in ``_prompts``,
``datasets ...`` in ``_datasets``); what they share (global options, exit statuses,
output) is in ``_common``."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from ._common import (
    EXIT_ERROR,
    EXIT_STATUS_HELP,
    common_options,
    one_line,
    unexpected,
    usage_error,
    wants_json,
)
from ._datasets import add_datasets
from ._prompts import add_prompts

DEMO_KEY = "phx_local_demo_key"
"""The key ``serve`` accepts when no ``--key`` is given; only for the local server."""


def _parse_key(text: str) -> tuple[str, list[str]]:
    """``phx_...:scope,scope`` -> (key, scopes); a bare key gets ``*``."""
    key, sep, scopes = text.partition(":")
    if not key:
        raise argparse.ArgumentTypeError("a key must not be empty")
    parsed = [s.strip() for s in scopes.split(",") if s.strip()] if sep else ["*"]
    if not parsed:
        raise argparse.ArgumentTypeError("give at least one scope after ':'")
    return key, parsed


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def _rate(text: str) -> float:
    """A fraction of requests: 0 (none) to 1 (every one)."""
    value = _number(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not between 0 and 1: give the fraction of requests (0.1 for 10%)"
        )
    return value


def _seconds(text: str) -> float:
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative: give seconds >= 0 (e.g. 0.2)")
    return value


def _whole_seconds(text: str) -> int:
    """Retry-After is sent as whole seconds."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of seconds") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative: give seconds >= 0")
    return value


def _set_faults(faults: Any, args: argparse.Namespace) -> list[str]:
    """Switch on the faults asked for on ``state.faults``; one line describing each."""
    shown: list[str] = []
    if args.latency:
        faults.set_latency(args.latency)
        shown.append(f"every request delayed {args.latency:g} s")
    if args.error_rate:
        faults.fail_rate(args.error_rate, status=500)
        shown.append(f"{args.error_rate:.0%} of requests answered 500")
    if args.rate_limit:
        faults.throttle_rate(args.rate_limit, retry_after=args.retry_after)
        shown.append(
            f"{args.rate_limit:.0%} of requests answered 429 (Retry-After: {args.retry_after})"
        )
    if args.drop_rate:
        faults.drop_rate(args.drop_rate)
        shown.append(f"{args.drop_rate:.0%} of connections closed without an answer")
    return shown


def _shown(key: str) -> str:
    """Keys given on the command line are secrets: show only their kind (``phx_...``)."""
    if key == DEMO_KEY:
        return key
    prefix, underscore, _ = key.partition("_")
    return f"{prefix}_..." if underscore and len(prefix) <= 4 else "(hidden)"


def _serve(args: argparse.Namespace) -> int:
    try:
        from posthog_api.testing import ServerState, seed_demo, serve
    except ImportError as error:  # pragma: no cover - depends on the installed extras
        extra = "the [server] extra (pip install 'posthog-api-async[server]')"
        print(f"posthog-api serve needs {extra}: {error}", file=sys.stderr)
        return 2
    from posthog_api._errors import ConfigurationError

    keys = dict(args.key) if args.key else {DEMO_KEY: ["*"]}
    try:
        state = ServerState(
            project_id=args.project_id,
            keys=keys,
            environments_only=args.environments_only or (),
            unrouted=args.unrouted or (),
            prompt_as_text=args.prompt_as_text,
        )
    except ConfigurationError as error:
        print(f"posthog-api serve: {error}", file=sys.stderr)
        return 2
    if not args.no_seed:
        seed_demo(state)
    faults = _set_faults(state.faults, args)
    print(f"Local PostHog API at http://{args.host}:{args.port}")
    print(f"Project id: {args.project_id}")
    for key, scopes in keys.items():
        print(f"API key:    {_shown(key)}  scopes: {', '.join(scopes)}")
    for fault in faults:
        print(f"Fault:      {fault}")
    if sys.stdout is not None:  # None when started with stdout closed (>&-): still serve
        sys.stdout.flush()
    serve(host=args.host, port=args.port, state=state)
    return 0


def _add_serve(subcommands: Any, common: argparse.ArgumentParser, epilog: str) -> None:
    parser = subcommands.add_parser(
        "serve", help="run the local in-memory PostHog API server (for demos and tests)"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8010)
    parser.add_argument("--project-id", default="1")
    parser.add_argument(
        "--key",
        action="append",
        type=_parse_key,
        metavar="PHX_KEY[:SCOPE,SCOPE...]",
        help=f"an accepted API key and its scopes (repeatable; default: {DEMO_KEY} with *)",
    )
    parser.add_argument("--no-seed", action="store_true", help="start with an empty project")
    routing = parser.add_argument_group(
        "routing", "emulate other PostHog versions (NAME: an operation id or a tag)"
    )
    routing.add_argument(
        "--environments-only",
        action="append",
        metavar="NAME",
        help="serve NAME only under /api/environments/, as an old self-hosted PostHog (repeatable)",
    )
    routing.add_argument(
        "--unrouted",
        action="append",
        metavar="NAME",
        help="serve NAME under no prefix, as the newest PostHog does the by-id prompt "
        "paths (repeatable)",
    )
    routing.add_argument(
        "--prompt-as-text",
        action="store_true",
        help="answer prompts stored as JSON with their JSON text, as PostHog does",
    )
    faults = parser.add_argument_group(
        "faults", "misbehave on purpose, to try retries and timeouts (seeded: repeatable)"
    )
    faults.add_argument(
        "--latency", type=_seconds, default=0.0, metavar="SECONDS", help="delay every request"
    )
    faults.add_argument(
        "--error-rate",
        type=_rate,
        default=0.0,
        metavar="RATE",
        help="the fraction of requests answered 500 (0 to 1)",
    )
    faults.add_argument(
        "--rate-limit",
        type=_rate,
        default=0.0,
        metavar="RATE",
        help="the fraction of requests answered 429 with Retry-After (0 to 1)",
    )
    faults.add_argument(
        "--retry-after",
        type=_whole_seconds,
        default=1,
        metavar="SECONDS",
        help="the Retry-After of --rate-limit's answers (default: 1)",
    )
    faults.add_argument(
        "--drop-rate",
        type=_rate,
        default=0.0,
        metavar="RATE",
        help="the fraction of connections closed without an answer (0 to 1)",
    )
    parser.set_defaults(handler=_serve)


COMMANDS: list[Callable[[Any, argparse.ArgumentParser, str], None]] = [
    _add_serve,
    add_prompts,
    add_datasets,
]


class _Parser(argparse.ArgumentParser):
    """An argparse parser whose usage errors, under --json, also print the one JSON
    document on stdout (a pipeline parsing it then reads the error, not nothing)."""

    as_json = False
    command = ""  # the command words of the command line, for an error of the main parser

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("posthog-api").strip() or self.command
        usage_error(command, f"{message} (see {self.prog} --help)", self.as_json)
        super().error(message)


def _command_words(arguments: list[str]) -> str:
    """``prompts push`` from ``--json prompts push DIR --bogus``: the command as far as it
    can be told before parsing (an unknown option is an error of the main parser)."""
    words = [word for word in arguments if not word.startswith("-")]
    for at, first in enumerate(words):
        if first == "serve":
            return first
        if first in ("prompts", "datasets"):
            return " ".join(words[at : at + 2])
    return ""


def build_parser(as_json: bool = False, command: str = "") -> argparse.ArgumentParser:
    attributes = {"as_json": as_json, "command": command}
    parser_class: type[_Parser] = type("_Parser", (_Parser,), attributes)
    parser: argparse.ArgumentParser = parser_class(
        prog="posthog-api",
        description="Tools around PostHog's LLM-analytics API.",
        parents=[common_options()],
        epilog=EXIT_STATUS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = common_options()
    for register in COMMANDS:
        register(subcommands, common, EXIT_STATUS_HELP)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    as_json = wants_json(arguments)
    parser = build_parser(as_json, _command_words(arguments))
    args = parser.parse_args(arguments)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        usage_error("", "give a command: prompts, datasets or serve", as_json)
        parser.print_help(sys.stderr if as_json else sys.stdout)
        return EXIT_ERROR
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 130
    except Exception as bug:  # what escaped a command's own handling: one line, status 2
        import os

        secret = os.environ.get(getattr(args, "api_key_env", None) or "POSTHOG_PERSONAL_API_KEY")
        print(f"error: {one_line(unexpected(bug), secret)}", file=sys.stderr)
        return EXIT_ERROR
