"""Scope arithmetic over the generated operation table.

A personal API key carries scopes such as ``dataset:read`` or ``*``; ``X:write`` also
grants ``X:read``. Told its key's scopes, the client works out once, at construction,
which operations the key cannot call, so the check on every call is one dictionary lookup.
A scope PostHog does not have (``llm_prompts:read``) is refused then too: it would grant
nothing, and every call needing the real one would fail with a ScopeError later.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

from ._errors import ConfigurationError

_SCOPE = re.compile(r"^[a-z_]+:(read|write)$")
# The scope objects a personal API key can hold, as PostHog's server lists them (its
# APIScopeObject, late 2026, less the objects only PostHog itself mints). The objects the
# generated operation table uses are added to them by known_objects().
_POSTHOG_OBJECTS = """
    access_control account action activity_log ai_observability_clusters alert annotation
    approvals batch_export batch_import batch_import_support billing business_knowledge
    canvas cohort comment conversation customer_analytics customer_journey
    customer_profile_config customer_task dashboard dashboard_template data_catalog
    data_catalog_approval dataset early_access_feature element endpoint
    engineering_analytics error_tracking evaluation event_definition event_filter
    experiment experiment_holdout experiment_saved_metric export external_data_schema
    external_data_source feature_flag field_note file_system file_system_shortcut group
    health_issue heatmap hog_flow hog_function ingestion_warning insight insight_variable
    integration legal_document link live_debugger llm_analytics llm_gateway llm_playground
    llm_prompt llm_provider_key llm_skill logs loop marketing_analytics mcp_analytics
    metrics notebook organization organization_integration organization_member person
    plugin product_enablement product_tour project property_definition query
    query_performance replay_scanner revenue_analytics review_hog session_recording
    session_recording_playlist sharing_configuration signal_scout stamphog streamlit_app
    subscription survey tagger task ticket toolbar tracing uploaded_media usage_metric user
    user_interview vision_action vision_alert visual_review warehouse_objects
    warehouse_table warehouse_view web_analytics webhook wizard_session
"""
POSTHOG_SCOPE_OBJECTS = frozenset(_POSTHOG_OBJECTS.split())


def table_objects() -> frozenset[str]:
    """The scope objects the SDK's own operations need (``dataset``, ``llm_prompt``...)."""
    from posthog_api_client.operations import OPERATIONS

    return frozenset(s.partition(":")[0] for o in OPERATIONS.values() for s in o.scopes)


def known_objects() -> frozenset[str]:
    return POSTHOG_SCOPE_OBJECTS | table_objects()


def normalize(scopes: Iterable[str]) -> frozenset[str]:
    """Validate the scopes a user says their key has."""
    if isinstance(scopes, str):
        raise ConfigurationError(
            "scopes must be a list of strings such as ['llm_prompt:read'], not one string"
        )
    result = set()
    known: frozenset[str] | None = None
    for scope in scopes:
        if not isinstance(scope, str) or not (scope == "*" or _SCOPE.fullmatch(scope)):
            raise ConfigurationError(
                f"scope {scope!r} is not valid: use '<object>:read', '<object>:write' or '*'"
            )
        if scope != "*":
            known = known or known_objects()
            if scope.partition(":")[0] not in known:
                raise _unknown(scope, known)
        result.add(scope)
    return frozenset(result)


def _unknown(scope: str, known: frozenset[str]) -> ConfigurationError:
    """The error for ``llm_prompts:read``: the likely fix first, then every valid object."""
    name, _, action = scope.partition(":")
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    hint = f" Did you mean '{close[0]}:{action}'?" if close else ""
    ours = sorted(table_objects())
    others = sorted(known.difference(ours))
    return ConfigurationError(
        f"scope {scope!r} is not a PostHog scope: PostHog has no {name!r} object.{hint} "
        "Next: list the scopes shown on the key's page in PostHog (Settings > Personal API "
        "keys) in scopes=[...]. A scope is '<object>:read' or '<object>:write' (write "
        f"grants read too), or '*'. The objects this SDK's calls need: {', '.join(ours)}. "
        f"PostHog's other objects: {', '.join(others)}."
    )


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
