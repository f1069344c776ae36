"""``posthog.integrations``: data reachable through a project's integrations."""

from __future__ import annotations

from posthog_api_client.models import JSONObject

from .. import _validation
from ._base import Resource, unset_if_none


class Integrations(Resource):
    __slots__ = ()

    async def authorize(self, kind: str | None = None, *, next: str | None = None) -> JSONObject:
        """Start authorising an integration of ``kind`` (such as ``slack``)."""
        return await self._client._call(
            "integrations_authorize_retrieve",
            JSONObject,
            kind=unset_if_none(kind),
            next_=unset_if_none(next),
        )

    async def github_repos(self, id: int) -> JSONObject:
        return await self._get("integrations_github_repos_retrieve", id)

    async def google_accessible_accounts(self, id: int) -> JSONObject:
        return await self._get("integrations_google_accessible_accounts_retrieve", id)

    async def google_conversion_actions(self, id: int) -> JSONObject:
        return await self._get("integrations_google_conversion_actions_retrieve", id)

    async def jira_projects(self, id: int) -> JSONObject:
        return await self._get("integrations_jira_projects_retrieve", id)

    async def linear_teams(self, id: int) -> JSONObject:
        return await self._get("integrations_linear_teams_retrieve", id)

    async def linkedin_ads_accounts(self, id: int) -> JSONObject:
        return await self._get("integrations_linkedin_ads_accounts_retrieve", id)

    async def linkedin_ads_conversion_rules(self, id: int) -> JSONObject:
        return await self._get("integrations_linkedin_ads_conversion_rules_retrieve", id)

    async def twilio_phone_numbers(self, id: int) -> JSONObject:
        return await self._get("integrations_twilio_phone_numbers_retrieve", id)

    async def _get(self, operation_id: str, id: int) -> JSONObject:
        integration_id = _validation.integer(id, "integration id", minimum=1)
        return await self._client._call(operation_id, JSONObject, id=integration_id)
