"""Server start-up time and idle memory, against the framework's own import time measured alongside.

Every round runs, one after the other (interleaved, so a busy machine slows all three alike):
  baseline    `python -c "import fastapi, sqlalchemy, uvicorn"`: the interpreter and the
              framework alone, the floor no FastAPI server can go below;
  fresh       `lowcraft serve` on an empty data directory (creates the key, runs every migration);
  existing    `lowcraft serve` on an already migrated data directory (a restart);
  floor       `bench/floor_server.py`: FastAPI + one ORM table on SQLite + uvicorn answering the
              same ready probe, with no application code: what any server on this stack pays.
Start-up time is from process start to the first 200 on /api/v1/ready; idle RSS is the server's
VmRSS (/proc/<pid>/status) one second after ready, before any other request. Medians of ROUNDS.
The CPU time each process used until then is printed too: on a machine shared with other work,
wall times carry everyone's load, and the CPU gap is the steadier measure of the server's own cost.
The package is byte-compiled first, as `pip install` and the container image do: from source,
with PYTHONDONTWRITEBYTECODE set, each start compiled ~100 modules again (0.2 s here).

Targets (issue 19): ready within 0.15 s of the baseline, idle RSS under 70 MB, on the embedded
default (SQLite store, no Redis).

    .venv/bin/python bench/startup.py [--rounds 7] [--against DIR]

`--against DIR` adds, interleaved in the same rounds, a restart of another checkout's `lowcraft`
(DIR holds its `lowcraft/` package, e.g. `git archive HEAD~1 lowcraft | tar -x -C DIR`): an A/B
comparison of a change on the same machine, under the same load.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import lowcraft
from lowcraft.devserver import running_server

IDLE_SECONDS = 1.0
TARGET_GAP_SECONDS = 0.15
TARGET_RSS_MB = 70.0


@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    rss_mb: float = 0.0


def baseline() -> Run:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run([sys.executable, "-c", "import fastapi, sqlalchemy, uvicorn"], check=True)
    seconds = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Run(seconds, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)


FLOOR_SERVER = Path(__file__).with_name("floor_server.py")


def serve_once(data_dir: Path, floor: bool = False, source: Path | None = None) -> Run:
    """Time to ready, CPU time used by then, and idle RSS of one `lowcraft serve` on `data_dir`
    (or of the floor server; or of the `lowcraft` package found in `source`)."""
    command = [sys.executable, str(FLOOR_SERVER), "{port}", str(data_dir)] if floor else None
    data_dir.mkdir(exist_ok=True)
    env = {"LOWCRAFT_DATA_DIR": str(data_dir)}
    if source is not None:  # first on the path, and the directory `python -m` imports from
        env["PYTHONPATH"] = os.pathsep.join([str(source), os.environ.get("PYTHONPATH", "")])
    with running_server(env, command=command, cwd=source) as server:
        cpu = server.cpu_seconds()
        time.sleep(IDLE_SECONDS)
        return Run(server.ready_seconds, cpu, server.rss_mb())


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--against", type=Path, help="a directory holding another checkout's lowcraft/ package")
    arguments = parser.parse_args()
    rounds, against = arguments.rounds, arguments.against
    compileall.compile_dir(Path(lowcraft.__file__).parent, quiet=1)
    if against is not None:
        compileall.compile_dir(against / "lowcraft", quiet=1)
    base: list[Run] = []
    fresh: list[Run] = []
    existing: list[Run] = []
    floors: list[Run] = []
    others: list[Run] = []
    with tempfile.TemporaryDirectory() as scratch:
        migrated = Path(scratch) / "existing"
        serve_once(migrated)  # migrate once; every "existing" round restarts on it
        # The other checkout restarts on a data directory its own migrations made: it may not know
        # this one's newest revision.
        other_migrated = Path(scratch) / "existing-other"
        if against is not None:
            serve_once(other_migrated, source=against)
        for n in range(rounds):
            base.append(baseline())
            fresh.append(serve_once(Path(scratch) / f"fresh-{n}"))
            if against is not None and n % 2:  # the two restarts in turn first, then second
                others.append(serve_once(other_migrated, source=against))
            existing.append(serve_once(migrated))
            if against is not None and not n % 2:
                others.append(serve_once(other_migrated, source=against))
            floors.append(serve_once(Path(scratch) / "floor", floor=True))
    b = statistics.median(r.seconds for r in base)
    b_cpu = statistics.median(r.cpu_seconds for r in base)
    print(f"rounds: {rounds} (interleaved), medians; Python {sys.version.split()[0]}; load {os.getloadavg()[0]:.1f}")
    print(f"baseline: import fastapi, sqlalchemy, uvicorn  wall {b * 1000:5.0f} ms  cpu {b_cpu * 1000:5.0f} ms")
    f_ready = statistics.median(r.seconds for r in floors)
    f_cpu = statistics.median(r.cpu_seconds for r in floors)
    f_rss = statistics.median(r.rss_mb for r in floors)
    print(f"floor: FastAPI + ORM + SQLite + uvicorn, ready: wall {f_ready * 1000:5.0f} ms ({(f_ready - b) * 1000:+5.0f} ms)  "
          f"cpu {f_cpu * 1000:5.0f} ms ({(f_cpu - b_cpu) * 1000:+5.0f} ms)  idle RSS {f_rss:5.1f} MB")
    rows = [("fresh data dir (all migrations)", fresh), ("existing data dir (restart)", existing)]
    if against is not None:
        rows.append((f"restart, {against.name}", others))
    for label, runs in rows:
        ready = statistics.median(r.seconds for r in runs)
        cpu = statistics.median(r.cpu_seconds for r in runs)
        rss = statistics.median(r.rss_mb for r in runs)
        gap, cpu_gap = ready - b, cpu - b_cpu
        print(f"{label:32s} ready: wall {ready * 1000:5.0f} ms ({gap * 1000:+5.0f} ms, {ready / b:.2f}x baseline)  "
              f"cpu {cpu * 1000:5.0f} ms ({cpu_gap * 1000:+5.0f} ms)  "
              f"target +{TARGET_GAP_SECONDS * 1000:.0f} ms: wall {_verdict(gap <= TARGET_GAP_SECONDS)}, "
              f"cpu {_verdict(cpu_gap <= TARGET_GAP_SECONDS)}  "
              f"idle RSS {rss:5.1f} MB (target < {TARGET_RSS_MB:.0f} MB {_verdict(rss < TARGET_RSS_MB)})")
        print(f"{'':32s} above the floor: wall {(ready - f_ready) * 1000:+5.0f} ms  cpu {(cpu - f_cpu) * 1000:+5.0f} ms  "
              f"RSS {rss - f_rss:+5.1f} MB")
    # On a shared machine the medians carry other processes' load; the fastest run of each is the
    # nearest to an idle machine.
    best_b = min(r.seconds for r in base)
    print(f"fastest runs: baseline {best_b * 1000:.0f} ms; "
          + "; ".join(f"{label} {min(r.seconds for r in runs) * 1000:.0f} ms "
                      f"({(min(r.seconds for r in runs) - best_b) * 1000:+.0f} ms)"
                      for label, runs in (("fresh", fresh), ("existing", existing))))


if __name__ == "__main__":
    main()
