"""The in-memory store behind the local server, and the log of requests it served.

One :class:`ServerState` is one PostHog project as seen through personal API keys.
Tests build it, hand it to :func:`create_app`, and read it back afterwards (rows,
``requests``) — so it holds plain data and no web-framework objects.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._fields import format_time
from .faults import Faults

Row = dict[str, Any]

BY_ID_PROMPT_OPERATIONS = frozenset(
    {"llm_prompts_retrieve", "llm_prompts_partial_update", "llm_prompts_destroy"}
)
"""The by-id prompt routes PostHog's newest server no longer serves: pass them as
``ServerState(unrouted=BY_ID_PROMPT_OPERATIONS)`` to answer 404 there, as it does."""


@dataclass
class RequestRecord:
    """One request the server received. Headers (and so the key) are never kept."""

    method: str
    path: str
    query: str = ""
    status: int | None = None  # None while in flight, and for dropped connections
    dropped: bool = False
    operation_id: str | None = None  # set once the path and method matched an operation


class ServerState:
    """A project's data, the API keys that may reach it, its faults and request log.

    How the server routes can be set to emulate other PostHog versions (each is also an
    attribute that may be changed later): ``environments_only`` names operations (ids
    such as ``"llm_prompts_list"`` or tags such as ``"llm_prompts"``) served only under
    the deprecated ``/api/environments/`` prefix, as by an old self-hosted PostHog (the
    canonical ``/api/projects/`` path answers 404 "Endpoint not found."); ``unrouted``
    names operations served under neither prefix (``BY_ID_PROMPT_OPERATIONS`` for
    PostHog's newest server). ``prompt_as_text=True`` answers prompts stored as JSON
    with their JSON text, as PostHog's current server does (by default they are
    answered as the JSON value they were stored as).
    """

    def __init__(
        self,
        project_id: str | int = "1",
        keys: Mapping[str, Iterable[str]] | None = None,
        *,
        seed: int = 0,
        environments_only: Iterable[str] = (),
        unrouted: Iterable[str] = (),
        prompt_as_text: bool = False,
    ) -> None:
        self.project_id = str(project_id)
        self.environments_only = operation_names("environments_only", environments_only)
        self.unrouted = operation_names("unrouted", unrouted)
        self.prompt_as_text = bool(prompt_as_text)
        self.keys: dict[str, tuple[str, ...]] = {
            key: tuple(scopes) for key, scopes in (keys or {}).items()
        }
        self.faults = Faults(seed)
        self.requests: list[RequestRecord] = []
        # Handlers run under this lock with no await inside, so every check-then-write
        # (such as publishing a prompt version) is atomic, even when tests read the
        # state from another thread while a server thread serves requests.
        self.lock = threading.RLock()
        self._ids = random.Random(seed)
        self._last_time: dt.datetime | None = None
        self._seq = 0
        self.user: Row = {
            "id": 1,
            "uuid": self.new_id(),
            "distinct_id": "local-user",
            "first_name": "Local",
            "last_name": "User",
            "email": "local.user@example.com",
            "is_email_verified": True,
            "hedgehog_config": None,
            "role_at_organization": "engineering",
        }
        self.prompts: list[Row] = []  # every version row of every name, live or not
        # (prompt name, label name) -> the label row; a label points at a version number.
        self.prompt_labels: dict[tuple[str, str], Row] = {}
        self.datasets: dict[str, Row] = {}
        self.dataset_items: dict[str, Row] = {}
        self.evaluations: dict[str, Row] = {}
        self.folders: dict[str, Row] = {}
        self.provider_keys: dict[str, Row] = {}
        self.active_provider_key: str | None = None
        self.trial_evals_used = 0
        self.evaluation_runs: list[Row] = []
        self.integrations: dict[int, Row] = {}
        self.symbol_sets: dict[str, Row] = {}
        self.events: list[Row] = []
        self.logs: list[Row] = []

    # -------------------------------------------------------------- helpers
    @property
    def team_id(self) -> int:
        """The numeric id rows carry as ``team``: the project id, or 1 for ``@current``."""
        return int(self.project_id) if self.project_id.isdigit() else 1

    def new_id(self) -> str:
        """A UUID4 from the seeded RNG, so runs with the same seed repeat exactly."""
        return str(uuid.UUID(int=self._ids.getrandbits(128), version=4))

    def now(self) -> str:
        """The current time, strictly later than the previous call (stable ordering)."""
        moment = dt.datetime.now(dt.UTC)
        if self._last_time is not None and moment <= self._last_time:
            moment = self._last_time + dt.timedelta(microseconds=1)
        self._last_time = moment
        return format_time(moment)

    def next_seq(self) -> int:
        """The next insertion number (a row's ``_seq``), so lists keep insertion order."""
        self._seq += 1
        return self._seq

    def scopes_of(self, key: str) -> tuple[str, ...] | None:
        """The scopes of an API key, or None for a key the server does not know (a 401)."""
        return self.keys.get(key)

    def add_key(self, key: str, scopes: Iterable[str]) -> None:
        """Accept ``key`` from now on, with ``scopes`` (``["*"]`` for every one)."""
        self.keys[key] = tuple(scopes)

    def add_provider_key(self, provider: str, name: str, api_key: str, *, state: str = "ok") -> Row:
        """Store an LLM provider key (the API has no create endpoint for them)."""
        with self.lock:
            row: Row = {
                "id": self.new_id(),
                "provider": provider,
                "name": name,
                "state": state,
                "error_message": None,
                "api_key_masked": mask_secret(api_key),
                "created_at": self.now(),
                "created_by": self.user,
                "last_used_at": None,
            }
            self.provider_keys[row["id"]] = row
            return row

    def add_integration(self, kind: str, display_name: str | None = None) -> Row:
        """Connect a third-party integration; returns its row (with a numeric id)."""
        with self.lock:
            ident = max(self.integrations, default=0) + 1
            row: Row = {"id": ident, "kind": kind, "display_name": display_name or kind}
            self.integrations[ident] = row
            return row

    # ------------------------------------------------------------- seeding
    # Plain calls (no event loop) for a test to arrange its data; see seed.py.
    def seed_prompt(self, name: str, prompt: Any, **options: Any) -> Row:
        """Store a prompt (``prompt`` as its latest version); returns it.

        ``options`` are :func:`posthog_api.testing.seed.seed_prompt`'s keywords:
        ``versions`` (older contents, oldest first), ``labels`` (names set on the latest,
        or ``{label: version}``), ``config`` and ``version_description`` (of the latest).
        """
        from .seed import seed_prompt

        return seed_prompt(self, name, prompt, **options)

    def seed_label(self, prompt_name: str, label: str, version: int | None = None) -> Row:
        """Point ``label`` at ``version`` (the latest when None) of a stored prompt."""
        from .seed import seed_label

        return seed_label(self, prompt_name, label, version)

    def seed_dataset(
        self,
        name: str,
        items: Sequence[Mapping[str, Any]] = (),
        *,
        description: str | None = None,
        metadata: Any = None,
    ) -> Row:
        """Store a dataset and its items (dicts of ``input``, ``output``, ...); returns it."""
        from .seed import seed_dataset

        return seed_dataset(self, name, items, description=description, metadata=metadata)

    def seed_dataset_item(self, dataset_id: str, **item: Any) -> Row:
        """Add one item (``input=``, ``output=``, ``metadata=``, ...) to a dataset."""
        from .seed import seed_dataset_item

        return seed_dataset_item(self, dataset_id, **item)

    def seed_evaluation(self, name: str, **fields: Any) -> Row:
        """Store an evaluation (an enabled ``llm_judge`` unless told otherwise); returns it.

        ``fields`` are :func:`posthog_api.testing.seed.seed_evaluation`'s keywords
        (``evaluation_type``, ``evaluation_config``, ``enabled``, ...).
        """
        from .seed import seed_evaluation

        return seed_evaluation(self, name, **fields)

    # -------------------------------------------------------- request log
    def record(self, method: str, path: str, query: str = "") -> RequestRecord:
        """Log an arriving request (the app calls this); its status is filled in later."""
        entry = RequestRecord(method=method, path=path, query=query)
        with self.lock:
            self.requests.append(entry)
        return entry

    def request_count(self, method: str | None = None, path: str | None = None) -> int:
        """How many requests arrived, optionally only of one method and/or path."""
        with self.lock:
            return sum(
                1
                for r in self.requests
                if (method is None or r.method == method.upper())
                and (path is None or r.path == path)
            )

    def clear_requests(self) -> None:
        """Forget the requests served so far, e.g. after seeding through the API."""
        with self.lock:
            self.requests.clear()

    def __repr__(self) -> str:
        # The keys are secrets: show how many there are, never what they are.
        return (
            f"ServerState(project_id={self.project_id!r}, keys=<{len(self.keys)} hidden>, "
            f"prompts={len(self.prompts)}, datasets={len(self.datasets)}, "
            f"requests={len(self.requests)})"
        )


def operation_names(option: str, names: Iterable[str]) -> frozenset[str]:
    """Operation ids and tags of the spec, checked so that a typo is not silently ignored."""
    from posthog_api_client.operations import OPERATIONS

    from posthog_api._errors import ConfigurationError

    if isinstance(names, str):
        names = [names]
    chosen = frozenset(names)
    known = set(OPERATIONS) | {operation.tag for operation in OPERATIONS.values()}
    unknown = sorted(str(name) for name in chosen - known)
    if unknown:
        raise ConfigurationError(
            f"{option}: {', '.join(unknown)} is neither an operation id nor a tag of the "
            f"spec; use ids such as 'llm_prompts_list' or tags such as 'llm_prompts'"
        )
    return chosen


def mask_secret(secret: str) -> str:
    """Show only the last four characters of a secret."""
    tail = secret[-4:] if len(secret) > 8 else ""
    return f"{secret[:3]}...{tail}" if tail else "****"


def public(row: Row) -> Row:
    """A stored row without its private bookkeeping (keys starting with ``_``)."""
    return {k: v for k, v in row.items() if not k.startswith("_")}
