"""The known_hosts file libgit2 reads is one for the process, while pins belong to an application:
fetches from two SSH servers at once, each with its own app's pins, all pass; with each other's
pins, all are refused. Straight on `lowcraft.git.repo`, against two real sshd."""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from lowcraft.git import hostkeys
from lowcraft.git.errors import GitHostKeyMismatch
from tests.git.remotes import GitSsh, git_ssh


def _deploy_key(tmp_path: Path) -> tuple[str, str]:
    path = tmp_path / "deploy"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    return path.read_text(), path.with_suffix(".pub").read_text().strip()


def test_concurrent_fetches_each_check_their_own_apps_pins(tmp_path: Path) -> None:
    from lowcraft.git import repo

    private, public = _deploy_key(tmp_path)
    home = tmp_path / "data" / "git" / "home"
    with git_ssh(tmp_path / "a", [public]) as a, git_ssh(tmp_path / "b", [public]) as b:
        servers = {"a": a, "b": b}
        urls = {name: server.create("apps.git") for name, server in servers.items()}
        clones = {name: repo.init_clone(tmp_path / "clones" / f"{name}.git", urls[name]) for name in servers}

        def pins(server: GitSsh) -> tuple[hostkeys.HostKey, ...]:
            return tuple(hostkeys.parse("\n".join(server.host_keys)))

        def fetch(name: str, pinned: GitSsh) -> str:
            creds = repo.Credentials(kind="ssh", username="git", ssh_private_key=private, ssh_public_key=public,
                                     host_keys=pins(pinned), ssh_home=str(home), timeout=30)
            try:
                repo.fetch(clones[name], creds)
            except GitHostKeyMismatch:
                return "refused"
            return "fetched"

        with ThreadPoolExecutor(max_workers=4) as pool:
            own = list(pool.map(lambda n: fetch(n, servers[n]), ["a", "b"] * 6))
            swapped = list(pool.map(lambda n: fetch(n, servers["b" if n == "a" else "a"]), ["a", "b"] * 3))
        assert own == ["fetched"] * 12
        assert swapped == ["refused"] * 6
        assert (home / ".ssh" / "known_hosts").exists()


def test_an_ssh_connection_without_the_data_directorys_known_hosts_is_never_opened(tmp_path: Path) -> None:
    from lowcraft.git import repo
    from lowcraft.git.errors import GitError

    clone = repo.init_clone(tmp_path / "c.git", "ssh://git@127.0.0.1:1/x.git")
    with pytest.raises(GitError, match="known_hosts"):
        repo.fetch(clone, repo.Credentials(kind="ssh"))
