"""Actions: binding parameter values into stored queries and executing them through connectors."""

from lowcraft.actions.binding import BoundQuery, bind_query, bind_sql
from lowcraft.actions.execution import (
    MASK,
    check_datasource,
    datasource_structure,
    execute_action,
    mask_secrets,
    merge_secrets,
    secret_fields,
)

__all__ = [
    "MASK",
    "BoundQuery",
    "bind_query",
    "bind_sql",
    "check_datasource",
    "datasource_structure",
    "execute_action",
    "mask_secrets",
    "merge_secrets",
    "secret_fields",
]
