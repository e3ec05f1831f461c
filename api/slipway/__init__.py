"""Slipway: a self-hosted, tsuru-compatible Platform-as-a-Service control plane."""

__version__ = "0.1.0"
