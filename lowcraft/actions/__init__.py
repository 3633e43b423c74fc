"""Actions: binding parameter values into stored queries and executing them through connectors.

A lazy package (`lowcraft.lazy`): the runner, binding and SQL parameters load with the first
execution, not when the server starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lowcraft.lazy import make_lazy

if TYPE_CHECKING:
    from lowcraft.actions.query_binding import BoundQuery, bind_query
    from lowcraft.actions.runner import execute_action
    from lowcraft.actions.sql_parameters import bind_sql

_HOMES = {
    "BoundQuery": "lowcraft.actions.query_binding",
    "bind_query": "lowcraft.actions.query_binding",
    "bind_sql": "lowcraft.actions.sql_parameters",
    "execute_action": "lowcraft.actions.runner",
}

make_lazy(__name__, _HOMES)

__all__ = ["BoundQuery", "bind_query", "bind_sql", "execute_action"]
