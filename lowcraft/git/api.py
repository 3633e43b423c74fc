"""Routes: Git sync of one application (`/api/v1/applications/{id}/git/...`). Thin: each calls one
service function (`lowcraft.git.service`), which checks the role and audits."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Response
from pydantic import Field

from lowcraft.git import service
from lowcraft.git.schemas import (
    BranchCreated,
    BranchList,
    CommitResult,
    DeployKey,
    DiscardResult,
    GitConnectionOut,
    GitStatus,
    MergeOutcome,
    PendingMerge,
    PushResult,
)
from lowcraft.http import API_PREFIX
from lowcraft.http.deps import Ctx
from lowcraft.http.openapi import BODY, MEMBER, PARAMS, errors
from lowcraft.http.routing import DeferredRoute
from lowcraft.http.schemas import Body

router = APIRouter(prefix=API_PREFIX + "/applications/{application_id}/git", tags=["git"], route_class=DeferredRoute)

OPERATION = (*MEMBER, 409, 503)
"""A Git operation: the role, a conflicting state (uncommitted changes, a protected branch, a
pending merge, a rejected push), the application's lock held too long by another operation."""


class Connect(Body):
    remote_url: str = Field(alias="remoteUrl", max_length=2000, description="https://, http://, ssh:// or user@host:path.")
    auth: Literal["token", "ssh"] = Field(description="`token`: HTTPS with a token; `ssh`: the app's deploy key.")
    username: str = Field("", max_length=200, description="HTTPS user name (default x-access-token).")
    token: str = Field("", max_length=2000, description="Stored encrypted, never returned.")
    branch: str | None = Field(None, max_length=200, description="Default: the remote's main or master.")
    folder: str = Field("", max_length=300, description="The app's folder in the repository (several apps may share one).")
    use_repository: bool = Field(False, alias="useRepository",
                                 description="The folder holds a Lowcraft app: load it as the edit state.")
    host_key: str = Field("", alias="hostKey", max_length=20000, description=(
        "SSH: the server's host key as your Git host publishes it (known_hosts lines or `ssh-ed25519 AAAA...`); "
        "empty pins the key the server presents now (its fingerprint is returned to compare)."))


class HostKeyBody(Body):
    host_key: str = Field("", alias="hostKey", max_length=20000, description=(
        "The server's host key (known_hosts lines or `ssh-ed25519 AAAA...`); empty pins the key it presents now."))


class SettingsPatch(Body):
    auto_commit_on_publish: bool | None = Field(None, alias="autoCommitOnPublish")
    published_branch: str | None = Field(None, alias="publishedBranch", max_length=200)
    protected_branches: list[str] | None = Field(None, alias="protectedBranches", max_length=50,
                                                 description="Workspace administrators only.")


class CommitBody(Body):
    message: str = Field(max_length=5000)


class MergeBody(Body):
    source: str = Field(max_length=200, description="The branch merged into the current one.")


class BranchBody(Body):
    name: str = Field(max_length=200)
    source: str | None = Field(None, alias="from", max_length=200, description="Default: the current branch.")


class BranchName(Body):
    name: str = Field(max_length=200)


class BranchDelete(Body):
    name: str = Field(max_length=200)
    remote: bool = Field(False, description="Delete it on the remote too.")


class ConflictResolution(Body):
    conflict_id: str = Field(alias="conflictId", max_length=500)
    choice: Literal["mine", "theirs", "edit"]
    value: dict[str, Any] | None = Field(None, description="With `edit`: the entity's value (null deletes it).")


def _outcome(outcome: service.Outcome) -> dict[str, Any]:
    return {"result": outcome.result, "commit": outcome.commit, "conflicts": outcome.conflicts,
            **service.report_out(outcome.report)}


@router.get("", response_model=GitConnectionOut, responses=errors(*PARAMS, *MEMBER))
def get_connection(application_id: str, ctx: Ctx) -> dict[str, Any]:
    """The app's Git connection (`connected: false` when there is none)."""
    return service.get_connection(ctx, application_id)


@router.post("/deploy-key", status_code=201, response_model=DeployKey, responses=errors(*PARAMS, *MEMBER))
def create_deploy_key(application_id: str, ctx: Ctx) -> dict[str, Any]:
    """Make a new ed25519 deploy key for SSH remotes; returns its public key (the private key never leaves)."""
    return {"publicKey": service.create_deploy_key(ctx, application_id)}


@router.post("/connect", response_model=GitConnectionOut, responses=errors(*BODY, *OPERATION))
def connect(application_id: str, body: Connect, ctx: Ctx) -> dict[str, Any]:
    """Connect to a repository: a wrong token, an unreachable remote or a folder that is not a
    Lowcraft app is a 422 and changes nothing."""
    return service.connect(ctx, application_id, service.ConnectRequest(
        remote_url=body.remote_url, auth=body.auth, username=body.username, token=body.token,
        branch=body.branch, folder=body.folder, use_repository=body.use_repository, host_key=body.host_key,
    ))


@router.post("/host-key", response_model=GitConnectionOut, responses=errors(*BODY, *OPERATION))
def pin_host_key(application_id: str, body: HostKeyBody, ctx: Ctx) -> dict[str, Any]:
    """Re-pin the SSH server's host key (after the Git host really changed it): the key pasted, or
    the one the server presents now. It must let a connection through, else nothing changes (422)."""
    return service.pin_host_key(ctx, application_id, body.host_key)


