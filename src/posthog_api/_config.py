"""``ClientConfig``: every option of a client, checked once, frozen.

``AsyncPostHog(...)`` and ``with_options(...)`` both build one with :meth:`ClientConfig.build`,
so a copy goes through exactly the checks the original did. Nothing here echoes the API key.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from . import _deprecation, _scopes, _validation
from ._errors import ConfigurationError, InvalidRequestError, bounded
from ._transport import check_max_retries

DEFAULT_HOST = "https://us.posthog.com"
DEFAULT_TIMEOUT = 30.0
_TOKEN = re.compile(r"[\x21-\x7e]+")
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# Set by the SDK from api_key; a header of the same name would send another credential.
_OWN_HEADERS = frozenset({"authorization"})


@dataclass(frozen=True)
class ClientConfig:
    api_key: str = field(repr=False)
    project_id: str
    host: str
    scopes: frozenset[str] | None
    timeout: float | httpx.Timeout | None
    max_retries: int
    headers: tuple[tuple[str, str], ...]
    environment_routes: frozenset[str]  # operation ids sent through /api/environments/
    prompt_cache_ttl: float
    prompt_cache_size: int
    prompt_cache_max_stale: float
    prompt_cache_error_cooldown: float
    prompt_cache_pinned_ttl: float
    prompt_store: Any = None  # a RedisPromptStore, or None
    rate_budget: Any = None  # a RateBudget, or None

    @classmethod
    def build(
        cls,
        *,
        api_key: object,
        project_id: object,
        host: object,
        scopes: object,
        timeout: object,
        max_retries: object,
        headers: object,
        environment_routes: object = None,
        prompt_store: object = None,
        rate_budget: object = None,
        **cache: Any,
    ) -> ClientConfig:
        """The checked configuration; raises ConfigurationError naming the bad option."""
        if not api_key:
            raise ConfigurationError(
                "no API key: pass api_key=... or set POSTHOG_PERSONAL_API_KEY "
                "to a personal API key (it starts with phx_)"
            )
        if not isinstance(api_key, str):
            raise ConfigurationError(f"api_key must be a str, got {type(api_key).__name__}")
        if not _TOKEN.fullmatch(api_key):
            # Never echoed: httpx would put it in a header error (and every traceback).
            raise ConfigurationError(
                "the API key is not a plain token: it may hold only visible ASCII characters "
                "(a personal API key looks like phx_...); remove spaces, quotes, newlines, "
                "control or non-ASCII characters in or around it"
            )
        if project_id is None or project_id == "":
            raise ConfigurationError(
                "no project id: pass project_id=... or set POSTHOG_PROJECT_ID "
                "(the number in your PostHog project settings)"
            )
        try:
            project = _validation.project_id(project_id)
        except InvalidRequestError as exc:
            raise ConfigurationError(str(exc)) from None
        return cls(
            api_key=api_key,
            project_id=project,
            host=normalize_host(host),
            scopes=None if scopes is None else _normalize_scopes(scopes),
            timeout=check_timeout(timeout, ConfigurationError),
            max_retries=check_max_retries(max_retries),
            headers=check_headers(headers, "headers", ConfigurationError),
            environment_routes=_environment_routes(environment_routes),
            prompt_store=_prompt_store(prompt_store),
            rate_budget=_rate_budget(rate_budget, prompt_store),
            **cache,
        )

    def cache_options(self) -> dict[str, Any]:
        """The prompt_cache_* options, named as ``PromptCache.for_client`` takes them."""
        prefix = "prompt_cache_"
        return {k.removeprefix(prefix): v for k, v in vars(self).items() if k.startswith(prefix)}


def _prompt_store(value: object) -> Any:
    if value is None:
        return None
    from .prompts.store import RedisPromptStore

    if not isinstance(value, RedisPromptStore):
        raise ConfigurationError(
            "prompt_store must be a RedisPromptStore (from posthog_api import "
            f"RedisPromptStore), got {type(value).__name__}"
        )
    return value


def _rate_budget(value: object, store: object) -> Any:
    """None/False: no budget; True: PostHog's limits, on the store's Redis if there is one."""
    from ._budget import RateBudget

    if value is None or value is False:
        return None
    if value is True:
        from .prompts.store import RedisPromptStore

        if isinstance(store, RedisPromptStore):
            return RateBudget(store.redis, prefix=store.prefix)
        return RateBudget()
    if not isinstance(value, RateBudget):
        raise ConfigurationError(
            "rate_budget must be True (PostHog's limits: shared through the prompt_store's "
            "Redis if there is one, else in this process), a RateBudget, or None, got "
            f"{type(value).__name__}"
        )
    return value


def _environment_routes(value: object) -> frozenset[str]:
    from posthog_api_client.operations import OPERATIONS

    calls = {op: (o.call.partition(".")[0], o.call) for op, o in OPERATIONS.items()}
    return _deprecation.routed_through_alias(value, calls)


def _normalize_scopes(scopes: object) -> frozenset[str]:
    if isinstance(scopes, (bytes, bytearray)) or not isinstance(scopes, Iterable):
        raise ConfigurationError(
            "scopes must be a list of strings such as ['llm_prompt:read'], got "
            f"{type(scopes).__name__}"
        )
    return _scopes.normalize(scopes)


def check_timeout(value: object, error: type[Exception]) -> float | httpx.Timeout | None:
    """A ``timeout`` setting, checked: seconds > 0, None (no limit) or an httpx.Timeout."""
    if isinstance(value, httpx.Timeout):
        for phase in ("connect", "read", "write", "pool"):
            seconds = getattr(value, phase)
            if seconds is not None and not _is_seconds(seconds):
                raise error(
                    f"timeout: the httpx.Timeout's {phase} must be a finite number of seconds "
                    f"> 0 (0 times every request out at once), or None for no limit; got "
                    f"{short_repr(seconds)}"
                )
        return value
    if value is None or _is_seconds(value):
        return value  # type: ignore[return-value]
    raise error(
        "timeout must be a finite number of seconds > 0 (0 times every request out at once), "
        f"None (no limit) or an httpx.Timeout, got {short_repr(value)}"
    )


def check_headers(value: object, what: str, error: type[Exception]) -> tuple[tuple[str, str], ...]:
    """Extra headers as ``(name, value)`` pairs: str names and values, no line breaks."""
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise error(f"{what} must be a dict of str to str, got {type(value).__name__}")
    pairs = []
    for name, text in value.items():
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise error(f"{what}: {short_repr(name)} is not a header name (letters, digits, -)")
        if name.lower() in _OWN_HEADERS:
            raise error(f"{what}: {name} is set by the SDK from api_key; pass api_key=... instead")
        # The value is never shown: a header may hold a credential.
        if not isinstance(text, str) or not text.isprintable() or not text.isascii():
            raise error(
                f"{what}: the value of {name} must be a str of printable ASCII characters "
                "(no line breaks)"
            )
        pairs.append((name, text))
    return tuple(pairs)


def short_repr(value: object) -> str:
    """A short repr, or the type's name where the repr would be long (10**400, say)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"an int of {len(str(abs(value)))} digits"
    text = repr(value)
    return text if len(text) <= 40 else type(value).__name__


