"""A datasource in a response never carries a stored secret: its response model masks them."""

from __future__ import annotations

from lowcraft.connectors.secrets import MASK
from lowcraft.datasources.schemas import DatasourceOut


def test_a_datasource_response_masks_secrets_whatever_the_route_hands_it() -> None:
    out = DatasourceOut.model_validate({
        "id": "d1", "workspaceId": "w1", "name": "Orders", "connector": "postgres",
        "configs": {"production": {"host": "db.internal", "user": "app", "password": "hunter2"},
                    "staging": {"host": "db.staging", "password": ""}},
        "environments": ["production", "staging"], "updatedAt": "2026-12-06T00:00:00+00:00",
    })
    sent = out.model_dump(mode="json", by_alias=True)
    assert sent["configs"]["production"] == {"host": "db.internal", "user": "app", "password": MASK}
    assert sent["configs"]["staging"]["password"] == ""  # nothing stored, nothing to hide
    assert "hunter2" not in str(sent)
