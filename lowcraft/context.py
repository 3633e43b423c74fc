"""What a service call knows about its request: the store session, the caller and the instance."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from lowcraft.identity.models import User
from lowcraft.runtime import Runtime


@dataclass
class Context:
    runtime: Runtime
    db: Session
    user: User | None = None
    client_address: str = ""
    user_agent: str = ""
    session_token: str | None = None
    via: str = "anonymous"  # cookie | token | anonymous
    extra: dict[str, object] = field(default_factory=dict)

    def notify_edit(self, application_id: str, reason: str) -> None:
        """Tell open editors of the app, once this transaction commits, that its edit state changed."""
        self.runtime.notices.after_commit(
            self.db, {"kind": "edit", "applicationId": application_id, "reason": reason, "origin": self.extra.get("origin")}
        )
