"""``AsyncPostHog``: the HTTP stack, the namespaces, and the one request path.

The HTTP stack, outermost first::

    httpx.AsyncClient  (Authorization, User-Agent, default timeout, your headers)
      RetryTransport   (backoff, Retry-After, per-method rules, DEBUG log)
        the real transport (a connection pool), or the user's own httpx client

Every operation goes through :meth:`AsyncPostHog._request`, called by the generated
namespace methods with the operation's row of the generated table: the scope check, the
arguments checked and encoded by the table's ``Param`` rows, the request sent, any status
of 300 or more turned into the typed error, and the body parsed into the generated model.
"""

from __future__ import annotations

import json
import os
import weakref
from asyncio import AbstractEventLoop, get_running_loop
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

import httpx
from posthog_api_client.resources import NOT_GIVEN

from . import _budget, _deprecation, _scopes, _validation, resources
from ._config import DEFAULT_HOST, DEFAULT_TIMEOUT, ClientConfig, check_headers, check_timeout
from ._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ConfigurationError,
    InvalidRequestError,
    ResponseValidationError,
    ScopeError,
    bounded,
    status_error,
)
from ._logging import configure_from_env
from ._transport import (
    DEFAULT_MAX_RETRIES,
    MAX_RETRIES_EXTENSION,
    RetryTransport,
    TransportClosed,
    attempts_of,
    check_max_retries,
)
from ._version import __version__

if TYPE_CHECKING:
    from posthog_api_client.operations import Operation

    from ._budget import RateBudget
    from ._pagination import AsyncPaginator
    from .prompts.cache import PromptCache
    from .prompts.store import RedisPromptStore

T = TypeVar("T")

USER_AGENT = f"posthog-api-async/{__version__} (python; httpx {httpx.__version__})"
_JSON = {"Content-Type": "application/json"}


class _ClientTransport(httpx.AsyncBaseTransport):
    """Sends through a user-supplied ``httpx.AsyncClient`` (its proxies, limits, hooks)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._client.send(request, stream=True)

    async def aclose(self) -> None:
        """The user's client belongs to the user: it is not closed here."""


class _Options:
    """Per-request options, checked: ``timeout``, ``max_retries``, ``extra_headers``."""

    __slots__ = ("headers", "max_retries", "timeout")

    def __init__(self, timeout: Any, max_retries: Any, extra_headers: Any) -> None:
        self.timeout = (
            httpx.USE_CLIENT_DEFAULT
            if timeout is NOT_GIVEN
            else check_timeout(timeout, InvalidRequestError)
        )
        if max_retries is not NOT_GIVEN:
            try:
                max_retries = check_max_retries(max_retries)
            except ConfigurationError as exc:
                raise InvalidRequestError(str(exc)) from None
        self.max_retries = max_retries
        self.headers = check_headers(extra_headers, "extra_headers", InvalidRequestError)


_DEFAULTS = _Options(NOT_GIVEN, NOT_GIVEN, None)


class _Pool:
    """What every client sending through one connection pool (``with_options`` copies)
    shares: the event loop the pool was first used in (httpx's connections belong to it)
    and the copies, which closing the pool closes too."""

    __slots__ = ("copies", "loop")

    def __init__(self) -> None:
        self.loop: AbstractEventLoop | None = None
        self.copies: weakref.WeakSet[AsyncPostHog] = weakref.WeakSet()


