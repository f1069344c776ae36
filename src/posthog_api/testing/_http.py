"""What a handler receives and returns, free of any web framework.

Handlers are plain synchronous functions ``(Ctx) -> Reply`` so that they run under
the state lock with no await inside (atomic check-then-write), and so that the
store logic can be read and tested without Starlette.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ._errors import invalid
from ._fields import check_int, check_uuid
from .state import ServerState


@dataclass
class Ctx:
    """One request as a handler sees it."""

    state: ServerState
    method: str
    url: str  # the absolute request URL, as the client addressed it
    params: dict[str, str] = field(default_factory=dict)
    query: list[tuple[str, str]] = field(default_factory=list)
    body: Any = None

    def arg(self, name: str) -> str | None:
        """The last value of a query parameter, or None."""
        found = None
        for key, value in self.query:
            if key == name:
                found = value
        return found

    def args(self, name: str) -> list[str]:
        """Every value of a parameter, whether repeated or comma-separated."""
        out: list[str] = []
        for key, value in self.query:
            if key == name:
                out.extend(part.strip() for part in value.split(",") if part.strip())
        return out

    def int_arg(
        self, name: str, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        """A validated integer parameter (400 naming it when invalid)."""
        raw = self.arg(name)
        if raw is None or raw == "":
            return None
        return check_int(name, raw, minimum, maximum)

    def bool_arg(self, name: str) -> bool | None:
        raw = self.arg(name)
        if raw is None or raw == "":
            return None
        lowered = raw.lower()
        if lowered in ("true", "1", "yes"):
            return True
        if lowered in ("false", "0", "no"):
            return False
        raise invalid(
            name, "Select a valid choice. That choice is not one of the available choices."
        )

    def uuid_args(self, name: str) -> list[str]:
        return [check_uuid(name, value) for value in self.args(name)]


@dataclass
class Reply:
    """A handler's answer: status, JSON body (None for no body) and extra headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Ctx], Reply]


def paginate(ctx: Ctx, rows: Sequence[Any]) -> Reply:
    """DRF ``LimitOffsetPagination``: default 100, bad values fall back to defaults."""
    limit = _lenient_int(ctx.arg("limit"), default=100, minimum=1)
    offset = _lenient_int(ctx.arg("offset"), default=0, minimum=0)
    count = len(rows)
    page = list(rows[offset : offset + limit])
    next_url = None
    if offset + limit < count:
        next_url = set_params(ctx.url, limit=limit, offset=offset + limit)
    previous_url = None
    if offset > 0:
        previous_offset = max(offset - limit, 0)
        previous_url = set_params(
            ctx.url, limit=limit, offset=previous_offset if previous_offset > 0 else None
        )
    return Reply(200, {"count": count, "next": next_url, "previous": previous_url, "results": page})


def _lenient_int(raw: str | None, *, default: int, minimum: int) -> int:
    try:
        value = int(raw) if raw is not None else default
    except ValueError:
        return default
    if value < minimum:
        return default if minimum > 0 else minimum
    return value


def set_params(url: str, **values: str | int | None) -> str:
    """``url`` with the named parameters replaced (None removes one); others, repeats too, kept."""
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in values]
    kept.extend((k, str(v)) for k, v in values.items() if v is not None)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), ""))
