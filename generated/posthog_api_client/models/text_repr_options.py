from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TextReprOptions")


@_attrs_define
class TextReprOptions:
    """Rendering options; every one has a default.

    Attributes:
        max_length (int | Unset): The most characters to produce (default 4,000,000).
        truncated (bool | Unset): Cut the middle of long contents (default true).
        truncate_buffer (int | Unset): Characters kept at each end when cutting (default 1000).
        include_markers (bool | Unset): Mark cuts with machine-readable markers for a UI rather than plain text (default
            true).
        collapsed (bool | Unset): Render a summary of the trace tree rather than all of it (default false).
        include_hierarchy (bool | Unset): Render a trace's tree structure (default true).
        max_depth (int | None | Unset): How deep to render a trace (default unlimited).
        tools_collapse_threshold (int | Unset): Collapse a tool list longer than this (default 5).
        include_line_numbers (bool | Unset): Prefix each line with `L001:`-style numbers (default false).
    """

    max_length: int | Unset = UNSET
    truncated: bool | Unset = UNSET
    truncate_buffer: int | Unset = UNSET
    include_markers: bool | Unset = UNSET
    collapsed: bool | Unset = UNSET
    include_hierarchy: bool | Unset = UNSET
    max_depth: int | None | Unset = UNSET
    tools_collapse_threshold: int | Unset = UNSET
    include_line_numbers: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        max_length = self.max_length

        truncated = self.truncated

        truncate_buffer = self.truncate_buffer

        include_markers = self.include_markers

        collapsed = self.collapsed

        include_hierarchy = self.include_hierarchy

        max_depth: int | None | Unset
        if isinstance(self.max_depth, Unset):
            max_depth = UNSET
        else:
            max_depth = self.max_depth

        tools_collapse_threshold = self.tools_collapse_threshold

        include_line_numbers = self.include_line_numbers

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if max_length is not UNSET:
            field_dict["max_length"] = max_length
        if truncated is not UNSET:
            field_dict["truncated"] = truncated
        if truncate_buffer is not UNSET:
            field_dict["truncate_buffer"] = truncate_buffer
        if include_markers is not UNSET:
            field_dict["include_markers"] = include_markers
        if collapsed is not UNSET:
            field_dict["collapsed"] = collapsed
        if include_hierarchy is not UNSET:
            field_dict["include_hierarchy"] = include_hierarchy
        if max_depth is not UNSET:
            field_dict["max_depth"] = max_depth
        if tools_collapse_threshold is not UNSET:
            field_dict["tools_collapse_threshold"] = tools_collapse_threshold
        if include_line_numbers is not UNSET:
            field_dict["include_line_numbers"] = include_line_numbers

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        max_length = d.pop("max_length", UNSET)

        truncated = d.pop("truncated", UNSET)

        truncate_buffer = d.pop("truncate_buffer", UNSET)

        include_markers = d.pop("include_markers", UNSET)

        collapsed = d.pop("collapsed", UNSET)

        include_hierarchy = d.pop("include_hierarchy", UNSET)

        max_depth = d.pop("max_depth", UNSET)

        tools_collapse_threshold = d.pop("tools_collapse_threshold", UNSET)

        include_line_numbers = d.pop("include_line_numbers", UNSET)

        text_repr_options = cls(
            max_length=max_length,
            truncated=truncated,
            truncate_buffer=truncate_buffer,
            include_markers=include_markers,
            collapsed=collapsed,
            include_hierarchy=include_hierarchy,
            max_depth=max_depth,
            tools_collapse_threshold=tools_collapse_threshold,
            include_line_numbers=include_line_numbers,
        )

        text_repr_options.additional_properties = d
        return text_repr_options

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