class AsyncPostHog(resources.Namespaces):
    """An async client for PostHog's LLM-analytics and environment API.

    Arguments fall back to the environment: ``POSTHOG_PERSONAL_API_KEY``,
    ``POSTHOG_PROJECT_ID`` and ``POSTHOG_HOST``. ``scopes``, when given, is what the key
    may do; calls that need more raise :class:`ScopeError` before anything is sent.
    ``headers`` are sent with every request. ``environment_routes`` (or
    ``POSTHOG_ENVIRONMENT_ROUTES``) sends the operations it names (namespaces such as
    ``"prompts"``, calls such as ``"prompts.fetch"``, or True for all) through PostHog's
    deprecated ``/api/environments/`` alias instead of ``/api/projects/``: for self-hosted
    PostHog older than the move to ``/api/projects/``.

    The prompt cache keeps the latest of a prompt fresh for ``prompt_cache_ttl`` seconds,
    then serves it stale (refreshing in the background) for up to
    ``prompt_cache_max_stale`` seconds while the API fails; after a failed fetch it waits
    ``prompt_cache_error_cooldown`` seconds (or the server's ``Retry-After``) before the
    next one. A pinned version (``get(name, version=N)``) is fresh for
    ``prompt_cache_pinned_ttl`` seconds (an hour), then revalidated the same way: PostHog
    reuses version numbers once a prompt is archived and created again.

    Many processes: ``prompt_store=RedisPromptStore(redis_client)`` puts one shared store
    behind every process's cache (one refresh per prompt for the whole fleet, writes
    announced to every process); ``rate_budget=True`` (or a :class:`RateBudget`) keeps
    PostHog's rate limits on this side, through the store's Redis when there is one, so a
    request waits for its turn instead of drawing a 429. See README's "Running many
    processes".

    ``transport=`` replaces the connection pool under the SDK's retries (the cheap seam
    for tests, e.g. ``httpx.MockTransport``); ``http_client=`` sends every request through
    your own ``httpx.AsyncClient`` (its hooks, proxies and limits), at the cost of a
    second client pass per request. ``aclose()`` closes a given transport, as httpx does,
    but never a given ``http_client``.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        project_id: str | int | None = None,
        host: str | None = None,
        scopes: Iterable[str] | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        headers: Mapping[str, str] | None = None,
        environment_routes: bool | Iterable[str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        prompt_cache_ttl: float = 60.0,
        prompt_cache_size: int = 1024,
        prompt_cache_max_stale: float = 24 * 3600.0,
        prompt_cache_error_cooldown: float = 5.0,
        prompt_cache_pinned_ttl: float = 3600.0,
        prompt_store: RedisPromptStore | None = None,
        rate_budget: RateBudget | bool | None = None,
    ) -> None:
        configure_from_env()
        config = ClientConfig.build(
            api_key=api_key if api_key is not None else os.environ.get("POSTHOG_PERSONAL_API_KEY"),
            project_id=project_id
            if project_id is not None
            else os.environ.get("POSTHOG_PROJECT_ID"),
            host=host or os.environ.get("POSTHOG_HOST") or DEFAULT_HOST,
            scopes=scopes,
            timeout=timeout,
            max_retries=max_retries,
            headers=headers,
            environment_routes=environment_routes
            if environment_routes is not None
            else _deprecation.FromEnvironment(os.environ.get(_deprecation.ENV_VAR, "")),
            prompt_cache_ttl=prompt_cache_ttl,
            prompt_cache_size=prompt_cache_size,
            prompt_cache_max_stale=prompt_cache_max_stale,
            prompt_cache_error_cooldown=prompt_cache_error_cooldown,
            prompt_cache_pinned_ttl=prompt_cache_pinned_ttl,
            prompt_store=prompt_store,
            rate_budget=rate_budget,
        )
        # Kept for with_options(host=...): the user's transport is reused, our pool is not.
        self._given = _given_transport(http_client, transport)
        self._pool = _Pool()
        retrying = RetryTransport(self._given or _new_pool(), max_retries=config.max_retries)
        self._setup(config, retrying, _new_cache(config), owns_cache=True)

    def _setup(
        self, config: ClientConfig, transport: RetryTransport, cache: PromptCache, owns_cache: bool
    ) -> None:
        self._config = config
        self.project_id = config.project_id
        self.host = config.host
        self.scopes = config.scopes
        self.timeout = config.timeout
        self.max_retries = config.max_retries
        self._denied: dict[str, tuple[str, ...]] = {}
        if config.scopes is not None:
            from posthog_api_client.operations import OPERATIONS

            self._denied = _scopes.denied_operations(
                config.scopes, {op: o.scopes for op, o in OPERATIONS.items()}
            )
        self._alias = config.environment_routes
        self._budget = config.rate_budget
        self._budget_key = (
            "" if self._budget is None else _budget.key_id(config.host, config.api_key)
        )
        self._prompt_cache = cache
        self._owns_cache = owns_cache  # closes it on aclose
        self._transport = transport
        self._http = httpx.AsyncClient(
            headers=[
                ("Authorization", f"Bearer {config.api_key}"),
                ("User-Agent", USER_AGENT),
                ("Accept", "application/json"),
                *config.headers,
            ],
            timeout=config.timeout,
            transport=transport,
        )
        resources.attach(self)

    # -- lifecycle -----------------------------------------------------------------

    def with_options(self, **options: Any) -> AsyncPostHog:
        """A copy with other options: any of the constructor's but ``http_client``/``transport``.

        The copy is checked as a new client is. With the same host it shares the connection
        pool (closing the copy leaves it open; closing the original ends both); with the
        same key, project, host and cache options it shares the prompt cache too.
        """
        unknown = set(options) - set(ClientConfig.__dataclass_fields__)
        if unknown:
            raise ConfigurationError(
                f"with_options() got unknown option(s) {', '.join(sorted(unknown))}; it "
                f"accepts {', '.join(ClientConfig.__dataclass_fields__)}"
            )
        old = self._config
        config = ClientConfig.build(**{**vars(old), "headers": dict(old.headers), **options})
        clone = object.__new__(AsyncPostHog)
        clone._given = self._given
        # One pool, one loop: the same host shares the pool; a given transport is shared
        # whatever the host.
        clone._pool = self._pool if config.host == old.host or self._given else _Pool()
        if config.host == old.host:
            transport = self._transport.with_max_retries(config.max_retries)
        else:  # the user's transport, shared (never closed by us), or a pool of its own
            given = self._given
            transport = RetryTransport(
                given or _new_pool(), max_retries=config.max_retries, owns_inner=given is None
            )
        same_prompts = (config.api_key, config.project_id, config.host) == (
            old.api_key,
            old.project_id,
            old.host,
        ) and (config.cache_options(), config.prompt_store) == (
            old.cache_options(),
            old.prompt_store,
        )
        cache = self._prompt_cache if same_prompts else _new_cache(config)
        clone._setup(config, transport, cache, owns_cache=not same_prompts)
        clone._pool.copies.add(clone)  # only once built: aclose reaches its prompts
        return clone

    async def aclose(self) -> None:
        """Close the connection pool and stop background prompt refreshes.

        Afterwards every call, ``prompts.get`` (and the gets waiting on a fetch now)
        included, raises ``ConfigurationError``.
        """
        self.prompts._on_close()
        if self._owns_cache:
            await self._prompt_cache.aclose()
        try:
            await self._http.aclose()  # marks it closed first, then closes the pool
        except RuntimeError:
            # The pool's loop is gone (a second asyncio.run()): its sockets went with it.
            if self._pool.loop in (None, get_running_loop()):
                raise
        if self._transport.closed:  # the pool is gone: so is every copy sharing it
            for copy in self._pool.copies:
                copy.prompts._on_close()

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

    # -- the request path ----------------------------------------------------------

    async def _request(
        self,
        operation: Operation,
        cast_to: type[T] | None,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        body_model: type[Any] | None = None,
        open_ended: bool = False,
        fields: Mapping[str, Any] | None = None,
        timeout: Any = NOT_GIVEN,  # noqa: ASYNC109 - a per-request option, as httpx has it
        max_retries: Any = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        with_status: bool = False,
    ) -> Any:
        """Run one operation: check, encode, send, map errors, parse. See the module doc.
        ``with_status``: return ``(status, parsed)``, for a caller that tells 201 from 200."""
        if self._denied and operation.operation_id in self._denied:
            raise self._scope_error(operation)
        if operation.deprecated:
            _deprecation.called(operation.call, f"{operation.method} {operation.path}")
        url, params = self._url(operation, path, query, extra_query)
        content = None
        if body_model is not None:
            content = _body(operation, body_model, body, fields or {}, open_ended)
        options = (
            _DEFAULTS
            if timeout is NOT_GIVEN and max_retries is NOT_GIVEN and extra_headers is None
            else _Options(timeout, max_retries, extra_headers)
        )
        return await self._send(
            operation, cast_to, operation.method, url, params, content, options, with_status
        )

    def _paginate(
        self,
        operation: Operation,
        page_model: type[Any],
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        page_size: int | None = None,
        concurrency: int = 1,
        timeout: Any = NOT_GIVEN,
        max_retries: Any = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> AsyncPaginator[Any]:
        """A paginator over a list operation; its arguments are checked now, pages fetched later."""
        from ._pagination import AsyncPaginator

        url, params = self._url(operation, path, query, extra_query)
        options = _Options(timeout, max_retries, extra_headers)
        return AsyncPaginator(
            self, operation, page_model, url, params, options,
            page_size=page_size, concurrency=concurrency,
        )  # fmt: skip

    def _url(
        self,
        operation: Operation,
        path: Mapping[str, Any] | None,
        query: Mapping[str, Any] | None,
        extra_query: Mapping[str, Any] | None,
    ) -> tuple[str, list[tuple[str, str]]]:
        """The operation's URL and query pairs, every argument checked by its ``Param``."""
        values = {**(path or {}), **(query or {})}
        segments = {"project_id": self.project_id}
        params: list[tuple[str, str]] = []
        for param in operation.params:
            value = values.get(param.name)
            if value is None and not param.required:
                continue
            text = _validation.param_text(param, value, f"posthog.{operation.call}: {param.name}")
            if param.location == "path":
                # quote everything: a "/" or ".." in an id must not reach another endpoint
                segments[param.wire] = quote(str(text), safe="")
            elif isinstance(text, list):
                params.extend((param.wire, item) for item in text)
            else:
                params.append((param.wire, text))
        if extra_query is not None:
            extra = _validation.extra_query(extra_query)
            clash = sorted({key for key, _ in extra} & {key for key, _ in params})
            if clash:  # the server would read one of the two values, which one unknown
                raise InvalidRequestError(
                    f"posthog.{operation.call}: extra_query sends {', '.join(clash)} again, "
                    "which the call's own arguments already send; pass it once"
                )
            params.extend(extra)
        route = operation.path
        if self._alias and operation.operation_id in self._alias:
            route = _deprecation.alias_path(route)
        return self.host + route.format_map(segments), params

    async def _send(
        self,
        operation: Operation,
        cast_to: type[T] | None,
        method: str,
        url: str | httpx.URL,
        params: list[tuple[str, str]] | None,
        content: bytes | None,
        options: _Options,
        with_status: bool = False,
    ) -> Any:
        """Send one request and return its parsed body; every failure is a typed error."""
        if self._http.is_closed:
            raise _closed(operation)
        loop = get_running_loop()
        if loop is not self._pool.loop:
            if self._pool.loop is not None:
                raise _other_loop(operation)
            self._pool.loop = loop  # the first request: the pool is this loop's from now
        headers = options.headers if content is None else [*options.headers, *_JSON.items()]
        try:
            request = self._http.build_request(
                method,
                url,
                params=tuple(params) if params else None,
                content=content,
                headers=headers,
                timeout=options.timeout,
            )
        except httpx.InvalidURL as exc:  # e.g. longer than httpx's 65,536 characters
            raise InvalidRequestError(
                f"posthog.{operation.call}: the request's URL cannot be built "
                f"({bounded(str(exc), 80)}). Next: shorten the arguments sent in the URL."
            ) from None
        if options.max_retries is not NOT_GIVEN:
            request.extensions[MAX_RETRIES_EXTENSION] = options.max_retries
        if self._budget is not None:
            request.extensions[_budget.BUDGET_EXTENSION] = _budget.Ticket(
                self._budget,
                self._budget_key,
                operation.operation_id == _budget.PUBLISH_OPERATION,
                _budget.REFRESH.get(),
                f"posthog.{operation.call}",
            )
        try:
            # Straight to the transport: httpx's send would also build the redirect request
            # of a 3xx, failing on a bad Location before the status could be reported.
            response = await self._transport.handle_async_request(request)
            response.request = request
        except TransportClosed:  # the pool was closed, under a with_options copy too
            raise _closed(operation) from None
        except httpx.TransportError as exc:
            timed_out = isinstance(exc, httpx.TimeoutException)
            cls = APITimeoutError if timed_out else APIConnectionError
            what, hint = (
                ("timed out", "raise the timeout (timeout=... on the call or with_options("
                 "timeout=...)) or check the network")
                if timed_out
                else (f"could not reach {self.host}", "check POSTHOG_HOST and the network")
            )  # fmt: skip
            raise cls(
                f"posthog.{operation.call} {what} ({type(exc).__name__}) after "
                f"{attempts_of(exc) or 1} attempt(s). Next: {hint}.",
                method=request.method,
                url=_shown_url(request),
            ) from exc
        except httpx.DecodingError as exc:
            raise ResponseValidationError(
                f"posthog.{operation.call}: the response body could not be decoded "
                f"({bounded(str(exc), 200)}); its Content-Encoding does not match it. "
                "Next: retry, or report it to the server's operator.",
                method=request.method,
                url=_shown_url(request),
                operation=operation.operation_id,
            ) from None
        if "deprecation" in response.headers or "sunset" in response.headers:
            _deprecation.note(operation.call, _route(operation, request), response)
        status = response.status_code
        if status >= 300:
            raise status_error(
                response,
                operation=operation.operation_id,
                call=f"posthog.{operation.call}",
                attempts=attempts_of(response),
            )
        if cast_to is None or (status == 204 and not response.content):
            return (status, None) if with_status else None
        if operation.success and status not in operation.success:
            expected = " or ".join(str(code) for code in operation.success)
            raise _unreadable(
                operation,
                response,
                f"the server answered {status} where {expected} was expected",
            )
        try:
            data = response.json()
            parsed = cast_to.from_dict(data)  # type: ignore[attr-defined]
        except Exception as exc:  # RecursionError too: whatever the server's body holds
            raise _unreadable(operation, response, f"the {status} response {_cause(exc)}") from None
        problem = _validation.response_problem(parsed)
        results = data.get("results", []) if type(data) is dict else []
        if problem is None and type(results) is not list:  # the parser reads {} and "" as []
            problem = f"results is {type(results).__name__} {bounded(repr(results), 60)}, "
            problem += "expected a list"
        if problem is not None:
            raise _unreadable(
                operation, response, f"the {status} response has a field the SDK cannot use: "
                f"{problem}"
            )  # fmt: skip
        return (status, parsed) if with_status else parsed

    async def _follow(
        self, operation: Operation, page_model: type[T], url: str, options: _Options
    ) -> T:
        """Fetch a pagination ``next`` URL through the same path, on the same origin only."""
        if self._denied and operation.operation_id in self._denied:
            raise self._scope_error(operation)
        from ._pagination import url_origin  # _pagination imports this module

        what = f"posthog.{operation.call}: the server's next-page URL"
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
                f"{what} (at {url_origin(url)}) cannot be parsed ({type(exc).__name__}); paging "
                "stopped. The pages before it were delivered; report the URL to the server's "
                "operator."
            ) from None
        if target.scheme not in ("http", "https"):  # javascript:, file:, mailto:, ...
            raise APIError(
                f"{what} has the scheme {bounded(target.scheme, 20)}:, not http(s); it was not "
                "followed. Paging stopped. The pages before it were delivered; report the URL "
                "to the server's operator."
            )
        if elsewhere:
            raise APIError(
                f"{what} points at {url_origin(str(target))}, not {self.host}; it was not "
                "followed so that the API key is never sent to another host. Paging stopped."
            )
        return await self._send(operation, page_model, "GET", target, None, None, options)  # type: ignore[no-any-return]

    def _scope_error(self, operation: Operation) -> ScopeError:
        lacking = self._denied[operation.operation_id]
        granted = sorted(self.scopes or ())
        return ScopeError(
            f"posthog.{operation.call} needs the API key scope(s) {', '.join(lacking)}, which "
            f"the client was told the key lacks (granted: {', '.join(granted) or 'none'}). "
            "Next: add the scope to the key in PostHog and to scopes=[...].",
            operation=operation.operation_id,
            missing=lacking,
            granted=granted,
        )


