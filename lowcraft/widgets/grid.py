"""The layout grid every container shares; a module of its own so page code can name it without
loading the manifest models."""

GRID_COLUMNS = 64
"""Every container lays out its children on a grid this many columns wide (rows are 10 px)."""
