"""Version history of applications without Git: list, view, compare and restore published versions."""