def _given_transport(http_client: object, transport: object) -> httpx.AsyncBaseTransport | None:
    """The user's transport, or one over their client; None when they gave neither."""
    if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
        sync = isinstance(http_client, (httpx.Client, httpx.BaseTransport))
        raise ConfigurationError(
            f"http_client must be an httpx.AsyncClient, got {type(http_client).__name__}"
            + (" (the SDK is async: use httpx.AsyncClient)" if sync else "")
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
    if http_client is not None:
        return _ClientTransport(http_client)
    return transport


def _new_pool() -> httpx.AsyncHTTPTransport:
    return httpx.AsyncHTTPTransport(
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20)
    )


def _new_cache(config: ClientConfig) -> PromptCache:
    from .prompts.cache import PromptCache

    # for_client checks every option; its ConfigurationError names the prompt_cache_* one.
    store = config.prompt_store
    shared = None if store is None else store.bind(config.host, config.project_id)
    return PromptCache.for_client(shared=shared, **config.cache_options())


def _body(
    operation: Operation, model: type[Any], body: Any, fields: Mapping[str, Any], open_ended: bool
) -> bytes:
    """The JSON body from a ready model, a dict, or keyword fields, checked against ``model``.

    ``open_ended`` bodies (the spec's additionalProperties) take names the model lacks.
    """
    what = f"posthog.{operation.call}"
    given = {k: v for k, v in fields.items() if v is not NOT_GIVEN}
    if isinstance(body, model):
        if given:
            raise InvalidRequestError(f"{what}: pass either body=... or keyword fields, not both")
        data = body.to_dict()
    else:
        if body is not None:
            if not isinstance(body, Mapping):
                raise InvalidRequestError(
                    f"{what}: body must be a {model.__name__} or a dict, got {type(body).__name__}"
                )
            given = {**body, **given}
        checked = _validation.body_dict(what, model, given, open_ended=open_ended)
        data = model.from_dict(checked).to_dict()
    try:
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
    except (TypeError, ValueError) as exc:
        raise InvalidRequestError(f"{what}: the body is not JSON: {exc}") from None


