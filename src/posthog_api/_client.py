"""``AsyncPostHog``: configuration, the HTTP stack, resources, and the one call path.

The HTTP stack, outermost first::

    httpx.AsyncClient  (base URL, Authorization, User-Agent, timeout, error hook)
      RetryTransport   (backoff, Retry-After, per-method rules, DEBUG log)
        the real transport (a connection pool), or the user's own httpx client

Every operation goes through :meth:`AsyncPostHog._call`: the scope check, the generated
``asyncio_detailed`` function (the only place a request is built), and the mapping of
what comes back to a model or an exception. Later pages of a list come through
:meth:`AsyncPostHog._follow`, which fetches the server's ``next`` URL on the same stack.
"""

from __future__ import annotations

import contextvars
import importlib
import math
import os
import re
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar, overload

import httpx

from . import _scopes, _validation
from ._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ConfigurationError,
    PostHogError,
    ResponseValidationError,
    ScopeError,
    bounded,
    status_error,
)
from ._logging import configure_from_env
from ._transport import (
    DEFAULT_MAX_RETRIES,
    RetryTransport,
    TransportClosed,
    attempts_of,
    check_max_retries,
)
from ._version import __version__

if TYPE_CHECKING:
    from posthog_api_client.client import AuthenticatedClient

    from .prompts.cache import PromptCache
    from .resources import (
        DatasetItems,
        Datasets,
        ErrorTracking,
        EvaluationRuns,
        Evaluations,
        Events,
        Integrations,
        LLMAnalytics,
        Logs,
        MaxTools,
        PersistedFolders,
        Prompts,
    )

T = TypeVar("T")

DEFAULT_HOST = "https://us.posthog.com"
DEFAULT_TIMEOUT = 30.0
USER_AGENT = f"posthog-api-async/{__version__} (python; httpx {httpx.__version__})"


class _Call:
    """One operation in progress: the hook names it in errors and records its response.

    A recorded response tells the call path that anything failing afterwards failed
    while parsing that response, not in the SDK's own code before sending.
    """

    __slots__ = ("operation", "response")

    def __init__(self, operation: str) -> None:
        self.operation = operation
        self.response: httpx.Response | None = None


_current: contextvars.ContextVar[_Call | None] = contextvars.ContextVar(
    "posthog_api_call", default=None
)
_functions: dict[str, Callable[..., Awaitable[Any]]] = {}


class _Missing:
    """Marks an option that was not given (None is a meaningful timeout)."""


_MISSING = _Missing()


def _operation_function(operation_id: str) -> Callable[..., Awaitable[Any]]:
    """The generated ``asyncio_detailed`` of an operation, imported on first use."""
    function = _functions.get(operation_id)
    if function is None:
        from posthog_api_client.operations import OPERATIONS

        tag = OPERATIONS[operation_id].tag
        module = importlib.import_module(f"posthog_api_client.api.{tag}.{operation_id}")
        function = _functions[operation_id] = module.asyncio_detailed
    return function


async def _raise_for_status(response: httpx.Response) -> None:
    """httpx response hook: turn any non-2xx answer into the typed exception.

    Running here, before the generated code parses the body, means an HTML 502 page or an
    empty 405 becomes ``InternalServerError`` / ``MethodNotAllowedError`` rather than a
    JSON decoding error.
    """
    call = _current.get()
    if call is not None:
        call.response = response
    if response.status_code < 300:
        return
    await response.aread()
    operation = None if call is None else call.operation
    raise status_error(response, operation=operation, attempts=attempts_of(response))


class _ClientTransport(httpx.AsyncBaseTransport):
    """Sends through a user-supplied ``httpx.AsyncClient`` (its proxies, limits, hooks)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._client.send(request, stream=True)

    async def aclose(self) -> None:
        """The user's client belongs to the user: it is not closed here."""


