"""Fixtures of the trigger tests: an instance whose webhooks accept small bodies."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from lowcraft.app import create_app
from lowcraft.config import Settings
from tests.conftest import Instance


@pytest.fixture
def small(settings_factory: Callable[..., Settings]) -> Iterator[Instance]:
    """An instance whose webhooks accept at most 1 KB."""
    app = create_app(settings_factory(workflow_webhook_max_kb=1), migrate=False)
    with TestClient(app) as main:
        yield Instance(app, app.state.runtime.settings, main)
