"""Server start-up time and idle memory.

Measures `lowcraft serve` from process start to the first 200 on /api/v1/ready (first start on an
empty data directory, which runs every migration, and a restart on existing data), and the idle RSS
after a few requests. Baseline in the same run: a bare `python -c "import fastapi"` process, to show
what the interpreter and framework alone cost.

Targets (issue 2): ready in under 2 s, idle RSS under 120 MB.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from lowcraft.devserver import running_server


def baseline_seconds() -> float:
    start = time.monotonic()
    subprocess.run([sys.executable, "-c", "import fastapi, sqlalchemy, uvicorn"], check=True)
    return time.monotonic() - start


def main() -> None:
    base = statistics.median(baseline_seconds() for _ in range(3))
    with tempfile.TemporaryDirectory() as data:
        env = {"LOWCRAFT_DATA_DIR": data}
        with running_server(env) as first:
            first_ready = first.ready_seconds
        restarts, rss = [], []
        for _ in range(3):
            with running_server(env) as server:
                restarts.append(server.ready_seconds)
                for path in ("/api/v1/health", "/api/v1/widgets", "/", "/api/v1/ready"):
                    urllib.request.urlopen(server.url + path).read()
                time.sleep(1.0)
                rss.append(server.rss_mb())
    restart = statistics.median(restarts)
    print(f"baseline: import fastapi+sqlalchemy+uvicorn      {base * 1000:7.0f} ms")
    print(f"first start (empty data dir, all migrations)     {first_ready * 1000:7.0f} ms  ({first_ready / base:.1f}x baseline)")
    print(f"restart on existing data, median of 3           {restart * 1000:7.0f} ms  ({restart / base:.1f}x baseline)  target < 2000 ms")
    print(f"idle RSS after start and 4 requests, median      {statistics.median(rss):7.1f} MB  target < 120 MB")


if __name__ == "__main__":
    main()
