"""Git sync as the routes use it: who may do what, one operation per application at a time, the
repository written first and the store switched after, and every operation audited.

Every operation that moves a branch follows one order, so the repository and the store never
disagree after a crash: (1) write the commit's objects, (2) journal the operation in its own
committed transaction, (3) move the branch, (4) switch the app's state (edit state, head commit)
and finish the journal row in one store transaction. A process killed between (3) and (4) leaves
a `started` row whose commit the branch points at; `recovery.recover` finishes it on the next
start. Killed before (3), the branch never moved and the row is abandoned: nothing was lost.

Pulls and merges need a clean edit state (commit or discard first), and a merge with conflicts
changes nothing in the app: the conflicts wait in the connection (`pending_merge`) until each
has a resolution, then the merge completes in one commit.

Developers of the app's workspace operate; workspace administrators also choose protected
branches. pygit2 loads with `repo`, on the first operation (never at start).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import logging
import os
import re
import signal
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from lowcraft.appmodel.document_format import parse_document
from lowcraft.appmodel.errors import InvalidDocument
from lowcraft.appmodel.file_tree import document_to_files
from lowcraft.appmodel.models import Application
from lowcraft.apps import service as apps_service
from lowcraft.apps.service import EditStateReport
from lowcraft.audit.handler import record
from lowcraft.connectors.errors import ConnectorError
from lowcraft.connectors.netguard import check_address
from lowcraft.context import Context
from lowcraft.errors import BadRequest, PermissionDenied, ValidationFailed
from lowcraft.git import entities, handler, hostkeys
from lowcraft.git.errors import (
    BranchNotFound,
    BranchProtected,
    GitError,
    GitRemoteUnreachable,
    MergePending,
    NoMergePending,
    NotALowcraftApp,
    UncommittedChanges,
    UnresolvedConflicts,
)
from lowcraft.git.locks import application_lock
from lowcraft.git.models import GitConnection
from lowcraft.jslibs import service as jslibs
from lowcraft.jslibs.service import DocumentLibraries
from lowcraft.workspaces.models import Workspace
from lowcraft.workspaces.permissions import Role, require_app, require_user

log = logging.getLogger("lowcraft.git")

TEST_KILL_VARIABLE = "LOWCRAFT_TEST_GIT_KILL_AT"
"""Test-only: `after-ref` kills the process (SIGKILL) right after a branch moved and before the
store switched, so the crash-recovery test can prove the journal; unset in every real server."""

_BRANCH = re.compile(r"^(?!/)(?!.*//)(?!.*\.\.)(?!.*@\{)[A-Za-z0-9._/-]{1,200}(?<![./])$")
_SCP_LIKE = re.compile(r"^(?P<user>[A-Za-z0-9._-]+)@(?P<host>[A-Za-z0-9.-]+):(?P<path>[^/].*)$")


def _repo() -> ModuleType:
    from lowcraft.git import repo  # pygit2 loads here, on the first operation

    return repo


# --- what the routes get ---------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a pull or merge did: `up-to-date`, `fast-forward`, `merged` or `conflicts`; and when
    it changed the app, what became of the datasources and JS libraries of the new tree."""

    result: str
    commit: str | None = None
    conflicts: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    report: EditStateReport | None = None


def report_out(report: EditStateReport | None) -> dict[str, Any]:
    """The datasources and JS libraries part of an outcome, for the routes."""
    if report is None:
        return {"datasources": [], "jsLibraries": [], "jsLibrariesRemoved": []}
    return {
        "datasources": [apps_service.datasource_out(o) for o in report.datasources],
        "jsLibraries": [jslibs.outcome_out(o) for o in report.libraries.installed],
        "jsLibrariesRemoved": list(report.libraries.removed),
    }


def _library_codes(ctx: Context, app: Application, document: dict[str, Any]) -> DocumentLibraries:
    """The code of the JS libraries `document` adds to the app, fetched before the store switches
    (the app's lock is held; nothing is installed yet)."""
    return jslibs.codes_to_sync(ctx, app, parse_document(document).application.js_libraries)


def _conn_out(conn: GitConnection) -> dict[str, Any]:
    return {
        "connected": bool(conn.remote_url),
        "remoteUrl": conn.remote_url,
        "authKind": conn.auth_kind,
        "username": conn.username,
        "hasToken": bool(conn.token_encrypted),
        "publicKey": conn.ssh_public_key or None,
        "hostKeys": [k.to_dict() for k in hostkeys.load(conn.ssh_host_keys)] if conn.auth_kind == "ssh" else [],
        "folder": conn.folder,
        "defaultBranch": conn.default_branch,
        "currentBranch": conn.current_branch,
        "publishedBranch": conn.published_branch or conn.default_branch,
        "protectedBranches": list(conn.protected_branches or []),
        "autoCommitOnPublish": conn.auto_commit_on_publish,
        "headCommit": conn.head_commit,
        "mergePending": conn.pending_merge is not None,
    }


# --- the frame of every operation ------------------------------------------------------------------


@dataclass
class Op:
    """One running operation: its own store session (committed per step), the clone, the row."""

    ctx: Context
    app: Application
    conn: GitConnection
    repo: Any
    clone: Path
    creds: Any


def _git_dir(ctx: Context) -> Path:
    return ctx.runtime.settings.data_dir / "git"


def _clone_path(ctx: Context, application_id: str) -> Path:
    return _git_dir(ctx) / "clones" / f"{application_id}.git"


def _timeout(ctx: Context) -> float:
    return float(ctx.runtime.settings.git_operation_timeout_seconds)