class AsyncPostHog:
    """An async client for PostHog's LLM-analytics and environment API.

    Arguments fall back to the environment: ``POSTHOG_PERSONAL_API_KEY``,
    ``POSTHOG_PROJECT_ID`` and ``POSTHOG_HOST``. ``scopes``, when given, is what the key
    may do; calls that need more raise :class:`ScopeError` before anything is sent.

    The prompt cache keeps the latest of a prompt fresh for ``prompt_cache_ttl`` seconds,
    then serves it stale (refreshing in the background) for up to
    ``prompt_cache_max_stale`` seconds while the API fails; after a failed fetch it waits
    ``prompt_cache_error_cooldown`` seconds (or the server's ``Retry-After``) before the
    next one. A pinned version (``get(name, version=N)``) is fresh for
    ``prompt_cache_pinned_ttl`` seconds (an hour), then revalidated the same way: PostHog
    reuses version numbers once a prompt is archived and created again.

    ``transport=`` replaces the connection pool under the SDK's retries (the cheap seam
    for tests, e.g. ``httpx.MockTransport``); ``http_client=`` sends every request through
    your own ``httpx.AsyncClient`` (its hooks, proxies and limits), at the cost of a
    second client pass per request. ``aclose()`` closes a given transport, as httpx does,
    but never a given ``http_client``.
    """

    prompts: Prompts
    datasets: Datasets
    dataset_items: DatasetItems
    evaluations: Evaluations
    evaluation_runs: EvaluationRuns
    llm_analytics: LLMAnalytics
    logs: Logs
    integrations: Integrations
    persisted_folders: PersistedFolders
    error_tracking: ErrorTracking
    events: Events
    max_tools: MaxTools

    def __init__(
        self,
        *,
        api_key: str | None = None,
        project_id: str | int | None = None,
        host: str | None = None,
        scopes: Iterable[str] | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        prompt_cache_ttl: float = 60.0,
        prompt_cache_size: int = 1024,
        prompt_cache_max_stale: float = 24 * 3600.0,
        prompt_cache_error_cooldown: float = 5.0,
        prompt_cache_pinned_ttl: float = 3600.0,
    ) -> None:
        configure_from_env()
        key = api_key if api_key is not None else os.environ.get("POSTHOG_PERSONAL_API_KEY")
        if not key:
            raise ConfigurationError(
                "no API key: pass api_key=... or set POSTHOG_PERSONAL_API_KEY "
                "to a personal API key (it starts with phx_)"
            )
        if not isinstance(key, str):
            raise ConfigurationError(f"api_key must be a str, got {type(key).__name__}")
        if not _TOKEN.fullmatch(key):
            # Never echoed: httpx would put it in a header error (and every traceback).
            raise ConfigurationError(
                "the API key is not a plain token: it may hold only visible ASCII characters "
                "(a personal API key looks like phx_...); remove spaces, quotes, newlines, "
                "control or non-ASCII characters in or around it"
            )
        project = project_id if project_id is not None else os.environ.get("POSTHOG_PROJECT_ID")
        if project is None or project == "":
            raise ConfigurationError(
                "no project id: pass project_id=... or set POSTHOG_PROJECT_ID "
                "(the number in your PostHog project settings)"
            )
        try:
            self.project_id = _validation.project_id(project)
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from None
        self.host = _normalize_host(host or os.environ.get("POSTHOG_HOST") or DEFAULT_HOST)
        self.scopes = None if scopes is None else _normalize_scopes(scopes)
        self.max_retries = check_max_retries(max_retries)
        self.timeout = _check_timeout(timeout)
        self._api_key = key
        self._denied: dict[str, tuple[str, ...]] = {}
        if self.scopes is not None:
            from posthog_api_client.operations import OPERATIONS

            self._denied = _scopes.denied_operations(
                self.scopes, {op: o.scopes for op, o in OPERATIONS.items()}
            )
        inner: httpx.AsyncBaseTransport
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise ConfigurationError(
                f"http_client must be an httpx.AsyncClient, got {type(http_client).__name__}"
                + (" (the SDK is async: use httpx.AsyncClient)" if _is_sync(http_client) else "")
            )
        if transport is not None and not isinstance(transport, httpx.AsyncBaseTransport):
            raise ConfigurationError(
                "transport must be an httpx.AsyncBaseTransport (such as httpx.MockTransport "
                f"or httpx.AsyncHTTPTransport), got {type(transport).__name__}"
            )
        if http_client is not None and transport is not None:
            raise ConfigurationError(
                "pass http_client= or transport=, not both: transport= replaces the "
                "connection pool under the SDK's own client; http_client= sends through yours"
            )
        if transport is not None:
            inner = transport
        elif http_client is not None:
            inner = _ClientTransport(http_client)
        else:
            inner = httpx.AsyncHTTPTransport(
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=20)
            )
        from .prompts.cache import PromptCache

        # Before _build: the prompts namespace attached there holds on to the cache.
        # for_client checks every option; its ConfigurationError names the prompt_cache_* one.
        self._prompt_cache: PromptCache = PromptCache.for_client(
            size=prompt_cache_size,
            ttl=prompt_cache_ttl,
            pinned_ttl=prompt_cache_pinned_ttl,
            max_stale=prompt_cache_max_stale,
            error_cooldown=prompt_cache_error_cooldown,
        )
        self._owner = True
        self._build(RetryTransport(inner, max_retries=max_retries))

    def _build(self, transport: RetryTransport) -> None:
        from posthog_api_client.client import AuthenticatedClient

        self._transport = transport
        self._http = httpx.AsyncClient(
            base_url=self.host,
            headers={
                "Authorization": f"Bearer {self._api_key}",
                "User-Agent": USER_AGENT,
                "Accept": "application/json",
            },
            timeout=self.timeout,
            transport=transport,
            event_hooks={"response": [_raise_for_status]},
        )
        # The key lives only in the httpx client's headers; the generated client gets a
        # placeholder token so that its attrs repr can never show the secret.
        self._generated: AuthenticatedClient = AuthenticatedClient(
            base_url=self.host, token="[set on the HTTP client]"
        ).set_async_httpx_client(self._http)
        from . import resources

        resources.attach(self)

    # -- lifecycle -----------------------------------------------------------------

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | _Missing | None = _MISSING,
        max_retries: int | None = None,
    ) -> AsyncPostHog:
        """A copy with other timeout/retry settings that shares the connection pool and cache.

        Closing the copy leaves the original (and its pool) open.
        """
        clone = object.__new__(AsyncPostHog)
        clone.__dict__.update({k: v for k, v in self.__dict__.items() if not k.startswith("_http")})
        if not isinstance(timeout, _Missing):
            clone.timeout = _check_timeout(timeout)
        if max_retries is not None:
            clone.max_retries = check_max_retries(max_retries)
        clone._owner = False
        clone._build(self._transport.with_max_retries(clone.max_retries))
        return clone

    async def aclose(self) -> None:
        """Close the connection pool and stop background prompt refreshes.

        Afterwards every call, ``prompts.get`` (and the gets waiting on a fetch now)
        included, raises ``ConfigurationError``.
        """
        self.prompts._on_close()
        if self._owner:
            await self._prompt_cache.aclose()
        await self._http.aclose()

    async def __aenter__(self) -> AsyncPostHog:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        scopes = "None" if self.scopes is None else repr(sorted(self.scopes))
        return (
            f"AsyncPostHog(host={self.host!r}, project_id={self.project_id!r}, "
            f"scopes={scopes}, max_retries={self.max_retries})"
        )

    # -- the call path -------------------------------------------------------------

    @overload
    async def _call(self, operation_id: str, expect: type[T], /, **kwargs: Any) -> T: ...

    @overload
    async def _call(self, operation_id: str, expect: None, /, **kwargs: Any) -> None: ...

    async def _call(self, operation_id: str, expect: type[T] | None, /, **kwargs: Any) -> T | None:
        """Run one generated operation and return its parsed model, or raise."""
        if self._denied and operation_id in self._denied:
            raise self._scope_error(operation_id)
        function = _functions.get(operation_id) or _operation_function(operation_id)
        call = _Call(operation_id)
        token = _current.set(call)
        try:
            response = await function(client=self._generated, project_id=self.project_id, **kwargs)
        except APIError:
            raise
        except Exception as exc:
            error = self._translate(operation_id, exc, call.response)
            if error is None:
                raise
            # A parse error's text may quote the body: the message holds a bounded part.
            raise error from (None if isinstance(error, ResponseValidationError) else exc)
        finally:
            _current.reset(token)
            # Timer handles (asyncio.timeout's, httpx's) keep a copy of the context until
            # they fall due: a response left on the call would live on in it for `timeout`.
            seen, call.response = call.response, None
        if expect is None:
            return None
        parsed = response.parsed
        assert seen is not None  # the hook saw the answer that was parsed
        if type(parsed) is expect or isinstance(parsed, expect):
            problem = _validation.response_problem(parsed)
            if problem is None:
                return parsed
            raise _unreadable(operation_id, seen, f"has a field the SDK cannot use: {problem}")
        if parsed is None:  # the generated parser reads only the statuses the API gives
            raise _unexpected_status(operation_id, seen)
        raise _unreadable(
            operation_id, seen, f"is not {expect.__name__} (got {type(parsed).__name__})"
        )

    async def _follow(self, operation_id: str, page_model: type[T], url: str) -> T:
        """Fetch a pagination ``next`` URL through the same stack, on the same origin only."""
        if self._denied and operation_id in self._denied:
            raise self._scope_error(operation_id)
        from ._pagination import results_problem, url_origin  # _pagination imports us

        origin = httpx.URL(self.host)
        try:
            target = origin.join(url)  # a relative next URL stays on the configured origin
            elsewhere = (target.scheme, target.host, target.port) != (
                origin.scheme,
                origin.host,
                origin.port,
            )
        except (httpx.InvalidURL, ValueError) as exc:  # IDNA and Unicode errors are ValueErrors
            # from None: the original error quotes the whole URL, whose query may hold a token.
            raise APIError(
                f"{operation_id}: the server's next-page URL (at {url_origin(url)}) cannot be "
                f"parsed ({type(exc).__name__}); paging stopped. The pages before it were "
                "delivered; report the URL to the server's operator."
            ) from None
        if target.scheme not in ("http", "https"):  # javascript:, file:, mailto:, ...
            raise APIError(
                f"{operation_id}: the server's next-page URL has the scheme "
                f"{bounded(target.scheme, 20)}:, not http(s); it was not followed. Paging "
                "stopped. The pages before it were delivered; report the URL to the server's "
                "operator."
            )
        if elsewhere:
            raise APIError(
                f"{operation_id}: the server's next-page URL points at {url_origin(str(target))}"
                f", not {self.host}; it was not followed so that the API key is never sent to "
                "another host. Paging stopped."
            )
        call = _Call(operation_id)
        token = _current.set(call)
        try:
            response = await self._http.get(target)
        except APIError:
            raise
        except Exception as exc:
            error = self._translate(operation_id, exc, call.response)
            if error is None:
                raise
            raise error from (None if isinstance(error, ResponseValidationError) else exc)
        finally:
            _current.reset(token)
            call.response = None  # see _call: contexts outlive the call in timer handles
        try:
            body = response.json()
            page = page_model.from_dict(body)  # type: ignore[attr-defined]
        except Exception as exc:  # RecursionError too: any body the parser cannot read
            raise _unreadable(operation_id, response, _cause(exc)) from None
        problem = _validation.response_problem(page)
        if problem is None and not page.results:  # the parser reads {} and "" as []
            problem = results_problem(body)
        if problem is not None:
            raise _unreadable(operation_id, response, f"has a field of the wrong type: {problem}")
        return page  # type: ignore[no-any-return]

    def _translate(
        self, operation_id: str, exc: Exception, response: httpx.Response | None = None
    ) -> PostHogError | None:
        """Map what escaped a request to the SDK's exception tree (None: leave it be).

        ``response`` is the answer the response hook saw, if one came: an error other than
        a transport one after it is a failure to parse it. Anything else (a TypeError from
        a bad keyword in the SDK's own code, say) is no response's fault and propagates.
        """
        if isinstance(exc, TransportClosed) or (
            isinstance(exc, RuntimeError) and self._http.is_closed
        ):
            # TransportClosed: the pool was closed, under this copy too (with_options).
            return ConfigurationError(
                f"{operation_id}: this AsyncPostHog is closed (aclose() or the end of its "
                "'async with'), or the client it was copied from with with_options() is, so "
                "nothing is sent. Next: create a new client."
            )
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(
                f"{operation_id} timed out ({type(exc).__name__}) after "
                f"{attempts_of(exc) or 1} attempt(s). Next: raise the timeout with "
                "with_options(timeout=...) or check the network.",
                method=_method(exc),
                url=_url(exc),
            )
        if isinstance(exc, httpx.TransportError):
            return APIConnectionError(
                f"{operation_id} could not reach {self.host} ({type(exc).__name__}) after "
                f"{attempts_of(exc) or 1} attempt(s). Next: check POSTHOG_HOST and the network.",
                method=_method(exc),
                url=_url(exc),
            )
        if isinstance(exc, httpx.DecodingError):  # read in the transport: the hook saw none
            return ResponseValidationError(
                f"{operation_id}: the response body could not be decoded "
                f"({bounded(str(exc), 200)}); its Content-Encoding does not match it. "
                "Next: retry, or report it to the server's operator.",
                method=_method(exc),
                url=_url(exc),
                operation=operation_id,
            )
        if response is not None:
            return _unreadable(operation_id, response, _cause(exc))
        return None

    def _scope_error(self, operation_id: str) -> ScopeError:
        lacking = self._denied[operation_id]
        granted = sorted(self.scopes or ())
        return ScopeError(
            f"{operation_id} needs the API key scope(s) {', '.join(lacking)}, which the "
            f"client was told the key lacks (granted: {', '.join(granted) or 'none'}). "
            "Next: add the scope to the key in PostHog and to scopes=[...].",
            operation=operation_id,
            missing=lacking,
            granted=granted,
        )


