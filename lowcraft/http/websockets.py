"""uvicorn's WebSocket protocol for `lowcraft serve`, loaded with the first WebSocket upgrade.

Named by import string, uvicorn imports its WebSocket implementation (the `websockets` library,
some 20 modules) while it starts, before the app is ready: about 10 ms of every start
(bench/startup.py) for a protocol only co-editing and live viewers use (`/api/v1/ws`). Named as
`lowcraft.http.websockets:LazyWebSocketProtocol`, uvicorn imports only this small class, and
constructs it when a connection asks to upgrade: it builds the protocol uvicorn's "auto" would
have chosen.
"""

from __future__ import annotations

import asyncio
from typing import Any


class LazyWebSocketProtocol:
    """Stands in for uvicorn's `AutoWebSocketsProtocol`: constructing it constructs that."""

    def __new__(cls, *args: Any, **kwargs: Any) -> asyncio.Protocol:  # type: ignore[misc]
        from uvicorn.protocols.websockets.auto import AutoWebSocketsProtocol

        if AutoWebSocketsProtocol is None:  # neither `websockets` nor `wsproto` is installed
            raise RuntimeError("no WebSocket library: install 'websockets'")
        return AutoWebSocketsProtocol(*args, **kwargs)