def _credentials(ctx: Context, conn: GitConnection, host_keys: list[hostkeys.HostKey] | None = None) -> Any:
    repo = _repo()
    return repo.Credentials(
        kind=conn.auth_kind,
        username=conn.username,
        token=handler.unseal(ctx, conn.application_id, "token", conn.token_encrypted),
        ssh_private_key=handler.unseal(ctx, conn.application_id, "ssh-key", conn.ssh_private_encrypted),
        ssh_public_key=conn.ssh_public_key,
        host_keys=tuple(hostkeys.load(conn.ssh_host_keys) if host_keys is None else host_keys),
        ssh_home=str(_ssh_home(ctx)),
        timeout=_timeout(ctx),
    )


def _ssh_home(ctx: Context) -> Path:
    """The home directory libgit2 reads `.ssh/known_hosts` from: the data directory's, never the
    server user's (its keys and known hosts are not the instance's)."""
    return _git_dir(ctx) / "home"


@contextmanager
def _session(ctx: Context) -> Iterator[Context]:
    """A store transaction of its own (committed at the end of the block), as the same caller."""
    with ctx.runtime.db.session() as db:
        yield dataclasses.replace(ctx, db=db)


@contextmanager
def _operation(ctx: Context, application_id: str, *, fetch: bool = False) -> Iterator[Op]:
    """Hold the application's lock, with its clone ready (rebuilt from the remote when this replica
    has none or lacks the app's head commit) and stale lock files cleared."""
    timeout = _timeout(ctx)
    with application_lock(ctx.runtime.db, _git_dir(ctx) / "locks", application_id, timeout):
        with ctx.runtime.db.session() as db:
            inner = dataclasses.replace(ctx, db=db)
            app = inner.db.get(Application, application_id)
            if app is None:
                raise GitError("The application no longer exists.")
            conn = handler.connection(inner, application_id)
            repo = _repo()
            creds = _credentials(inner, conn)
            path = _clone_path(ctx, application_id)
            repo.clear_stale_locks(path, timeout)
            fetched = False
            if not (path / "HEAD").exists():
                repo.remove_clone(path)
                clone = repo.init_clone(path, conn.remote_url)
                repo.fetch(clone, creds)
                fetched = True
                log.info("git: rebuilt the clone of application %s from its remote", application_id)
            else:
                clone = repo.open_clone(path)
            if fetch and not fetched:
                repo.fetch(clone, creds)
                fetched = True
            op = Op(inner, app, conn, clone, path, creds)
            if conn.head_commit:
                _ensure_commit(op, conn.head_commit, fetched=fetched)
                if repo.branch_tip(clone, conn.current_branch) != conn.head_commit:
                    repo.set_branch(clone, conn.current_branch, conn.head_commit)
            yield op


def _ensure_commit(op: Op, commit: str, *, fetched: bool = False) -> None:
    """Make `commit` present in this replica's clone: from the remote, else from the unpushed
    objects kept in the store (a commit another replica made)."""
    repo = _repo()
    if repo.has_commit(op.repo, commit):
        return
    if not fetched:
        repo.fetch(op.repo, op.creds)
    if not repo.has_commit(op.repo, commit):
        repo.write_objects(op.repo, handler.kept_objects(op.ctx, op.app.id))
    if not repo.has_commit(op.repo, commit):
        raise GitError(f"Commit {commit[:12]} of this application is neither on the remote nor kept in the store.")


def _switch(
    op: Op, kind: str, commit: str, *, document: dict[str, Any] | None, summary: dict[str, Any]
) -> EditStateReport | None:
    """Steps 2-4: journal, move the branch, switch the store (see the module docstring)."""
    repo = _repo()
    libraries = _library_codes(op.ctx, op.app, document) if document is not None else None
    report = None
    branch, previous = op.conn.current_branch, op.conn.head_commit
    with _session(op.ctx) as journal:
        operation = handler.start_operation(journal, op.app.id, kind, branch, previous, commit,
                                            replaces_edit_state=document is not None)
        operation_id = operation.id
        handler.keep_objects(journal, op.app.id, commit, repo.new_objects(op.repo, commit))
    repo.set_branch(op.repo, branch, commit)
    if os.environ.get(TEST_KILL_VARIABLE) == "after-ref":
        os.kill(os.getpid(), signal.SIGKILL)
    try:
        with _session(op.ctx) as tx:
            app = tx.db.get(Application, op.app.id)
            conn = handler.connection(tx, op.app.id)
            assert app is not None
            if document is not None:
                report = handler.load_edit_state(tx, app, document, libraries)
            conn.head_commit = commit
            conn.pending_merge = None
            handler.finish_operation(tx, operation_id)
            record(tx, f"git.{kind}", "application", app.id, app.name, workspace_id=app.workspace_id,
                   summary={"branch": branch, "commit": commit, **summary})
    except BaseException:
        # The store refused (an invalid page): put the branch back, so both still agree.
        if previous:
            repo.set_branch(op.repo, branch, previous)
        else:
            repo.delete_branch(op.repo, branch)
        with _session(op.ctx) as journal:
            handler.finish_operation(journal, operation_id, "abandoned")
        raise
    op.conn.head_commit = commit
    return report


def _author(ctx: Context) -> tuple[str, str]:
    user = require_user(ctx)
    return user.name or user.email, user.email


def _head_files(op: Op) -> dict[str, bytes] | None:
    files: dict[str, bytes] | None = _repo().read_folder(op.repo, op.conn.head_commit, op.conn.folder)
    return files


def _is_clean(op: Op) -> bool:
    head = _head_files(op)
    return handler.edit_files(op.ctx, op.app, head) == (head or {})


def _require_no_merge(conn: GitConnection) -> None:
    if conn.pending_merge is not None:
        raise MergePending("A merge is waiting for its conflicts to be resolved: complete or abort it first.")


def _developer(ctx: Context, application_id: str) -> Application:
    app, _ = require_app(ctx, application_id, Role.DEVELOPER)
    return app


