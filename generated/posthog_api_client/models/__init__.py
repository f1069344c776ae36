"""Contains all the data models used in inputs/outputs"""

from .clickhouse_event import ClickhouseEvent
from .dataset import Dataset
from .dataset_item import DatasetItem
from .dataset_item_request import DatasetItemRequest
from .dataset_request import DatasetRequest
from .error_response import ErrorResponse
from .error_tracking_symbol_set_request import ErrorTrackingSymbolSetRequest
from .evaluation import Evaluation
from .evaluation_model_configuration_type_0 import EvaluationModelConfigurationType0
from .evaluation_pattern import EvaluationPattern
from .evaluation_request import EvaluationRequest
from .evaluation_request_model_configuration_type_0 import (
    EvaluationRequestModelConfigurationType0,
)
from .evaluation_run_request import EvaluationRunRequest
from .evaluation_summary_filter_enum import EvaluationSummaryFilterEnum
from .evaluation_summary_request import EvaluationSummaryRequest
from .evaluation_summary_response import EvaluationSummaryResponse
from .evaluation_summary_statistics import EvaluationSummaryStatistics
from .evaluation_type_enum import EvaluationTypeEnum
from .events_format_enum import EventsFormatEnum
from .github_repos_response import GithubReposResponse
from .json_object import JSONObject
from .llm_prompt import LLMPrompt
from .llm_prompt_archive_request import LLMPromptArchiveRequest
from .llm_prompt_duplicate_request import LLMPromptDuplicateRequest
from .llm_prompt_edit import LLMPromptEdit
from .llm_prompt_label import LLMPromptLabel
from .llm_prompt_label_ref import LLMPromptLabelRef
from .llm_prompt_label_request import LLMPromptLabelRequest
from .llm_prompt_public import LLMPromptPublic
from .llm_prompt_publish import LLMPromptPublish
from .llm_prompt_request import LLMPromptRequest
from .llm_prompt_resolve_response import LLMPromptResolveResponse
from .llm_prompt_version_summary import LLMPromptVersionSummary
from .llm_provider_key import LLMProviderKey
from .log_attribute_type_enum import LogAttributeTypeEnum
from .logs_query_request import LogsQueryRequest
from .logs_query_request_query import LogsQueryRequestQuery
from .max_tools_insight_request import MaxToolsInsightRequest
from .order_by_enum import OrderByEnum
from .output_type_enum import OutputTypeEnum
from .paginated_clickhouse_event_list import PaginatedClickhouseEventList
from .paginated_dataset_item_list import PaginatedDatasetItemList
from .paginated_dataset_list import PaginatedDatasetList
from .paginated_evaluation_list import PaginatedEvaluationList
from .paginated_llm_prompt_list import PaginatedLLMPromptList
from .paginated_llm_provider_key_list import PaginatedLLMProviderKeyList
from .paginated_persisted_folder_list import PaginatedPersistedFolderList
from .patched_dataset import PatchedDataset
from .patched_dataset_item import PatchedDatasetItem
from .patched_evaluation import PatchedEvaluation
from .patched_evaluation_model_configuration_type_0 import (
    PatchedEvaluationModelConfigurationType0,
)
from .patched_llm_prompt import PatchedLLMPrompt
from .persisted_folder import PersistedFolder
from .persisted_folder_request import PersistedFolderRequest
from .persisted_folder_type_enum import PersistedFolderTypeEnum
from .prompt_config_type_0 import PromptConfigType0
from .prompt_content_enum import PromptContentEnum
from .prompt_order_by_enum import PromptOrderByEnum
from .prompt_version_conflict import PromptVersionConflict
from .property_filter import PropertyFilter
from .provider_enum import ProviderEnum
from .provider_key_state_enum import ProviderKeyStateEnum
from .provider_key_validation_request import ProviderKeyValidationRequest
from .role_at_organization_enum import RoleAtOrganizationEnum
from .set_active_key_request import SetActiveKeyRequest
from .summarize_mode_enum import SummarizeModeEnum
from .summarize_request import SummarizeRequest
from .summarize_response import SummarizeResponse
from .summarize_response_metadata import SummarizeResponseMetadata
from .summarize_type_enum import SummarizeTypeEnum
from .text_repr_event_type_enum import TextReprEventTypeEnum
from .text_repr_metadata import TextReprMetadata
from .text_repr_options import TextReprOptions
from .text_repr_request import TextReprRequest
from .text_repr_request_data import TextReprRequestData
from .text_repr_response import TextReprResponse
from .user_basic import UserBasic
from .user_basic_hedgehog_config_type_0 import UserBasicHedgehogConfigType0

__all__ = (
    "ClickhouseEvent",
    "Dataset",
    "DatasetItem",
    "DatasetItemRequest",
    "DatasetRequest",
    "ErrorResponse",
    "ErrorTrackingSymbolSetRequest",
    "Evaluation",
    "EvaluationModelConfigurationType0",
    "EvaluationPattern",
    "EvaluationRequest",
    "EvaluationRequestModelConfigurationType0",
    "EvaluationRunRequest",
    "EvaluationSummaryFilterEnum",
    "EvaluationSummaryRequest",
    "EvaluationSummaryResponse",
    "EvaluationSummaryStatistics",
    "EvaluationTypeEnum",
    "EventsFormatEnum",
    "GithubReposResponse",
    "JSONObject",
    "LLMPrompt",
    "LLMPromptArchiveRequest",
    "LLMPromptDuplicateRequest",
    "LLMPromptEdit",
    "LLMPromptLabel",
    "LLMPromptLabelRef",
    "LLMPromptLabelRequest",
    "LLMPromptPublic",
    "LLMPromptPublish",
    "LLMPromptRequest",
    "LLMPromptResolveResponse",
    "LLMPromptVersionSummary",
    "LLMProviderKey",
    "LogAttributeTypeEnum",
    "LogsQueryRequest",
    "LogsQueryRequestQuery",
    "MaxToolsInsightRequest",
    "OrderByEnum",
    "OutputTypeEnum",
    "PaginatedClickhouseEventList",
    "PaginatedDatasetItemList",
    "PaginatedDatasetList",
    "PaginatedEvaluationList",
    "PaginatedLLMPromptList",
    "PaginatedLLMProviderKeyList",
    "PaginatedPersistedFolderList",
    "PatchedDataset",
    "PatchedDatasetItem",
    "PatchedEvaluation",
    "PatchedEvaluationModelConfigurationType0",
    "PatchedLLMPrompt",
    "PersistedFolder",
    "PersistedFolderRequest",
    "PersistedFolderTypeEnum",
    "PromptConfigType0",
    "PromptContentEnum",
    "PromptOrderByEnum",
    "PromptVersionConflict",
    "PropertyFilter",
    "ProviderEnum",
    "ProviderKeyStateEnum",
    "ProviderKeyValidationRequest",
    "RoleAtOrganizationEnum",
    "SetActiveKeyRequest",
    "SummarizeModeEnum",
    "SummarizeRequest",
    "SummarizeResponse",
    "SummarizeResponseMetadata",
    "SummarizeTypeEnum",
    "TextReprEventTypeEnum",
    "TextReprMetadata",
    "TextReprOptions",
    "TextReprRequest",
    "TextReprRequestData",
    "TextReprResponse",
    "UserBasic",
    "UserBasicHedgehogConfigType0",
)
