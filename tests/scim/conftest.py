from tests.accounts.support import instance, session_settings, start

__all__ = ["instance", "session_settings", "start"]
