"""``posthog.prompts``: named prompts with immutable, numbered versions.

``get`` is the hot path of an application that fetches its prompt on every LLM call: a
fresh cache hit is one dictionary lookup and returns a prebuilt object (no validation,
locks, logging or allocation: anything that reached the cache was validated on the way
in). Misses, expiry, single-flight and stale-while-revalidate live in
:class:`~posthog_api.prompts.PromptCache`. Writes (``create``, ``publish``, ``update``,
``archive``) go through the cache so this process never reads its own stale version.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

from posthog_api_client.models import (
    LLMPrompt,
    LLMPromptPublic,
    LLMPromptPublish,
    LLMPromptRequest,
    LLMPromptResolveResponse,
    LLMPromptVersionSummary,
    PaginatedLLMPromptList,
    PatchedLLMPrompt,
)
from posthog_api_client.types import UNSET, Unset

from .. import _validation
from .._errors import (
    ConfigurationError,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    PostHogError,
    PromptNotFoundError,
    PromptVersionConflict,
    ResponseValidationError,
    _rebuild,
)
from .._pagination import AsyncPaginator
from .._validation import _shown
from ..prompts import Prompt, PromptDiff, diff_prompts
from ..prompts.cache import CacheStats, closed_error, new_prompt
from ..prompts.diff import same_content
from ._base import Resource, unset_if_none

Fallback = str | Callable[[], Any]


class Prompts(Resource):
    __slots__ = ("_cache", "_entries")

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self._cache = client._prompt_cache
        # The cache's own table, read directly by get()'s hot path; rebound to an empty
        # dict when this client closes, so that a closed client's hits miss (and raise).
        self._entries = self._cache._entries

    def _on_close(self) -> None:
        """Called by ``AsyncPostHog.aclose``: from now on every ``get`` takes the slow path."""
        self._entries = {}

    # -- reading ---------------------------------------------------------------------

    async def get(
        self,
        name: str,
        version: int | None = None,
        *,
        version_id: Any = None,
        fallback: Fallback | None = None,
        cache_ttl: float | None = None,
    ) -> Prompt:
        """The latest version of ``name`` (or ``version``), served from the cache when fresh.

        The latest is fresh for ``cache_ttl`` seconds (the client's ``prompt_cache_ttl`` by
        default), a pinned version for the client's ``prompt_cache_pinned_ttl`` (an hour by
        default: PostHog reuses version numbers after ``archive``); past that the copy is
        served stale while one background refresh runs, and a 404 evicts it. ``fallback``
        (a string, or a sync or async callable returning one) is used only when nothing is
        cached and the fetch failed. The result's ``source`` says which of ``api``,
        ``cache``, ``stale`` or ``fallback`` served it. On a closed client it raises
        :class:`ConfigurationError`, fallback or not: that is a bug to fix, not an outage.
        """
        if version_id is None and cache_ttl is None:
            # The hot path, PromptCache.get_fresh inlined (a method call is a third of
            # the budget): one lookup, one clock read, and the cached object (made by the
            # entry's first hit).
            try:
                entry = self._entries.get((name, version))
            except TypeError:  # an unhashable name or version: refused just below
                entry = None
            # type(version) is int: 1.0 and True hash like 1 but are refused when uncached.
            if (
                entry is not None
                and self._cache._clock() < entry.expires
                and (version is None or type(version) is int)
            ):
                entry.used = True
                self._cache._hits += 1
                return entry.value or entry.cached()  # type: ignore[no-any-return]
        else:
            # Checked before the cache is consulted, so a hit cannot let NaN or True through.
            if cache_ttl is not None and (
                isinstance(cache_ttl, bool)
                or not isinstance(cache_ttl, (int, float))
                or not cache_ttl >= 0  # NaN too
            ):
                raise InvalidRequestError(f"cache_ttl must be a number >= 0, got {cache_ttl!r}")
            if version_id is None and not self._client._http.is_closed:
                try:
                    hit = self._cache.get_fresh(name, version, cache_ttl)
                except TypeError:  # an unhashable name or version: refused just below
                    hit = None
                if hit is not None and (version is None or type(version) is int):
                    return hit  # type: ignore[no-any-return]
        name = _validation.prompt_name(name)
        if version is not None:
            _validation.integer(version, "version", minimum=1)
        if self._client._http.is_closed:
            raise closed_error(f"prompts.get({name!r})")
        try:
            if version_id is not None:
                return await self._by_version_id(
                    name, _validation.uuid_id(version_id, "version_id")
                )
            return await self._cache.get(  # type: ignore[no-any-return]
                name, version, lambda: self._fetch(name, version), ttl=cache_ttl
            )
        except (InvalidRequestError, ConfigurationError):
            raise  # the caller's mistake (a bad argument, a closed client): no fallback
        except PostHogError as error:
            if fallback is None:
                raise
            return await _use_fallback(name, version, fallback, error)

    async def _fetch(self, name: str, version: int | None) -> Prompt:
        try:
            model = await self._client._call(
                "llm_prompts_name_retrieve",
                LLMPromptPublic,
                prompt_name=name,
                version=UNSET if version is None else version,
            )
        except NotFoundError as error:
            raise _prompt_not_found(error, name, version) from None
        if model.name != name or (version is not None and model.version != version):
            raise self._not_asked("llm_prompts_name_retrieve", model, name, version)
        return _prompt(model)

    async def _by_version_id(self, name: str, version_id: Any) -> Prompt:
        try:
            resolved = await self._client._call(
                "llm_prompts_resolve_name_retrieve",
                LLMPromptResolveResponse,
                prompt_name=name,
                version_id=version_id,
                limit=1,
            )
        except NotFoundError as error:
            raise _prompt_not_found(error, name, None) from None
        if resolved.prompt.name != name:
            raise self._not_asked(
                "llm_prompts_resolve_name_retrieve", resolved.prompt, name, None, resolved
            )
        prompt = _prompt(resolved.prompt)
        self._cache.put(prompt, latest=False)
        return prompt

    async def fetch(self, name: str, version: int | None = None) -> Prompt:
        """Like :meth:`get` but always from the API, bypassing (and then refreshing) the cache."""
        name = _validation.prompt_name(name)
        if version is not None and (type(version) is not int or version < 1):
            _validation.integer(version, "version", minimum=1)  # raises, saying why
        prompt = await self._fetch(name, version)
        self._cache.put(prompt, latest=version is None)
        return prompt

    def _not_asked(
        self,
        operation_id: str,
        answer: LLMPromptPublic | LLMPrompt,
        name: str,
        version: int | None,
        body: Any = None,
    ) -> ResponseValidationError:
        """The error for an answer about another prompt than the one asked for.

        A proxy or a server bug that answers with another prompt (or version) would
        otherwise be served, and cached under the key asked for (so every later get of
        it would fetch again). ``.body`` holds the answer as parsed.
        """
        from posthog_api_client.operations import OPERATIONS  # error path only

        asked = f"{name!r}" + (" (the latest)" if version is None else f" version {version}")
        operation = OPERATIONS[operation_id]
        path = operation.path.format(project_id=self._client.project_id, prompt_name=name)
        return ResponseValidationError(
            f"{operation_id}: the 200 response is prompt {_shown(answer.name)} version "
            f"{_shown(answer.version)}, not the {asked} that was asked for, which does not "
            "match the API description. Next: check what answers for the host (a proxy?), "
            "or report it (the answer is on the exception's .body).",
            method=operation.method,
            url=self._client.host + path,
            status_code=200,
            body=(body or answer).to_dict(),
            operation=operation_id,
        )

    async def versions(
        self, name: str, *, page_size: int = 50, before_version: int | None = None
    ) -> AsyncIterator[LLMPromptVersionSummary]:
        """Every version of ``name``, newest first, paged by ``before_version``."""
        name = _validation.prompt_name(name)
        limit = _limit(page_size)
        cursor = (
            None
            if before_version is None
            else _validation.integer(before_version, "before_version", minimum=1)
        )
        from .._errors import APIError  # only this method raises it in this module

        while True:
            page = await self.resolve(name, limit=limit, before_version=cursor)
            if cursor is not None and not all(
                type(v.version) is int and v.version < cursor for v in page.versions
            ):
                # A server that ignores before_version would send this page forever.
                raise APIError(
                    f"llm_prompts_resolve_name_retrieve: asked for the versions of {name!r} "
                    f"before {cursor}, the server repeated the page (it sent versions that are "
                    "not below it); stopped paging instead of looping forever. The versions "
                    "before this page were delivered."
                )
            for summary in page.versions:
                yield summary
            if not page.has_more or not page.versions:
                return
            cursor = page.versions[-1].version
            if type(cursor) is not int or cursor < 1:
                raise APIError(
                    f"llm_prompts_resolve_name_retrieve: the history of {name!r} ends in a "
                    f"version that is not a positive number ({cursor!r:.40}), so the next page "
                    "cannot be asked for; stopped paging."
                )

    async def diff(self, name: str, a: int, b: int) -> PromptDiff:
        """A unified diff of versions ``a`` and ``b`` plus the variables added and removed."""
        name = _validation.prompt_name(name)  # every argument checked before either fetch
        _validation.integer(a, "version a", minimum=1)
        _validation.integer(b, "version b", minimum=1)
        old = await self.get(name, version=a)
        new = await self.get(name, version=b)
        # Bounded, but up to a fraction of a second for big prompts: off the event loop.
        return await asyncio.to_thread(diff_prompts, old, new)

    def list(
        self, *, search: str | None = None, page_size: int | None = None, concurrency: int = 1
    ) -> AsyncPaginator[LLMPrompt]:
        """The latest version of every live prompt name."""
        return AsyncPaginator(
            self._client,
            "llm_prompts_list",
            PaginatedLLMPromptList,
            {"search": unset_if_none(search)},
            page_size=page_size,
            concurrency=concurrency,
        )

    async def prefetch(self, names: Iterable[str] | None = None) -> int:
        """Warm the cache with the latest of ``names`` (all when None) in one list pass.

        Returns how many prompts were cached.
        """
        if isinstance(names, (str, bytes)):
            raise InvalidRequestError(
                "prefetch(names) takes a list of prompt names, not one string: use prefetch([name])"
            )
        wanted = None if names is None else {_validation.prompt_name(n) for n in names}
        count = 0
        async for row in self.list(page_size=100):
            if wanted is None or row.name in wanted:
                self._cache.put(_prompt(row), latest=True)
                count += 1
        return count

    # -- writing ---------------------------------------------------------------------

    async def create(self, name: str, prompt: Any) -> Prompt:
        """Create ``name`` at version 1."""
        body = LLMPromptRequest(
            name=_validation.prompt_name(name), prompt=_validation.prompt_content(prompt)
        )
        created = _prompt(await self._client._call("llm_prompts_create", LLMPrompt, body=body))
        self._cache.invalidate(created.name)
        self._cache.put(created)
        return created

    async def publish(self, name: str, prompt: Any, *, base_version: int) -> Prompt:
        """Publish a new version; ``base_version`` must still be the latest.

        Raises :class:`PromptVersionConflict` (with ``current_version``) when someone
        published since.
        """
        name = _validation.prompt_name(name)
        base = _validation.integer(base_version, "base_version", minimum=1)
        body = LLMPromptPublish(prompt=_validation.prompt_content(prompt), base_version=base)
        try:
            model = await self._client._call(
                "llm_prompts_name_partial_update", LLMPrompt, prompt_name=name, body=body
            )
        except ConflictError as error:
            raise _conflict(error, name, base) from None
        except NotFoundError as error:
            raise _prompt_not_found(error, name, None) from None
        published = _prompt(model)
        self._cache.put(published)
        return published

    async def publish_if_changed(self, name: str, prompt: Any) -> Prompt:
        """Publish ``prompt`` unless it is the latest content; create the name if new.

        "Is" is exact JSON (:func:`~posthog_api.prompts.diff.same_content`): ``True`` is
        not ``1``, ``0.0`` is not ``0``, strings compare character for character.

        Returns the latest version afterwards (the existing one when nothing changed).
        """
        name = _validation.prompt_name(name)
        _validation.prompt_content(prompt)
        try:
            latest = await self.fetch(name)
        except PromptNotFoundError:
            return await self.create(name, prompt)
        if same_content(latest.prompt, prompt):  # type-exact: true is not 1
            return latest
        return await self.publish(name, prompt, base_version=latest.version)

    async def update(
        self,
        name: str,
        fn: Callable[[Any], Any],
        *,
        max_attempts: int = 3,
    ) -> Prompt:
        """Read the latest, apply ``fn`` (sync or async) to its content, publish the result.

        On a conflict it re-reads and tries again, up to ``max_attempts`` times in all, then
        raises the last :class:`PromptVersionConflict`. Returns the latest unchanged when
        ``fn`` returns the same content (exact JSON, as in :meth:`publish_if_changed`).
        """
        name = _validation.prompt_name(name)
        attempts = _validation.integer(max_attempts, "max_attempts", minimum=1)
        conflict: PromptVersionConflict | None = None
        for _ in range(attempts):
            latest = await self.fetch(name)
            content = fn(latest.prompt)
            if inspect.isawaitable(content):
                content = await content
            if same_content(content, latest.prompt):
                return latest
            try:
                return await self.publish(name, content, base_version=latest.version)
            except PromptVersionConflict as error:
                conflict = error
        assert conflict is not None
        raise conflict

    async def archive(self, name: str) -> None:
        """Soft-delete every version of ``name``; the name can then be created again."""
        name = _validation.prompt_name(name)
        try:
            await self._client._call("llm_prompts_name_archive_create", None, prompt_name=name)
        except NotFoundError as error:
            raise _prompt_not_found(error, name, None) from None
        finally:
            self._cache.invalidate(name)

    # -- the cache -------------------------------------------------------------------

    def invalidate(self, name: str | None = None, version: int | None = None) -> int:
        """Drop cached prompts: all, every version of exactly ``name``, or one version."""
        return self._cache.invalidate(name, version)  # type: ignore[no-any-return]

    def stats(self) -> CacheStats:
        """Cache counters: hits, misses, coalesced waits, refreshes, refresh errors..."""
        return self._cache.stats()  # type: ignore[no-any-return]

    # -- rows by id --------------------------------------------------------------------

    async def resolve(
        self,
        name: str,
        *,
        version: int | None = None,
        version_id: Any = None,
        limit: int | None = None,
        offset: int | None = None,
        before_version: int | None = None,
    ) -> LLMPromptResolveResponse:
        """One version plus a page of the name's history (newest first), uncached."""
        if offset is not None and before_version is not None:
            raise InvalidRequestError(
                "pass offset or before_version, not both (PostHog refuses the pair)"
            )
        name = _validation.prompt_name(name)
        try:
            return await self._client._call(
                "llm_prompts_resolve_name_retrieve",
                LLMPromptResolveResponse,
                prompt_name=name,
                version=_opt_int(version, "version", 1),
                version_id=UNSET
                if version_id is None
                else _validation.uuid_id(version_id, "version_id"),
                limit=50 if limit is None else _limit(limit),
                offset=_opt_int(offset, "offset", 0),
                before_version=_opt_int(before_version, "before_version", 1),
            )
        except NotFoundError as error:
            raise _prompt_not_found(error, name, version) from None

    async def retrieve(self, id: Any) -> LLMPrompt:
        """One version row by its UUID."""
        return await self._client._call(
            "llm_prompts_retrieve", LLMPrompt, id=_validation.uuid_id(id, "prompt id")
        )

    async def patch_version(self, id: Any, *, deleted: bool) -> LLMPrompt:
        """Patch one version row by UUID. Only ``deleted`` may change: content is versioned."""
        if not isinstance(deleted, bool):
            raise InvalidRequestError(f"deleted must be True or False, got {deleted!r}")
        row = await self._client._call(
            "llm_prompts_partial_update",
            LLMPrompt,
            id=_validation.uuid_id(id, "prompt id"),
            body=PatchedLLMPrompt(deleted=deleted),
        )
        self._cache.invalidate(row.name)
        return row

    async def delete(self, id: Any) -> None:
        """Hard delete. PostHog always refuses it (``MethodNotAllowedError``); see archive."""
        await self._client._call(
            "llm_prompts_destroy", None, id=_validation.uuid_id(id, "prompt id")
        )


