"""Lowcraft: a self-hosted platform for building internal tools."""

__version__ = "0.1.0"

