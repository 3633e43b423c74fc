"""Actions: binding parameter values into stored queries and executing them through connectors."""

from lowcraft.actions.query_binding import BoundQuery, bind_query
from lowcraft.actions.runner import execute_action
from lowcraft.actions.sql_parameters import bind_sql

__all__ = ["BoundQuery", "bind_query", "bind_sql", "execute_action"]
