"""JSON text of results: compact UTF-8, whatever a connector or a REST API hands over."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from lowcraft.jsontext import dumps


def test_results_are_compact_utf8_json() -> None:
    text = dumps({"name": "Zoë", "rows": [{"id": 1, "ok": True, "note": None}]})
    assert text == '{"name":"Zoë","rows":[{"id":1,"ok":true,"note":null}]}'.encode()


def test_integers_beyond_64_bits_are_still_written_exactly() -> None:
    # A REST API may answer with them; orjson refuses them, the standard library does not.
    assert json.loads(dumps({"big": 2**70})) == {"big": 2**70}


def test_values_json_has_no_type_for_are_written_as_text() -> None:
    assert json.loads(dumps({"when": date(2026, 11, 26), "amount": Decimal("1.10"), 3: "key"})) == {
        "when": "2026-11-26", "amount": "1.10", "3": "key"}