_TOKEN = re.compile(r"[\x21-\x7e]+")


def _is_sync(value: object) -> bool:
    return isinstance(value, (httpx.Client, httpx.BaseTransport))


def _normalize_scopes(scopes: object) -> frozenset[str]:
    if isinstance(scopes, (bytes, bytearray)) or not isinstance(scopes, Iterable):
        raise ConfigurationError(
            "scopes must be a list of strings such as ['llm_prompt:read'], got "
            f"{type(scopes).__name__}"
        )
    return _scopes.normalize(scopes)


def _check_timeout(value: object) -> float | httpx.Timeout | None:
    """A ``timeout`` setting, checked: seconds > 0, None (no limit) or an httpx.Timeout."""
    if isinstance(value, httpx.Timeout):
        for phase in ("connect", "read", "write", "pool"):
            seconds = getattr(value, phase)
            if seconds is not None and not _is_seconds(seconds):
                raise ConfigurationError(
                    f"timeout: the httpx.Timeout's {phase} must be a finite number of seconds "
                    f"> 0 (0 times every request out at once), or None for no limit; got "
                    f"{_short_repr(seconds)}"
                )
        return value
    if value is None or _is_seconds(value):
        return value  # type: ignore[return-value]
    raise ConfigurationError(
        "timeout must be a finite number of seconds > 0 (0 times every request out at once), "
        f"None (no limit) or an httpx.Timeout, got {_short_repr(value)}"
    )