# -- helpers ---------------------------------------------------------------------------


# The text of recently seen version ids. A prompt refreshed every TTL comes back with the
# same id: str(UUID) is a Python-level method, and one of the larger costs of a fetch.
_ID_TEXT: dict[int, str] = {}


def _prompt(model: LLMPrompt | LLMPromptPublic) -> Prompt:
    """The SDK's prompt value from a generated model (checked by ``_call``), built directly."""
    is_latest = model.is_latest
    latest_version = model.latest_version
    version_count = model.version_count
    first = model.first_version_created_at
    uid = model.id
    id_text = _ID_TEXT.get(uid.int)
    if id_text is None:
        if len(_ID_TEXT) >= 1024:
            _ID_TEXT.clear()
        id_text = _ID_TEXT[uid.int] = str(uid)
    return new_prompt(
        model.name,
        model.version,
        id_text,
        model.prompt,
        model.created_at,
        model.updated_at,
        is_latest if type(is_latest) is bool else None,
        None if isinstance(latest_version, Unset) else latest_version,
        None if isinstance(version_count, Unset) else version_count,
        None if isinstance(first, Unset) else first,
        "api",
        time.time(),
    )


def _prompt_not_found(error: NotFoundError, name: str, version: int | None) -> PromptNotFoundError:
    what = f"{name!r}" if version is None else f"{name!r} version {version}"
    message = (
        f"prompt {what} was not found (no live version). Next: check the name, "
        "create it with prompts.create(), or pass fallback=... to get()."
    )
    return _rebuild(PromptNotFoundError, {**error.__dict__, "message": message})


