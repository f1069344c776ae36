"""The ``posthog_api`` logger and its opt-in stderr handler.

The SDK logs only at DEBUG (a line per HTTP attempt and per retry) and never logs headers,
query strings or bodies. As defence in depth, the handler of :func:`configure_from_env`
runs every record through :func:`redact`. When the application's own logging already
prints a record to the console (``logging.basicConfig()``, say), that handler leaves the
line to it: one line, in the application's format, not two.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Mapping
from typing import TextIO

LOGGER_NAME = "posthog_api"
ENV_VAR = "POSTHOG_API_LOG"
logger = logging.getLogger(LOGGER_NAME)

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
# "Bearer <anything up to whitespace, a quote, comma or semicolon>" in any letter case, and
# bare PostHog keys (personal "phx_", project "phc_", secret "phs_") wherever they appear.
_BEARER = re.compile(r"(?i)\b(bearer)\s+[^\s'\",;]+")
_POSTHOG_KEY = re.compile(r"\bph[xcs]_[A-Za-z0-9_\-]+")


def redact(text: str) -> str:
    """``text`` with bearer credentials and PostHog keys replaced by ``[redacted]``."""
    return _POSTHOG_KEY.sub("[redacted]", _BEARER.sub(r"\1 [redacted]", text))


class RedactingFilter(logging.Filter):
    """A handler filter that redacts credentials from each record's formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is at emit time (so redirection keeps working),
    unless the application's own handlers print the record to the console already."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:  # StreamHandler.__init__ assigns it
        pass

    def emit(self, record: logging.LogRecord) -> None:
        if not _on_console_already(record):
            super().emit(record)


def _on_console_already(record: logging.LogRecord) -> bool:
    """Whether a handler of an ancestor logger (the application's, reached by propagation)
    writes ``record`` to the console: then the SDK's own line would be a duplicate.

    Checked per record, not once, so logging configured after the client was built counts
    too. A handler writing elsewhere (a file, a capture buffer) is no reason to stay silent:
    POSTHOG_API_LOG asked for the lines on stderr.
    """
    console = (sys.stderr, sys.stdout, sys.__stderr__, sys.__stdout__)
    current: logging.Logger | None = logger
    while current is not None and current.propagate:
        current = current.parent
        for handler in current.handlers if current is not None else ():
            if (
                isinstance(handler, logging.StreamHandler)
                and not isinstance(handler, _StderrHandler)
                and handler.stream in console
                and record.levelno >= handler.level
            ):
                return True
    return False


def configure_from_env(environ: Mapping[str, str] | None = None) -> logging.Handler | None:
    """Attach a stderr handler to the ``posthog_api`` logger when ``POSTHOG_API_LOG`` is
    ``debug`` or ``info`` (any case), at most one however often called (at the latest
    level), and return it; anything else leaves logging untouched and returns None."""
    env = os.environ if environ is None else environ
    level = _LEVELS.get(env.get(ENV_VAR, "").strip().lower())
    if level is None:
        return None
    handler = next((h for h in logger.handlers if isinstance(h, _StderrHandler)), None)
    if handler is None:
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        handler.addFilter(RedactingFilter())
        logger.addHandler(handler)
    handler.setLevel(level)
    logger.setLevel(level)
    return handler
