"""http"""

API_PREFIX = "/api/v1"
"""Every API route's path starts with this; the routers carry it, so the app adds their routes as they are."""
