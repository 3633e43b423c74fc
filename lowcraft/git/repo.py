"""The repository side of Git sync, on pygit2 (libgit2): bare clones under the data directory's
`git/`, fetch and push with a token or a deploy key, trees written and read in memory, commits.

Nothing here touches the store or checks permissions: `lowcraft.git.service` calls it while it
holds the application's lock. This module imports pygit2 at the top and is itself imported on
the first Git operation, so a server start never loads libgit2.

Clones are bare (no working directory, no index): a commit is blobs and trees written straight
into the object database, and a merge happens in memory, so there is never a half-merged
working tree to clean up - only lock files a killed process left, which `clear_stale_locks`
removes once they are older than the operation timeout.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pygit2
from pygit2.enums import CredentialType, ObjectType

from lowcraft.git import hostkeys
from lowcraft.git.errors import (
    GitAuthFailed,
    GitError,
    GitHostKeyMismatch,
    GitRemoteUnreachable,
    PushRejected,
)
from lowcraft.git.hostkeys import HostKey

log = logging.getLogger("lowcraft.git")

REMOTE = "origin"
_LOCK_SUFFIX = ".lock"


@dataclass(frozen=True)
class Credentials:
    """How to authenticate to the remote (decrypted just for the operation, never logged)."""

    kind: str  # token | ssh | none
    username: str = ""
    token: str = ""
    ssh_private_key: str = ""
    ssh_public_key: str = ""
    host_keys: tuple[HostKey, ...] = ()
    """SSH remotes: the host keys pinned for the app; a server presenting another is refused."""
    ssh_home: str = ""
    """SSH remotes: the home directory libgit2 reads `.ssh/known_hosts` from (under the data directory)."""
    timeout: float = 60


class _Callbacks(pygit2.RemoteCallbacks):
    def __init__(self, credentials: Credentials, hold: hostkeys.Hold | None = None) -> None:
        super().__init__()
        self._credentials = credentials
        self._attempts = 0
        self._hold = hold
        self.rejected: dict[str, str] = {}
        self.host_key_refused = False
        self.unchecked_connection = False

    def credentials(
        self, url: str, username_from_url: str | None, allowed_types: CredentialType
    ) -> pygit2.UserPass | pygit2.KeypairFromMemory:
        self._attempts += 1
        creds = self._credentials
        if self._attempts > 1:  # the remote refused what we gave: do not loop
            raise GitAuthFailed(_refused(creds))
        if creds.kind == "ssh" and allowed_types & CredentialType.SSH_KEY:
            return pygit2.KeypairFromMemory(username_from_url or "git", creds.ssh_public_key, creds.ssh_private_key, "")
        if creds.kind == "token" and allowed_types & CredentialType.USERPASS_PLAINTEXT:
            return pygit2.UserPass(creds.username or "git", creds.token)
        raise GitAuthFailed(_refused(creds))

    def certificate_check(self, certificate: None, valid: bool, host: bytes) -> bool:
        # HTTPS: what the TLS library verified. SSH: `valid` is libssh2's match of the server's key
        # against the known_hosts file holding exactly this app's pins (written for this
        # connection, under the hold); the hold ends here, once the key was checked.
        if self._hold is None:
            return valid
        first = not self._hold.released
        self._hold.release()
        if not first:
            self.unchecked_connection = True  # a second connection: the file is no longer ours
            return False
        if not valid:
            self.host_key_refused = True
        return valid

    def push_update_reference(self, refname: str, message: str | None) -> None:
        if message:
            self.rejected[refname] = message


def _refused(creds: Credentials) -> str:
    if creds.kind == "ssh":
        return "The remote refused the deploy key: add its public key to the repository with write access."
    if creds.kind == "token":
        return "The remote refused the token: check that it is valid and may read and write the repository."
    return "The remote asks for credentials: connect with a token or a deploy key."


_AUTH_HINTS = ("authentication", "401", "403", "credentials", "permission denied", "publickey")
_UNREACHABLE_HINTS = ("resolve", "connect", "refused", "timed out", "404", "not found", "unreachable",
                      "failed to send request", "not appear to be a git repository", "unsupported url protocol",
                      "invalid http", "ssl", "eof", "ssh", "handshake", "reset by peer", "cannot redirect")


def _translate(exc: Exception, creds: Credentials, url: str) -> Exception:
    if isinstance(exc, (GitAuthFailed, GitRemoteUnreachable, PushRejected, GitHostKeyMismatch)):
        return exc
    text = str(exc).lower()
    if any(h in text for h in _AUTH_HINTS):
        return GitAuthFailed(_refused(creds))
    if any(h in text for h in _UNREACHABLE_HINTS):
        return GitRemoteUnreachable(f"The remote {url} could not be reached as a Git repository ({str(exc)[:200]}).")
    return GitError(f"Git failed: {str(exc)[:300]}")


def _no_redirects(repo: pygit2.Repository) -> pygit2.Repository:
    """libgit2 follows a redirect to another host by default, past the network guard that checked
    the remote's host, and hands that host the token: clones refuse redirects to other hosts."""
    config = repo.config
    if "http.followRedirects" not in config or config.get_bool("http.followRedirects"):
        config["http.followRedirects"] = False
    return repo


