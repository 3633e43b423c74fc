"""The JSON check of request bodies and the repair of stored documents (`lowcraft.jsoncheck`)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lowcraft.jsoncheck import MAX_DEPTH, UnsupportedJson, check, check_body, loads, needs_repair, repair


def nested(levels: int, leaf: Any = 1) -> Any:
    value = leaf
    for _ in range(levels - 1):
        value = [value]
    return [value] if levels else leaf


ACCEPTED = {
    "an emoji (a surrogate pair)": '{"t": "\\ud83d\\udce6"}',
    "accented text": '{"t": "\\u00e9t\\u00e9", "u": "été"}',
    "the largest double": '{"n": 1.7976931348623157e308}',
    "the 64-bit extremes": '{"a": 9223372036854775807, "b": -9223372036854775808}',
    "a tiny number": '{"n": 1e-400}',
    "nesting at the limit": json.dumps(nested(MAX_DEPTH)),
    "NaN as text": '{"t": "NaN, Infinity and 1e400 are fine inside a string"}',
    "an escaped backslash before u": '{"t": "C:\\\\ud800"}',
}

REFUSED = {
    "a lone high surrogate": ('{"t": "a\\ud800b"}', "lone_surrogate", "t"),
    "a lone low surrogate": ('["ok", "\\udc00"]', "lone_surrogate", "1"),
    "a reversed pair": ('{"t": "\\ude00\\ud83d"}', "lone_surrogate", "t"),
    "a surrogate in a key": ('{"a": {"\\udfff": 1}}', "lone_surrogate", "a"),
    "NaN": ('{"a": [1, NaN]}', "non_finite_number", "a.1"),
    "Infinity": ('{"a": Infinity}', "non_finite_number", "a"),
    "-Infinity": ('{"a": -Infinity}', "non_finite_number", "a"),
    "1e400": ('{"a": {"b": 1e400}}', "non_finite_number", "a.b"),
    "a 400-digit number with a fraction": ('{"a": ' + "9" * 400 + ".5}", "non_finite_number", "a"),
    "2**63": ('{"a": 9223372036854775808}', "integer_out_of_range", "a"),
    "-(2**63) - 1": ('{"a": -9223372036854775809}', "integer_out_of_range", "a"),
    "5000 digits": ('{"a": ' + "1" * 5000 + "}", "integer_out_of_range", "the body"),
    "one level too deep": (json.dumps(nested(MAX_DEPTH + 1)), "too_deep", ".".join(["0"] * MAX_DEPTH)),
    "100000 levels": ("[" * 100_000 + "]" * 100_000, "too_deep", "the body"),
}


@pytest.mark.parametrize("text", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_acceptable_bodies_pass(text: str) -> None:
    check_body(text.encode())
    assert loads(text) == json.loads(text)


@pytest.mark.parametrize(("text", "reason", "at"), REFUSED.values(), ids=REFUSED.keys())
def test_refused_bodies_name_the_reason_and_the_place(text: str, reason: str, at: str) -> None:
    for encoding in ("utf-8", "utf-16", "utf-32-be"):  # Python's parser reads all three
        with pytest.raises(UnsupportedJson) as refused:
            check_body(text.encode(encoding))
        assert (refused.value.reason, refused.value.details["at"]) == (reason, at)


def test_a_body_that_is_not_json_is_left_to_the_route() -> None:
    check_body(b'{"params": {')
    check_body(b"\xff\xfe not json")
    check_body(b"")


# Values of every kind a body may hold, with the hostile ones mixed in.
_LEAVES = st.one_of(
    st.text(max_size=6), st.sampled_from(["\ud800", "x\udfffy", "\U0001f4e6"]),
    st.integers(min_value=-(2**70), max_value=2**70), st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.none(),
)
_DOCUMENTS = st.recursive(_LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)), max_leaves=12)


@settings(max_examples=300, derandomize=True)
@given(document=_DOCUMENTS, depth=st.integers(min_value=0, max_value=MAX_DEPTH + 2))
def test_a_body_is_refused_exactly_when_a_value_in_it_is(document: Any, depth: int) -> None:
    text = json.dumps(nested(depth, document)).encode()
    try:
        check(json.loads(text))
    except UnsupportedJson as expected:
        with pytest.raises(UnsupportedJson) as refused:
            check_body(text)
        assert refused.value.reason == expected.reason
    else:
        check_body(text)


def test_repair_makes_a_document_pass_and_keeps_what_was_fine() -> None:
    broken = {"t": "a\ud800b", "n": [1.5, math.nan, -math.inf], "\udc00": 2**70, "deep": nested(MAX_DEPTH + 5)}
    fixed = repair(broken)
    assert fixed["t"] == "a\ufffdb" and fixed["n"] == [1.5, None, None] and fixed["\ufffd"] == 2**70
    assert json.dumps(fixed["deep"]).count("[") == MAX_DEPTH - 1  # what lies past the limit is null
    assert not needs_repair(fixed) and needs_repair(broken)
    clean = {"a": [1, "b", {"c": None}], "big": 2**70}
    assert repair(clean) == clean and not needs_repair(clean)
