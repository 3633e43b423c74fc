"""Instance-level routes: health, readiness, version and the widget catalogue."""
