"""The ``posthog-api`` console script: each of :data:`COMMANDS` registers a subcommand's
parser and its ``handler`` (``serve`` here, ``prompts ...`` in ``_prompts_cli``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from ._prompts_cli import add_prompts

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
    keys = dict(args.key) if args.key else {DEMO_KEY: ["*"]}
    state = ServerState(project_id=args.project_id, keys=keys)
    if not args.no_seed:
        seed_demo(state)
    print(f"Local PostHog API at http://{args.host}:{args.port}")
    print(f"Project id: {args.project_id}")
    for key, scopes in keys.items():
        print(f"API key:    {_shown(key)}  scopes: {', '.join(scopes)}")
    if sys.stdout is not None:  # None when started with stdout closed (>&-): still serve
        sys.stdout.flush()
    serve(host=args.host, port=args.port, state=state)
    return 0


def _add_serve(subcommands: Any) -> None:
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
    parser.set_defaults(handler=_serve)


COMMANDS: list[Callable[[Any], None]] = [_add_serve, add_prompts]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="posthog-api", description="Tools around PostHog's LLM-analytics API."
    )
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in COMMANDS:
        register(subcommands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
