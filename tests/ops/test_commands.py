"""The backup commands as an operator runs them: passphrase from a file or the environment, clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from lowcraft.config import Settings
from tests.ops.conftest import PASSPHRASE
from tests.ops.seed import Seeded, client, exports, login


def lowcraft(*args: str, data: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("LOWCRAFT_")}
    full |= {"LOWCRAFT_DATA_DIR": str(data), "LOWCRAFT_ARGON2_MEMORY_KIB": "1024", **env}
    return subprocess.run([sys.executable, "-m", "lowcraft.cli", *args], check=False, env=full,
                          capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)


def test_backup_then_restore_from_the_command_line(source: tuple[Settings, Seeded], tmp_path: Path) -> None:
    settings, seeded = source
    passphrase_file = tmp_path / "passphrase"
    passphrase_file.write_text(PASSPHRASE + "\n")
    archive = tmp_path / "instance.lcbackup"

    made = lowcraft("backup", "--output", str(archive), "--passphrase-file", str(passphrase_file), data=settings.data_dir)
    assert made.returncode == 0, made.stderr
    assert f"backup written to {archive}" in made.stdout

    target = tmp_path / "restored"
    wrong = lowcraft("restore", str(archive), data=target, LOWCRAFT_BACKUP_PASSPHRASE="not it")
    assert wrong.returncode == 2
    assert "passphrase does not open this archive" in wrong.stderr and "Nothing was changed" in wrong.stderr
    assert not target.exists()

    done = lowcraft("restore", str(archive), data=target, LOWCRAFT_BACKUP_PASSPHRASE=PASSPHRASE)
    assert done.returncode == 0, done.stderr
    assert "restored" in done.stdout
    with client(settings.model_copy(update={"data_dir": target})) as api:
        login(api)
        assert len(exports(api, seeded.app_ids)) == 3


def test_backup_without_a_passphrase_and_no_terminal_says_how_to_give_one(tmp_path: Path) -> None:
    result = lowcraft("backup", data=tmp_path)
    assert result.returncode == 2
    assert "--passphrase-file or LOWCRAFT_BACKUP_PASSPHRASE" in result.stderr
