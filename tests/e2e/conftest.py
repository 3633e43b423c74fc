"""End-to-end fixtures. The server and the browser (`live_server`, `browser`, `page`) are in
tests/browser.py, shared with tests/security. Screenshots go to `test-artifacts/<test name>/`, kept
after the run for people to look at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS, REPO, WEB_DIST

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "WEB_DIST"]

ARTIFACTS = REPO / "test-artifacts"


@dataclass
class Screenshots:
    folder: Path
    count: int = 0

    def take(self, page: object, name: str) -> Path:
        """Save a full-page screenshot named `<n>-<name>.png`."""
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        return path


@pytest.fixture
def screenshots(request: pytest.FixtureRequest) -> Screenshots:
    folder = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return Screenshots(folder)