def _audit(ctx: Context, action: str, app: Application, summary: dict[str, Any]) -> None:
    with _session(ctx) as tx:
        record(tx, action, "application", app.id, app.name, workspace_id=app.workspace_id, summary=summary)


# --- connecting --------------------------------------------------------------------------------------


def get_connection(ctx: Context, application_id: str) -> dict[str, Any]:
    _developer(ctx, application_id)
    row = ctx.db.get(GitConnection, application_id)
    if row is None:
        return {"connected": False, "remoteUrl": "", "authKind": "none", "username": "", "hasToken": False,
                "publicKey": None, "hostKeys": [], "folder": "", "defaultBranch": "main", "currentBranch": "main",
                "publishedBranch": "main", "protectedBranches": [], "autoCommitOnPublish": False,
                "headCommit": None, "mergePending": False}
    return _conn_out(row)


def _ed25519_pair(comment: str) -> tuple[str, str]:
    # cryptography loads on first use (see lowcraft.crypto): only making a key needs it here.
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    return private, f"{public} {comment}"


def create_deploy_key(ctx: Context, application_id: str) -> str:
    """A new ed25519 deploy key for the app (replacing any before): the public key, to add to the
    repository with write access; the private key stays encrypted in the store."""
    app = _developer(ctx, application_id)
    private, public = _ed25519_pair(f"lowcraft-{app.slug}")
    row = ctx.db.get(GitConnection, application_id)
    if row is None:
        row = GitConnection(application_id=application_id)
        ctx.db.add(row)
    row.ssh_private_encrypted = handler.seal(ctx, application_id, "ssh-key", private)
    row.ssh_public_key = public
    record(ctx, "git.deploy_key_created", "application", app.id, app.name, workspace_id=app.workspace_id,
           summary={"fingerprint": _fingerprint(public)})
    return public


