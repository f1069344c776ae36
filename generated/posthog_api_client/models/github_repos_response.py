from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="GithubReposResponse")


@_attrs_define
class GithubReposResponse:
    """Repositories reachable through a GitHub integration.

    Attributes:
        repositories (list[Any] | Unset): One entry per repository (PostHog does not fix the entry's shape).
    """

    repositories: list[Any] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        repositories: list[Any] | Unset = UNSET
        if not isinstance(self.repositories, Unset):
            repositories = self.repositories

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if repositories is not UNSET:
            field_dict["repositories"] = repositories

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        repositories = cast(list[Any], d.pop("repositories", UNSET))

        github_repos_response = cls(
            repositories=repositories,
        )

        github_repos_response.additional_properties = d
        return github_repos_response

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
