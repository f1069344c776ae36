"""The ``posthog_api`` logger, secret redaction, and opt-in stderr logging.

The SDK logs only at DEBUG (one line per HTTP attempt and one per scheduled retry) and
never logs headers, query strings or bodies. As defence in depth, :func:`redact` scrubs
anything that looks like a bearer credential or a PostHog key, and the handler attached by
:func:`configure_from_env` runs every record through it.

Set ``POSTHOG_API_LOG=debug`` (or ``info``) and call :func:`configure_from_env` to see the
lines on stderr without configuring logging yourself.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Mapping
from typing import TextIO

__all__ = [
    "ENV_VAR",
    "LOGGER_NAME",
    "RedactingFilter",
    "configure_from_env",
    "logger",
    "redact",
]

LOGGER_NAME = "posthog_api"
ENV_VAR = "POSTHOG_API_LOG"

logger = logging.getLogger(LOGGER_NAME)

_LEVELS: Mapping[str, int] = {"debug": logging.DEBUG, "info": logging.INFO}

# "Bearer <anything up to whitespace or a quote>" in any letter case, and bare PostHog
# keys (personal "phx_", project "phc_", secret "phs_") wherever they appear.
_BEARER = re.compile(r"(?i)\b(bearer)\s+[^\s'\",;]+")
_POSTHOG_KEY = re.compile(r"\bph[xcs]_[A-Za-z0-9_\-]+")


def redact(text: str) -> str:
    """Return ``text`` with bearer credentials and PostHog keys replaced by ``[redacted]``.

    ``"Authorization: Bearer phx_abc"`` becomes ``"Authorization: Bearer [redacted]"``.
    """
    text = _BEARER.sub(r"\1 [redacted]", text)
    return _POSTHOG_KEY.sub("[redacted]", text)


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


_HANDLER_MARK = "_posthog_api_env_handler"


def configure_from_env(environ: Mapping[str, str] | None = None) -> logging.Handler | None:
    """Attach a stderr handler to the ``posthog_api`` logger if ``POSTHOG_API_LOG`` asks.

    ``POSTHOG_API_LOG`` is ``debug`` or ``info`` (any letter case); anything else, or the
    variable being unset, leaves logging untouched and returns ``None``. Calling this more
    than once attaches at most one handler (its level follows the latest value). Returns
    the handler.
    """
    env = os.environ if environ is None else environ
    level = _LEVELS.get(env.get(ENV_VAR, "").strip().lower())
    if level is None:
        return None
    handler: logging.Handler | None = None
    for existing in logger.handlers:
        if getattr(existing, _HANDLER_MARK, False):
            handler = existing
            break
    if handler is None:
        handler = _StderrHandler()
        setattr(handler, _HANDLER_MARK, True)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        handler.addFilter(RedactingFilter())
        logger.addHandler(handler)
    handler.setLevel(level)
    logger.setLevel(level)
    return handler
