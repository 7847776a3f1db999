"""Telnyx bulk phone-number orders as a Pulumi resource."""

from pulumi_bulknumbers._version import __version__

__all__ = ["__version__"]
