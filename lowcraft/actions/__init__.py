"""Actions: binding parameter values into stored queries and executing them through connectors."""

from lowcraft.actions.binding import BoundQuery, bind_query, bind_sql
from lowcraft.actions.execution import execute_action

__all__ = ["BoundQuery", "bind_query", "bind_sql", "execute_action"]
