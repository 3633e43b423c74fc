"""Why a real-time connection is refused or closed: each error carries its WebSocket close code."""

from __future__ import annotations

from lowcraft.errors import LowcraftError


class ChannelClosed(LowcraftError):
    """The connection ends with `close_code` (docs/realtime.md lists them)."""

    close_code = 4400
    code = "realtime_closed"

    def __init__(self, message: str, close_code: int | None = None) -> None:
        super().__init__(message)
        if close_code is not None:
            self.close_code = close_code


class MalformedFrame(ChannelClosed):
    close_code = 4400
    code = "malformed_frame"


class FrameTooLarge(ChannelClosed):
    close_code = 4413
    code = "frame_too_large"


class TooManyConnections(ChannelClosed):
    close_code = 4409
    code = "too_many_connections"


class HeartbeatTimeout(ChannelClosed):
    close_code = 4408
    code = "heartbeat_timeout"


class SlowClient(ChannelClosed):
    close_code = 4429
    code = "slow_client"