def init_clone(path: Path, url: str) -> pygit2.Repository:
    """A new bare repository at `path` with `url` as its remote."""
    repo = pygit2.init_repository(str(path), bare=True)
    repo.remotes.create(REMOTE, url, f"+refs/heads/*:refs/remotes/{REMOTE}/*")
    return _no_redirects(repo)


def open_clone(path: Path) -> pygit2.Repository:
    return _no_redirects(pygit2.Repository(str(path)))


def remove_clone(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def set_remote_url(repo: pygit2.Repository, url: str) -> None:
    repo.remotes.set_url(REMOTE, url)


@contextmanager
def _callbacks(url: str, creds: Credentials) -> Iterator[_Callbacks]:
    """Callbacks for one connection to `url`. An SSH remote is checked against the app's pinned
    host keys: the known_hosts file is held with them until the server's key was checked."""
    address = hostkeys.ssh_address(url)
    if address is None:
        yield _Callbacks(creds)
        return
    if not creds.ssh_home:
        raise GitError("SSH remotes need the data directory's known_hosts home.")
    known = hostkeys.KnownHosts(Path(creds.ssh_home))
    with known.holding(hostkeys.host_pattern(*address), list(creds.host_keys), creds.timeout) as hold:
        if pygit2.settings.homedir != str(known.home):
            pygit2.settings.homedir = str(known.home)  # process-wide: set while holding the file
        callbacks = _Callbacks(creds, hold)
        try:
            yield callbacks
        except (pygit2.GitError, OSError, ValueError) as exc:
            if callbacks.host_key_refused:
                raise hostkeys.mismatch(*address, list(creds.host_keys)) from None
            if not hold.released and "exchange encryption keys" in str(exc).lower():
                # libgit2 offers only the pinned key types: a server with none of them fails the
                # handshake before its key is checked - a changed key as well, when it has no pinned one.
                refusal = hostkeys.mismatch(*address, list(creds.host_keys))
                presented = {k["fingerprint"] for k in refusal.details["presented"]}
                if presented and not presented & {k.fingerprint for k in creds.host_keys}:
                    raise refusal from None
            if callbacks.unchecked_connection:
                raise GitHostKeyMismatch("A second SSH connection opened without its host key check was refused.") from None
            raise


def fetch(repo: pygit2.Repository, creds: Credentials) -> None:
    """Fetch every branch into `refs/remotes/origin/*`, dropping branches the remote deleted."""
    remote = repo.remotes[REMOTE]
    try:
        with _callbacks(remote.url or "", creds) as callbacks:
            remote.fetch(callbacks=callbacks, prune=pygit2.enums.FetchPrune.PRUNE)
    except (pygit2.GitError, OSError, ValueError) as exc:
        raise _translate(exc, creds, remote.url or "") from None


def check_connection(scratch: Path, url: str, creds: Credentials) -> None:
    """Open a connection to `url` and close it (the host key checked, the credentials accepted),
    with a throwaway repository at `scratch`; nothing is fetched."""
    remove_clone(scratch)
    try:
        remote = pygit2.init_repository(str(scratch), bare=True).remotes.create_anonymous(url)
        try:
            with _callbacks(url, creds) as callbacks:
                remote.list_heads(callbacks=callbacks)  # connects once: the handshake and the login
        except (pygit2.GitError, OSError, ValueError) as exc:
            raise _translate(exc, creds, url) from None
    finally:
        remove_clone(scratch)


def push(repo: pygit2.Repository, creds: Credentials, specs: list[str]) -> None:
    remote = repo.remotes[REMOTE]
    try:
        with _callbacks(remote.url or "", creds) as callbacks:
            remote.push(specs, callbacks=callbacks)
    except (pygit2.GitError, OSError, ValueError) as exc:
        text = str(exc).lower()
        if any(h in text for h in ("non-fast", "fastforward", "fast-forward", "rejected", "not present locally")):
            raise PushRejected("The remote has commits this branch lacks: pull first, then push.") from None
        raise _translate(exc, creds, remote.url or "") from None
    if callbacks.rejected:
        ref, message = next(iter(callbacks.rejected.items()))
        raise PushRejected(f"The remote refused {ref}: {message}. Pull first, then push.")


def remote_branches(repo: pygit2.Repository) -> dict[str, str]:
    """Branch name -> commit id of every `refs/remotes/origin/*` (after a fetch)."""
    prefix = f"refs/remotes/{REMOTE}/"
    out = {}
    for name in repo.references:
        if name.startswith(prefix) and not name.endswith("/HEAD"):
            out[name[len(prefix):]] = str(repo.references[name].resolve().target)
    return out


def local_branches(repo: pygit2.Repository) -> dict[str, str]:
    return {name: str(repo.branches.local[name].target) for name in repo.branches.local}


def branch_tip(repo: pygit2.Repository, branch: str) -> str | None:
    ref = repo.references.get(f"refs/heads/{branch}")
    return str(ref.target) if ref is not None else None


def remote_tip(repo: pygit2.Repository, branch: str) -> str | None:
    ref = repo.references.get(f"refs/remotes/{REMOTE}/{branch}")
    return str(ref.resolve().target) if ref is not None else None


def set_branch(repo: pygit2.Repository, branch: str, commit: str) -> None:
    """Point `refs/heads/<branch>` at `commit` (created when missing)."""
    repo.references.create(f"refs/heads/{branch}", pygit2.Oid(hex=commit), force=True)


def delete_branch(repo: pygit2.Repository, branch: str) -> None:
    ref = repo.references.get(f"refs/heads/{branch}")
    if ref is not None:
        ref.delete()


def has_commit(repo: pygit2.Repository, commit: str) -> bool:
    try:
        return repo.get(commit) is not None
    except (ValueError, KeyError):
        return False


def ahead_behind(repo: pygit2.Repository, local: str | None, upstream: str | None) -> tuple[int, int]:
    if local is None:
        return 0, 0
    if upstream is None:
        return sum(1 for _ in repo.walk(pygit2.Oid(hex=local))), 0
    ahead, behind = repo.ahead_behind(pygit2.Oid(hex=local), pygit2.Oid(hex=upstream))
    return int(ahead), int(behind)


def is_ancestor(repo: pygit2.Repository, ancestor: str, descendant: str) -> bool:
    return ancestor == descendant or bool(repo.descendant_of(pygit2.Oid(hex=descendant), pygit2.Oid(hex=ancestor)))


def merge_base(repo: pygit2.Repository, a: str, b: str) -> str | None:
    base = repo.merge_base(pygit2.Oid(hex=a), pygit2.Oid(hex=b))
    return str(base) if base is not None else None


def _parts(folder: str) -> list[str]:
    return [p for p in folder.strip("/").split("/") if p]


def _tree(repo: pygit2.Repository, oid: pygit2.Oid) -> pygit2.Tree:
    tree = repo[oid]
    if not isinstance(tree, pygit2.Tree):
        raise GitError(f"{oid} is not a tree.")
    return tree


def _blob(repo: pygit2.Repository, oid: pygit2.Oid) -> bytes:
    blob = repo[oid]
    if not isinstance(blob, pygit2.Blob):
        raise GitError(f"{oid} is not a file.")
    return bytes(blob.data)


def _subtree(repo: pygit2.Repository, tree: pygit2.Tree, folder: str) -> pygit2.Tree | None:
    for part in _parts(folder):
        if part not in tree:
            return None
        entry = tree[part]
        if entry.type != ObjectType.TREE:
            return None
        tree = _tree(repo, entry.id)
    return tree


def _collect(repo: pygit2.Repository, tree: pygit2.Tree, prefix: str, out: dict[str, bytes]) -> None:
    for entry in tree:
        name = entry.name or ""
        path = f"{prefix}{name}"
        if name.startswith(".") or (not prefix and _beside_app(name, entry.type == ObjectType.TREE)):
            continue  # not the app's: hidden files, notes beside it
        if entry.type == ObjectType.TREE:
            _collect(repo, _tree(repo, entry.id), path + "/", out)
        elif entry.type == ObjectType.BLOB:
            out[path] = _blob(repo, entry.id)


def commit_tree(repo: pygit2.Repository, commit: str) -> pygit2.Tree:
    obj = repo.get(commit)
    if not isinstance(obj, pygit2.Commit):
        raise GitError(f"{commit} is not a commit.")
    return obj.tree


def read_folder(repo: pygit2.Repository, commit: str | None, folder: str) -> dict[str, bytes] | None:
    """The app's files under `folder` in `commit` (paths relative to the folder, without the notes
    and hidden files beside it); None when the folder is absent."""
    if commit is None:
        return None
    tree = _subtree(repo, commit_tree(repo, commit), folder)
    if tree is None:
        return None
    out: dict[str, bytes] = {}
    _collect(repo, tree, "", out)
    return out


def _write_files(repo: pygit2.Repository, files: Mapping[str, bytes]) -> pygit2.Oid:
    """A tree of `files` (relative paths), written into the object database."""
    nested: dict[str, object] = {}
    for path, data in files.items():
        parts = _parts(path)
        node = nested
        for part in parts[:-1]:
            node = node.setdefault(part, {})  # type: ignore[assignment]
            if not isinstance(node, dict):
                raise GitError(f"{path} is both a file and a folder.")
        node[parts[-1]] = data

    def build(node: dict[str, object]) -> pygit2.Oid:
        builder = repo.TreeBuilder()
        for name, value in node.items():
            if isinstance(value, dict):
                builder.insert(name, build(value), pygit2.enums.FileMode.TREE)
            else:
                assert isinstance(value, bytes)
                builder.insert(name, repo.create_blob(value), pygit2.enums.FileMode.BLOB)
        return builder.write()

    return build(nested)


def _beside_app(name: str, is_tree: bool) -> bool:
    """Top-level entries of an app folder that are not the app's (the tree reader skips them too):
    hidden ones, and notes (`README.md`, `*.txt`). A commit keeps them as they are."""
    return name.startswith(".") or (not is_tree and name.lower().endswith((".md", ".txt")))


def replace_folder(repo: pygit2.Repository, root: pygit2.Tree | None, folder: str, files: Mapping[str, bytes]) -> str:
    """The id of `root` with the app in `folder` replaced by exactly `files`; the rest of the
    repository (other apps' folders, notes beside the app) is kept."""
    parts = _parts(folder)
    existing = _subtree(repo, root, folder) if root is not None else None
    subtree = _write_files(repo, files)
    if existing is not None:
        builder = repo.TreeBuilder(_tree(repo, subtree))
        for entry in existing:
            name = entry.name or ""
            if _beside_app(name, entry.type == ObjectType.TREE) and name not in files:
                builder.insert(name, entry.id, entry.filemode)
        subtree = builder.write()
    if not parts:
        return str(subtree)

    def rebuild(tree: pygit2.Tree | None, depth: int) -> pygit2.Oid:
        builder = repo.TreeBuilder(tree) if tree is not None else repo.TreeBuilder()
        name = parts[depth]
        if depth == len(parts) - 1:
            child = subtree
        else:
            nested = None
            if tree is not None and name in tree and tree[name].type == ObjectType.TREE:
                nested = _tree(repo, tree[name].id)
            child = rebuild(nested, depth + 1)
        builder.insert(name, child, pygit2.enums.FileMode.TREE)
        return builder.write()

    return str(rebuild(root, 0))


def make_commit(
    repo: pygit2.Repository, tree: str, parents: list[str], author: tuple[str, str], message: str
) -> str:
    """A commit object (no branch moves: the caller moves it once the store agrees to)."""
    signature = pygit2.Signature(author[0] or author[1], author[1])
    committer = pygit2.Signature("Lowcraft", "lowcraft@localhost")
    oid = repo.create_commit(None, signature, committer, message, pygit2.Oid(hex=tree),
                             [pygit2.Oid(hex=p) for p in parents])
    return str(oid)


def merged_root(repo: pygit2.Repository, base: str | None, ours: str, theirs: str, folder: str) -> pygit2.Tree:
    """The repository outside the app's folder merged in memory (`merge_trees`: other apps of the
    same repository, READMEs); the folder itself is merged entity by entity by the caller."""
    ours_tree, theirs_tree = commit_tree(repo, ours), commit_tree(repo, theirs)
    base_tree = commit_tree(repo, base) if base else _tree(repo, repo.TreeBuilder().write())
    index = repo.merge_trees(base_tree, ours_tree, theirs_tree)
    prefix = "/".join(_parts(folder))
    outside = []
    if index.conflicts is not None:
        for ancestor, mine, other in index.conflicts:
            path = next(e.path for e in (mine, other, ancestor) if e is not None)
            if prefix and not path.startswith(prefix + "/"):
                outside.append(path)
                continue
            relative = path[len(prefix) + 1:] if prefix else path
            first, _, rest = relative.partition("/")
            if first.startswith(".") or _beside_app(first, bool(rest)):
                outside.append(path)  # a note beside the app: not the app's to merge
    if outside:
        raise GitError(f"The repository has conflicting changes outside this application's folder: {', '.join(outside[:5])}.")
    if index.conflicts is not None:
        # Only the app's folder conflicts; its content is replaced by the caller, so drop the entries.
        for path in {next(e.path for e in entries if e is not None) for entries in list(index.conflicts)}:
            del index.conflicts[path]
    tree = repo[index.write_tree(repo)]
    assert isinstance(tree, pygit2.Tree)
    return tree


def new_objects(repo: pygit2.Repository, commit: str) -> list[tuple[str, int, bytes]]:
    """The objects `commit` brought beyond its parents': itself, and the trees and blobs its tree
    does not share with theirs (oid, type, raw data)."""
    obj = repo[pygit2.Oid(hex=commit)]
    assert isinstance(obj, pygit2.Commit)
    known: set[pygit2.Oid] = set()

    def mark(tree: pygit2.Tree) -> None:
        known.add(tree.id)
        for entry in tree:
            known.add(entry.id)
            if entry.type == ObjectType.TREE:
                mark(_tree(repo, entry.id))

    for parent in obj.parents:
        mark(parent.tree)
    out: list[tuple[str, int, bytes]] = []

    def add(oid: pygit2.Oid) -> None:
        raw = repo.odb.read(oid)
        out.append((str(oid), int(raw[0]), bytes(raw[1])))

    def walk(tree: pygit2.Tree) -> None:
        if tree.id in known:
            return
        known.add(tree.id)
        add(tree.id)
        for entry in tree:
            if entry.id in known:
                continue
            if entry.type == ObjectType.TREE:
                walk(_tree(repo, entry.id))
            else:
                known.add(entry.id)
                add(entry.id)

    add(obj.id)
    walk(obj.tree)
    return out


def write_objects(repo: pygit2.Repository, objects: list[tuple[int, bytes]]) -> None:
    for kind, data in objects:
        repo.odb.write(kind, data)


def clear_stale_locks(path: Path, older_than_seconds: float) -> list[str]:
    """Remove lock files (`*.lock`) a killed process left in the clone, once they are older than
    the operation timeout; each removal is logged. Younger ones are left: their owner may be alive."""
    removed: list[str] = []
    if not path.exists():
        return removed
    now = time.time()
    for lock in path.rglob(f"*{_LOCK_SUFFIX}"):
        try:
            age = now - lock.stat().st_mtime
        except FileNotFoundError:
            continue
        if age > older_than_seconds:
            lock.unlink(missing_ok=True)
            log.warning("git: removed stale lock file %s (%.0f s old, older than the %.0f s operation timeout)",
                        lock, age, older_than_seconds)
            removed.append(str(lock.relative_to(path)))
    return removed
