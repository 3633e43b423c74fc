"""Datasources: a workspace's connections to its own databases and APIs, one config per environment."""