def _short_repr(value: object) -> str:
    """A short repr, or the type's name where the repr would be long (10**400, say)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"an int of {len(str(abs(value)))} digits"
    text = repr(value)
    return text if len(text) <= 40 else type(value).__name__


def _is_seconds(value: object) -> bool:
    """A finite int or float > 0 (not a bool, not NaN or infinity: use None for no limit).

    0 is refused too: every call would time out at once.
    """
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value) and value > 0
    except OverflowError:  # an int too large for a float
        return False


def _normalize_host(host: str) -> str:
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


def _cause(exc: BaseException) -> str:
    """Why a body could not be parsed, in a bounded number of characters."""
    if isinstance(exc, RecursionError):
        return "could not be parsed (JSON nested too deeply)"
    return f"could not be parsed ({type(exc).__name__}: {bounded(str(exc), 200)})"


def _unreadable(operation_id: str, response: httpx.Response, what: str) -> ResponseValidationError:
    """The error for a response the SDK cannot use; ``what`` says what is wrong with it."""
    return _response_error(
        operation_id,
        response,
        f"the {response.status_code} response {what}, which does not match the API description",
    )


def _unexpected_status(operation_id: str, response: httpx.Response) -> ResponseValidationError:
    """The error for a success status the operation does not answer with (200 for a 201)."""
    from posthog_api_client.operations import OPERATIONS

    expected = " or ".join(str(status) for status in OPERATIONS[operation_id].success)
    return _response_error(
        operation_id,
        response,
        f"the server answered {response.status_code} where "
        + (f"{expected} was expected" if expected else "another status was expected")
        + " (the API description gives no body for it, so nothing was parsed)",
    )


def _response_error(
    operation_id: str, response: httpx.Response, what: str
) -> ResponseValidationError:
    try:
        body: Any = response.text
    except httpx.ResponseNotRead:  # the body itself could not be read (e.g. bad gzip)
        body = None
    request = response.request
    return ResponseValidationError(
        f"{operation_id}: {what}. Next: upgrade posthog-api-async, or report it (the body is "
        "on the exception's .body).",
        method=request.method,
        url=str(request.url.copy_with(query=None)),
        status_code=response.status_code,
        body=body,
        operation=operation_id,
    )


def _method(exc: httpx.HTTPError) -> str | None:
    try:
        return exc.request.method
    except RuntimeError:
        return None


def _url(exc: httpx.HTTPError) -> str | None:
    try:
        return str(exc.request.url.copy_with(query=None))
    except RuntimeError:
        return None
