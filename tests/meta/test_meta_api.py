"""The instance routes the web client reads at start: the widget manifests and the settings widgets need."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from lowcraft.app import create_app
from lowcraft.config import Settings
from tests.conftest import Api, make_settings


def widgets_document(tmp_path: Path, sqlite_database: str, **overrides: object) -> dict[str, object]:
    api = Api(create_app(make_settings(tmp_path / "data", sqlite_database, **overrides)))
    document: dict[str, object] = api.ok("GET", "/api/v1/widgets")
    return document


def test_buttons_load_recaptcha_from_google_unless_the_instance_says_otherwise(tmp_path: Path, sqlite_database: str) -> None:
    document = widgets_document(tmp_path, sqlite_database)
    assert document["settings"] == {"recaptchaScriptUrl": "https://www.google.com/recaptcha/api.js"}
    assert any(w["type"] == "BUTTON_WIDGET" for w in document["widgets"])  # type: ignore[attr-defined]


def test_an_instance_can_load_recaptcha_from_another_address(tmp_path: Path, sqlite_database: str) -> None:
    document = widgets_document(tmp_path, sqlite_database, recaptcha_script_url="https://www.recaptcha.net/recaptcha/api.js")
    assert document["settings"] == {"recaptchaScriptUrl": "https://www.recaptcha.net/recaptcha/api.js"}


def test_the_recaptcha_address_comes_from_its_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOWCRAFT_RECAPTCHA_SCRIPT_URL", " http://127.0.0.1:9000/recaptcha/api.js ")
    assert Settings().recaptcha_script_url == "http://127.0.0.1:9000/recaptcha/api.js"


@pytest.mark.parametrize("address", ["", "www.google.com/recaptcha/api.js", "javascript:alert(1)", "ftp://example.com/api.js"])
def test_a_recaptcha_address_that_is_not_a_web_address_is_refused_at_start(address: str) -> None:
    with pytest.raises(ValidationError, match="LOWCRAFT_RECAPTCHA_SCRIPT_URL must be the http"):
        Settings(recaptcha_script_url=address)
