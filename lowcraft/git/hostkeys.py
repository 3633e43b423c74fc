"""SSH host keys of Git remotes: what an application trusts its SSH remote to present.

A connection over SSH pins the server's host keys (one per key type) in the store: read from the
server on first use (`ssh-keyscan`, OpenSSH's client), or pasted by the Developer (a known_hosts
line or an OpenSSH public key, as Git hosts publish them). Every later fetch or push writes the
app's pins into the known_hosts file libgit2 reads (see `KnownHosts`), and refuses a server whose
key does not match: a man in the middle, or a host key that really changed, which a Developer
re-pins on purpose (audited).

No pygit2 here: the service parses and shows keys without loading libgit2.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from lowcraft.errors import ValidationFailed
from lowcraft.git.errors import GitBusy, GitHostKeyMismatch, GitRemoteUnreachable
from lowcraft.git.locks import flock_within

KEY_TYPES = ("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa")
"""Host key types libssh2 (libgit2's SSH) checks against known_hosts."""


@dataclass(frozen=True)
class HostKey:
    type: str
    key: str  # base64 of the public key blob

    @property
    def fingerprint(self) -> str:
        """`SHA256:...`, as `ssh-keygen -lf` and Git hosts show it."""
        raw = base64.b64decode(self.key)
        return "SHA256:" + base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")

    @property
    def line(self) -> str:
        return f"{self.type} {self.key}"

    def to_dict(self) -> dict[str, str]:
        return {"type": self.type, "fingerprint": self.fingerprint}


def _blob_type(blob: bytes) -> str:
    if len(blob) < 4:
        return ""
    size = int.from_bytes(blob[:4], "big")
    return blob[4:4 + size].decode("ascii", "replace") if 4 + size <= len(blob) else ""


def parse(text: str, *, field: str = "hostKey") -> list[HostKey]:
    """Host keys from pasted text: known_hosts lines (`host type key`, `[host]:port type key`) or
    OpenSSH public keys (`type key [comment]`), one a line; comments and blank lines skipped.
    Anything else is refused with the line it could not read."""
    keys: list[HostKey] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        words = line.split()
        if words[0].startswith("@"):
            raise ValidationFailed(f"Line {number}: markers like {words[0]} are not accepted; give the host key itself.",
                                   details={"field": field})
        at = next((i for i, w in enumerate(words[:3]) if w in KEY_TYPES), None)
        if at is None or at + 1 >= len(words):
            raise ValidationFailed(
                f"Line {number} is not an SSH host key: expected 'ssh-ed25519 AAAA...' (or another of "
                f"{', '.join(KEY_TYPES)}), optionally after the host name as in known_hosts.",
                details={"field": field})
        kind, data = words[at], words[at + 1]
        try:
            blob = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed(f"Line {number}: the key is not valid base64.", details={"field": field}) from None
        if _blob_type(blob) != kind:
            raise ValidationFailed(f"Line {number}: the key data is not a {kind} key.", details={"field": field})
        key = HostKey(kind, data)
        if key not in keys:
            keys.append(key)
    if not keys:
        raise ValidationFailed("Give the server's SSH host key (a known_hosts line or 'ssh-ed25519 AAAA...').",
                               details={"field": field})
    return keys


def dump(keys: list[HostKey]) -> str:
    """The store's form: one `type key` a line."""
    return "".join(k.line + "\n" for k in keys)


def load(stored: str | None) -> list[HostKey]:
    return [HostKey(*line.split(None, 1)) for line in (stored or "").splitlines() if line.strip()]


_SCP_LIKE = re.compile(r"^(?P<user>[A-Za-z0-9._-]+)@(?P<host>[A-Za-z0-9.-]+):(?P<path>[^/].*)$")


def ssh_address(url: str) -> tuple[str, int] | None:
    """Host and port of an SSH remote (`ssh://` or `user@host:path`); None for any other URL."""
    scp = _SCP_LIKE.match(url)
    if scp:
        return scp["host"], 22
    parts = urlsplit(url)
    if parts.scheme != "ssh" or not parts.hostname:
        return None
    try:
        return parts.hostname, parts.port or 22
    except ValueError:
        return None


def host_pattern(host: str, port: int) -> str:
    """How known_hosts names the host: `host` on port 22, `[host]:port` on any other."""
    return host if port == 22 else f"[{host}]:{port}"


def scan(host: str, port: int, timeout: float = 10) -> list[HostKey]:
    """The host keys the server presents now, read with `ssh-keyscan` (a key exchange, no login).
    Refused when the client is not installed (paste the key instead) or the server gives none."""
    program = shutil.which("ssh-keyscan")
    if program is None:
        raise ValidationFailed(
            "This server cannot read SSH host keys (OpenSSH's ssh-keyscan is not installed): paste the Git "
            "host's key (a known_hosts line) instead.", details={"field": "hostKey"})
    try:
        done = subprocess.run([program, "-T", str(max(1, int(timeout))), "-p", str(port), "-t", "ed25519,ecdsa,rsa",
                               "--", host], check=False, capture_output=True, text=True, timeout=timeout + 5)
    except subprocess.TimeoutExpired:
        done = None
    keys: list[HostKey] = []
    for line in (done.stdout if done else "").splitlines():
        words = line.split()
        if len(words) >= 3 and words[1] in KEY_TYPES and not line.startswith("#"):
            key = HostKey(words[1], words[2])
            if key not in keys:
                keys.append(key)
    if not keys:
        raise GitRemoteUnreachable(f"{host_pattern(host, port)} did not present an SSH host key.")
    return sorted(keys, key=lambda k: KEY_TYPES.index(k.type))


def mismatch(host: str, port: int, pinned: list[HostKey]) -> GitHostKeyMismatch:
    """The refusal of a server whose host key is not the pinned one, naming the host and both
    fingerprints (the presented key read again, for the message only)."""
    where = host_pattern(host, port)
    try:
        presented = scan(host, port)
    except (ValidationFailed, GitRemoteUnreachable):
        presented = []
    shown = ", ".join(f"{k.fingerprint} ({k.type})" for k in presented) or "a key that could not be read again"
    details = {"host": where, "pinned": [k.to_dict() for k in pinned], "presented": [k.to_dict() for k in presented]}
    if not pinned:
        return GitHostKeyMismatch(
            f"No SSH host key is pinned for {where}: the server presents {shown}. Compare it with the fingerprint "
            "your Git host publishes, then pin it (Git settings, Re-pin host key).", details=details)
    expected = ", ".join(f"{k.fingerprint} ({k.type})" for k in pinned)
    return GitHostKeyMismatch(
        f"The SSH host key of {where} has changed: this application pinned {expected}, the server now presents "
        f"{shown}. Someone may be intercepting the connection, so nothing was fetched or pushed. If your Git host "
        "really changed its key, compare the new fingerprint with the one it publishes and re-pin it (Git panel, Settings, "
        "Re-pin host key).",
        details=details)


_PROCESS_LOCK = threading.Lock()
"""One for the process: libgit2's home directory (where it reads known_hosts) is process-wide."""


class KnownHosts:
    """The known_hosts file libgit2 checks SSH servers against: `<home>/.ssh/known_hosts`, where
    `home` is the process-wide home directory set for libgit2 (`GIT_OPT_SET_HOMEDIR`).

    The file is one for the process (and for every process sharing the data directory), while
    pins belong to an application; so a connection holds the file from writing its app's pins
    until the server's key was checked (the handshake), and the next connection waits (a thread
    lock and an `flock`, at most the operation timeout). The transfer itself runs unheld."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.path = home / ".ssh" / "known_hosts"
        self._thread_lock = _PROCESS_LOCK

    @contextmanager
    def holding(self, pattern: str, keys: list[HostKey], timeout: float) -> Iterator[Hold]:
        """Hold the file with exactly `keys` for `pattern` in it; `Hold.release` ends the hold
        early (after the handshake), the end of the block at the latest."""
        if not self._thread_lock.acquire(timeout=timeout):
            raise _busy()
        fd = -1
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.path.with_name("known_hosts.lock"), os.O_RDWR | os.O_CREAT, 0o600)
            flock_within(fd, timeout, _busy())
            staging = self.path.with_name(f"known_hosts.{os.getpid()}.tmp")
            staging.write_text("".join(f"{pattern} {k.line}\n" for k in keys))
            os.replace(staging, self.path)
        except BaseException:
            if fd >= 0:
                os.close(fd)
            self._thread_lock.release()
            raise
        hold = Hold(self._thread_lock, fd)
        try:
            yield hold
        finally:
            hold.release()


class Hold:
    def __init__(self, lock: threading.Lock, fd: int) -> None:
        self._lock, self._fd = lock, fd
        self.released = False

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
        finally:
            self._lock.release()


def _busy() -> GitBusy:
    return GitBusy("Other SSH connections are being opened; try again in a moment.", retry_after=1)
