"""How long-running operations report progress: phases with a known total, advanced in steps."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def phase(self, description: str, total: int) -> None:
        """A new phase starts; `total` is in the unit its `advance` calls use (rows, bytes)."""

    def advance(self, amount: int) -> None:
        """`amount` more units of the current phase are done."""


class Silent:
    """Progress nobody watches: scripts, tests, output that is not a terminal."""

    def phase(self, description: str, total: int) -> None:
        pass

    def advance(self, amount: int) -> None:
        pass
