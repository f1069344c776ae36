"""Async Python SDK for PostHog's LLM-analytics and environment REST API."""

from ._version import __version__

__all__ = ["__version__"]
