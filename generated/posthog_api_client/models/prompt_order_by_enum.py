from enum import StrEnum
from typing import Any


class PromptOrderByEnum(StrEnum):
    CREATED_AT = "created_at"
    FIRST_VERSION_CREATED_AT = "first_version_created_at"
    LATEST_VERSION = "latest_version"
    NAME = "name"
    PROMPT_SIZE_BYTES = "prompt_size_bytes"
    UPDATED_AT = "updated_at"
    VALUE_1 = "-name"
    VALUE_11 = "-version_count"
    VALUE_13 = "-first_version_created_at"
    VALUE_15 = "-prompt_size_bytes"
    VALUE_3 = "-created_at"
    VALUE_5 = "-updated_at"
    VALUE_7 = "-version"
    VALUE_9 = "-latest_version"
    VERSION = "version"
    VERSION_COUNT = "version_count"

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def _missing_(cls, value: Any) -> "PromptOrderByEnum | None":
        # Forward compatibility: PostHog adds enum values over time. An unknown
        # string becomes a pseudo-member that keeps its value (and serialises back
        # unchanged) instead of failing the whole response.
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = (
            f"unknown:{value}"  # not an identifier: never a real member's name
        )
        member._value_ = value
        return member
