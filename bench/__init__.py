"""Benchmarks of posthog-api-async: ``python -m bench`` (``make bench``); see README.md."""
