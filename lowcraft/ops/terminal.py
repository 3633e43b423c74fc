"""What the backup commands need from the terminal: a progress bar and the passphrase."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Self

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from lowcraft.ops.errors import OpsError

PASSPHRASE_VARIABLE = "LOWCRAFT_BACKUP_PASSPHRASE"


class PassphraseMissing(OpsError):
    """No passphrase was given and there is no terminal to ask for one."""


class ProgressBar:
    """A rich progress bar per phase on stderr; shown only when stderr is a terminal."""

    def __init__(self) -> None:
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def phase(self, description: str, total: int) -> None:
        if not sys.stderr.isatty():
            return
        if self._bar is not None:
            self._bar.stop()
        # Byte counts read better as sizes; row counts as "n/m".
        counter = DownloadColumn() if description.startswith(("Writing", "Verifying")) else MofNCompleteColumn()
        self._bar = Progress(TextColumn("{task.description}"), BarColumn(), counter, TimeElapsedColumn(),
                             console=Console(stderr=True))
        self._bar.start()
        self._task = self._bar.add_task(description, total=total)

    def advance(self, amount: int) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task, amount)


def read_passphrase(passphrase_file: Path | None, *, confirm: bool) -> str:
    """From the file, else LOWCRAFT_BACKUP_PASSPHRASE, else asked for on the terminal."""
    if passphrase_file is not None:
        value = passphrase_file.read_text().rstrip("\r\n")
    elif os.environ.get(PASSPHRASE_VARIABLE):
        value = os.environ[PASSPHRASE_VARIABLE]
    elif sys.stdin.isatty():
        value = getpass.getpass("Backup passphrase: ")
        if confirm and getpass.getpass("Repeat the passphrase: ") != value:
            raise PassphraseMissing("The two passphrases differ.")
    else:
        raise PassphraseMissing(f"Give the passphrase with --passphrase-file or {PASSPHRASE_VARIABLE}.")
    if not value:
        raise PassphraseMissing("The backup passphrase is empty.")
    return value
