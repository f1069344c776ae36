"""The ``posthog_api`` logger and its opt-in stderr handler.

The SDK logs only at DEBUG (a line per HTTP attempt and per retry) and never logs headers,
query strings or bodies. As defence in depth, the handler of :func:`configure_from_env`
runs every record through :func:`redact`.
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
    """Writes to whatever ``sys.stderr`` is at emit time (so redirection keeps working)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:  # StreamHandler.__init__ assigns it
        pass


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