def _closed(operation: Operation) -> ConfigurationError:
    return ConfigurationError(
        f"posthog.{operation.call}: this AsyncPostHog is closed (aclose() or the end of its "
        "'async with'), or the client it was copied from with with_options() is, so nothing "
        "is sent. Next: create a new client."
    )


def _other_loop(operation: Operation) -> ConfigurationError:
    return ConfigurationError(
        f"posthog.{operation.call}: this AsyncPostHog was first used in another event loop, "
        "and its connection pool belongs to that loop (httpx's connections cannot move "
        "between loops, and the first loop may be gone), so nothing was sent. Next: create "
        "one client per event loop, e.g. with 'async with AsyncPostHog(...)' inside the "
        "coroutine you pass to asyncio.run(), or one per thread that runs a loop."
    )


def _cause(exc: BaseException) -> str:
    """Why a body could not be parsed, in a bounded number of characters."""
    if isinstance(exc, RecursionError):
        return "could not be parsed (JSON nested too deeply)"
    return f"could not be parsed ({type(exc).__name__}: {bounded(str(exc), 200)})"


def _unreadable(
    operation: Operation, response: httpx.Response, what: str
) -> ResponseValidationError:
    """The error for a response the SDK cannot use; ``what`` says what is wrong with it."""
    request = response.request
    return ResponseValidationError(
        f"posthog.{operation.call}: {what}, which does not match the API description. Next: "
        "upgrade posthog-api-async, or report it (the body is on the exception's .body).",
        method=request.method,
        url=_shown_url(request),
        status_code=response.status_code,
        body=response.text,
        operation=operation.operation_id,
    )


def _route(operation: Operation, request: httpx.Request) -> str:
    """The method and path template a request was sent to (the alias's or the canonical)."""
    template = operation.path
    if _deprecation.ALIAS in request.url.path:  # after the host's own path, if it has one
        template = _deprecation.alias_path(template)
    return f"{request.method} {template}"


def _shown_url(request: httpx.Request) -> str:
    return str(request.url.copy_with(query=None))
