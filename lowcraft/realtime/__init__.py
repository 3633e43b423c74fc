"""Real-time: the `/api/v1/ws` WebSocket for co-editing (one Yjs document per application, held
with pycrdt), presence and live viewers. docs/realtime.md has the protocol.

Nothing here loads at start: `app.py` mounts the endpoint lazily, and pycrdt loads with the first
connection.
"""
