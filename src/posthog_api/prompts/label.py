"""``PromptLabel``: what ``posthog.prompts.set_label`` did."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PromptLabel"]


@dataclass(frozen=True, slots=True)
class PromptLabel:
    """A label of a prompt and the version it now points at.

    ``prompt_name`` is the prompt's name and ``label`` the label's, as PostHog's label
    object has them (there ``name`` is the label). ``created`` is True when the prompt did
    not have the label before (PostHog answered 201), False when an existing label was
    moved (200): a promotion script can say which.
    """

    prompt_name: str
    label: str
    version: int
    created: bool

    @property
    def moved(self) -> bool:
        """Whether an existing label was moved (rather than created)."""
        return not self.created
