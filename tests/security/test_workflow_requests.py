"""Security, workflow requests: a run waiting for a decision goes on only when one of the
request's assignees decides, whatever the role of whoever else asks. The permission matrix checks
the status each role gets; this checks that a refused decision changes nothing.

- Not assignees: the Developer who started the run, the workspace's (and instance's)
  administrator, anonymous callers, and a person named in `requestToUsers` who is not a member of
  the application's workspace.
- Requests assigned to others are not listed to a caller.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, Instance
from tests.workflows.conftest import add_workflow, start, wait_status

# The engine's backend plays no part here: one is enough.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

APPROVAL = """export default {
  async executeWorkflow() {
    const decision = await lowcraft.workflows.assignRequest({
      requestName: "Refund", resolutions: ["Approve", "Reject"],
      requestToUsers: ["approver@example.com", "stranger@example.com"],
    });
    return decision.resolution;
  }
}
"""


def test_only_an_assignee_who_is_a_member_resolves_a_request(instance: Instance, admin: Api, wf: dict[str, Any]) -> None:
    app = wf["app"]["id"]
    for email, role in (("approver@example.com", "viewer"), ("dev@example.com", "developer")):
        instance.user(email)
        admin.ok("POST", f"/api/v1/workspaces/{wf['ws']}/invites", 201, json={"email": email, "role": role})
    approver, developer = instance.user("approver@example.com"), instance.user("dev@example.com")
    stranger = instance.user("stranger@example.com")  # named in the request, not a member
    workflow = add_workflow(developer, wf, "Refunds", APPROVAL)
    run = start(developer, wf, workflow)
    wait_status(developer, wf, run["id"], "waiting")
    [request] = approver.ok("GET", f"/api/v1/applications/{app}/workflows/requests")["requests"]
    resolve = f"/api/v1/applications/{app}/workflows/requests/{request['id']}/resolve"

    refused = {
        "the developer who started it": (developer, 403),
        "the administrator": (admin, 403),
        "anonymous": (instance.anonymous(), 401),
        "a named non-member": (stranger, 404),
    }
    for who, (client, status) in refused.items():
        assert client.post(resolve, json={"resolution": "Approve"}).status_code == status, who
        if status != 401:
            listed = client.get(f"/api/v1/applications/{app}/workflows/requests")
            assert request["id"] not in listed.text, who
    assert wait_status(developer, wf, run["id"], "waiting")["status"] == "waiting"
    assert [r["id"] for r in approver.ok("GET", f"/api/v1/applications/{app}/workflows/requests")["requests"]] == [request["id"]]

    approver.ok("POST", resolve, json={"resolution": "Reject"})
    assert wait_status(developer, wf, run["id"], "succeeded")["output"] == "Reject"
