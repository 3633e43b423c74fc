"""Browser fixtures: a real `lowcraft serve` with the built web client, and headless Chromium.

Registered once, by the root conftest, so that every test folder (tests/e2e, tests/security)
shares one Chromium per run: Playwright's sync API runs one instance per thread.
The browser is Debian's /usr/bin/chromium driven by Python playwright (never a downloaded one).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from lowcraft.devserver import ServerProcess, free_port, running_server
from tests.servers import IN_CI

CHROMIUM = Path(os.environ.get("LOWCRAFT_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
REPO = Path(__file__).resolve().parents[1]
WEB_DIST = Path(os.environ.get("LOWCRAFT_WEB_DIST", REPO / "web" / "dist"))


def _require(condition: bool, message: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(message + " (CI=true: end-to-end tests must run)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    _require(CHROMIUM.exists(), f"{CHROMIUM} is not installed (apt-get install chromium)")
    _require((WEB_DIST / "index.html").exists(), f"the web client is not built in {WEB_DIST} (make web)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


def server_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a fresh Lowcraft keeping its data (SQLite) under `tmp_path`."""
    return {
        "LOWCRAFT_DATA_DIR": str(tmp_path / "data"),
        "LOWCRAFT_WEB_DIST": str(WEB_DIST),
        "LOWCRAFT_ARGON2_MEMORY_KIB": "1024",
        "LOWCRAFT_ARGON2_TIME_COST": "1",
        "LOWCRAFT_SQLITE_ROOTS": str(tmp_path),
        "LOWCRAFT_ALLOW_PRIVATE_NETWORKS": "true",  # the datasources are this machine's servers
    }


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A fresh Lowcraft (SQLite in a temp data dir) serving the built web client, its public URL its own
    address (so the editor's live channel passes the Origin check and editors co-edit, as deployed)."""
    port = free_port()
    env = {**server_env(tmp_path), "LOWCRAFT_BASE_URL": f"http://127.0.0.1:{port}"}
    with running_server(env, port=port) as server:
        server.env = env  # type: ignore[attr-defined]
        yield server


@pytest.fixture
def page(browser: object, live_server: ServerProcess) -> Iterator[object]:
    """A new browser tab (1280x800) whose relative URLs go to the live server."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    tab = context.new_page()
    yield tab
    context.close()