def _fingerprint(public: str) -> str:
    raw = base64.b64decode(public.split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")


@dataclass
class ConnectRequest:
    remote_url: str
    auth: str  # token | ssh
    username: str = ""
    token: str = ""
    branch: str | None = None
    folder: str = ""
    use_repository: bool = False
    host_key: str = ""
    """SSH: the server's host key as the Git host publishes it; empty reads it from the server."""


def _pins(request_key: str, url: str) -> tuple[list[hostkeys.HostKey], str]:
    """The host keys to pin for an SSH remote: those pasted, else those the server presents now
    (trust on first use; the fingerprints are shown to compare with the Git host's)."""
    if request_key.strip():
        return hostkeys.parse(request_key), "pasted"
    host, port = _host_port(url)
    return hostkeys.scan(host, port), "scanned"


def _host_port(url: str) -> tuple[str, int]:
    scp = _SCP_LIKE.match(url)
    if scp:
        return scp["host"], 22
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http", "ssh") or not parts.hostname:
        raise ValidationFailed(
            "The remote must be an https://, http:// or ssh:// URL, or user@host:path.", details={"field": "remoteUrl"}
        )
    if parts.password is not None or (parts.username and parts.scheme in ("http", "https")):
        raise ValidationFailed("Give the user name and token in their own fields, not in the remote's URL.",
                               details={"field": "remoteUrl"})
    try:
        port = parts.port
    except ValueError:
        raise ValidationFailed("The remote's port is not a number.", details={"field": "remoteUrl"}) from None
    return parts.hostname, port or {"https": 443, "http": 80, "ssh": 22}[parts.scheme]


def _check_remote(ctx: Context, app: Application, url: str) -> None:
    """The remote's host must be one the workspace's datasources could reach (no cloud metadata,
    no private networks unless allowed, never the instance's own store)."""
    host, port = _host_port(url)
    private = ctx.db.get(Workspace, app.workspace_id)
    policy = ctx.runtime.workspace_policy(app.workspace_id, private.allow_private_networks if private else None)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise GitRemoteUnreachable(f"The host name {host} could not be resolved.") from None
    try:
        for info in infos:
            check_address(str(info[4][0]), policy, port, name=host)
    except ConnectorError as exc:
        raise GitRemoteUnreachable(f"Lowcraft may not connect to {host}: {exc.message}") from None


def _folder(value: str) -> str:
    parts = [p for p in value.strip().strip("/").split("/") if p]
    if any(p in (".", "..") or p.startswith(".git") for p in parts) or len(value) > 300:
        raise ValidationFailed("The folder must be a relative path inside the repository.", details={"field": "folder"})
    return "/".join(parts)


def _branch_name(name: str, field: str = "branch") -> str:
    if not _BRANCH.match(name) or name.endswith(".lock") or name.startswith("-"):
        raise ValidationFailed(f"'{name[:100]}' is not a valid branch name.", details={"field": field})
    return name


def connect(ctx: Context, application_id: str, request: ConnectRequest) -> dict[str, Any]:
    """Connect the app to a repository. An empty repository (or one without the app's folder)
    gets the app as its first commit, pushed; a folder holding a Lowcraft app is loaded as the
    edit state when `use_repository` says so. A wrong token, an unreachable remote or a folder
    that is not a Lowcraft app is refused and changes nothing."""
    app = _developer(ctx, application_id)
    user = require_user(ctx)
    url = request.remote_url.strip()
    folder = _folder(request.folder)
    if request.branch is not None:
        _branch_name(request.branch)
    row = ctx.db.get(GitConnection, application_id)
    if row is not None and row.remote_url:
        raise GitError("This application is already connected: disconnect it first.", code="git_already_connected")
    if request.auth == "token":
        if not request.token:
            raise ValidationFailed("Give the token the remote accepts.", details={"field": "token"})
    elif request.auth == "ssh":
        if row is None or not row.ssh_private_encrypted:
            raise ValidationFailed("Make a deploy key first and add its public key to the repository.",
                                   details={"field": "auth"})
        if _SCP_LIKE.match(url) is None and not url.startswith("ssh://"):
            raise ValidationFailed("A deploy key needs an ssh:// or user@host:path remote.", details={"field": "remoteUrl"})
    elif request.host_key.strip():
        raise ValidationFailed("A host key is pinned for SSH remotes only.", details={"field": "hostKey"})
    _check_remote(ctx, app, url)
    pins, pinned_how = _pins(request.host_key, url) if request.auth == "ssh" else ([], "")
    repo = _repo()
    creds = repo.Credentials(
        kind=request.auth, username=request.username or ("git" if request.auth == "ssh" else "x-access-token"),
        token=request.token,
        ssh_private_key=handler.unseal(ctx, application_id, "ssh-key", row.ssh_private_encrypted) if row else "",
        ssh_public_key=row.ssh_public_key if row else "",
        host_keys=tuple(pins), ssh_home=str(_ssh_home(ctx)), timeout=_timeout(ctx),
    )
    with application_lock(ctx.runtime.db, _git_dir(ctx) / "locks", application_id, _timeout(ctx)):
        path = _clone_path(ctx, application_id)
        staging = path.with_name(path.name + ".connecting")
        repo.remove_clone(staging)
        try:
            clone = repo.init_clone(staging, url)
            repo.fetch(clone, creds)
            remote = repo.remote_branches(clone)
            branch = request.branch or next((b for b in ("main", "master") if b in remote), None) or (
                sorted(remote)[0] if remote else "main")
            tip = remote.get(branch)
            if request.branch is not None and tip is None and remote:
                raise GitError(f"The remote has no branch '{branch}'.", code="git_branch_not_found")
            existing = repo.read_folder(clone, tip, folder)
            document: dict[str, Any] | None = None
            libraries: DocumentLibraries | None = None
            if existing:
                try:
                    document = handler.document_of(existing)
                except InvalidDocument as exc:
                    where = f"Folder '{folder}'" if folder else "The repository's root"
                    raise NotALowcraftApp(
                        f"{where} of branch '{branch}' does not hold a Lowcraft application: {exc.message}",
                        details={"path": exc.details.get("path")},
                    ) from None
                if not request.use_repository:
                    raise GitError(
                        f"Branch '{branch}' already holds an application in {folder or 'the root'}: connect with "
                        "useRepository to load it as this app's edit state, or choose another folder.",
                        code="git_folder_taken",
                    )
                libraries = _library_codes(ctx, app, document)
                head = tip
                repo.set_branch(clone, branch, tip)
            else:
                files = handler.edit_files(ctx, app, None)
                root = repo.commit_tree(clone, tip) if tip else None
                tree = repo.replace_folder(clone, root, folder, files)
                head = repo.make_commit(clone, tree, [tip] if tip else [], _author(ctx),
                                        f"Add {app.name} from Lowcraft")
                repo.set_branch(clone, branch, head)
                repo.push(clone, creds, [f"refs/heads/{branch}:refs/heads/{branch}"])
                repo.fetch(clone, creds)
        except BaseException:
            repo.remove_clone(staging)
            raise
        repo.remove_clone(path)
        staging.rename(path)
        if row is None:
            row = GitConnection(application_id=application_id)
            ctx.db.add(row)
        row.remote_url, row.auth_kind, row.username = url, request.auth, creds.username
        row.token_encrypted = handler.seal(ctx, application_id, "token", request.token) if request.auth == "token" else None
        row.ssh_host_keys = hostkeys.dump(pins) if pins else None
        row.folder, row.default_branch, row.current_branch = folder, branch, branch
        row.head_commit, row.pending_merge, row.connected_by = head, None, user.id
        if document is not None:
            handler.load_edit_state(ctx, app, document, libraries)
        record(ctx, "git.connected", "application", app.id, app.name, workspace_id=app.workspace_id,
               summary={"remote": _safe_url(url), "branch": branch, "folder": folder, "auth": request.auth,
                        "loadedFromRepository": document is not None,
                        **({"hostFingerprints": [k.fingerprint for k in pins], "pinnedFrom": pinned_how} if pins else {})})
        ctx.db.flush()
    return _conn_out(row)


def _safe_url(url: str) -> str:
    """The remote without any credentials written into it."""
    parts = urlsplit(url)
    if parts.password or (parts.username and parts.scheme in ("http", "https")):
        return parts._replace(netloc=parts.hostname or "").geturl()
    return url


def pin_host_key(ctx: Context, application_id: str, host_key: str = "") -> dict[str, Any]:
    """Pin the SSH server's host key again (Developers; audited with both fingerprints): the one
    pasted, else the one the server presents now. The new pin must let a connection through
    (the key checked, the deploy key accepted), else nothing changes."""
    app = _developer(ctx, application_id)
    row = handler.connection(ctx, application_id)
    if row.auth_kind != "ssh":
        raise ValidationFailed("This application's remote is not an SSH remote: it has no host key to pin.",
                               details={"field": "hostKey"})
    _check_remote(ctx, app, row.remote_url)
    pins, pinned_how = _pins(host_key, row.remote_url)
    previous = hostkeys.load(row.ssh_host_keys)
    with application_lock(ctx.runtime.db, _git_dir(ctx) / "locks", application_id, _timeout(ctx)):
        scratch = _git_dir(ctx) / "clones" / f"{application_id}.pinning"
        _repo().check_connection(scratch, row.remote_url, _credentials(ctx, row, pins))
        row.ssh_host_keys = hostkeys.dump(pins)
        host, port = _host_port(row.remote_url)
        record(ctx, "git.host_key_pinned", "application", app.id, app.name, workspace_id=app.workspace_id,
               summary={"host": hostkeys.host_pattern(host, port), "previous": [k.fingerprint for k in previous],
                        "pinned": [k.fingerprint for k in pins], "from": pinned_how})
        ctx.db.flush()
    return _conn_out(row)


def disconnect(ctx: Context, application_id: str) -> None:
    """Forget the repository (the app keeps its edit state; the remote is untouched)."""
    app = _developer(ctx, application_id)
    row = handler.connection(ctx, application_id)
    with application_lock(ctx.runtime.db, _git_dir(ctx) / "locks", application_id, _timeout(ctx)):
        ctx.db.delete(row)
        for state in handler.branch_states(ctx, application_id).values():
            ctx.db.delete(state)
        handler.drop_objects(ctx, application_id, handler.kept_commits(ctx, application_id))
        record(ctx, "git.disconnected", "application", app.id, app.name, workspace_id=app.workspace_id,
               summary={"remote": _safe_url(row.remote_url)})
        ctx.db.flush()
        _repo().remove_clone(_clone_path(ctx, application_id))


def update_settings(ctx: Context, application_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Auto-commit on publish and the published branch (Developers); protected branches
    (workspace administrators)."""
    app, role = require_app(ctx, application_id, Role.DEVELOPER)
    row = handler.connection(ctx, application_id)
    if "protectedBranches" in changes:
        if not role.allows(Role.ADMINISTRATOR):
            raise PermissionDenied("Only workspace administrators choose protected branches.")
        row.protected_branches = sorted({_branch_name(b, "protectedBranches") for b in changes["protectedBranches"]})
    if "autoCommitOnPublish" in changes:
        row.auto_commit_on_publish = bool(changes["autoCommitOnPublish"])
    if "publishedBranch" in changes:
        value = changes["publishedBranch"]
        row.published_branch = _branch_name(value, "publishedBranch") if value else None
    record(ctx, "git.settings_changed", "application", app.id, app.name, workspace_id=app.workspace_id,
           summary=changes)
    return _conn_out(row)


# --- status, commit, push, discard ------------------------------------------------------------------


def status(ctx: Context, application_id: str, *, fetch: bool = False) -> dict[str, Any]:
    """What changed since the head commit (entity by entity), and ahead/behind the remote branch."""
    _developer(ctx, application_id)
    with _operation(ctx, application_id, fetch=fetch) as op:
        repo = _repo()
        head_files = _head_files(op)
        edit = handler.edit_document(op.ctx, op.app, head_files)
        before = handler.document_of(head_files) if head_files else None
        changes = [c.to_dict() for c in entities.diff(before, edit)] if before else [
            {"id": "application", "kind": "application", "page": "", "name": "", "change": "added"}]
        ahead, behind = repo.ahead_behind(op.repo, op.conn.head_commit, repo.remote_tip(op.repo, op.conn.current_branch))
        return {**_conn_out(op.conn), "clean": not changes, "changes": changes, "ahead": ahead, "behind": behind}


def commit(ctx: Context, application_id: str, message: str) -> dict[str, Any]:
    """Commit the edit state to the current branch, with the caller as author."""
    _developer(ctx, application_id)
    message = message.strip()
    if not message:
        raise ValidationFailed("A commit needs a message.", details={"field": "message"})
    with _operation(ctx, application_id) as op:
        return _commit(op, message)


def _commit(op: Op, message: str) -> dict[str, Any]:
    repo = _repo()
    _require_no_merge(op.conn)
    branch = op.conn.current_branch
    if branch in (op.conn.protected_branches or []):
        raise BranchProtected(f"Branch '{branch}' is protected: commit on another branch and merge it.")
    head_files = _head_files(op) or {}
    files = handler.edit_files(op.ctx, op.app, head_files)
    if files == head_files:
        return {"commit": None, "branch": branch, "changed": 0}
    before = handler.document_of(head_files) if head_files else None
    changed = len(entities.diff(before, handler.document_of(files))) if before else len(files)
    root = repo.commit_tree(op.repo, op.conn.head_commit) if op.conn.head_commit else None
    tree = repo.replace_folder(op.repo, root, op.conn.folder, files)
    parents = [op.conn.head_commit] if op.conn.head_commit else []
    new = repo.make_commit(op.repo, tree, parents, _author(op.ctx), message)
    _switch(op, "commit", new, document=None, summary={"message": message[:200], "changed": changed})
    return {"commit": new, "branch": branch, "changed": changed}


def push(ctx: Context, application_id: str) -> dict[str, Any]:
    _developer(ctx, application_id)
    with _operation(ctx, application_id) as op:
        repo = _repo()
        branch = op.conn.current_branch
        if not op.conn.head_commit:
            raise GitError("Nothing to push: the branch has no commit yet.")
        repo.push(op.repo, op.creds, [f"refs/heads/{branch}:refs/heads/{branch}"])
        repo.fetch(op.repo, op.creds)
        _forget_pushed(op, op.conn.head_commit)
        _audit(op.ctx, "git.pushed", op.app, {"branch": branch, "commit": op.conn.head_commit})
        return {"branch": branch, "commit": op.conn.head_commit}


def _forget_pushed(op: Op, tip: str) -> None:
    """The store no longer keeps objects of commits the remote now has."""
    repo = _repo()
    with _session(op.ctx) as tx:
        pushed = {c for c in handler.kept_commits(tx, op.app.id)
                  if repo.has_commit(op.repo, c) and repo.is_ancestor(op.repo, c, tip)}
        handler.drop_objects(tx, op.app.id, pushed)


def discard(ctx: Context, application_id: str) -> dict[str, Any]:
    """Put the edit state back to the head commit's tree (uncommitted changes are dropped)."""
    _developer(ctx, application_id)
    with _operation(ctx, application_id) as op:
        files = _head_files(op)
        if not files:
            raise GitError("The branch has no commit of this application to go back to.")
        document = handler.document_of(files)
        libraries = _library_codes(op.ctx, op.app, document)
        with _session(op.ctx) as tx:
            app = tx.db.get(Application, op.app.id)
            assert app is not None
            handler.load_edit_state(tx, app, document, libraries)
            record(tx, "git.discarded", "application", app.id, app.name, workspace_id=app.workspace_id,
                   summary={"branch": op.conn.current_branch, "commit": op.conn.head_commit})
        return {"branch": op.conn.current_branch, "commit": op.conn.head_commit}


# --- pull and merge ---------------------------------------------------------------------------------


def pull(ctx: Context, application_id: str) -> Outcome:
    """Fetch, then fast-forward or merge the remote branch into the current one (in memory)."""
    _developer(ctx, application_id)
    with _operation(ctx, application_id, fetch=True) as op:
        theirs = _repo().remote_tip(op.repo, op.conn.current_branch)
        return _merge(op, theirs, "pull", f"origin/{op.conn.current_branch}")


def merge(ctx: Context, application_id: str, source: str) -> Outcome:
    """Merge branch `source` (local, else the remote's) into the current branch; the way into a
    protected branch."""
    _developer(ctx, application_id)
    _branch_name(source, "source")
    with _operation(ctx, application_id, fetch=True) as op:
        repo = _repo()
        if source == op.conn.current_branch:
            raise ValidationFailed("A branch cannot be merged into itself.", details={"field": "source"})
        state = handler.stored_state(op.ctx, application_id, source)
        if state is not None and state.head_commit:
            _ensure_commit(op, state.head_commit, fetched=True)
        theirs = (state.head_commit if state is not None else None) or repo.branch_tip(op.repo, source) or repo.remote_tip(
            op.repo, source)
        if theirs is None:
            raise BranchNotFound(f"There is no branch '{source}'.")
        state_head = repo.read_folder(op.repo, state.head_commit, op.conn.folder) if state is not None else None
        if state is not None and handler.document_of(document_to_files(
            handler.with_recorded_settings(state.document, state_head))) != handler.document_of(state_head or {}):
            raise UncommittedChanges(f"Branch '{source}' has uncommitted changes: switch to it and commit them first.")
        return _merge(op, theirs, "merge", source)


def _merge(op: Op, theirs: str | None, kind: str, source: str) -> Outcome:
    repo = _repo()
    _require_no_merge(op.conn)
    ours = op.conn.head_commit
    if theirs is None or theirs == ours or (ours and repo.is_ancestor(op.repo, theirs, ours)):
        return Outcome("up-to-date", ours)
    if not _is_clean(op):
        raise UncommittedChanges("The app has uncommitted changes: commit or discard them before pulling or merging.")
    theirs_files = repo.read_folder(op.repo, theirs, op.conn.folder)
    if not theirs_files:
        raise NotALowcraftApp(f"{source} has no application in {op.conn.folder or 'the root'}.")
    try:
        theirs_doc = handler.document_of(theirs_files)
    except InvalidDocument as exc:
        raise NotALowcraftApp(f"{source} holds an application Lowcraft cannot load: {exc.message}",
                              details=exc.details) from None
    if ours is None or repo.is_ancestor(op.repo, ours, theirs):
        report = _switch(op, kind, theirs, document=theirs_doc, summary={"source": source, "result": "fast-forward"})
        return Outcome("fast-forward", theirs, report=report)
    base = repo.merge_base(op.repo, ours, theirs)
    base_doc = handler.document_of(repo.read_folder(op.repo, base, op.conn.folder) or {}) if base else _empty_like(theirs_doc)
    ours_doc = handler.document_of(_head_files(op) or {})
    result = entities.three_way(base_doc, ours_doc, theirs_doc)
    if result.conflicts:
        pending = {"kind": kind, "source": source, "ours": ours, "theirs": theirs, "base": base,
                   "conflicts": [{**c.to_dict(), "resolution": None} for c in result.conflicts]}
        with _session(op.ctx) as tx:
            conn = handler.connection(tx, op.app.id)
            conn.pending_merge = pending
            record(tx, f"git.{kind}_conflicts", "application", op.app.id, op.app.name, workspace_id=op.app.workspace_id,
                   summary={"source": source, "conflicts": [c.key.id for c in result.conflicts][:50]})
        return Outcome("conflicts", None, pending["conflicts"])
    return _complete(op, base, theirs, result.merged, result.orders, kind, source)


def _empty_like(document: dict[str, Any]) -> dict[str, Any]:
    return {"application": {}, "datasources": [], "pages": []}


def _complete(
    op: Op, base: str | None, theirs: str, merged: entities.Entities, orders: dict[str, dict[str, list[str]]],
    kind: str, source: str,
) -> Outcome:
    repo = _repo()
    ours = op.conn.head_commit
    assert ours is not None
    try:
        document = handler.document_of(document_to_files(parse_document(entities.assemble(merged, orders)).model_dump(
            by_alias=True, exclude_none=True)))
    except (entities.Unassembled, BadRequest) as exc:
        message = exc.message if isinstance(exc, BadRequest) else str(exc)
        raise UnresolvedConflicts(f"The merged application is not valid: {message}") from None
    files = document_to_files(document)
    root = repo.merged_root(op.repo, base, ours, theirs, op.conn.folder)
    tree = repo.replace_folder(op.repo, root, op.conn.folder, files)
    message = f"Merge {source} into {op.conn.current_branch}"
    new = repo.make_commit(op.repo, tree, [ours, theirs], _author(op.ctx), message)
    report = _switch(op, kind, new, document=document, summary={"source": source, "result": "merged"})
    return Outcome("merged", new, report=report)


def get_merge(ctx: Context, application_id: str) -> dict[str, Any]:
    _developer(ctx, application_id)
    conn = handler.connection(ctx, application_id)
    if conn.pending_merge is None:
        raise NoMergePending("No merge is waiting for resolutions.")
    return dict(conn.pending_merge)


def resolve(ctx: Context, application_id: str, conflict_id: str, choice: str, value: Any = None) -> dict[str, Any]:
    """Keep mine, take theirs, or give the entity's value (`edit`; null deletes it)."""
    app = _developer(ctx, application_id)
    conn = handler.connection(ctx, application_id)
    if conn.pending_merge is None:
        raise NoMergePending("No merge is waiting for resolutions.")
    pending = dict(conn.pending_merge)
    conflicts = [dict(c) for c in pending["conflicts"]]
    target = next((c for c in conflicts if c["id"] == conflict_id), None)
    if target is None:
        raise ValidationFailed(f"The merge has no conflict '{conflict_id[:200]}'.", details={"field": "conflictId"})
    if choice == "edit":
        if value is not None and not isinstance(value, dict):
            raise ValidationFailed("An edited entity is a JSON object (or null to delete it).", details={"field": "value"})
        target["resolution"] = {"choice": "edit", "value": value}
    else:
        target["resolution"] = {"choice": choice}
    pending["conflicts"] = conflicts
    conn.pending_merge = pending
    record(ctx, "git.conflict_resolved", "application", app.id, app.name, workspace_id=app.workspace_id,
           summary={"conflict": conflict_id, "choice": choice})
    return pending


def complete_merge(ctx: Context, application_id: str) -> Outcome:
    """Finish the waiting merge once every conflict has a resolution."""
    _developer(ctx, application_id)
    with _operation(ctx, application_id) as op:
        pending = op.conn.pending_merge
        if pending is None:
            raise NoMergePending("No merge is waiting for resolutions.")
        open_ids = [c["id"] for c in pending["conflicts"] if c.get("resolution") is None]
        if open_ids:
            raise UnresolvedConflicts(f"{len(open_ids)} conflicts still need a resolution.",
                                      details={"conflicts": open_ids[:50]})
        if op.conn.head_commit != pending["ours"]:
            raise GitError("The branch moved since the merge started: abort it and pull again.")
        if not _is_clean(op):
            raise UncommittedChanges(
                "The app was edited while the merge waited: commit or discard those edits, then abort and merge again."
            )
        repo = _repo()
        files = {side: repo.read_folder(op.repo, pending[side], op.conn.folder) or {} for side in ("ours", "theirs")}
        base_files = repo.read_folder(op.repo, pending["base"], op.conn.folder) if pending["base"] else None
        theirs_doc = handler.document_of(files["theirs"])
        base_doc = handler.document_of(base_files) if base_files else _empty_like(theirs_doc)
        result = entities.three_way(base_doc, handler.document_of(files["ours"]), theirs_doc)
        merged = dict(result.merged)
        for conflict in pending["conflicts"]:
            key = entities.EntityKey.parse(conflict["id"])
            resolution = conflict["resolution"]
            chosen = {"mine": conflict["mine"], "theirs": conflict["theirs"]}.get(
                resolution["choice"], resolution.get("value"))
            if chosen is None:
                merged.pop(key, None)
            else:
                merged[key] = chosen
        return _complete(op, pending["base"], pending["theirs"], merged, result.orders, pending["kind"],
                         pending["source"])


def abort_merge(ctx: Context, application_id: str) -> None:
    app = _developer(ctx, application_id)
    conn = handler.connection(ctx, application_id)
    if conn.pending_merge is None:
        raise NoMergePending("No merge is waiting for resolutions.")
    source = conn.pending_merge.get("source")
    conn.pending_merge = None
    record(ctx, "git.merge_aborted", "application", app.id, app.name, workspace_id=app.workspace_id,
           summary={"source": source})


# --- branches --------------------------------------------------------------------------------------


def list_branches(ctx: Context, application_id: str, *, fetch: bool = False) -> list[dict[str, Any]]:
    _developer(ctx, application_id)
    with _operation(ctx, application_id, fetch=fetch) as op:
        repo = _repo()
        local, remote = repo.local_branches(op.repo), repo.remote_branches(op.repo)
        states = handler.branch_states(op.ctx, application_id)
        conn = op.conn
        out = []
        for name in sorted(set(local) | set(remote)):
            out.append({
                "name": name, "commit": local.get(name) or remote.get(name), "local": name in local,
                "remote": name in remote, "current": name == conn.current_branch, "default": name == conn.default_branch,
                "protected": name in (conn.protected_branches or []),
                "published": name == (conn.published_branch or conn.default_branch),
                "hasEditState": name in states or name == conn.current_branch,
            })
        return out


def create_branch(ctx: Context, application_id: str, name: str, source: str | None = None) -> dict[str, Any]:
    """A new local branch at `source`'s last commit (default: the current branch)."""
    _developer(ctx, application_id)
    _branch_name(name, "name")
    with _operation(ctx, application_id) as op:
        repo = _repo()
        source = source or op.conn.current_branch
        if repo.branch_tip(op.repo, name) or repo.remote_tip(op.repo, name):
            raise GitError(f"A branch '{name}' exists already.", code="git_branch_exists")
        tip = (op.conn.head_commit if source == op.conn.current_branch else None) or repo.branch_tip(
            op.repo, source) or repo.remote_tip(op.repo, source)
        if tip is None:
            raise BranchNotFound(f"There is no branch '{source}'.")
        repo.set_branch(op.repo, name, tip)
        # Pushed at once: every replica (each with its own clone) sees the branch after a fetch.
        repo.push(op.repo, op.creds, [f"refs/heads/{name}:refs/heads/{name}"])
        repo.fetch(op.repo, op.creds)
        _forget_pushed(op, tip)
        _audit(op.ctx, "git.branch_created", op.app, {"branch": name, "from": source, "commit": tip})
        return {"name": name, "commit": tip, "from": source}


def switch_branch(ctx: Context, application_id: str, name: str) -> dict[str, Any]:
    """Keep the current edit state as its branch's, and load `name`'s (its kept edit state, else
    its last commit)."""
    _developer(ctx, application_id)
    _branch_name(name, "name")
    with _operation(ctx, application_id) as op:
        repo = _repo()
        _require_no_merge(op.conn)
        current = op.conn.current_branch
        if name == current:
            return _conn_out(op.conn)
        state = handler.stored_state(op.ctx, application_id, name)
        if state is not None:
            document, head = state.document, state.head_commit
            if head:
                _ensure_commit(op, head)
        else:
            head = repo.branch_tip(op.repo, name) or repo.remote_tip(op.repo, name)
            if head is None:
                raise BranchNotFound(f"There is no branch '{name}'.")
            files = repo.read_folder(op.repo, head, op.conn.folder)
            if not files:
                raise NotALowcraftApp(f"Branch '{name}' has no application in {op.conn.folder or 'the root'}.")
            document = handler.document_of(files)
        document = _without_ids(document)
        libraries = _library_codes(op.ctx, op.app, document)
        if head is not None:
            repo.set_branch(op.repo, name, head)
        with _session(op.ctx) as tx:
            app = tx.db.get(Application, application_id)
            conn = handler.connection(tx, application_id)
            assert app is not None
            handler.keep_state(tx, app, current, conn.head_commit)
            handler.load_edit_state(tx, app, document, libraries)
            if state is not None:
                tx.db.delete(handler.stored_state(tx, application_id, name))
            conn.current_branch, conn.head_commit = name, head
            record(tx, "git.branch_switched", "application", app.id, app.name, workspace_id=app.workspace_id,
                   summary={"from": current, "to": name})
            out = _conn_out(conn)
        return out


def _without_ids(document: dict[str, Any]) -> dict[str, Any]:
    """A kept edit state (saved with ids) as an importable document."""
    pages = []
    for page in document.get("pages", []):
        entry = {k: v for k, v in page.items() if k != "id"}
        entry["actions"] = [{k: v for k, v in a.items() if k not in ("id", "datasourceId")} for a in page.get("actions", [])]
        entry["jsObjects"] = [{k: v for k, v in j.items() if k != "id"} for j in page.get("jsObjects", [])]
        pages.append(entry)
    return {**document, "pages": pages}


def delete_branch(ctx: Context, application_id: str, name: str, *, remote: bool = False) -> None:
    _developer(ctx, application_id)
    _branch_name(name, "name")
    with _operation(ctx, application_id) as op:
        repo = _repo()
        conn = op.conn
        if name in (conn.current_branch, conn.default_branch, conn.published_branch):
            raise GitError(f"Branch '{name}' is the current, default or published branch: it cannot be deleted.",
                           code="git_branch_in_use")
        if name in (conn.protected_branches or []):
            raise BranchProtected(f"Branch '{name}' is protected.")
        if repo.branch_tip(op.repo, name) is None and repo.remote_tip(op.repo, name) is None:
            raise BranchNotFound(f"There is no branch '{name}'.")
        if remote and repo.remote_tip(op.repo, name) is not None:
            repo.push(op.repo, op.creds, [f":refs/heads/{name}"])
            repo.fetch(op.repo, op.creds)
        repo.delete_branch(op.repo, name)
        with _session(op.ctx) as tx:
            state = handler.stored_state(tx, application_id, name)
            if state is not None:
                tx.db.delete(state)
            record(tx, "git.branch_deleted", "application", op.app.id, op.app.name,
                   workspace_id=op.app.workspace_id, summary={"branch": name, "remote": remote})


# --- publishing --------------------------------------------------------------------------------------


def published_document(ctx: Context, app: Application) -> dict[str, Any] | None:
    """What Publish snapshots for a connected app whose published branch is not the current one:
    that branch's kept edit state. None: publish the edit state as usual."""
    conn = ctx.db.get(GitConnection, app.id)
    if conn is None or not conn.remote_url:
        return None
    published = conn.published_branch or conn.default_branch
    if published == conn.current_branch:
        return None
    state = handler.stored_state(ctx, app.id, published)
    if state is None:
        raise GitError(
            f"The published branch '{published}' has no edit state on this server yet: switch to it once, then publish.",
            code="git_published_branch_unavailable",
        )
    return dict(state.document)


def commit_after_publish(ctx: Context, application_id: str) -> None:
    """Auto-commit on publish (when the connection asks for it): the published edit state becomes a
    commit on the current branch. Runs after the publish committed; a failure is logged and audited,
    the publish stands."""
    with ctx.runtime.db.session() as db:
        conn = db.get(GitConnection, application_id)
        if conn is None or not conn.remote_url or not conn.auto_commit_on_publish:
            return
        if conn.current_branch in (conn.protected_branches or []):
            return
    try:
        with _operation(ctx, application_id) as op:
            _commit(op, "Publish")
    except Exception as exc:  # the publish itself succeeded; say why the commit did not happen
        log.warning("git: auto-commit on publish of %s failed: %s", application_id, exc)
        with ctx.runtime.db.session() as db:
            app = db.get(Application, application_id)
            if app is not None:
                record(dataclasses.replace(ctx, db=db), "git.auto_commit_failed", "application", app.id, app.name,
                       workspace_id=app.workspace_id, summary={"reason": str(exc)[:300]})


apps_service.publish_sources.append(published_document)
apps_service.after_publish.append(commit_after_publish)
