"""Scope arithmetic over the generated operation table.

A personal API key carries scopes such as ``dataset:read`` or ``*``; ``X:write`` also
grants ``X:read``. Told its key's scopes, the client works out once, at construction,
which operations the key cannot call, so the check on every call is one dictionary lookup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ._errors import ConfigurationError

_SCOPE = re.compile(r"^[a-z_]+:(read|write)$")


def normalize(scopes: Iterable[str]) -> frozenset[str]:
    """Validate the scopes a user says their key has."""
    if isinstance(scopes, str):
        raise ConfigurationError(
            "scopes must be a list of strings such as ['llm_prompt:read'], not one string"
        )
    result = set()
    for scope in scopes:
        if not isinstance(scope, str) or not (scope == "*" or _SCOPE.fullmatch(scope)):
            raise ConfigurationError(
                f"scope {scope!r} is not valid: use '<object>:read', '<object>:write' or '*'"
            )
        result.add(scope)
    return frozenset(result)


def satisfies(granted: frozenset[str], required: str) -> bool:
    if "*" in granted or required in granted:
        return True
    obj, _, action = required.partition(":")
    return action == "read" and f"{obj}:write" in granted


def denied_operations(
    granted: frozenset[str], table: Mapping[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    """Operation id -> the scopes it needs that ``granted`` lacks (only the denied ones)."""
    denied = {}
    for operation, required in table.items():
        lacking = tuple(scope for scope in required if not satisfies(granted, scope))
        if lacking:
            denied[operation] = lacking
    return denied
