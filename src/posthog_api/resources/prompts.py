"""``posthog.prompts``: the prompts library on top of the generated namespace.

``get`` is the hot path of an app fetching its prompt on every LLM call: a fresh hit is one
call of :meth:`PromptCache.get_fresh`, bound once. Writes (labels too) go through the
cache, so this process never reads its own stale version."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import inspect
import operator
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypedDict, Unpack
from uuid import UUID

import httpx
from posthog_api_client.models import (
    LLMPrompt,
    LLMPromptLabel,
    LLMPromptLabelRequest,
    LLMPromptPublic,
    LLMPromptResolveResponse,
    LLMPromptVersionSummary,
    PromptConfigType0,
)
from posthog_api_client.operations import OPERATIONS
from posthog_api_client.resources import NOT_GIVEN, NotGiven, prompts
from posthog_api_client.types import UNSET, Unset

from .. import _validation
from .._errors import (
    PROJECT_HINT,
    ConfigurationError,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    PostHogError,
    ProjectNotFoundError,
    PromptNotFoundError,
    PromptVersionConflict,
    ResponseValidationError,
    _rebuild,
)
from .._pagination import CursorPaginator
from .._validation import _shown
from ..prompts import Prompt, PromptDiff, diff_prompts
from ..prompts.cache import CacheStats, Slot, closed_error, new_prompt
from ..prompts.diff import same_content
from ..prompts.label import PromptLabel
from ..prompts.prompt import label_names

__all__ = ["Prompts", "RequestOptions"]

_NAME_READ = "llm_prompts_name_retrieve"  # what get() and fetch() call
_SET_LABEL = "llm_prompts_name_labels_update"
_PUBLISH = "llm_prompts_name_partial_update"
Fallback = str | Callable[[], Any]
_Answer = LLMPrompt | LLMPromptPublic | LLMPromptResolveResponse


class RequestOptions(TypedDict, total=False):
    """The per-request options of every generated method, passed on as they are."""

    timeout: float | httpx.Timeout | NotGiven | None
    max_retries: int | NotGiven
    extra_headers: Mapping[str, str] | None
    extra_query: Mapping[str, Any] | None


def _closed_miss(name: object, version: object = None, ttl: object = None) -> None:
    """``get_fresh`` of a closed client: never a hit, so every get takes the slow path."""


def _denied_miss(name: object, version: object = None, ttl: object = None) -> None:
    """``get_fresh`` of a client told its key lacks ``llm_prompt:read``: a copy made with
    ``with_options(scopes=...)`` shares the cache, but must not read it."""


class Prompts(prompts.Prompts):
    """Named prompts with immutable, numbered versions, and a cache in front of them.

    Read with ``get`` (cached: your application's hot path; the latest, a version or a
    label such as ``"production"``), ``fetch`` (always the API), ``retrieve`` (one version
    by UUID) or ``resolve`` (a version and its history); write with ``create``,
    ``publish(..., base_version=)``, ``publish_with``, ``publish_if_changed`` and
    ``duplicate``; point labels with ``set_label``, ``remove_label`` and ``labels``;
    ``versions``, ``diff``, ``archive``, ``prefetch``, ``invalidate`` and ``stats`` do the
    rest.
    """

    __slots__ = ("_cache", "_get_fresh")

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self._cache = client._prompt_cache
        # Bound once: the hot path then costs one call, not an attribute walk and a bind.
        self._get_fresh: Callable[..., Prompt | None] = self._cache.get_fresh
        if _NAME_READ in client._denied:
            self._get_fresh = _denied_miss

    async def _tell(
        self,
        name: str,
        prompt: Prompt | None = None,
        *,
        drop: tuple[Slot, ...] = (),
        reset: bool = False,
    ) -> None:
        """A write made here, told to the shared store and so to every other process
        (nothing without a store; never raises)."""
        shared = self._cache.shared
        if shared is not None:
            await shared.changed(name, prompt, drop=drop, reset=reset)

    def _on_close(self) -> None:
        """Called by ``AsyncPostHog.aclose``: from now on every ``get`` takes the slow path."""
        self._get_fresh = _closed_miss

    async def get(
        self,
        name: str,
        version: int | None = None,
        *,
        label: str | None = None,
        version_id: Any = None,
        fallback: Fallback | None = None,
        cache_ttl: float | None = None,
    ) -> Prompt:
        """The latest version of ``name`` (or ``version``, or the version ``label`` points
        at, e.g. ``"production"``), from the cache while fresh.

        The latest and a label are fresh for ``cache_ttl`` seconds (default
        ``prompt_cache_ttl``), a pinned version for ``prompt_cache_pinned_ttl``; then it is
        served stale while one refresh runs. The result's ``version`` and ``label`` say what
        was served. ``fallback`` (a str, or a sync or async callable returning one) serves
        only when nothing is cached and the fetch failed; ``source`` says what served. A
        closed client raises :class:`ConfigurationError`, fallback or not (a bug, not an
        outage).
        """
        if cache_ttl is not None and (
            # Checked before the cache is consulted, so a hit cannot let NaN or True through.
            isinstance(cache_ttl, bool)
            or not isinstance(cache_ttl, (int, float))
            or not cache_ttl >= 0  # NaN too
        ):
            raise InvalidRequestError(f"cache_ttl must be a number >= 0, got {cache_ttl!r}")
        if label is None:
            # type(version) is int: 1.0 and True hash like 1 but are refused below, uncached.
            if version_id is None and (version is None or type(version) is int):
                try:
                    hit = self._get_fresh(name, version, cache_ttl)
                except TypeError:  # an unhashable name: refused just below
                    hit = None
                if hit is not None:
                    return hit
        elif version is None and version_id is None and type(label) is str:
            # Only a checked label name is ever stored, so a hit needs no check.
            try:
                hit = self._get_fresh(name, label, cache_ttl)
            except TypeError:
                hit = None
            if hit is not None:
                return hit
        name = _validation.prompt_name(name)
        if label is not None:
            _only_label(f"prompts.get({name!r})", version, version_id)
            label = _validation.label_name(label)
        if version is not None:
            _version(version, "version")
        if self._get_fresh is _closed_miss:
            raise closed_error(f"prompts.get({name!r})")
        slot: Slot = version if label is None else label
        try:
            if self._get_fresh is _denied_miss:  # before the shared cache is consulted
                raise self._client._scope_error(OPERATIONS[_NAME_READ])
            if version_id is not None:
                return await self._by_version_id(name, version_id)
            return await self._cache.get(  # type: ignore[no-any-return]
                name, slot, lambda: self._fetch(name, version, label=label), ttl=cache_ttl
            )
        except (InvalidRequestError, ConfigurationError):
            raise  # the caller's mistake (a bad argument, a closed client): no fallback
        except PostHogError as error:
            if fallback is None:
                raise
            served = await _use_fallback(name, version, fallback, error, label)
            self._cache.fallback_served(name, slot, error)  # a WARNING, once per cooldown
            return served

    async def _fetch(
        self,
        name: str,
        version: int | None,
        options: RequestOptions | None = None,
        *,
        label: str | None = None,
    ) -> Prompt:
        try:
            model = await super().fetch(name, version=version, label=label, **(options or {}))
        except NotFoundError as error:
            raise _prompt_not_found(error, name, version, label) from None
        return self._checked(_NAME_READ, model, name, version, label)

    async def _by_version_id(self, name: str, version_id: object) -> Prompt:
        uid = _validation.uuid_id(version_id, "version_id")
        resolved = await self.resolve(name, version_id=uid, limit=1)
        prompt = self._checked("llm_prompts_resolve_name_retrieve", resolved, name, None)
        self._cache.put(prompt, latest=False)
        return prompt

    async def fetch(  # type: ignore[override]
        self,
        name: str,
        version: int | None = None,
        *,
        label: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Prompt:
        """Like :meth:`get` but always from the API, bypassing (and then refreshing) the cache;
        a :class:`Prompt`, where the generated ``fetch`` returns the API's row."""
        name = _validation.prompt_name(name)
        if label is not None:
            _only_label(f"prompts.fetch({name!r})", version, None)
            label = _validation.label_name(label)
        if version is not None:
            _version(version, "version")
        prompt = await self._fetch(name, version, options, label=label)
        self._cache.put(prompt, latest=version is None and label is None, label=label)
        return prompt

    def _checked(
        self,
        operation_id: str,
        answer: _Answer,
        name: str,
        version: int | None,
        label: str | None = None,
        *,
        status: int = 200,
        path: Mapping[str, str] | None = None,
    ) -> Prompt:
        """``answer`` as a Prompt, refused if it is about another prompt than the one asked for:
        it would be served, and cached under the key asked for (``.body``: the answer)."""
        model = answer.prompt if isinstance(answer, LLMPromptResolveResponse) else answer
        answered = getattr(model, "label", UNSET)  # only an answer by label carries one
        # By label: the answer's label field, else its labels, must name the label asked for.
        # Without either it is a server ignoring ?label= (older than labels): its latest.
        if (
            model.name == name
            and (version is None or model.version == version)
            and (
                label is None
                or (_carries(model, label) if isinstance(answered, Unset) else answered == label)
            )
        ):
            return _prompt(model, label)
        if label is not None:
            asked = f"{name!r} label {label!r}"
        else:
            asked = f"{name!r}" + (" (the latest)" if version is None else f" version {version}")
        got = f"prompt {_shown(model.name)} version {_shown(model.version)}"
        if label is not None and not isinstance(answered, Unset):
            got += f" label {_shown(answered)}"
        elif label is not None and model.name == name:
            got += f" {_WITHOUT_LABEL}"
        raise self._unexpected(
            operation_id, path or {"prompt_name": name}, status, got, asked, answer.to_dict()
        )

    def _unexpected(
        self,
        operation_id: str,
        path: Mapping[str, str],
        status: int,
        got: str,
        asked: str,
        body: object,
    ) -> ResponseValidationError:
        """A success answer about something else than what was asked for."""
        operation = OPERATIONS[operation_id]
        url = operation.path.format(project_id=self._client.project_id, **path)
        return ResponseValidationError(
            f"posthog.{operation.call}: the {status} response is {got}, not the {asked} that "
            "was asked for, which does not match the API description. Next: check what "
            "answers for the host (a proxy?), or report it (the answer is on the "
            "exception's .body).",
            method=operation.method,
            url=self._client.host + url,
            status_code=status,
            body=body,
            operation=operation_id,
        )

    def versions(
        self,
        name: str,
        *,
        page_size: int = 50,
        before_version: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> CursorPaginator[LLMPromptVersionSummary]:
        """Every version of ``name``, newest first (or those before ``before_version``),
        paged by keyset (a version published meanwhile shifts nothing). ``await`` gives the
        first page, ``async for`` every version; arguments are checked before anything is sent.
        """
        name = _validation.prompt_name(name)
        limit = _validation.integer(page_size, "page_size", minimum=1)
        if limit > 100:
            raise InvalidRequestError(f"page_size must be at most 100, got {limit}")
        if before_version is not None:
            _version(before_version, "before_version")

        async def page(cursor: int | None) -> tuple[list[LLMPromptVersionSummary], bool]:
            resolved = await self.resolve(name, limit=limit, before_version=cursor, **options)
            return resolved.versions, resolved.has_more

        return CursorPaginator(
            page,
            before_version,
            what=f"posthog.prompts.versions({name!r})",
            cursor="before_version",
            key=operator.attrgetter("version"),
        )

    async def diff(self, name: str, a: int, b: int) -> PromptDiff:
        """A unified diff of versions ``a`` and ``b`` plus the variables added and removed."""
        name = _validation.prompt_name(name)  # every argument checked before either fetch
        _version(a, "version a")
        _version(b, "version b")
        old = await self.get(name, version=a)
        new = await self.get(name, version=b)
        # Bounded, but up to a fraction of a second for big prompts: off the event loop.
        return await asyncio.to_thread(diff_prompts, old, new)

    async def prefetch(
        self, names: Iterable[str] | None = None, *, label: str | None = None
    ) -> int:
        """Warm the cache with the latest of ``names`` (all when None), or with the version
        ``label`` points at, through the list endpoint: one request per 100 prompts instead
        of one per name (PostHog allows 480 a minute). Returns how many prompts were cached;
        with ``label``, prompts without it are left out."""
        if isinstance(names, (str, bytes)):
            raise InvalidRequestError(
                "prefetch(names) takes a list of prompt names, not one string: use prefetch([name])"
            )
        if label is not None:
            label = _validation.label_name(label)
        wanted = None if names is None else {_validation.prompt_name(n) for n in names}
        if wanted is not None and not wanted:
            return 0  # nothing asked for: nothing sent
        count = 0
        shared = self._cache.shared
        if shared is not None:
            # One process of the fleet lists them all; the others read what it stored.
            listed = await shared.bulk(label, lambda: self._list_all(label), self._cache.ttl)
            for prompt, age in listed:
                if wanted is None or prompt.name in wanted:
                    self._cache.put(prompt, latest=label is None, label=label, age=age)
                    count += 1
            return count
        async for row in self.list(page_size=100, label=label):
            if wanted is None or row.name in wanted:
                self._cache.put(self._listed(row, label), latest=label is None, label=label)
                count += 1
        return count

    async def _list_all(self, label: str | None) -> list[Prompt]:
        """Every prompt's latest (or ``label``'s version) through the list endpoint."""
        return [self._listed(row, label) async for row in self.list(page_size=100, label=label)]

    def _listed(self, row: LLMPrompt, label: str | None) -> Prompt:
        """A list row as a Prompt to cache, refused (the one check of both prefetch paths)
        if no get could ask for its name, or if it does not carry the ``label`` listed."""
        if not _is_prompt_name(row.name):  # no get could ask for it: never cached
            raise self._unexpected(
                "llm_prompts_list",
                {},
                200,
                f"a prompt named {_shown(row.name)}, which breaks PostHog's prompt name rule",
                f"prompts named by that rule ({_validation.PROMPT_NAME_RULE})",
                row.to_dict(),
            )
        if label is not None and not _carries(row, label):
            # A server older than labels ignores the filter: its latest is not the label's.
            raise self._unexpected(
                "llm_prompts_list",
                {},
                200,
                f"prompt {_shown(row.name)} version {row.version} {_WITHOUT_LABEL}",
                f"prompts labelled {label!r}",
                row.to_dict(),
            )
        return _prompt(row, label)

    # The generated create takes a body or keyword fields; this one (name, prompt).
    async def create(  # type: ignore[override]
        self,
        name: str,
        prompt: Any,
        *,
        config: Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
        version_description: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Prompt:
        """Create ``name`` at version 1, with ``config`` (model and agent parameters, a
        JSON object) and ``version_description`` (up to 400 characters) if given."""
        name = _validation.prompt_name(name)
        content = _validation.prompt_content(prompt)
        fields = _version_fields(config, version_description)
        model = await super().create(name=name, prompt=content, **fields, **options)
        created = self._checked("llm_prompts_create", model, name, 1, status=201, path={})
        self._cache.invalidate(created.name)
        self._cache.put(created)
        await self._tell(created.name, created, reset=True)
        return created

    # The generated publish takes a body or keyword fields; this one (name, prompt).
    async def publish(  # type: ignore[override]
        self,
        name: str,
        prompt: Any = None,
        *,
        base_version: int,
        edits: Sequence[Mapping[str, str]] | None = None,
        config: Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
        version_description: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Prompt:
        """Publish a new version; ``base_version`` must still be the latest, or it raises
        :class:`PromptVersionConflict` (with ``current_version``).

        Give the new content as ``prompt``, or as ``edits`` (``[{"old": ..., "new": ...}]``,
        applied in order by PostHog), or give ``config`` alone to change only the config.
        ``config`` carries forward from the latest unless given (``config=None`` clears it).
        """
        name = _validation.prompt_name(name)
        base = _version(base_version, "base_version")
        fields = _version_fields(config, version_description)
        call = f"prompts.publish({name!r})"
        if prompt is not None and edits is not None:
            raise InvalidRequestError(
                f"{call}: pass the new content as prompt or as edits=[...], not both "
                "(PostHog takes exactly one)"
            )
        if prompt is not None:
            fields["prompt"] = _validation.prompt_content(prompt)
        elif edits is not None:
            fields["edits"] = _validation.prompt_edits(edits)
        elif "config" not in fields:
            raise InvalidRequestError(
                f"{call}: nothing to publish. Next: pass the new content (prompt), "
                "edits=[{'old': ..., 'new': ...}], or config=... alone to change only the "
                "model parameters"
            )
        try:
            model = await super().publish(name, base_version=base, **fields, **options)
        except ConflictError as error:
            raise _conflict(error, name, base) from None
        except NotFoundError as error:
            raise _prompt_not_found(error, name, None) from None
        published = self._checked(_PUBLISH, model, name, None)
        if published.version <= base:  # it would be cached over that older version
            raise self._unexpected(
                _PUBLISH,
                {"prompt_name": name},
                200,
                f"prompt {name!r} version {published.version}",
                f"version after {base} of {name!r}",
                model.to_dict(),
            )
        self._cache.put(published)
        await self._tell(name, published)
        return published

    async def duplicate(  # type: ignore[override]
        self, name: str, new_name: str, **options: Unpack[RequestOptions]
    ) -> Prompt:
        """Copy the latest content (and config) of ``name`` to a new prompt ``new_name`` at
        version 1; a taken ``new_name`` is PostHog's 400 (:class:`BadRequestError`)."""
        name = _validation.prompt_name(name)
        new = _validation.prompt_name(new_name)
        if new == name:
            raise InvalidRequestError(
                f"prompts.duplicate({name!r}, {new_name!r}): a copy needs a new name (PostHog "
                "refuses a taken one). Next: pass another new_name, or publish a new version "
                f"of {name!r} with prompts.publish()"
            )
        try:
            model = await super().duplicate(name, new_name=new, **options)
        except NotFoundError as error:
            raise _prompt_not_found(error, name, None) from None
        path = {"prompt_name": name}
        copied = self._checked(  # a new prompt: version 1 of new_name
            "llm_prompts_name_duplicate_create", model, new, 1, status=201, path=path
        )
        self._cache.invalidate(new)
        self._cache.put(copied)
        await self._tell(new, copied, reset=True)
        return copied

    # -- labels --------------------------------------------------------------------

    async def set_label(  # type: ignore[override]
        self, name: str, label: str, version: int, **options: Unpack[RequestOptions]
    ) -> PromptLabel:
        """Point ``label`` (e.g. ``"production"``) of ``name`` at ``version``, creating or
        moving it (``.created`` says which). This client's cache serves the new target at
        once; processes sharing its ``prompt_store`` hear of the change and drop their copy
        of the label within milliseconds, others see it when their copy expires."""
        name = _validation.prompt_name(name)
        label = _validation.label_name(label)
        version = _version(version, "version")
        path = {"prompt_name": name, "label_name": label}
        try:
            # _request itself, not the generated set_label: created (201) or moved (200).
            status, answer = await self._client._request(
                OPERATIONS[_SET_LABEL],
                LLMPromptLabel,
                path=path,
                body_model=LLMPromptLabelRequest,
                fields={"version": version},
                with_status=True,
                **options,
            )
        except NotFoundError as error:
            raise _prompt_not_found(error, name, version, about_label=True) from None
        finally:
            self._cache.invalidate(name, label=label)  # whatever happened, fetch it afresh
            await self._tell(name, drop=(label,))  # in every process
        if not (
            isinstance(answer, LLMPromptLabel)
            and answer.name == label
            and answer.prompt_name == name
            and answer.version == version
        ):
            got = (
                "an empty body"
                if answer is None
                else (
                    f"label {_shown(answer.name)} of prompt {_shown(answer.prompt_name)} at "
                    f"version {_shown(answer.version)}"
                )
            )
            body = None if answer is None else answer.to_dict()
            asked = f"label {label!r} of prompt {name!r} at version {version}"
            raise self._unexpected(_SET_LABEL, path, status, got, asked, body)
        self._cache.put_label(name, label, version)
        return PromptLabel(name, label, version, created=status == 201)

    async def remove_label(self, name: str, label: str, **options: Unpack[RequestOptions]) -> None:
        """Remove ``label`` from ``name`` (the versions stay); this client's cache forgets
        it at once. A label the prompt does not have is :class:`PromptNotFoundError`."""
        name = _validation.prompt_name(name)
        label = _validation.label_name(label)
        try:
            await super().remove_label(name, label, **options)
        except NotFoundError as error:
            raise _prompt_not_found(error, name, None, label) from None
        finally:
            self._cache.invalidate(name, label=label)
            await self._tell(name, drop=(label,))
        self._cache.remove_label(name, label)

    async def labels(self, name: str, **options: Unpack[RequestOptions]) -> dict[str, int]:
        """Every label of ``name`` and the version it points at, e.g. ``{"production": 3,
        "staging": 4}`` (one request, uncached). An answer about another prompt, naming a
        label twice or a label PostHog could not have made is refused, naming the problem."""
        name = _validation.prompt_name(name)
        resolved = await self.resolve(name, limit=1, **options)

        def refused(got: str, asked: str) -> ResponseValidationError:
            return self._unexpected(
                "llm_prompts_resolve_name_retrieve",
                {"prompt_name": name},
                200,
                got,
                asked,
                resolved.to_dict(),
            )

        if resolved.prompt.name != name:
            raise refused(
                f"about prompt {_shown(resolved.prompt.name)}", f"labels of prompt {name!r}"
            )
        refs = resolved.labels
        if isinstance(refs, Unset):  # a server older than labels
            return {}
        found: dict[str, int] = {}
        for ref in refs:
            if type(ref.name) is not str or type(ref.version) is not int or ref.version < 1:
                raise refused(
                    f"a label {_shown(ref.to_dict())}", "labels as {name: str, version: int >= 1}"
                )
            if not _is_label_name(ref.name):
                raise refused(
                    f"a label named {_shown(ref.name)}, which breaks PostHog's label name rule",
                    f"label names by that rule ({_validation.LABEL_NAME_RULE})",
                )
            if ref.name in found:
                raise refused(
                    f"label {ref.name!r} twice (versions {found[ref.name]} and {ref.version})",
                    "each label once (a label points at one version)",
                )
            found[ref.name] = ref.version
        return found

    async def publish_if_changed(self, name: str, prompt: Any) -> Prompt:
        """Publish ``prompt`` unless it is exactly (JSON: ``True`` is not ``1``) the latest
        content; create the name if new. Returns the latest version afterwards."""
        name = _validation.prompt_name(name)
        _validation.prompt_content(prompt)
        try:
            latest = await self.fetch(name)
        except PromptNotFoundError:
            return await self.create(name, prompt)
        if same_content(latest.prompt, prompt):  # type-exact: true is not 1
            return latest
        return await self.publish(name, prompt, base_version=latest.version)

    async def publish_with(
        self, name: str, fn: Callable[[Any], Any], *, max_attempts: int = 3
    ) -> Prompt:
        """Read the latest, apply ``fn`` (sync or async) to its content, publish the result
        (or return the latest if unchanged). A conflict re-reads, up to ``max_attempts`` times
        in all, then raises the last :class:`PromptVersionConflict`."""
        name = _validation.prompt_name(name)
        attempts = _validation.integer(max_attempts, "max_attempts", minimum=1)
        while True:
            latest = await self.fetch(name)
            content = fn(latest.prompt)
            if inspect.isawaitable(content):
                content = await content
            if same_content(content, latest.prompt):
                return latest
            _validation.prompt_content(content)  # None is no content here, not "unchanged"
            try:
                return await self.publish(name, content, base_version=latest.version)
            except PromptVersionConflict:
                attempts -= 1
                if not attempts:
                    raise

    # The generated archive returns the 200 row; the server answers 204, so this returns None.
    async def archive(  # type: ignore[override]
        self, name: str, **options: Unpack[RequestOptions]
    ) -> None:
        """Soft-delete every version of ``name``; the name can then be created again."""
        name = _validation.prompt_name(name)
        try:
            await super().archive(name, **options)
        except NotFoundError as error:
            raise _prompt_not_found(error, name, None) from None
        finally:
            self._cache.invalidate(name)
            await self._tell(name, reset=True)

    def invalidate(
        self, name: str | None = None, version: int | None = None, *, label: str | None = None
    ) -> int:
        """Drop cached prompts: all, every version and label of exactly ``name``, one
        version, or one label. With a shared store, this process ignores the store's copies
        from before now; given a ``name``, the store drops it and every process its copies
        (in the background)."""
        if label is not None:
            if name is None:
                raise InvalidRequestError("invalidate(label=...) needs the prompt's name")
            if version is not None:
                raise InvalidRequestError("invalidate: pass version or label, not both")
            # A label PostHog refuses is never cached: dropping it would silently do nothing.
            label = _validation.label_name(label)
        dropped = self._cache.invalidate(name, version, label=label)
        shared = self._cache.shared
        if shared is not None:
            shared.forget(name)
        return dropped  # type: ignore[no-any-return]

    def stats(self) -> CacheStats:
        """Cache counters: hits, misses, coalesced waits, refreshes, refresh errors, stale
        copies and fallbacks served...; ``.to_dict()`` gives JSON for a health endpoint."""
        return self._cache.stats()  # type: ignore[no-any-return]

    async def resolve(
        self,
        name: str,
        *,
        version: int | None = None,
        version_id: UUID | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        before_version: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> LLMPromptResolveResponse:
        """One version plus a page of its history (newest first, 50 unless ``limit``
        says otherwise), uncached; a 404 is :class:`PromptNotFoundError`."""
        if offset is not None and before_version is not None:
            raise InvalidRequestError(
                "pass offset or before_version, not both (PostHog refuses the pair)"
            )
        name = _validation.prompt_name(name)
        try:
            return await super().resolve(
                name,
                version=version,
                version_id=version_id,
                limit=50 if limit is None else limit,
                offset=offset,
                before_version=before_version,
                **options,
            )
        except NotFoundError as error:
            raise _prompt_not_found(error, name, version) from None

    # Only deleted may change here (content is versioned), and the cache forgets the name.
    async def update(  # type: ignore[override]
        self, id: UUID | str, *, deleted: bool, **options: Unpack[RequestOptions]
    ) -> LLMPrompt:
        """Patch one version row by UUID: ``deleted=True`` soft-deletes that version."""
        row = await super().update(id, deleted=deleted, **options)
        self._cache.invalidate(row.name)
        await self._tell(row.name, reset=True)
        return row


@functools.lru_cache(maxsize=1024)
def _id_text(uid: UUID) -> str:
    """``str(uid)``, one of the larger costs of a fetch; a refreshed prompt keeps its id."""
    return str(uid)


_MAX = _validation.MAX_INT64


def _version(value: object, what: str) -> int:
    """A version number: an int from 1, held in PostHog's 64-bit integer column."""
    return _validation.integer(value, what, minimum=1, maximum=_MAX)


def _only_label(call: str, version: object, version_id: object) -> None:
    """A label names one version: asking for a version too is refused, as PostHog does."""
    if version is not None or version_id is not None:
        which = "version" if version is not None else "version_id"
        raise InvalidRequestError(
            f"{call}: pass {which} or label, not both (PostHog refuses the pair: a label "
            f"already names one version). Next: drop {which}=... to get what the label "
            "points at, or drop label=... to get that version."
        )


def _version_fields(config: object, description: str | None) -> dict[str, Any]:
    """The optional ``config`` and ``version_description`` body fields, checked; an omitted
    config (``NOT_GIVEN``) is left out, so PostHog carries the latest one forward."""
    fields: dict[str, Any] = {}
    if config is not NOT_GIVEN:
        fields["config"] = _validation.prompt_config(config)
    if description is not None:
        fields["version_description"] = _validation.version_description(description)
    return fields


# How a refusal names an answer that does not carry the label asked for.
_WITHOUT_LABEL = (
    "without that label (a server older than prompt labels ignores the label and answers "
    "the latest)"
)


def _carries(row: LLMPrompt | LLMPromptPublic, label: str) -> bool:
    """Whether an answer says ``label`` points at its version (``labels``, or a list row's
    ``all_labels``): the one check of an answer by label, for get, fetch and prefetch."""
    if label in label_names(row.labels):
        return True
    refs = getattr(row, "all_labels", UNSET)  # list rows only
    return not isinstance(refs, Unset) and any(
        ref.name == label and ref.version == row.version for ref in refs
    )


def _is_prompt_name(value: str) -> bool:
    """Whether ``value`` follows PostHog's prompt name rule (as the name arguments must)."""
    try:
        _validation.prompt_name(value)
    except InvalidRequestError:
        return False
    return True


def _is_label_name(value: str) -> bool:
    """Whether ``value`` follows PostHog's label name rule (as the label arguments must)."""
    try:
        _validation.label_name(value)
    except InvalidRequestError:
        return False
    return True


def _config(value: object) -> dict[str, Any] | None:
    if isinstance(value, PromptConfigType0):
        return value.additional_properties
    return value if isinstance(value, dict) else None


def _prompt(model: LLMPrompt | LLMPromptPublic, label: str | None = None) -> Prompt:
    """The SDK's prompt value from a generated model (checked by ``_request``), built directly;
    ``label`` is the label it was asked for, if any."""
    is_latest = model.is_latest
    first = model.first_version_created_at
    description = model.version_description
    return new_prompt(
        model.name,
        model.version,
        _id_text(model.id),
        model.prompt,
        model.created_at,
        model.updated_at,
        is_latest if type(is_latest) is bool else None,
        None if isinstance(model.latest_version, Unset) else model.latest_version,
        None if isinstance(model.version_count, Unset) else model.version_count,
        None if isinstance(first, Unset) else first,
        "api",
        time.time(),
        _config(model.config),
        description if type(description) is str else None,
        label_names(model.labels),
        label,
    )


def _prompt_not_found(
    error: NotFoundError,
    name: str,
    version: int | None,
    label: str | None = None,
    *,
    about_label: bool = False,
) -> NotFoundError:
    """A 404 of a prompt-by-name call: :class:`PromptNotFoundError` only when the server's
    detail is about the prompt (PostHog: "Prompt with name '...' not found.") or, on a label
    call, the label; any other 404 ("Project not found.", a host's "Endpoint not found.", an
    HTML page) is a wrong project or host, :class:`ProjectNotFoundError`, never a missing
    prompt."""
    if isinstance(error, ProjectNotFoundError):
        return error
    detail = (error.detail or "").lower()
    labelled = label is not None or about_label
    if not ("prompt" in detail or (labelled and "label" in detail)):
        before_hint = error.message.rsplit(". Next: ", 1)[0]
        message = f"{before_hint}. Next: {PROJECT_HINT}."
        return _rebuild(ProjectNotFoundError, {**error.__dict__, "message": message})
    if label is not None:
        message = (
            f"prompt {name!r} has no label {label!r} (or no live version). Next: check both "
            f"names (prompts.labels({name!r}) lists its labels), point the label at a "
            f"version with prompts.set_label({name!r}, {label!r}, version), or pass "
            "fallback=... to get()."
        )
    elif about_label:
        message = (
            f"prompt {name!r} version {version} was not found (no live version), so no "
            "label can point at it. Next: check the name and the version "
            f"(prompts.versions({name!r}) lists them)."
        )
    else:
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
        "base_version set to the latest, or use prompts.publish_with(name, fn) which retries."
    )
    state = {"message": message, "base_version": base_version, "current_version": current}
    return _rebuild(PromptVersionConflict, {**error.__dict__, **state, "name": name})


async def _use_fallback(
    name: str,
    version: int | None,
    fallback: Fallback,
    error: PostHogError,
    label: str | None = None,
) -> Prompt:
    value: Any = fallback
    if callable(fallback):
        value = fallback()
        if inspect.isawaitable(value):
            value = await value
    if isinstance(value, Prompt):
        served = value.with_source("fallback")
        return served if label is None else dataclasses.replace(served, label=label)
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"the fallback for prompt {name!r} returned {type(value).__name__}; it must "
            "return a str (or a Prompt)"
        ) from error
    return Prompt(
        name, version or 0, "", value, source="fallback", fetched_at=time.time(), label=label
    )
