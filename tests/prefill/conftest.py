"""Prefill's tests use the navigator's fixtures: the shipped catalog, tiny households, the services."""

from guidance.conftest import homes, navigator, serving

__all__ = ["homes", "navigator", "serving"]
