"""Real Git remotes for tests: bare repositories on disk, served by `git http-backend` (the smart
HTTP protocol, as GitHub and GitLab speak it) behind a small HTTP server with basic auth, and by
Debian's `sshd` on a loopback port for deploy keys. Reusable by any test (the editor's e2e too).

    with git_http(tmp_path) as server:
        url = server.create("team.git")            # an empty bare repository
        # remote: url, user server.user, token server.token (basic auth)
"""

from __future__ import annotations

import base64
import os
import secrets
import shutil
import subprocess
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.servers import free_port, require_program

HTTP_BACKEND = "/usr/lib/git-core/git-http-backend"


def git(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Run the real `git` CLI (a second collaborator); its output, or an AssertionError with it."""
    full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_AUTHOR_NAME": "Cli Collaborator",
                "GIT_AUTHOR_EMAIL": "cli@example.com", "GIT_COMMITTER_NAME": "Cli Collaborator",
                "GIT_COMMITTER_EMAIL": "cli@example.com", "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd or "/tmp"),
                **(env or {})}
    done = subprocess.run(["git", *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


def bare_repository(path: Path, branch: str = "main") -> Path:
    require_program("git")
    git("init", "--bare", "-q", "-b", branch, str(path))
    return path


@dataclass
class GitHttp:
    root: Path
    base: str
    user: str
    token: str

    def create(self, name: str, branch: str = "main") -> str:
        """A new empty bare repository served at the returned URL."""
        bare_repository(self.root / name, branch)
        return f"{self.base}/{name}"

    def authed(self, url: str) -> str:
        """`url` with the credentials in it, for the `git` CLI."""
        return url.replace("http://", f"http://{self.user}:{self.token}@", 1)


def _handler(root: Path, user: str, token: str) -> type[BaseHTTPRequestHandler]:
    expected = "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet tests
            return

        def _body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                    if size == 0:
                        self.rfile.readline()
                        break
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                return b"".join(chunks)
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _serve(self) -> None:
            if self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="git"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = self._body()
            path, _, query = self.path.partition("?")
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "GIT_PROJECT_ROOT": str(root), "GIT_HTTP_EXPORT_ALL": "1", "REMOTE_USER": user,
                "REMOTE_ADDR": "127.0.0.1", "PATH_INFO": path, "QUERY_STRING": query,
                "REQUEST_METHOD": self.command, "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                "CONTENT_LENGTH": str(len(body)), "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(root),
            }
            if self.headers.get("Content-Encoding"):
                env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
            if self.headers.get("Git-Protocol"):
                env["GIT_PROTOCOL"] = self.headers["Git-Protocol"]
            done = subprocess.run([HTTP_BACKEND], input=body, env=env, capture_output=True, timeout=60)
            head, _, payload = done.stdout.partition(b"\r\n\r\n")
            status, headers = 200, []
            for line in head.decode("latin-1").split("\r\n"):
                if not line:
                    continue
                name, _, value = line.partition(":")
                if name.lower() == "status":
                    status = int(value.strip().split()[0])
                else:
                    headers.append((name, value.strip()))
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = _serve
        do_POST = _serve

    return Handler


@contextmanager
def git_http(folder: Path, user: str = "lowcraft", token: str | None = None) -> Iterator[GitHttp]:
    """`git http-backend` over the bare repositories in `folder`, behind basic auth."""
    require_program("git")
    if not Path(HTTP_BACKEND).exists():
        require_program("git-http-backend")
    token = token or secrets.token_hex(12)
    folder.mkdir(parents=True, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(folder, user, token))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield GitHttp(folder, f"http://127.0.0.1:{server.server_address[1]}", user, token)
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class GitSsh:
    root: Path
    port: int
    user: str
    host_keys: list[str]
    """The server's public host keys (`type base64 comment`), as `ssh-keyscan` or a Git host shows them."""

    def fingerprints(self) -> dict[str, str]:
        """Key type -> `SHA256:...`, as OpenSSH's `ssh-keygen -l` computes it."""
        out = {}
        for key in self.host_keys:
            shown = subprocess.run(["ssh-keygen", "-l", "-E", "sha256", "-f", "-"], input=key, capture_output=True,
                                   text=True, check=True).stdout.split()
            out[key.split()[0]] = shown[1]
        return out

    def url(self, name: str) -> str:
        return f"ssh://{self.user}@127.0.0.1:{self.port}{self.root / name}"

    def create(self, name: str, branch: str = "main") -> str:
        bare_repository(self.root / name, branch)
        return self.url(name)


@contextmanager
def git_ssh(folder: Path, authorized_keys: list[str], *, port: int | None = None,
            host_key_types: tuple[str, ...] = ("ed25519",)) -> Iterator[GitSsh]:
    """Debian's `sshd` on a loopback port with host keys made here (new ones each time: started
    again on the same `port`, it is the same remote with a changed key), letting in only
    `authorized_keys` (OpenSSH public keys) as the current user, for `git-upload-pack` and
    `git-receive-pack` over SSH."""
    sshd = shutil.which("sshd") or ("/usr/sbin/sshd" if Path("/usr/sbin/sshd").exists() else None)
    if sshd is None:
        require_program("sshd")
    require_program("ssh-keygen")
    folder.mkdir(parents=True, exist_ok=True)
    # sshd refuses keys in group- or world-writable places: a private folder of its own.
    config_dir = Path(tempfile.mkdtemp(prefix="lowcraft-sshd-"))
    os.chmod(config_dir, 0o700)
    host_keys = [config_dir / f"host_{kind}" for kind in host_key_types]
    for kind, host_key in zip(host_key_types, host_keys, strict=True):
        subprocess.run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-f", str(host_key)], check=True)
    keys = config_dir / "authorized_keys"
    keys.write_text("".join(k.strip() + "\n" for k in authorized_keys))
    os.chmod(keys, 0o600)
    port = port or free_port()
    user = os.environ.get("USER") or subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
    config = config_dir / "sshd_config"
    config.write_text(textwrap.dedent(f"""\
        Port {port}
        ListenAddress 127.0.0.1
        PidFile {config_dir / 'sshd.pid'}
        AuthorizedKeysFile {keys}
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        PubkeyAuthentication yes
        PermitRootLogin prohibit-password
        StrictModes no
        UsePAM no
        """) + "".join(f"HostKey {k}\n" for k in host_keys))
    Path("/run/sshd").mkdir(exist_ok=True)  # privilege separation directory Debian's sshd wants
    process = subprocess.Popen([sshd or "sshd", "-D", "-e", "-f", str(config)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        from tests.servers import port_open

        while not port_open("127.0.0.1", port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"sshd did not start: {process.stderr.read().decode() if process.stderr else ''}")
            time.sleep(0.05)
        yield GitSsh(folder, port, user, [k.with_suffix(".pub").read_text().strip() for k in host_keys])
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(config_dir, ignore_errors=True)
