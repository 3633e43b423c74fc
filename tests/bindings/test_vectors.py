"""The shared vectors in spec/bindings/*.json: one generic test runs every case of every file.

The TypeScript engine runs the same files; spec/bindings/README.md describes their shape.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lowcraft.bindings import BindingError, ReferenceKind, extract_references, rename_in_text
from lowcraft.bindings.javascript import analyze
from lowcraft.bindings.js_analysis import SourceKind

SPEC = Path(__file__).resolve().parents[2] / "spec" / "bindings"


def _cases(kind: str) -> list[Any]:
    params = []
    for file in sorted(SPEC.glob("*.json")):
        document = json.loads(file.read_text(encoding="utf-8"))
        if document["type"] != kind:
            continue
        for case in document["cases"]:
            merged = {**document["defaults"], **case}
            params.append(pytest.param(merged, id=f"{file.stem}: {case['name']}"))
    return params


REFERENCE_CASES = _cases("references")
RENAME_CASES = _cases("rename")


def test_the_vectors_cover_what_the_issue_asks() -> None:
    assert len(REFERENCE_CASES) >= 150
    assert len(RENAME_CASES) >= 60


@pytest.mark.parametrize("case", REFERENCE_CASES)
def test_reference_case(case: dict[str, Any]) -> None:
    found = extract_references(case["source"], case["kind"], case["entities"], this_name=case.get("object"))
    assert bool(found.errors) == case.get("syntaxError", False), found.errors
    if case.get("syntaxError"):
        return
    assert sorted(found.of_kind(ReferenceKind.ENTITY)) == sorted(case["references"])
    assert sorted(found.of_kind(ReferenceKind.APP_GLOBAL)) == sorted(case.get("appGlobals", []))
    assert sorted(found.of_kind(ReferenceKind.JS_GLOBAL)) == sorted(case.get("jsGlobals", []))
    assert sorted(found.of_kind(ReferenceKind.UNKNOWN)) == sorted(case.get("unknown", []))
    if "members" in case:
        members = [m.name for m in analyze(case["source"], SourceKind.JSOBJECT).members]
        assert members == case["members"]


@pytest.mark.parametrize("case", RENAME_CASES)
def test_rename_case(case: dict[str, Any]) -> None:
    def run() -> str:
        return rename_in_text(
            case["source"], case["kind"], case["old"], case["new"], object_name=case.get("object")
        )

    if "error" in case:
        with pytest.raises(BindingError) as raised:
            run()
        assert raised.value.code == case["error"]
    else:
        assert run() == case["expected"]
