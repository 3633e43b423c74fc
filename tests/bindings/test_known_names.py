"""The analyser and the browser engine agree on which names are globals and which are triggers.

The engine's lists are in web/src/engine/globals.ts; a name known to one side only is either
flagged as unknown by lint while it runs in the browser, or accepted by lint and undefined there.
"""

from __future__ import annotations

import re
from pathlib import Path

from lowcraft.bindings.known_names import APP_TRIGGERS, JS_GLOBALS, TRIGGER_ONLY_GLOBALS

GLOBALS_TS = Path(__file__).resolve().parents[2] / "web" / "src" / "engine" / "globals.ts"


def ts_list(name: str) -> set[str]:
    """The string literals of the array constant `name` in globals.ts."""
    source = GLOBALS_TS.read_text()
    found = re.search(rf"export const {name}\b[^=]*=\s*(?:new Set\()?\[(.*?)\]", source, re.DOTALL)
    assert found is not None, f"{name} is not an array literal in {GLOBALS_TS}"
    return set(re.findall(r'"([^"]+)"', found.group(1)))


def test_the_javascript_globals_are_the_same_on_both_sides() -> None:
    browser = ts_list("JS_GLOBALS")
    assert browser - JS_GLOBALS == set(), "known to the engine only: add them to known_names.JS_GLOBALS"
    assert JS_GLOBALS - browser == set(), "known to the analyser only: add them to globals.ts JS_GLOBALS"


def test_the_action_functions_are_the_same_on_both_sides() -> None:
    assert ts_list("ACTION_FUNCTIONS") == APP_TRIGGERS


def test_the_browser_functions_kept_for_triggers_are_known_globals() -> None:
    # Appsmith's evaluator keeps these; apps call them.
    kept = {"navigator", "fetch", "crypto", "atob", "btoa"}
    assert kept <= JS_GLOBALS
    assert ts_list("TRIGGER_ONLY_GLOBALS") == TRIGGER_ONLY_GLOBALS <= JS_GLOBALS
