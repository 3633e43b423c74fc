"""Backup and restore of an instance with 100 applications, against plain copies of the same store.

The instance (SQLite, made through the API: 100 apps of 3 pages with 8 bound widgets, a query and a
JS object each; half of them published; a datasource with secrets) is backed up with `lowcraft
backup`'s code path (logical dump, gzip'd tar, scrypt + AES-GCM), then restored into a fresh SQLite
instance and into a fresh PostgreSQL database. Baselines: SQLite's own online backup of the store
file, the logical dump alone (no archive, no encryption), and loading that dump without an archive
to verify and decrypt. Key derivation (scrypt, N=2^17) is a fixed ~0.4 s of every backup and restore.

    .venv/bin/python bench/backup.py [--apps 100]
"""

from __future__ import annotations

import argparse
import secrets
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lowcraft.ops import backup, restore
from lowcraft.ops.backup import backed_up_tables
from lowcraft.ops.dump import dump_store
from lowcraft.ops.engines import ops_engine
from lowcraft.ops.load import code_head, load_store
from lowcraft.ops.progress import Silent
from tests.conftest import make_settings
from tests.ops.seed import seed
from tests.servers import POSTGRES_URL, port_open

PASSPHRASE = "bench passphrase"


def timed(label: str, seconds: float, size: int | None = None, baseline: float | None = None) -> None:
    line = f"  {label:<52} {seconds * 1000:9.1f} ms"
    if size is not None:
        line += f"  {size / 1e6:7.2f} MB"
    if baseline:
        line += f"  x{seconds / baseline:5.1f}"
    print(line)


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--apps", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        source = make_settings(root / "source")
        started = time.perf_counter()
        seed(source, apps=args.apps, pages=3, widgets_per_page=8)
        print(f"instance: {args.apps} apps made through the API in {time.perf_counter() - started:.1f} s")

        store = source.data_dir / "lowcraft.db"
        started = time.perf_counter()
        with sqlite3.connect(store) as live, sqlite3.connect(root / "copy.db") as copy:
            live.backup(copy)
        sqlite_backup = time.perf_counter() - started
        engine = ops_engine(source.resolved_database_url)
        started = time.perf_counter()
        dumps = dump_store(engine, root / "raw", backed_up_tables(), Silent())
        raw_dump = time.perf_counter() - started
        engine.dispose()

        backup(source, PASSPHRASE, root / "warm-up.lcbackup")  # first-use imports are not the figure
        result = min((backup(source, PASSPHRASE, root / f"instance-{i}.lcbackup") for i in range(3)),
                     key=lambda r: r.seconds)
        rows = sum(result.rows.values())
        print("(each lowcraft figure: the best of 3 runs; scrypt alone is about 0.4 s of each)")
        print(f"\nbackup ({rows} rows; store file {store.stat().st_size / 1e6:.2f} MB)          time       size  ratio to sqlite3 .backup")
        timed("sqlite3 online .backup of the store file (baseline)", sqlite_backup, (root / "copy.db").stat().st_size, sqlite_backup)
        timed("logical dump only, JSON lines, no archive", raw_dump, folder_size(root / "raw"), sqlite_backup)
        timed("lowcraft backup (dump + tar.gz + scrypt/AES-GCM)", result.seconds, result.size, sqlite_backup)

        print("\nrestore                                                    time             ratio to loading the raw dump")
        fresh = make_settings(root / "load-raw")
        fresh.ensure_data_dir()
        target_engine = ops_engine(fresh.resolved_database_url, write=True)
        started = time.perf_counter()
        load_store(target_engine, root / "raw", dumps, code_head(), replace=False, progress=Silent())
        raw_load = time.perf_counter() - started
        target_engine.dispose()
        timed("load the raw dump into SQLite (baseline)", raw_load, None, raw_load)
        seconds = min(restore(make_settings(root / f"target-sqlite-{i}"), result.path, PASSPHRASE).seconds for i in range(3))
        timed("lowcraft restore into SQLite (verify, decrypt, load)", seconds, None, raw_load)
        if port_open("127.0.0.1", 5432):
            name = f"lowcraft_bench_{secrets.token_hex(4)}"
            with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            try:
                url = POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
                restored = restore(make_settings(root / "target-pg", url), result.path, PASSPHRASE)
                timed("lowcraft restore into PostgreSQL", restored.seconds, None, raw_load)
            finally:
                with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            print("  (PostgreSQL not reachable at 127.0.0.1:5432: restore into PostgreSQL skipped)")


if __name__ == "__main__":
    main()
