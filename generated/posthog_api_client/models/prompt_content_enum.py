from enum import StrEnum
from typing import Any


class PromptContentEnum(StrEnum):
    FULL = "full"
    NONE = "none"
    PREVIEW = "preview"

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def _missing_(cls, value: Any) -> "PromptContentEnum | None":
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
