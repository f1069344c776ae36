"""Resource namespaces: one class per resource area, attached to ``AsyncPostHog``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .dataset_items import DatasetItems
from .datasets import Datasets
from .error_tracking import ErrorTracking
from .evaluations import EvaluationRuns, Evaluations
from .events import Events
from .integrations import Integrations
from .llm_analytics import LLMAnalytics
from .logs import Logs
from .max_tools import MaxTools
from .persisted_folders import PersistedFolders
from .prompts import Prompts

if TYPE_CHECKING:
    from .._client import AsyncPostHog

__all__ = [
    "DatasetItems",
    "Datasets",
    "ErrorTracking",
    "EvaluationRuns",
    "Evaluations",
    "Events",
    "Integrations",
    "LLMAnalytics",
    "Logs",
    "MaxTools",
    "PersistedFolders",
    "Prompts",
    "attach",
]


def attach(client: AsyncPostHog) -> None:
    client.prompts = Prompts(client)
    client.datasets = Datasets(client)
    client.dataset_items = DatasetItems(client)
    client.evaluations = Evaluations(client)
    client.evaluation_runs = EvaluationRuns(client)
    client.llm_analytics = LLMAnalytics(client)
    client.logs = Logs(client)
    client.integrations = Integrations(client)
    client.persisted_folders = PersistedFolders(client)
    client.error_tracking = ErrorTracking(client)
    client.events = Events(client)
    client.max_tools = MaxTools(client)