def _conflict(error: ConflictError, name: str, base_version: int) -> PromptVersionConflict:
    body = error.body if isinstance(error.body, dict) else {}
    current = body.get("current_version")
    current = current if isinstance(current, int) and not isinstance(current, bool) else None
    message = (
        f"prompt {name!r} changed since version {base_version}"
        + (f": the latest is now version {current}" if current is not None else "")
        + ". Next: reload it (prompts.get/fetch), re-apply your change and publish with "
        "base_version set to the latest, or use prompts.update(name, fn) which retries."
    )
    return PromptVersionConflict(
        message,
        name=name,
        base_version=base_version,
        current_version=current,
        method=error.method,
        url=error.url,
        body=error.body,
        request_id=error.request_id,
        operation=error.operation,
    )


async def _use_fallback(
    name: str, version: int | None, fallback: Fallback, error: PostHogError
) -> Prompt:
    value: Any = fallback
    if callable(fallback):
        value = fallback()
        if inspect.isawaitable(value):
            value = await value
    if isinstance(value, Prompt):
        return value.with_source("fallback")
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"the fallback for prompt {name!r} returned {type(value).__name__}; it must "
            "return a str (or a Prompt)"
        ) from error
    return Prompt(
        name=name,
        version=version or 0,
        id="",
        prompt=value,
        source="fallback",
        fetched_at=time.time(),
    )


def _opt_int(value: int | None, what: str, minimum: int) -> Any:
    return UNSET if value is None else _validation.integer(value, what, minimum=minimum)


def _limit(value: int) -> int:
    value = _validation.integer(value, "limit", minimum=1)
    if value > 100:
        raise InvalidRequestError(f"limit must be at most 100, got {value}")
    return value


__all__ = ["Prompts"]
