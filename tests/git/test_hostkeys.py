"""Host keys as a Developer pastes them: known_hosts lines or OpenSSH public keys, read into the
pins the server's key is checked against, with the SHA256 fingerprints OpenSSH shows."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from lowcraft.errors import ValidationFailed
from lowcraft.git import hostkeys
from tests.servers import require_program


def _key(tmp_path: Path, kind: str) -> str:
    require_program("ssh-keygen")
    path = tmp_path / kind
    subprocess.run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", "ops@example", "-f", str(path)], check=True)
    return path.with_suffix(".pub").read_text().strip()


def _openssh_fingerprint(public: str) -> str:
    return subprocess.run(["ssh-keygen", "-l", "-E", "sha256", "-f", "-"], input=public, capture_output=True,
                          text=True, check=True).stdout.split()[1]


def test_known_hosts_lines_and_public_keys_are_read_with_openssh_fingerprints(tmp_path: Path) -> None:
    ed25519, ecdsa = _key(tmp_path, "ed25519"), _key(tmp_path, "ecdsa")
    pasted = f"# git.example.com\n[git.example.com]:2222 {ed25519}\n\ngit.example.com {ecdsa}\n{ed25519}\n"
    keys = hostkeys.parse(pasted)
    assert [k.type for k in keys] == ["ssh-ed25519", "ecdsa-sha2-nistp256"]  # the repeated key once
    assert [k.fingerprint for k in keys] == [_openssh_fingerprint(ed25519), _openssh_fingerprint(ecdsa)]
    assert hostkeys.load(hostkeys.dump(keys)) == keys


@pytest.mark.parametrize(("pasted", "problem"), [
    ("", "Give the server's SSH host key"),
    ("SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s", "not an SSH host key"),
    ("ssh-ed25519 not*base64", "not valid base64"),
    ("ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQ==", "not a ssh-ed25519 key"),
    ("@revoked git.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5", "markers"),
])
def test_what_is_not_a_host_key_is_refused_naming_the_problem(pasted: str, problem: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        hostkeys.parse(pasted)
    assert problem in refused.value.message
    assert refused.value.details == {"field": "hostKey"}


def test_known_hosts_names_a_host_off_port_22_with_its_port() -> None:
    assert hostkeys.host_pattern("git.example.com", 22) == "git.example.com"
    assert hostkeys.host_pattern("127.0.0.1", 2222) == "[127.0.0.1]:2222"
    assert hostkeys.ssh_address("git@github.com:team/apps.git") == ("github.com", 22)
    assert hostkeys.ssh_address("ssh://git@127.0.0.1:2222/srv/apps.git") == ("127.0.0.1", 2222)
    assert hostkeys.ssh_address("https://github.com/team/apps.git") is None