@router.delete("", status_code=204, response_class=Response, responses=errors(*PARAMS, *OPERATION))
def disconnect(application_id: str, ctx: Ctx) -> Response:
    """Forget the repository; the app keeps its edit state."""
    service.disconnect(ctx, application_id)
    return Response(status_code=204)


@router.patch("/settings", response_model=GitConnectionOut, responses=errors(*BODY, *MEMBER))
def update_settings(application_id: str, body: SettingsPatch, ctx: Ctx) -> dict[str, Any]:
    """Auto-commit on publish and the published branch; protected branches (workspace administrators)."""
    return service.update_settings(ctx, application_id, body.changes(clearable=("publishedBranch",)))


@router.get("/status", response_model=GitStatus, responses=errors(*PARAMS, *OPERATION, 422))
def status(application_id: str, ctx: Ctx, fetch: bool = False) -> dict[str, Any]:
    """Entities changed since the head commit, and ahead/behind (`fetch=true` asks the remote first)."""
    return service.status(ctx, application_id, fetch=fetch)


@router.post("/commit", response_model=CommitResult, responses=errors(*BODY, *OPERATION))
def commit(application_id: str, body: CommitBody, ctx: Ctx) -> dict[str, Any]:
    """Commit the edit state to the current branch, the caller as author (refused on a protected branch)."""
    return service.commit(ctx, application_id, body.message)


@router.post("/push", response_model=PushResult, responses=errors(*PARAMS, *OPERATION, 422))
def push(application_id: str, ctx: Ctx) -> dict[str, Any]:
    """Push the current branch (409 when the remote has commits it lacks: pull first)."""
    return service.push(ctx, application_id)


@router.post("/pull", response_model=MergeOutcome, responses=errors(*PARAMS, *OPERATION, 422))
def pull(application_id: str, ctx: Ctx) -> dict[str, Any]:
    """Fetch and fast-forward or merge in memory; conflicts change nothing and wait for resolutions."""
    return _outcome(service.pull(ctx, application_id))


@router.post("/discard", response_model=DiscardResult, responses=errors(*PARAMS, *OPERATION, 422))
def discard(application_id: str, ctx: Ctx) -> dict[str, Any]:
    """Drop uncommitted changes: the edit state goes back to the head commit."""
    return service.discard(ctx, application_id)


@router.get("/branches", response_model=BranchList, responses=errors(*PARAMS, *OPERATION, 422))
def list_branches(application_id: str, ctx: Ctx, fetch: bool = False) -> dict[str, Any]:
    """Local and remote branches."""
    return {"branches": service.list_branches(ctx, application_id, fetch=fetch)}


@router.post("/branches", status_code=201, response_model=BranchCreated, responses=errors(*BODY, *OPERATION))
def create_branch(application_id: str, body: BranchBody, ctx: Ctx) -> dict[str, Any]:
    """A new branch from any branch's last commit (it is not switched to)."""
    return service.create_branch(ctx, application_id, body.name, body.source)


@router.post("/branches/switch", response_model=GitConnectionOut, responses=errors(*BODY, *OPERATION))
def switch_branch(application_id: str, body: BranchName, ctx: Ctx) -> dict[str, Any]:
    """Edit another branch: the current edit state is kept as its branch's."""
    return service.switch_branch(ctx, application_id, body.name)


@router.post("/branches/delete", status_code=204, response_class=Response, responses=errors(*BODY, *OPERATION))
def delete_branch(application_id: str, body: BranchDelete, ctx: Ctx) -> Response:
    """Delete a branch that is not current, default, published or protected."""
    service.delete_branch(ctx, application_id, body.name, remote=body.remote)
    return Response(status_code=204)


@router.post("/merge", response_model=MergeOutcome, responses=errors(*BODY, *OPERATION))
def merge(application_id: str, body: MergeBody, ctx: Ctx) -> dict[str, Any]:
    """Merge a branch into the current one (the way into a protected branch)."""
    return _outcome(service.merge(ctx, application_id, body.source))


@router.get("/merge", response_model=PendingMerge, responses=errors(*PARAMS, *MEMBER))
def get_merge(application_id: str, ctx: Ctx) -> dict[str, Any]:
    """The merge waiting for resolutions, with each conflict's mine and theirs."""
    return service.get_merge(ctx, application_id)


@router.post("/merge/resolve", response_model=PendingMerge, responses=errors(*BODY, *MEMBER))
def resolve(application_id: str, body: ConflictResolution, ctx: Ctx) -> dict[str, Any]:
    """Resolve one conflict: keep mine, take theirs, or edit (the value given)."""
    return service.resolve(ctx, application_id, body.conflict_id, body.choice, body.value)


@router.post("/merge/complete", response_model=MergeOutcome, responses=errors(*PARAMS, *OPERATION))
def complete_merge(application_id: str, ctx: Ctx) -> dict[str, Any]:
    """Finish the merge once every conflict is resolved (409 naming those that are not)."""
    return _outcome(service.complete_merge(ctx, application_id))


@router.post("/merge/abort", status_code=204, response_class=Response, responses=errors(*PARAMS, *MEMBER))
def abort_merge(application_id: str, ctx: Ctx) -> Response:
    """Drop the waiting merge; nothing in the app changed."""
    service.abort_merge(ctx, application_id)
    return Response(status_code=204)
