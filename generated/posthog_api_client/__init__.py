"""A client library for accessing PostHog LLM analytics and environment API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