def _is_seconds(value: object) -> bool:
    """An int or float > 0 that a float holds (not a bool, NaN or infinity: None is no limit)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    return 0 < value <= sys.float_info.max


def normalize_host(host: object) -> str:
    if not isinstance(host, str):
        raise ConfigurationError(f"host must be a URL string, got {type(host).__name__}")
    # Credentials in the host are never echoed back in an error message.
    shown = re.sub(r"//[^/?#]*@", "//[credentials]@", host)
    if shown != host:
        raise ConfigurationError(
            f"host {shown!r} must not contain credentials; pass the key as api_key=..."
        )
    shown = bounded(shown, 200)
    try:
        url = httpx.URL(host.strip())
        name = url.host  # decodes an xn-- label: idna.IDNAError when it is not punycode
    except (httpx.InvalidURL, TypeError):
        raise ConfigurationError(
            f"host {shown!r} is not a URL; use one such as https://us.posthog.com"
        ) from None
    except ValueError as exc:  # idna.IDNAError, a UnicodeError: e.g. http://xn--zz.com
        raise ConfigurationError(
            f"host {shown!r} has a host name that is not valid internationalised (IDNA) "
            f"text ({type(exc).__name__}); use one such as https://us.posthog.com"
        ) from None
    if url.scheme not in ("http", "https") or not name:
        raise ConfigurationError(
            f"host {shown!r} must be an http(s) URL such as https://us.posthog.com"
        )
    if url.userinfo:
        raise ConfigurationError("host must not contain credentials; use api_key=...")
    if url.port is not None and not 1 <= url.port <= 65535:
        raise ConfigurationError(
            f"host {shown!r} has port {url.port}; a port is a number from 1 to 65535"
        )
    return str(url.copy_with(query=None, fragment=None)).rstrip("/")
