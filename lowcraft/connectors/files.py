"""The files datasources may reach: each workspace has its own folder below every allowed root.

A file-backed connector (one that declares `file_path_field`) receives a policy whose
`file_roots` are the folders of the datasource's workspace, `<root>/<workspace id>/`, never the
shared roots: one workspace cannot name, open or probe another workspace's files. A relative path
is read inside the workspace's (first) folder; an absolute one must resolve, symbolic links
followed, inside one of its folders.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from pathlib import Path

from lowcraft.connectors.base import InstancePolicy
from lowcraft.connectors.errors import FileNotAllowed

_FOLDER_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")

OUTSIDE_HINT = "Use a path inside this workspace's folder, e.g. a file name alone such as 'orders.db'."


def workspace_policy(policy: InstancePolicy, roots: Sequence[Path], workspace_id: str) -> InstancePolicy:
    """`policy` with the file roots of one workspace: `<root>/<workspace id>` for each root."""
    if not _FOLDER_NAME.fullmatch(workspace_id):
        raise ValueError(f"{workspace_id!r} cannot name a folder")
    return dataclasses.replace(policy, file_roots=tuple(root / workspace_id for root in roots))


def file_in_folder(path: str, policy: InstancePolicy, *, create_folder: bool = False) -> Path:
    """The resolved path of a datasource's file, or `FileNotAllowed` when it leaves its folders.

    `create_folder` creates the folder the file lies in (a fresh instance has none), for
    datasources that may create their file.
    """
    folders = policy.file_roots
    if not folders:
        raise FileNotAllowed(
            "This instance allows no files for datasources.",
            "The instance administrator sets the folders with LOWCRAFT_SQLITE_ROOTS.",
        )
    given = Path(path)
    resolved = (given if given.is_absolute() else folders[0] / given).resolve()
    for folder in folders:
        folder = folder.resolve()
        if resolved.is_relative_to(folder) and resolved != folder:
            if create_folder:
                folder.mkdir(parents=True, exist_ok=True)
            return resolved
    # The message names the path as given: the resolved one would show the server's folders.
    raise FileNotAllowed(f"'{path}' is outside this workspace's folder for datasource files.", OUTSIDE_HINT)
