"""The server process's garbage collector: off while it starts, frozen heap and on once it serves."""

from __future__ import annotations

import subprocess
import sys

SETTLE = """
import gc
gc.disable()  # as `lowcraft serve` does before it imports the app
from lowcraft.app import GC_YOUNG_THRESHOLD, settle_heap
settle_heap()
assert gc.isenabled(), "the collector must run again once the app serves"
assert gc.get_threshold()[0] == GC_YOUNG_THRESHOLD
assert gc.get_freeze_count() > 100_000, gc.get_freeze_count()
print("ok")
"""


def test_settling_the_heap_freezes_what_start_up_built_and_turns_the_collector_back_on() -> None:
    result = subprocess.run([sys.executable, "-c", SETTLE], capture_output=True, text=True, check=False, timeout=60)
    assert result.stdout.strip() == "ok", result.stderr
