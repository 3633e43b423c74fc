"""Errors raised while loading and using widget manifests."""

from __future__ import annotations


class WidgetError(Exception):
    """Base class of every error about widget types and their manifests."""


class ManifestError(WidgetError):
    """A manifest file is unreadable, malformed or inconsistent with the others.

    The message always names the file, so a broken manifest is found at start-up rather than when
    an editor first opens the widget.
    """

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"invalid widget manifest {source}: {problem}")
        self.source = source
        self.problem = problem
