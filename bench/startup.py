"""Server start-up time and idle memory, against the framework's own import time measured alongside.

Every round runs, one after the other (interleaved, so a busy machine slows all three alike):
  baseline    `python -c "import fastapi, sqlalchemy, uvicorn"`: the interpreter and the
              framework alone, the floor no FastAPI server can go below;
  fresh       `lowcraft serve` on an empty data directory (creates the key, runs every migration);
  existing    `lowcraft serve` on an already migrated data directory (a restart).
Start-up time is from process start to the first 200 on /api/v1/ready; idle RSS is the server's
VmRSS (/proc/<pid>/status) one second after ready, before any other request. Medians of ROUNDS.

Targets (issue 19): ready within 0.15 s of the baseline, idle RSS under 70 MB, on the embedded
default (SQLite store, no Redis).

    .venv/bin/python bench/startup.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lowcraft.devserver import running_server

IDLE_SECONDS = 1.0
TARGET_GAP_SECONDS = 0.15
TARGET_RSS_MB = 70.0


def baseline_seconds() -> float:
    start = time.monotonic()
    subprocess.run([sys.executable, "-c", "import fastapi, sqlalchemy, uvicorn"], check=True)
    return time.monotonic() - start


def serve_once(data_dir: Path) -> tuple[float, float]:
    """(seconds to ready, idle RSS in MB) of one `lowcraft serve` on `data_dir`."""
    with running_server({"LOWCRAFT_DATA_DIR": str(data_dir)}) as server:
        time.sleep(IDLE_SECONDS)
        return server.ready_seconds, server.rss_mb()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    base: list[float] = []
    fresh: list[tuple[float, float]] = []
    existing: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as scratch:
        migrated = Path(scratch) / "existing"
        serve_once(migrated)  # migrate once; every "existing" round restarts on it
        for n in range(rounds):
            base.append(baseline_seconds())
            fresh.append(serve_once(Path(scratch) / f"fresh-{n}"))
            existing.append(serve_once(migrated))
    b = statistics.median(base)
    print(f"rounds: {rounds} (interleaved), medians; Python {sys.version.split()[0]}")
    print(f"baseline: import fastapi, sqlalchemy, uvicorn   {b * 1000:6.0f} ms")
    for label, runs in (("fresh data dir (all migrations)", fresh), ("existing data dir (restart)", existing)):
        ready = statistics.median(r for r, _ in runs)
        rss = statistics.median(m for _, m in runs)
        gap = ready - b
        print(f"{label:34s}  ready {ready * 1000:6.0f} ms  (baseline {gap * 1000:+5.0f} ms, {ready / b:.2f}x; "
              f"target +{TARGET_GAP_SECONDS * 1000:.0f} ms {'met' if gap <= TARGET_GAP_SECONDS else 'MISSED'})  "
              f"idle RSS {rss:5.1f} MB (target < {TARGET_RSS_MB:.0f} MB {'met' if rss < TARGET_RSS_MB else 'MISSED'})")


if __name__ == "__main__":
    main()
